//! The login lifecycle: password check with lockout, the forced password change of a first
//! login, changing the password, logout, and *Wachtwoord vergeten*.
//!
//! An unknown username is checked against a dummy hash, so it costs the same time as a wrong
//! password and gets the same answer (no user enumeration).
//!
//! One module per step: `login` (password, code, first password), `account` (changing the
//! password and contact details), `temporary` (temporary passwords), `reset` (*Wachtwoord
//! vergeten*).

use chrono::{Duration, Utc};
use kring_shared::{
    admin::{MailPurpose, ResetMode},
    auth::{
        ContactDetailsSaved, PasswordChangeChallenge, SecondFactorChallenge, VerificationChallenge,
    },
    me::AccountKind,
    password::MAX_PASSWORD_CHARS,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::{TokenService, password, secret},
    domain::{EmailAddress, MobileNumber},
    entities::{login_attempt, organisation, password_reset, user},
    error::ApiError,
    mail::{Email, Paragraph},
    messages,
    services::{
        limits, lockout,
        me::organisation_of,
        outbox,
        passwords::{self, StorableHash},
        security_log::{self, AuthEvent, ClientInfo},
        sessions::{self, IssuedTokens},
        verification,
    },
    sms::SmsSender,
    validation::Checks,
};

mod account;
mod login;
mod reset;
mod temporary;

pub use account::{change_contact_details, change_password};
pub use login::{LoginOutcome, first_password, login, verify_code};
pub use reset::{forgot_password, reset_link, reset_password};
use temporary::{TemporaryReason, temporary_password, temporary_password_email};
pub use temporary::{assign_temporary_password, issue_temporary_password};

/// The longest username.
pub const MAX_USERNAME_CHARS: usize = 64;

/// Normalises a username as typed: trimmed, lower case.
pub fn normalise_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// 3–64 characters: lower-case letters, digits, dot, dash, underscore; starts with a letter
/// or digit.
pub fn validate_username(name: &str) -> Result<(), ApiError> {
    let length = name.chars().count();
    if length < 3 {
        return Err(ApiError::invalid("username", "too_short"));
    }
    if length > MAX_USERNAME_CHARS {
        return Err(ApiError::invalid("username", "too_long"));
    }
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !allowed || !starts_well {
        return Err(ApiError::invalid("username", "invalid_characters"));
    }
    Ok(())
}

/// Ends `session_id` at once: every access token issued for it stops working.
pub async fn logout(
    db: &DatabaseConnection,
    user_id: Uuid,
    session_id: Uuid,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    sessions::revoke(db, session_id).await?;
    security_log::record(
        db,
        AuthEvent::Logout,
        Some(user_id),
        Some(session_id),
        origin,
    )
    .await?;
    Ok(())
}

/// Checks `candidate` against `organisation`'s policy and `account`'s history; its hash.
pub(super) async fn new_password_hash(
    db: &DatabaseConnection,
    account: &user::Model,
    organisation: &organisation::Model,
    candidate: &str,
) -> Result<StorableHash, ApiError> {
    passwords::check_and_hash(
        db,
        organisation.password_policy,
        Some(account),
        "new_password",
        candidate,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_and_case_insensitive() {
        assert_eq!(normalise_username("  Marieke "), "marieke");
    }

    #[test]
    fn usernames_allow_letters_digits_and_a_few_marks() {
        assert!(validate_username("a.jansen-2").is_ok());
        assert!(validate_username("ab").is_err());
        assert!(validate_username(".jansen").is_err());
        assert!(validate_username("jan sen").is_err());
    }
}
