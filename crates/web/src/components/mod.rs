//! Small reusable pieces of the interface.

pub mod attachments;
pub mod audit;
pub mod avatar;
pub mod failure;
pub mod form;
pub mod info_bar;
pub mod language_switch;
pub mod live;
pub mod new_password;
pub mod photo;
pub mod save_file;
pub mod shell;
pub mod tabs;

/// The locale whose conventions `language` follows.
fn locale(language: kring_shared::me::Language) -> &'static str {
    match language {
        kring_shared::me::Language::Nl => "nl-NL",
        kring_shared::me::Language::En => "en-GB",
    }
}

/// `Intl` options from name/value pairs.
fn intl_options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (name, value) in pairs {
        let _ = js_sys::Reflect::set(&options, &(*name).into(), &(*value).into());
    }
    options
}

/// A date in the language's own long form: Dutch `29 november 2026`, English
/// `29 November 2026` (the browser's `Intl`, so no month names in the wasm).
pub fn long_date(language: kring_shared::me::Language, date: chrono::NaiveDate) -> String {
    date_in(
        language,
        date,
        &[("day", "numeric"), ("month", "long"), ("year", "numeric")],
    )
}

/// A day with its weekday: Dutch `dinsdag 1 december`, English `Tuesday 1 December`.
pub fn day_name(language: kring_shared::me::Language, date: chrono::NaiveDate) -> String {
    date_in(
        language,
        date,
        &[("weekday", "long"), ("day", "numeric"), ("month", "long")],
    )
}

/// A date formatted by the browser's `Intl` with `options`.
pub fn date_in(
    language: kring_shared::me::Language,
    date: chrono::NaiveDate,
    options: &[(&str, &str)],
) -> String {
    use chrono::Datelike;
    let options = intl_options(options);
    // Noon, so no time zone can move it to another day.
    let at = js_sys::Date::new_with_year_month_day_hr(
        u32::try_from(date.year()).unwrap_or_default(),
        i32::try_from(date.month0()).unwrap_or_default(),
        i32::try_from(date.day()).unwrap_or_default(),
        12,
    );
    String::from(at.to_locale_date_string(locale(language), &options))
}

fn js_date(at: chrono::DateTime<chrono::Utc>) -> js_sys::Date {
    // Milliseconds since the epoch fit an f64 exactly for any realistic date.
    #[allow(clippy::cast_precision_loss)]
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ))
}

/// A moment in the browser's time zone, in the language's own long form: Dutch
/// `29 november 2026 om 14:05`, English `29 November 2026 at 14:05`.
pub fn date_time(
    language: kring_shared::me::Language,
    at: chrono::DateTime<chrono::Utc>,
) -> String {
    let options = intl_options(&[("dateStyle", "long"), ("timeStyle", "short")]);
    String::from(js_date(at).to_locale_string(locale(language), &options))
}

/// The hour and minute of a moment in the browser's time zone: `14:05` (the same in both
/// languages).
pub fn time_of_day(at: chrono::DateTime<chrono::Utc>) -> String {
    let date = js_date(at);
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// The catalog key for the API's field error `code` on `field` (contact-detail forms).
pub fn field_error_key(errors: &[(String, String)], field: &str) -> Option<&'static str> {
    let (_, code) = errors.iter().find(|(name, _)| name == field)?;
    Some(match (field, code.as_str()) {
        ("mobile", "not_mobile") => "contact.error.not_mobile",
        ("mobile", "country_not_allowed") => "contact.error.country_not_allowed",
        ("mobile", _) => "contact.error.mobile_invalid",
        ("email", "in_use") => "users.error.email_in_use",
        ("email", "required") => "contact.error.email_required",
        ("email", _) => "forgot.error.email_invalid",
        ("gender", _) => "users.error.gender",
        (_, "too_long") => "users.error.too_long",
        (_, "invalid_characters") => "users.error.name_characters",
        _ => "users.error.required",
    })
}

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
