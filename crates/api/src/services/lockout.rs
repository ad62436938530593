//! Wrong passwords and wrong codes count toward blocking the account, whether they were typed
//! at login or to re-authenticate. The count is raised with one atomic update and read back in
//! the same write transaction, so parallel guesses cannot all see a low count. The
//! organisation chooses what a block means: until a password reset (the seeds) or temporary,
//! 15 minutes and doubling with every block in a row (ASVS 6.3.1).

use chrono::{DateTime, Duration, Utc};
use kring_shared::admin::LockoutMode;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    entities::{organisation, user},
    error::ApiError,
    services::{
        security_log::{self, AuthEvent, ClientInfo},
        sessions,
    },
};

/// Wrong verification codes for one account, across its login attempts, before it is blocked
/// (each attempt allows 5; a new login must not hand out fresh tries forever).
pub const MAX_FAILED_CODES: i32 = 10;
/// The first temporary block.
const FIRST_TEMPORARY_BLOCK_MINUTES: i64 = 15;
/// Doubling stops at this block (15 min × 2⁶ = 16 hours).
const MAX_DOUBLINGS: i32 = 6;

/// The end of a temporary block for an account that has been blocked `lockouts` times in a
/// row before.
pub fn temporary_block_end(now: DateTime<Utc>, lockouts: i32) -> DateTime<Utc> {
    let doublings = lockouts.clamp(0, MAX_DOUBLINGS);
    now + Duration::minutes(FIRST_TEMPORARY_BLOCK_MINUTES << doublings)
}

/// Adds one to the account's `counter` in the database (one statement, so parallel failures
/// all count) and reads the account back; `None` when it is gone.
async fn count_failure(
    txn: &DatabaseTransaction,
    account: &user::Model,
    counter: user::Column,
) -> Result<Option<user::Model>, ApiError> {
    user::Entity::update_many()
        .col_expr(counter, Expr::col(counter).add(1))
        .filter(user::Column::Id.eq(account.id))
        .exec(txn)
        .await?;
    Ok(user::Entity::find_by_id(account.id).one(txn).await?)
}

/// Counts a wrong password for `account`; the organisation's Nth in a row blocks it.
/// Returns whether this failure blocked the account.
pub async fn register_wrong_password(
    db: &DatabaseConnection,
    account: &user::Model,
    organisation: &organisation::Model,
    event: AuthEvent,
    origin: &ClientInfo,
) -> Result<bool, ApiError> {
    let txn = crate::db::begin_write(db).await?;
    let fresh = count_failure(&txn, account, user::Column::FailedLogins)
        .await?
        .ok_or(ApiError::InvalidCredentials)?;
    security_log::record(&txn, event, Some(account.id), None, origin).await?;
    let threshold = i32::from(Ord::max(organisation.lockout_threshold, 1));
    let blocked = fresh.failed_logins >= threshold && !fresh.is_locked(Utc::now());
    if blocked {
        block(&txn, &fresh, organisation, origin).await?;
    }
    txn.commit().await?;
    Ok(blocked)
}

/// Counts a wrong verification code across login attempts; the `MAX_FAILED_CODES`th blocks
/// the account. Returns whether it did.
pub async fn register_wrong_code(
    db: &DatabaseConnection,
    account: &user::Model,
    organisation: &organisation::Model,
    origin: &ClientInfo,
) -> Result<bool, ApiError> {
    let txn = crate::db::begin_write(db).await?;
    let fresh = count_failure(&txn, account, user::Column::FailedCodes)
        .await?
        .ok_or(ApiError::LoginAttemptExpired)?;
    security_log::record(&txn, AuthEvent::CodeFailed, Some(account.id), None, origin).await?;
    let blocked = fresh.failed_codes >= MAX_FAILED_CODES && !fresh.is_locked(Utc::now());
    if blocked {
        block(&txn, &fresh, organisation, origin).await?;
    }
    txn.commit().await?;
    Ok(blocked)
}

/// A correct code: the count of wrong ones starts again.
pub async fn clear_wrong_codes(
    db: &impl ConnectionTrait,
    account: &user::Model,
) -> Result<(), ApiError> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedCodes, Expr::value(0))
        .filter(user::Column::Id.eq(account.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Blocks `account` as the organisation's lockout mode says and ends its sessions.
async fn block(
    txn: &impl ConnectionTrait,
    account: &user::Model,
    organisation: &organisation::Model,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let until = match organisation.lockout_mode {
        LockoutMode::UntilReset => None,
        LockoutMode::Temporary => Some(temporary_block_end(now, account.lockouts)),
    };
    user::Entity::update_many()
        .col_expr(user::Column::LockedAt, Expr::value(now))
        .col_expr(user::Column::LockedUntil, Expr::value(until))
        .col_expr(
            user::Column::Lockouts,
            Expr::col(user::Column::Lockouts).add(1),
        )
        .filter(user::Column::Id.eq(account.id))
        .exec(txn)
        .await?;
    sessions::revoke_all(txn, account.id, None).await?;
    security_log::record(
        txn,
        AuthEvent::AccountLocked,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    Ok(())
}

/// A temporary block that has run out is lifted (the count starts again, the doubling stays
/// until a login succeeds). Returns the account as it is now.
pub async fn lift_expired_block(
    db: &DatabaseConnection,
    account: user::Model,
) -> Result<user::Model, ApiError> {
    let now = Utc::now();
    if account.locked_at.is_none() || account.is_locked(now) {
        return Ok(account);
    }
    user::Entity::update_many()
        .col_expr(
            user::Column::LockedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::FailedCodes, Expr::value(0))
        .filter(user::Column::Id.eq(account.id))
        .filter(user::Column::LockedUntil.lte(now))
        .exec(db)
        .await?;
    Ok(user::Model {
        locked_at: None,
        locked_until: None,
        failed_logins: 0,
        failed_codes: 0,
        ..account
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_blocks_double_from_fifteen_minutes_up_to_sixteen_hours() {
        let now = Utc::now();
        assert_eq!(temporary_block_end(now, 0) - now, Duration::minutes(15));
        assert_eq!(temporary_block_end(now, 1) - now, Duration::minutes(30));
        assert_eq!(temporary_block_end(now, 2) - now, Duration::minutes(60));
        assert_eq!(temporary_block_end(now, 6) - now, Duration::hours(16));
        assert_eq!(temporary_block_end(now, 40) - now, Duration::hours(16));
    }
}
