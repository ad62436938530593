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

/// The ISO 3166 country of an E.164 number, e.g. `NL`.
pub fn country_of(e164: &str) -> Option<String> {
    let number = phonenumber::parse(None, e164).ok()?;
    let id = number.country().id()?;
    Some(AsRef::<str>::as_ref(&id).to_owned())
}

/// Whether `e164` belongs to one of the organisation's allowed countries (comma-separated
/// ISO codes); the field-error code `country_not_allowed` otherwise. SMS to far-away
/// numbers cost money and are the usual way of "SMS pumping".
pub fn check_country(e164: &str, allowed: &str) -> Result<(), &'static str> {
    let country = country_of(e164).ok_or("country_not_allowed")?;
    let allowed = allowed
        .split(',')
        .map(str::trim)
        .any(|code| code.eq_ignore_ascii_case(&country));
    if allowed {
        Ok(())
    } else {
        Err("country_not_allowed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_outside_the_allowed_countries_are_refused() {
        assert_eq!(country_of("+31612345678").as_deref(), Some("NL"));
        assert_eq!(check_country("+32470123456", "NL,BE,DE"), Ok(()));
        assert_eq!(check_country("+31612345678", "nl"), Ok(()));
        assert_eq!(
            check_country("+447400123456", "NL,BE,DE"),
            Err("country_not_allowed")
        );
    }

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
