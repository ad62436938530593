//! One error type for every handler. Each variant maps to a stable `ErrorCode` and is sent as
//! RFC 9457 `application/problem+json`. Internal errors are logged and never leaked.

use actix_web::{
    HttpRequest, HttpResponse, ResponseError,
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::{StatusCode, header},
};
use kring_shared::{ErrorCode, FieldError, Problem};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid username or password")]
    InvalidCredentials,
    #[error("authentication required")]
    Unauthenticated,
    #[error("account locked")]
    AccountLocked,
    #[error("login attempt expired")]
    LoginAttemptExpired,
    #[error("temporary password expired")]
    TemporaryPasswordExpired,
    #[error("invalid code: {0}")]
    InvalidCode(String),
    #[error("reset link invalid")]
    ResetLinkInvalid,
    #[error("current password incorrect")]
    ReauthenticationFailed,
    #[error("rate limited for {retry_after} s")]
    RateLimited {
        /// Seconds until a new attempt may succeed; sent as `Retry-After`.
        retry_after: u64,
    },
    #[error("permission denied: {0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    /// The request conflicts with a rule about the current state (409).
    #[error("conflict: {1}")]
    Conflict(ErrorCode, String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// An upload that is not a photo we take (SVG, a renamed program, …).
    #[error("not a JPEG, PNG or WebP photo")]
    UnsupportedPhoto,
    #[error("larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A validation error for one field.
    pub fn invalid(field: &str, code: &str) -> ApiError {
        ApiError::Validation(vec![FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
        }])
    }

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
            ApiError::Unauthenticated => ErrorCode::AuthenticationRequired,
            ApiError::AccountLocked => ErrorCode::AccountLocked,
            ApiError::LoginAttemptExpired => ErrorCode::LoginAttemptExpired,
            ApiError::TemporaryPasswordExpired => ErrorCode::TemporaryPasswordExpired,
            ApiError::InvalidCode(_) => ErrorCode::InvalidCode,
            ApiError::ResetLinkInvalid => ErrorCode::ResetLinkInvalid,
            ApiError::ReauthenticationFailed => ErrorCode::ReauthenticationFailed,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Forbidden(_) => ErrorCode::PermissionDenied,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::Conflict(code, _) => *code,
            ApiError::Validation(_) => ErrorCode::ValidationFailed,
            ApiError::Malformed(_) => ErrorCode::MalformedRequest,
            ApiError::UnsupportedMediaType | ApiError::UnsupportedPhoto => {
                ErrorCode::UnsupportedMediaType
            }
            ApiError::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            ApiError::Unavailable => ErrorCode::ServiceUnavailable,
            ApiError::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// The problem+json body of this error.
    pub fn problem(&self) -> Problem {
        let detail = match self {
            ApiError::InvalidCredentials => Some(
                "The username or password is not correct. Too many wrong passwords block the \
                 account; 'forgot password' then gives access again."
                    .to_owned(),
            ),
            ApiError::TemporaryPasswordExpired => Some(
                "This temporary password no longer works. Ask for a new one with 'forgot \
                 password' or from the organisation's administrator."
                    .to_owned(),
            ),
            ApiError::Unauthenticated => {
                Some("Send a valid access token as `Authorization: Bearer …`.".to_owned())
            }
            ApiError::AccountLocked => Some(
                "The account is blocked after too many wrong passwords or codes. Choose a new \
                 password with 'forgot password' to unblock it at once."
                    .to_owned(),
            ),
            ApiError::LoginAttemptExpired => Some(
                "This login step has expired or was already completed; log in again.".to_owned(),
            ),
            ApiError::InvalidCode(why) => Some(why.clone()),
            ApiError::ResetLinkInvalid => Some(
                "The link is unknown, has expired or was already used; ask for a new one."
                    .to_owned(),
            ),
            ApiError::ReauthenticationFailed => {
                Some("The current password is not correct.".to_owned())
            }
            ApiError::RateLimited { retry_after } => Some(format!(
                "Too many attempts; try again in {retry_after} seconds."
            )),
            ApiError::Forbidden(why) | ApiError::Conflict(_, why) => Some(why.clone()),
            ApiError::Malformed(why) => Some(why.clone()),
            ApiError::Validation(_) => Some("One or more fields are invalid.".to_owned()),
            ApiError::UnsupportedPhoto => {
                Some("Send a JPEG, PNG or WebP photo as the request body.".to_owned())
            }
            ApiError::PayloadTooLarge(limit) => Some(format!(
                "The body is larger than {:.1} MB.",
                *limit as f64 / (1024.0 * 1024.0)
            )),
            ApiError::NotFound
            | ApiError::UnsupportedMediaType
            | ApiError::Unavailable
            | ApiError::Internal(_) => None,
        };
        let mut problem = Problem::new(self.code(), detail);
        if let ApiError::Validation(errors) = self {
            problem.errors = errors.clone();
        }
        problem
    }
}

