//! Mobile numbers as people type them (06-12345678, +31 6 1234 5678, 0031 6 …, with spaces or
//! dashes), parsed with Google's libphonenumber metadata (the `phonenumber` crate), Dutch by
//! default, and stored in E.164. A fixed-line number is refused: codes go by SMS.

use phonenumber::{Mode, Type, country, metadata::DATABASE};

/// Why a typed number was refused; the API's field-error code.
pub fn normalise_mobile(raw: &str) -> Result<String, &'static str> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("required");
    }
    let candidate = match trimmed.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => trimmed.to_owned(),
    };
    let number = phonenumber::parse(Some(country::Id::NL), &candidate).map_err(|_| "invalid")?;
    if !number.is_valid() {
        return Err("invalid");
    }
    match number.number_type(&DATABASE) {
        Type::Mobile | Type::FixedLineOrMobile => Ok(number.format().mode(Mode::E164).to_string()),
        _ => Err("not_mobile"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_ways_of_writing_a_mobile_number_become_e164() {
        for typed in [
            "06-12345678",
            "06 1234 5678",
            "+31 6 1234 5678",
            "0031612345678",
            "+31612345678",
        ] {
            assert_eq!(
                normalise_mobile(typed),
                Ok("+31612345678".to_owned()),
                "{typed}"
            );
        }
    }

    #[test]
    fn fixed_lines_and_nonsense_are_refused_with_a_reason() {
        assert_eq!(normalise_mobile("020-5551234"), Err("not_mobile"));
        assert_eq!(normalise_mobile("12"), Err("invalid"));
        assert_eq!(normalise_mobile("  "), Err("required"));
    }

    #[test]
    fn a_foreign_mobile_number_is_kept_in_e164() {
        assert_eq!(
            normalise_mobile("+32 470 12 34 56"),
            Ok("+32470123456".to_owned())
        );
    }
}
