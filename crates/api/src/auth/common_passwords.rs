//! The list of common passwords no policy accepts (OWASP ASVS 6.2.4): over 30,000 entries,
//! compiled into the binary from `data/common-passwords.txt`.

use std::{collections::HashSet, sync::OnceLock};

static LIST: &str = include_str!("../../data/common-passwords.txt");

fn set() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        LIST.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    })
}

/// Whether `password`, ignoring case, is on the list.
pub fn is_common(password: &str) -> bool {
    set().contains(password.to_lowercase().as_str())
}

/// How many entries the list has.
pub fn len() -> usize {
    set().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_at_least_ten_thousand_entries() {
        assert!(len() >= 10_000, "{}", len());
    }

    #[test]
    fn well_known_and_dutch_passwords_are_common_in_any_case() {
        for password in ["123456", "Password1", "Welkom01", "WACHTWOORD", "Zomer2026"] {
            assert!(is_common(password), "{password}");
        }
        assert!(!is_common("Kring-Demo-2026"));
        assert!(!is_common("Zonnebloem-2026"));
    }
}
