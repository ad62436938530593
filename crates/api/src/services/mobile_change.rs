//! A new mobile number is proven before it is saved: the SMS code goes to the new number, and
//! only the right code (within the organisation's minutes, at most 5 wrong tries) moves the
//! number onto the account. Until then the old number keeps receiving login codes.

use chrono::Utc;
use kring_shared::auth::MobileVerification;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    auth::secret,
    entities::{mobile_change, organisation, user},
    error::ApiError,
    services::{
        limits,
        me::organisation_of,
        security_log::{self, AuthEvent, ClientInfo},
        verification::{
            CodePurpose, MAX_CODE_ATTEMPTS, MAX_SENDS, RESEND_COOLDOWN_SECONDS, code_lifetime,
            code_message, phone_hint,
        },
    },
    sms::SmsSender,
};

fn verification(mobile: &str, organisation: &organisation::Model) -> MobileVerification {
    MobileVerification {
        phone_hint: phone_hint(mobile),
        code_expires_in: u32::try_from(code_lifetime(organisation).num_seconds()).unwrap_or(600),
        resend_after: RESEND_COOLDOWN_SECONDS as u32,
    }
}

/// Sends a code to `mobile` (already in E.164) and keeps it as the user's pending change,
/// replacing an earlier one.
pub async fn start(
    db: &DatabaseConnection,
    sms: &SmsSender,
    account: &user::Model,
    mobile: &str,
    origin: &ClientInfo,
) -> Result<MobileVerification, ApiError> {
    let organisation = organisation_of(db, account).await?;
    crate::services::phone::check_country(mobile, &organisation.allowed_mobile_countries)
        .map_err(|code| ApiError::invalid("mobile", code))?;
    limits::hit(
        db,
        &format!("mobile-change-cooldown:{}", account.id),
        limits::MOBILE_CHANGE_COOLDOWN,
    )
    .await?;
    limits::hit(
        db,
        &format!("mobile-change-day:{}", account.id),
        limits::MOBILE_CHANGES_PER_DAY,
    )
    .await?;
    let id = Uuid::new_v4();
    let code = secret::six_digit_code();
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    mobile_change::Entity::delete_many()
        .filter(mobile_change::Column::UserId.eq(account.id))
        .exec(&txn)
        .await?;
    mobile_change::ActiveModel {
        id: Set(id),
        user_id: Set(account.id),
        mobile: Set(mobile.to_owned()),
        code_hash: Set(secret::hash_code(&id.to_string(), &code)),
        code_expires_at: Set(now + code_lifetime(&organisation)),
        code_attempts: Set(0),
        sent_at: Set(now),
        sends: Set(1),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    send(db, sms, account, &organisation, mobile, &code, origin).await?;
    Ok(verification(mobile, &organisation))
}

async fn send(
    db: &DatabaseConnection,
    sms: &SmsSender,
    account: &user::Model,
    organisation: &organisation::Model,
    mobile: &str,
    code: &str,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let message = code_message(account.language, organisation, code, CodePurpose::NewMobile);
    sms.send(mobile, &message).await?;
    security_log::record(
        db,
        AuthEvent::MobileCodeSent,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    Ok(())
}

async fn pending(
    db: &DatabaseConnection,
    account: &user::Model,
) -> Result<mobile_change::Model, ApiError> {
    mobile_change::Entity::find()
        .filter(mobile_change::Column::UserId.eq(account.id))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::InvalidCode(
                "No new mobile number waits for a code; save the number again.".to_owned(),
            )
        })
}

/// "Geen code ontvangen?" for the new number: a new code after the cooldown.
pub async fn resend(
    db: &DatabaseConnection,
    sms: &SmsSender,
    account: &user::Model,
    origin: &ClientInfo,
) -> Result<MobileVerification, ApiError> {
    let change = pending(db, account).await?;
    let now = Utc::now();
    let wait = RESEND_COOLDOWN_SECONDS - (now - change.sent_at).num_seconds();
    if wait > 0 {
        return Err(ApiError::RateLimited {
            retry_after: u64::try_from(wait).unwrap_or(1),
        });
    }
    if change.sends >= MAX_SENDS {
        return Err(ApiError::InvalidCode(
            "Too many codes were sent; save the number again.".to_owned(),
        ));
    }
    let organisation = organisation_of(db, account).await?;
    let code = secret::six_digit_code();
    mobile_change::Entity::update_many()
        .col_expr(
            mobile_change::Column::CodeHash,
            Expr::value(secret::hash_code(&change.id.to_string(), &code)),
        )
        .col_expr(
            mobile_change::Column::CodeExpiresAt,
            Expr::value(now + code_lifetime(&organisation)),
        )
        .col_expr(mobile_change::Column::CodeAttempts, Expr::value(0))
        .col_expr(mobile_change::Column::SentAt, Expr::value(now))
        .col_expr(mobile_change::Column::Sends, Expr::value(change.sends + 1))
        .filter(mobile_change::Column::Id.eq(change.id))
        .exec(db)
        .await?;
    send(
        db,
        sms,
        account,
        &organisation,
        &change.mobile,
        &code,
        origin,
    )
    .await?;
    Ok(verification(&change.mobile, &organisation))
}

/// Checks the code; the right one saves the new number.
pub async fn confirm(
    db: &DatabaseConnection,
    account: &user::Model,
    code: &str,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let change = pending(db, account).await?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    // One try is taken before comparing, in one conditional update: parallel guesses share
    // the five tries instead of each seeing a stale count.
    let reserved = change.code_expires_at > Utc::now()
        && mobile_change::Entity::update_many()
            .col_expr(
                mobile_change::Column::CodeAttempts,
                Expr::col(mobile_change::Column::CodeAttempts).add(1),
            )
            .filter(mobile_change::Column::Id.eq(change.id))
            .filter(mobile_change::Column::CodeAttempts.lt(MAX_CODE_ATTEMPTS))
            .exec(db)
            .await?
            .rows_affected
            == 1;
    if !reserved || secret::hash_code(&change.id.to_string(), &code) != change.code_hash {
        security_log::record(
            db,
            AuthEvent::MobileCodeFailed,
            Some(account.id),
            None,
            origin,
        )
        .await?;
        return Err(ApiError::InvalidCode(if reserved {
            "The code is not correct.".to_owned()
        } else {
            "The code has expired or was tried too often; ask for a new code.".to_owned()
        }));
    }
    let txn = crate::db::begin_write(db).await?;
    let claimed = mobile_change::Entity::delete_many()
        .filter(mobile_change::Column::Id.eq(change.id))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ApiError::InvalidCode(
            "The code was already used.".to_owned(),
        ));
    }
    user::Entity::update_many()
        .col_expr(user::Column::Mobile, Expr::value(change.mobile))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    security_log::record(
        &txn,
        AuthEvent::MobileChanged,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
