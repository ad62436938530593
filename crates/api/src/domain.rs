//! Parse, don't validate: the values people type that Kring checks, as types that are always
//! valid once made. Each `parse` answers the field-error code the API sends when it refuses
//! (`required`, `invalid`, `too_long` …); `validation::Checks::parse` collects them per field.

use std::fmt;

use crate::services::phone;

/// An e-mail address, trimmed and in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// `required` when empty, `invalid` when it is not an address.
    pub fn parse(raw: &str) -> Result<EmailAddress, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("required");
        }
        let plausible = email.chars().count() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if plausible {
            Ok(EmailAddress(email))
        } else {
            Err("invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A first or last name, trimmed: 1–100 characters and nothing that could smuggle text into
/// Kring's e-mails — no line breaks or other control characters, no markup, no links (`://`,
/// `www.`, an `@`, or a dotted word such as `evil.example`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<PersonName, &'static str> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("required");
        }
        if name.chars().count() > 100 {
            return Err("too_long");
        }
        let lower = name.to_lowercase();
        let looks_like_link = lower.contains("://")
            || lower.contains("www.")
            || lower.contains('@')
            || lower.split_whitespace().any(|word| {
                word.rsplit_once('.').is_some_and(|(before, after)| {
                    !before.is_empty() && after.len() >= 2 && after.chars().all(char::is_alphabetic)
                })
            });
        if name.chars().any(char::is_control)
            || name.contains(['<', '>', '{', '}', '\\'])
            || looks_like_link
        {
            return Err("invalid_characters");
        }
        Ok(PersonName(name.to_owned()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A mobile number, in E.164, of one of the organisation's allowed countries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileNumber(String);

impl MobileNumber {
    /// A number as people type it (06-12345678, +32 470 …), refused when it is not a mobile
    /// number (`required`, `invalid`, `not_mobile`) or not of a country in `allowed_countries`
    /// (comma-separated ISO codes; `country_not_allowed`).
    pub fn parse(raw: &str, allowed_countries: &str) -> Result<MobileNumber, &'static str> {
        let number = phone::normalise_mobile(raw)?;
        phone::check_country(&number, allowed_countries)?;
        Ok(MobileNumber(number))
    }

    /// A number the organisation's own ECD sends: any country.
    pub fn parse_any_country(raw: &str) -> Result<MobileNumber, &'static str> {
        phone::normalise_mobile(raw).map(MobileNumber)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_lower_case_and_plausible() {
        assert_eq!(
            EmailAddress::parse("  Pieter@Example.NL ")
                .unwrap()
                .as_str(),
            "pieter@example.nl"
        );
        assert_eq!(EmailAddress::parse(""), Err("required"));
        for bad in [
            "daan@demo",
            "@example.nl",
            "a b@example.nl",
            "x@.nl",
            "x@nl.",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err("invalid"), "{bad}");
        }
    }

    #[test]
    fn names_are_names_and_nothing_that_could_travel_into_an_email() {
        for name in [
            "Marieke",
            "de Vries",
            "J.P.",
            "Anne-Fleur",
            "O'Neill",
            "Zoë",
        ] {
            assert!(PersonName::parse(name).is_ok(), "{name}");
        }
        for name in [
            "Jan\nKlik hier",
            "Jan\r\nBcc: x",
            "https://evil.example",
            "www.evil",
            "evil.example",
            "jan@evil.example",
            "<b>Jan</b>",
        ] {
            assert_eq!(
                PersonName::parse(name),
                Err("invalid_characters"),
                "{name:?}"
            );
        }
        assert_eq!(PersonName::parse("  "), Err("required"));
        assert_eq!(PersonName::parse(&"a".repeat(101)), Err("too_long"));
        assert_eq!(PersonName::parse(" Jan ").unwrap().into_string(), "Jan");
    }

    #[test]
    fn a_mobile_number_must_be_mobile_and_of_an_allowed_country() {
        assert_eq!(
            MobileNumber::parse("06-12345678", "NL,BE,DE")
                .unwrap()
                .as_str(),
            "+31612345678"
        );
        assert_eq!(MobileNumber::parse("020-5551234", "NL"), Err("not_mobile"));
        assert_eq!(
            MobileNumber::parse("+447400123456", "NL,BE,DE"),
            Err("country_not_allowed")
        );
        assert!(MobileNumber::parse_any_country("+447400123456").is_ok());
    }
}
