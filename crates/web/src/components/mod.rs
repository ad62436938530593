//! Small reusable pieces of the interface.

pub mod avatar;
pub mod info_bar;
pub mod language_switch;
pub mod new_password;
pub mod shell;

/// The six digits of an SMS code as typed (spaces allowed), or `None` when it is not six digits.
pub fn typed_code(raw: &str) -> Option<String> {
    let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == 6 && code.chars().all(|c| c.is_ascii_digit())).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::typed_code;

    #[test]
    fn a_code_is_six_digits_with_spaces_allowed() {
        assert_eq!(typed_code(" 123 456 "), Some("123456".to_owned()));
        assert_eq!(typed_code("12345"), None);
        assert_eq!(typed_code("12345a"), None);
        assert_eq!(typed_code("1234567"), None);
    }
}
