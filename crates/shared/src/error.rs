//! RFC 9457 problem details with Kring's stable error codes. The SPA translates the code; the
//! `title` and `detail` are for integrators reading raw responses.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable reason for a failed request. New codes may be added; existing
/// codes never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The username or password is wrong (deliberately not saying which).
    InvalidCredentials,
    /// No valid access token was sent.
    AuthenticationRequired,
    /// Too many wrong passwords in a row: the account is blocked until the password is reset
    /// (*Wachtwoord vergeten*) or an administrator sends a new one.
    AccountLocked,
    /// The pending login (verification or password change step) has expired or was already
    /// completed; log in again.
    LoginAttemptExpired,
    /// The password was right but it is a temporary password whose time has run out; ask for a
    /// new one (*Wachtwoord vergeten* or the organisation's administrator).
    TemporaryPasswordExpired,
    /// The verification code is wrong, expired or used up; see `detail`.
    InvalidCode,
    /// The password-reset link is unknown, expired or already used.
    ResetLinkInvalid,
    /// The current password, asked for again before a sensitive change, is wrong.
    ReauthenticationFailed,
    /// The token is valid but the user may not do this.
    PermissionDenied,
    /// The resource does not exist (or the user may not know it exists).
    NotFound,
    /// The HTTP method is not allowed on this path; see the `Allow` header.
    MethodNotAllowed,
    /// The body is not valid JSON or does not have the expected shape.
    MalformedRequest,
    /// The body is well-formed but a field is invalid; see `errors`.
    ValidationFailed,
    /// The body's media type is not supported (send `application/json`).
    UnsupportedMediaType,
    /// The body is larger than this endpoint takes (a photo over the configured size).
    PayloadTooLarge,
    /// Too many requests; try again later.
    RateLimited,
    /// The change would leave a client without a portal administrator (the *Instellingen*
    /// permission); give it to someone else first.
    LastAdministrator,
    /// This person is already a contact of the client.
    AlreadyContact,
    /// Another request saved the same thing (a name, an id that must be unique) at the same
    /// moment; reload and try again.
    AlreadyExists,
    /// The primary contact cannot be removed here; the care organisation appoints another one
    /// first.
    PrimaryContactProtected,
    /// The *Download* file is not ready yet, failed, or was removed after its time; make a
    /// new one.
    ExportNotReady,
    /// The database or another dependency is not available.
    ServiceUnavailable,
    /// Something went wrong on the server; it has been logged.
    InternalError,
}

