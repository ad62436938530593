//! Field checks shared by the services: each collects every problem with its field name and
//! fails with all of them at once, as one `validation_failed` problem.

use kring_shared::FieldError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Collects field errors and fails with all of them at once.
#[derive(Default)]
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    /// The value `parsed` made (a domain type such as `EmailAddress`), or its refusal noted
    /// under `field`.
    pub fn parse<T>(
        &mut self,
        field: impl Into<String>,
        parsed: Result<T, &'static str>,
    ) -> Option<T> {
        parsed.map_err(|code| self.fail(field, code)).ok()
    }

    pub fn fail(&mut self, field: impl Into<String>, code: &str) {
        self.0.push(FieldError {
            field: field.into(),
            code: code.to_owned(),
        });
    }

    /// A required text of at most `max` characters; returns it trimmed.
    pub fn text(&mut self, field: impl Into<String>, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, "required");
        } else if value.chars().count() > max {
            self.fail(field, "too_long");
        }
        value.to_owned()
    }

    /// An optional text: blank becomes `None`.
    pub fn optional(
        &mut self,
        field: impl Into<String>,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let value = value.map(str::trim).filter(|value| !value.is_empty())?;
        if value.chars().count() > max {
            self.fail(field, "too_long");
        }
        Some(value.to_owned())
    }

    /// An optional https address of at most 500 characters: blank becomes `None`.
    pub fn https_url(&mut self, field: impl Into<String>, value: Option<&str>) -> Option<String> {
        let url = value.map(str::trim).filter(|url| !url.is_empty())?;
        if !url.starts_with("https://") || url.len() > 500 || url.contains(char::is_whitespace) {
            self.fail(field, "invalid");
        }
        Some(url.to_owned())
    }

    pub fn id(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(field, "required");
        } else if value.chars().count() > 100 || value.chars().any(char::is_control) {
            self.fail(field, "invalid");
        }
    }

    pub fn done(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// Reads a JSON body as `T`, naming the field a value does not fit (`invalid`), under
/// `prefix` when the body sits inside another document (`data.` in a batch item).
pub fn typed<T: DeserializeOwned>(value: serde_json::Value, prefix: &str) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = match (path.as_str(), prefix) {
            (".", "") => "body".to_owned(),
            (".", prefix) => prefix.trim_end_matches('.').to_owned(),
            (path, prefix) => format!("{prefix}{path}"),
        };
        ApiError::Validation(vec![FieldError {
            field,
            code: "invalid".to_owned(),
        }])
    })
}