/// The one place where a database rule broken by a racing request becomes a 409 problem
/// (`already_exists`) instead of a 500: two requests that both passed a "not taken yet"
/// check, of which the database lets exactly one write.
fn conflict_of(error: &sea_orm::DbErr) -> Option<ApiError> {
    match error.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Some(ApiError::Conflict(
            ErrorCode::AlreadyExists,
            "Another request saved the same thing at the same moment; reload and try again."
                .to_owned(),
        )),
        // What the row refers to was deleted by a racing request (a reply to a post deleted
        // at that moment): it is not there any more.
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => Some(ApiError::NotFound),
        _ => None,
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        conflict_of(&error).unwrap_or_else(|| ApiError::Internal(anyhow::Error::new(error)))
    }
}

impl ApiError {
    /// An internal error that is really a broken unique rule (it came through `anyhow`)
    /// becomes the conflict; everything else stays as it is.
    fn resolved(&self) -> Option<ApiError> {
        match self {
            ApiError::Internal(error) => error
                .chain()
                .find_map(|cause| cause.downcast_ref::<sea_orm::DbErr>())
                .and_then(conflict_of),
            _ => None,
        }
    }
}

/// Builds a problem+json response for `problem`.
pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .json(problem)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(conflict) = self.resolved() {
            return conflict.error_response();
        }
        if let ApiError::Internal(error) = self {
            tracing::error!(error = ?error, "internal error");
        }
        let mut response = problem_response(&self.problem());
        if let ApiError::RateLimited { retry_after } = self
            && let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if matches!(
            self,
            ApiError::Unauthenticated | ApiError::InvalidCredentials
        ) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Turns actix's JSON body errors (bad syntax, wrong shape, wrong media type, too large) into
/// problem+json instead of actix's plain text.
pub fn json_error_handler(error: JsonPayloadError, _request: &HttpRequest) -> actix_web::Error {
    let api_error = match &error {
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        JsonPayloadError::Deserialize(inner) if inner.is_data() => ApiError::Malformed(format!(
            "The JSON body does not have the expected shape: {inner}"
        )),
        JsonPayloadError::Deserialize(inner) => {
            ApiError::Malformed(format!("The body is not valid JSON: {inner}"))
        }
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::Malformed("The body is too large.".to_owned())
        }
        _ => ApiError::Malformed("The body could not be read.".to_owned()),
    };
    api_error.into()
}

/// Path parameter errors (e.g. a client id that is not a UUID) as problem+json.
pub fn path_error_handler(error: PathError, _request: &HttpRequest) -> actix_web::Error {
    ApiError::Malformed(format!("A path parameter is invalid: {error}")).into()
}

/// Query string errors as problem+json.
pub fn query_error_handler(error: QueryPayloadError, _request: &HttpRequest) -> actix_web::Error {
    ApiError::Malformed(format!("The query string is invalid: {error}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let error = ApiError::Internal(anyhow::anyhow!("password column missing"));
        let problem = error.problem();
        assert_eq!(problem.status, 500);
        assert_eq!(problem.detail, None);
    }

    #[test]
    fn validation_errors_list_the_fields() {
        let problem = ApiError::invalid("username", "required").problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "username");
    }
}
