//! New passwords: the organisation's policy, the common-password list and the last 12
//! passwords of the account; storing one keeps the history and unblocks the account.

use chrono::Utc;
use kring_shared::{
    FieldError,
    password::{MAX_PASSWORD_CHARS, PASSWORD_HISTORY, PasswordPolicy, PasswordRule},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::password,
    domain::NewPassword,
    entities::{password_history, password_reset, trusted_device, user},
    error::ApiError,
    services::{
        limits, lockout,
        me::organisation_of,
        security_log::{AuthEvent, ClientInfo},
    },
};

/// A hash fit to become an account's password. Only two ways make one: a typed password that
/// passed every rule ([`check_and_hash`]) or a password Kring generated itself
/// ([`StorableHash::of_generated`]); [`store`] takes nothing else, so no path can store a
/// password that skipped the rules.
#[derive(Clone, PartialEq, Eq)]
pub struct StorableHash(String);

impl StorableHash {
    /// The hash of a random password Kring made (a temporary password, an unusable one).
    pub async fn of_generated(secret: String) -> Result<StorableHash, ApiError> {
        Ok(StorableHash(password::hash(secret).await?))
    }

    /// A temporary password's hash that an earlier [`StorableHash::of_generated`] made and that
    /// waited in `user.reset_password_hash` until its first use.
    pub fn of_issued_temporary(hash: String) -> StorableHash {
        StorableHash(hash)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for StorableHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StorableHash(***)")
    }
}

/// Checks `candidate` for `account` (or for a new account) and returns its argon2id hash.
/// Every broken rule is reported, as a `validation_failed` error on `field`.
pub async fn check_and_hash(
    db: &impl ConnectionTrait,
    policy: PasswordPolicy,
    account: Option<&user::Model>,
    field: &str,
    candidate: &str,
) -> Result<StorableHash, ApiError> {
    let personal = account.map_or_else(Vec::new, |account| {
        vec![
            account.username.as_str(),
            account.first_name.as_str(),
            account.last_name.as_str(),
        ]
    });
    let refused = |rules: Vec<PasswordRule>| {
        ApiError::Validation(
            rules
                .into_iter()
                .map(|rule| FieldError {
                    field: field.to_owned(),
                    code: rule.error_code().to_owned(),
                })
                .collect(),
        )
    };
    let password = NewPassword::parse(candidate, policy, &personal).map_err(refused)?;
    if let Some(account) = account
        && was_used_recently(db, account, password.expose()).await?
    {
        return Err(refused(vec![PasswordRule::NotRecent]));
    }
    Ok(StorableHash(
        password::hash(password.expose().to_owned()).await?,
    ))
}

async fn was_used_recently(
    db: &impl ConnectionTrait,
    account: &user::Model,
    candidate: &str,
) -> Result<bool, ApiError> {
    // The history holds every stored password, the current one included; an account whose
    // password was set another way (demo data, import) has its current one checked too.
    let mut hashes: Vec<String> = password_history::Entity::find()
        .filter(password_history::Column::UserId.eq(account.id))
        .order_by_desc(password_history::Column::CreatedAt)
        .limit(PASSWORD_HISTORY as u64)
        .all(db)
        .await?
        .into_iter()
        .map(|entry| entry.password_hash)
        .collect();
    if !hashes.contains(&account.password_hash) {
        hashes.insert(0, account.password_hash.clone());
        hashes.truncate(PASSWORD_HISTORY);
    }
    for hash in hashes {
        if password::verify(candidate.to_owned(), hash).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Asks for the password again before a sensitive change (password, contact details, second
/// factor). This is a sign-in: tries are limited per user (counted before the password is
/// checked, so parallel guesses share one count), and a wrong password counts toward the
/// organisation's lockout like one typed at login.
pub async fn reauthenticate(
    db: &DatabaseConnection,
    account: &user::Model,
    current_password: &str,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let bucket = format!("reauthenticate:{}", account.id);
    limits::hit(db, &bucket, limits::REAUTHENTICATION).await?;
    let correct = current_password.chars().count() <= MAX_PASSWORD_CHARS
        && password::verify(current_password.to_owned(), account.password_hash.clone()).await?;
    if !correct {
        let organisation = organisation_of(db, account).await?;
        lockout::register_wrong_password(
            db,
            account,
            &organisation,
            AuthEvent::ReauthenticationFailed,
            origin,
        )
        .await?;
        return Err(ApiError::ReauthenticationFailed);
    }
    limits::clear(db, &bucket).await?;
    Ok(())
}

/// Stores `new_hash` as `user_id`'s password: keeps it in the history, clears the forced
/// change, the failure count and any block.
pub async fn store(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    new_hash: &StorableHash,
) -> Result<(), ApiError> {
    let new_hash = new_hash.as_str();
    let now = Utc::now();
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(new_hash))
        .col_expr(user::Column::PasswordChangedAt, Expr::value(now))
        .col_expr(user::Column::MustChangePassword, Expr::value(false))
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::FailedCodes, Expr::value(0))
        .col_expr(user::Column::Lockouts, Expr::value(0))
        .col_expr(
            user::Column::LockedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            user::Column::TemporaryPasswordExpiresAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    password_history::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        password_hash: Set(new_hash.to_owned()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    // Keep only what the rule needs.
    let keep: Vec<Uuid> = password_history::Entity::find()
        .filter(password_history::Column::UserId.eq(user_id))
        .order_by_desc(password_history::Column::CreatedAt)
        .limit(PASSWORD_HISTORY as u64)
        .all(db)
        .await?
        .into_iter()
        .map(|entry| entry.id)
        .collect();
    password_history::Entity::delete_many()
        .filter(password_history::Column::UserId.eq(user_id))
        .filter(password_history::Column::Id.is_not_in(keep))
        .exec(db)
        .await?;
    Ok(())
}

/// After a password reset or change: every other open reset link dies and remembered devices
/// are forgotten, so whoever held them needs the new password and a fresh code.
pub async fn forget_reset_links_and_devices(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<(), ApiError> {
    let now = Utc::now();
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    trusted_device::Entity::update_many()
        .col_expr(trusted_device::Column::RevokedAt, Expr::value(now))
        .filter(trusted_device::Column::UserId.eq(user_id))
        .filter(trusted_device::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    // A calendar subscription made with the old password ends with it too.
    crate::entities::calendar_feed::Entity::delete_many()
        .filter(crate::entities::calendar_feed::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