impl ErrorCode {
    /// The stable snake_case name, also used as the last segment of the problem `type` URI.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::AuthenticationRequired => "authentication_required",
            ErrorCode::AccountLocked => "account_locked",
            ErrorCode::LoginAttemptExpired => "login_attempt_expired",
            ErrorCode::TemporaryPasswordExpired => "temporary_password_expired",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::ResetLinkInvalid => "reset_link_invalid",
            ErrorCode::ReauthenticationFailed => "reauthentication_failed",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::MalformedRequest => "malformed_request",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::LastAdministrator => "last_administrator",
            ErrorCode::AlreadyContact => "already_contact",
            ErrorCode::AlreadyExists => "already_exists",
            ErrorCode::PrimaryContactProtected => "primary_contact_protected",
            ErrorCode::ExportNotReady => "export_not_ready",
            ErrorCode::ServiceUnavailable => "service_unavailable",
            ErrorCode::InternalError => "internal_error",
        }
    }

    /// The HTTP status that goes with this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidCredentials
            | ErrorCode::AuthenticationRequired
            | ErrorCode::LoginAttemptExpired
            | ErrorCode::TemporaryPasswordExpired => 401,
            ErrorCode::AccountLocked => 423,
            ErrorCode::InvalidCode | ErrorCode::ReauthenticationFailed => 422,
            ErrorCode::ResetLinkInvalid => 410,
            ErrorCode::PermissionDenied => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::MalformedRequest => 400,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::LastAdministrator
            | ErrorCode::AlreadyContact
            | ErrorCode::AlreadyExists
            | ErrorCode::PrimaryContactProtected
            | ErrorCode::ExportNotReady => 409,
            ErrorCode::ServiceUnavailable => 503,
            ErrorCode::InternalError => 500,
        }
    }

    /// A short English summary, used as the problem `title`.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::InvalidCredentials => "Invalid username or password",
            ErrorCode::AuthenticationRequired => "Authentication required",
            ErrorCode::AccountLocked => "Account blocked",
            ErrorCode::LoginAttemptExpired => "Login attempt expired",
            ErrorCode::TemporaryPasswordExpired => "Temporary password expired",
            ErrorCode::InvalidCode => "Invalid verification code",
            ErrorCode::ResetLinkInvalid => "Reset link invalid",
            ErrorCode::ReauthenticationFailed => "Current password incorrect",
            ErrorCode::PermissionDenied => "Permission denied",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::MalformedRequest => "Malformed request",
            ErrorCode::ValidationFailed => "Validation failed",
            ErrorCode::UnsupportedMediaType => "Unsupported media type",
            ErrorCode::PayloadTooLarge => "Too large",
            ErrorCode::RateLimited => "Too many requests",
            ErrorCode::LastAdministrator => "Last portal administrator",
            ErrorCode::AlreadyContact => "Already a contact",
            ErrorCode::AlreadyExists => "Already exists",
            ErrorCode::PrimaryContactProtected => "Primary contact",
            ErrorCode::ExportNotReady => "Export not ready",
            ErrorCode::ServiceUnavailable => "Service unavailable",
            ErrorCode::InternalError => "Internal server error",
        }
    }
}

/// One invalid field in a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The JSON field name, e.g. `username`.
    pub field: String,
    /// A stable snake_case reason, e.g. `required` or `too_long`.
    pub code: String,
}

/// An RFC 9457 problem details body, sent as `application/problem+json` for every error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "type": "https://kring.nl/problems/permission_denied",
    "title": "Permission denied",
    "status": 403,
    "detail": "You do not have the dossier permission for this client.",
    "code": "permission_denied"
})))]
pub struct Problem {
    /// A URI naming the problem type; ends in the `code`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A human-readable explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable machine-readable error code.
    pub code: ErrorCode,
    /// The invalid fields, for `validation_failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The base of every problem `type` URI.
pub const PROBLEM_TYPE_BASE: &str = "https://kring.nl/problems/";

impl Problem {
    /// A problem for `code` with an optional detail.
    pub fn new(code: ErrorCode, detail: Option<String>) -> Self {
        Problem {
            problem_type: format!("{PROBLEM_TYPE_BASE}{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            detail,
            code,
            errors: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_serialises_with_rfc9457_member_names() {
        let problem = Problem::new(ErrorCode::NotFound, None);
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["type"], "https://kring.nl/problems/not_found");
        assert_eq!(json["status"], 404);
        assert_eq!(json["code"], "not_found");
        assert!(json.get("detail").is_none());
        assert!(json.get("errors").is_none());
    }

    #[test]
    fn code_names_match_their_serde_names() {
        for code in [
            ErrorCode::InvalidCredentials,
            ErrorCode::AuthenticationRequired,
            ErrorCode::AccountLocked,
            ErrorCode::LoginAttemptExpired,
            ErrorCode::TemporaryPasswordExpired,
            ErrorCode::InvalidCode,
            ErrorCode::ResetLinkInvalid,
            ErrorCode::ReauthenticationFailed,
            ErrorCode::PermissionDenied,
            ErrorCode::NotFound,
            ErrorCode::MethodNotAllowed,
            ErrorCode::MalformedRequest,
            ErrorCode::ValidationFailed,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::PayloadTooLarge,
            ErrorCode::RateLimited,
            ErrorCode::LastAdministrator,
            ErrorCode::AlreadyContact,
            ErrorCode::AlreadyExists,
            ErrorCode::PrimaryContactProtected,
            ErrorCode::ServiceUnavailable,
            ErrorCode::InternalError,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
