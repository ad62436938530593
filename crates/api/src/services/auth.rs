//! Login: checks the password (against a dummy hash for unknown users, so timing reveals
//! nothing), opens a session and issues an access token for it.

use chrono::{Duration, Utc};
use kring_shared::auth::AccessToken;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::{TokenService, password},
    entities::{client_contact, organisation, session, user},
    error::ApiError,
};

/// The longest password accepted (ASVS: allow at least 64, never truncate).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// The longest username.
pub const MAX_USERNAME_CHARS: usize = 64;

/// Where a login comes from, for the session record.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// Normalises a username as typed: trimmed, lower case.
pub fn normalise_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// Checks `username` and `password` and opens a session.
pub async fn login(
    db: &DatabaseConnection,
    tokens: &TokenService,
    username: &str,
    password: &str,
    origin: ClientInfo,
) -> Result<AccessToken, ApiError> {
    let username = normalise_username(username);
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(("username", "required"));
    } else if username.chars().count() > MAX_USERNAME_CHARS {
        errors.push(("username", "too_long"));
    }
    if password.is_empty() {
        errors.push(("password", "required"));
    } else if password.chars().count() > MAX_PASSWORD_CHARS {
        errors.push(("password", "too_long"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(
            errors
                .into_iter()
                .map(|(field, code)| kring_shared::FieldError {
                    field: field.to_owned(),
                    code: code.to_owned(),
                })
                .collect(),
        ));
    }

    let account = user::Entity::find()
        .filter(user::Column::Username.eq(username.as_str()))
        .one(db)
        .await?;
    let stored_hash = match &account {
        Some(account) => account.password_hash.clone(),
        None => password::dummy_hash().await?,
    };
    let matches = password::verify(password.to_owned(), stored_hash).await?;
    let account = match account {
        Some(account) if matches => account,
        _ => {
            tracing::info!(event = "login_failed", "login failed");
            return Err(ApiError::InvalidCredentials);
        }
    };

    let organisation = organisation::Entity::find_by_id(account.organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("user without organisation"))?;
    let now = Utc::now();
    let session_id = Uuid::new_v4();
    let lifetime = Duration::hours(i64::from(organisation.session_lifetime_hours.max(1)));

    let txn = db.begin().await?;
    session::ActiveModel {
        id: Set(session_id),
        user_id: Set(account.id),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        revoked_at: Set(None),
        ip_address: Set(origin.ip_address.map(|ip| truncate(&ip, 64))),
        user_agent: Set(origin.user_agent.map(|agent| truncate(&agent, 512))),
    }
    .insert(&txn)
    .await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(now))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    client_contact::Entity::update_many()
        .col_expr(client_contact::Column::LastLoginAt, Expr::value(now))
        .filter(client_contact::Column::UserId.eq(account.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;

    tracing::info!(event = "login_succeeded", user_id = %account.id, session_id = %session_id, "login succeeded");
    Ok(AccessToken {
        access_token: tokens.issue(account.id, session_id)?,
        token_type: "Bearer".to_owned(),
        expires_in: tokens.lifetime_seconds(),
    })
}

/// Ends `session_id` at once: every access token issued for it stops working.
pub async fn logout(db: &DatabaseConnection, session_id: Uuid) -> Result<(), ApiError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    tracing::info!(event = "logout", session_id = %session_id, "session ended");
    Ok(())
}

fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_and_case_insensitive() {
        assert_eq!(normalise_username("  Marieke "), "marieke");
    }
}
