//! Parse, don't validate: the values people type that Kring checks, as types that are always
//! valid once made. Each `parse` answers the field-error code the API sends when it refuses
//! (`required`, `invalid`, `too_long` …); `validation::Checks::parse` collects them per field.

use std::fmt;

use kring_shared::password::{MAX_PASSWORD_CHARS, PasswordPolicy, PasswordRule};

use crate::{auth::common_passwords, services::phone};

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

/// A new password that meets the organisation's rules, as typed. `Debug` masks it, so it cannot
/// reach a log. The account's last passwords are checked where the history is, in
/// `services::passwords::check_and_hash`, which is the only way to a storable hash.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// Every rule `raw` breaks: the policy's length and character classes, the common-password
    /// list, and being just one of `personal` (the username or the person's names).
    pub fn parse(
        raw: &str,
        policy: PasswordPolicy,
        personal: &[&str],
    ) -> Result<NewPassword, Vec<PasswordRule>> {
        let mut broken = policy.unmet_local_rules(raw);
        if raw.chars().count() <= MAX_PASSWORD_CHARS
            && (common_passwords::is_common(raw) || is_personal(raw, personal))
        {
            broken.push(PasswordRule::NotCommon);
        }
        if broken.is_empty() {
            Ok(NewPassword(raw.to_owned()))
        } else {
            Err(broken)
        }
    }

    /// The password itself, for hashing and the history check.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A password that is just the username or the person's name is as weak as a common one.
fn is_personal(candidate: &str, personal: &[&str]) -> bool {
    let lower = candidate.to_lowercase();
    let stripped: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    personal
        .iter()
        .map(|name| name.to_lowercase().replace(' ', ""))
        .any(|name| name.chars().count() >= 3 && (stripped == name || lower == name))
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
    fn a_new_password_names_every_rule_it_breaks_and_never_shows_itself() {
        let policy = PasswordPolicy::default();
        assert!(NewPassword::parse("Zonnebloem-2026-Kring", policy, &["marieke"]).is_ok());
        let short = NewPassword::parse("kort", policy, &[]).unwrap_err();
        assert!(short.contains(&PasswordRule::MinLength), "{short:?}");
        let own_name = NewPassword::parse("Marieke", policy, &["marieke"]).unwrap_err();
        assert!(own_name.contains(&PasswordRule::NotCommon), "{own_name:?}");
        let typed = NewPassword::parse("Zonnebloem-2026-Kring", policy, &[]).unwrap();
        assert_eq!(format!("{typed:?}"), "NewPassword(***)");
    }

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
