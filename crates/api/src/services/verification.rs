//! *Apparaat verificatie*: a login from an unknown device needs a 6-digit code sent by SMS to
//! the account's mobile number. The code comes from the OS CSPRNG, is stored hashed with its
//! attempt, lives at most the organisation's minutes (≤ 10), works once, allows 5 wrong tries,
//! and can be sent again after a cooldown. A verified device can be trusted for the
//! organisation's number of days: a random token in an HttpOnly cookie, stored hashed, which
//! the user can see and forget.

use chrono::{DateTime, Duration, Utc};
use kring_shared::{
    auth::{SecondFactorChallenge, VerificationChallenge, VerificationChannel},
    me::Language,
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    auth::secret,
    domain::MobileNumber,
    entities::{login_attempt, organisation, trusted_device, user},
    error::ApiError,
    messages,
    services::{
        limits, lockout,
        security_log::{self, AuthEvent, ClientInfo},
    },
    sms::SmsSender,
};

/// Wrong codes allowed before a new code is needed.
pub const MAX_CODE_ATTEMPTS: i32 = 5;
/// Seconds between two sends.
pub const RESEND_COOLDOWN_SECONDS: i64 = 30;
/// Codes sent per login attempt at most.
pub const MAX_SENDS: i32 = 5;
/// How long the whole login attempt may take.
pub const ATTEMPT_MINUTES: i64 = 15;

/// A code never lives longer than 10 minutes, whatever the setting says.
pub fn code_lifetime(organisation: &organisation::Model) -> Duration {
    Duration::minutes(i64::from(
        organisation.verification_code_minutes.clamp(1, 10),
    ))
}

/// The trusted device behind `token` for `account`, if it is still trusted.
pub async fn trusted_device(
    db: &DatabaseConnection,
    account: &user::Model,
    token: Option<&str>,
) -> Result<Option<trusted_device::Model>, ApiError> {
    let Some(token) = token.filter(|token| !token.is_empty()) else {
        return Ok(None);
    };
    let now = Utc::now();
    Ok(trusted_device::Entity::find()
        .filter(trusted_device::Column::TokenHash.eq(secret::hash_token(token)))
        .filter(trusted_device::Column::UserId.eq(account.id))
        .one(db)
        .await?
        .filter(|device| device.revoked_at.is_none() && device.expires_at > now))
}

/// Opens a login attempt for `account`; `device_verified` when no code is needed.
pub async fn open_attempt(
    db: &DatabaseConnection,
    account: &user::Model,
    device_verified: bool,
) -> Result<(login_attempt::Model, String), ApiError> {
    let token = secret::random_token();
    let now = Utc::now();
    let attempt = login_attempt::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(account.id),
        token_hash: Set(secret::hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(ATTEMPT_MINUTES)),
        device_verified: Set(device_verified),
        code_hash: Set(None),
        code_expires_at: Set(None),
        code_attempts: Set(0),
        code_sent_at: Set(None),
        code_sends: Set(0),
        completed_at: Set(None),
        pending_mobile: Set(None),
    }
    .insert(db)
    .await?;
    Ok((attempt, token))
}

/// The open attempt behind `token`.
pub async fn find_attempt(
    db: &DatabaseConnection,
    token: &str,
) -> Result<login_attempt::Model, ApiError> {
    let now = Utc::now();
    login_attempt::Entity::find()
        .filter(login_attempt::Column::TokenHash.eq(secret::hash_token(token)))
        .one(db)
        .await?
        .filter(|attempt| attempt.completed_at.is_none() && attempt.expires_at > now)
        .ok_or(ApiError::LoginAttemptExpired)
}

/// Starts verification: a new attempt and the first code.
pub async fn start(
    db: &DatabaseConnection,
    sms: &SmsSender,
    account: &user::Model,
    organisation: &organisation::Model,
    origin: &ClientInfo,
) -> Result<VerificationChallenge, ApiError> {
    let (attempt, token) = open_attempt(db, account, false).await?;
    let mobile = account.mobile.clone().unwrap_or_default();
    if account.totp_enabled_at.is_some() {
        return Ok(challenge(token, account, organisation, &mobile));
    }
    send_code(db, sms, account, organisation, &attempt, &mobile, origin).await?;
    Ok(challenge(token, account, organisation, &mobile))
}

/// An account without a second factor (no mobile number, no authenticator app) gets no
/// session from its password alone: it chooses a mobile number first, proves it with the
/// code sent to it, and only then goes on.
pub async fn start_setup(
    db: &DatabaseConnection,
    account: &user::Model,
) -> Result<SecondFactorChallenge, ApiError> {
    let (_, token) = open_attempt(db, account, false).await?;
    Ok(SecondFactorChallenge {
        attempt_token: token,
        expires_in: (ATTEMPT_MINUTES * 60) as u32,
    })
}

/// The mobile number chosen in the set-up step: checked (a mobile number of an allowed
/// country), kept on the attempt, and sent the first code. Changing it again waits for the
/// resend cooldown and counts toward the attempt's sends.
pub async fn choose_mobile(
    db: &DatabaseConnection,
    sms: &SmsSender,
    token: &str,
    mobile: &str,
    origin: &ClientInfo,
) -> Result<VerificationChallenge, ApiError> {
    let attempt = find_attempt(db, token).await?;
    if attempt.device_verified {
        return Err(ApiError::LoginAttemptExpired);
    }
    let (account, organisation) = owner(db, &attempt).await?;
    if account.mobile.is_some() || account.totp_enabled_at.is_some() {
        return Err(ApiError::LoginAttemptExpired);
    }
    let mobile = MobileNumber::parse(mobile, &organisation.allowed_mobile_countries)
        .map_err(|code| ApiError::invalid("mobile", code))?
        .into_string();
    if let Some(sent) = attempt.code_sent_at {
        let wait = RESEND_COOLDOWN_SECONDS - (Utc::now() - sent).num_seconds();
        if wait > 0 {
            return Err(ApiError::RateLimited {
                retry_after: u64::try_from(wait).unwrap_or(1),
            });
        }
    }
    if attempt.code_sends >= MAX_SENDS {
        return Err(ApiError::LoginAttemptExpired);
    }
    limits::hit(
        db,
        &format!("second-factor-numbers:{}", account.id),
        limits::MOBILE_CHANGES_PER_DAY,
    )
    .await?;
    send_code(db, sms, &account, &organisation, &attempt, &mobile, origin).await?;
    Ok(challenge(
        token.to_owned(),
        &account,
        &organisation,
        &mobile,
    ))
}

/// A mobile number shown by its last two digits only ("•• ••• •• 78").
pub fn phone_hint(number: &str) -> String {
    let digits: String = number
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("•• ••• •• {digits}")
}

/// A code's lifetime and the organisation's name, for the text of an SMS.
pub fn code_message(
    language: Language,
    organisation: &organisation::Model,
    code: &str,
    purpose: CodePurpose,
) -> String {
    let minutes = code_lifetime(organisation).num_minutes().to_string();
    let key = match purpose {
        CodePurpose::Login => "sms.code.login",
        CodePurpose::NewMobile => "sms.code.new_mobile",
    };
    messages::text(
        language,
        key,
        &[
            ("organisation", &organisation.name),
            ("code", code),
            ("minutes", &minutes),
        ],
    )
}

/// What an SMS code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    /// *Apparaat verificatie* at login.
    Login,
    /// Proving a new mobile number before it is saved.
    NewMobile,
}

fn challenge(
    token: String,
    account: &user::Model,
    organisation: &organisation::Model,
    mobile: &str,
) -> VerificationChallenge {
    let totp = account.totp_enabled_at.is_some();
    VerificationChallenge {
        attempt_token: token,
        channel: if totp {
            VerificationChannel::Totp
        } else {
            VerificationChannel::Sms
        },
        phone_hint: phone_hint(mobile),
        code_expires_in: u32::try_from(code_lifetime(organisation).num_seconds()).unwrap_or(600),
        resend_after: RESEND_COOLDOWN_SECONDS as u32,
        trusted_device_days: u32::try_from(Ord::max(organisation.trusted_device_days, 0))
            .unwrap_or(0),
    }
}

async fn send_code(
    db: &DatabaseConnection,
    sms: &SmsSender,
    account: &user::Model,
    organisation: &organisation::Model,
    attempt: &login_attempt::Model,
    mobile: &str,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    if mobile.is_empty() {
        return Err(anyhow::anyhow!("verification without a mobile number").into());
    }
    let code = secret::six_digit_code();
    let now = Utc::now();
    let lifetime = code_lifetime(organisation);
    // One conditional update takes the send: the cooldown and the count of sends are checked
    // by the database, so parallel "send again" requests cannot all get through. The number
    // chosen in the set-up step is stored with its code, never apart from it.
    let mut update = login_attempt::Entity::update_many()
        .col_expr(
            login_attempt::Column::CodeHash,
            Expr::value(secret::hash_code(&attempt.id.to_string(), &code)),
        )
        .col_expr(
            login_attempt::Column::CodeExpiresAt,
            Expr::value(now + lifetime),
        )
        .col_expr(login_attempt::Column::CodeAttempts, Expr::value(0))
        .col_expr(login_attempt::Column::CodeSentAt, Expr::value(now))
        .col_expr(
            login_attempt::Column::CodeSends,
            Expr::col(login_attempt::Column::CodeSends).add(1),
        )
        .filter(login_attempt::Column::Id.eq(attempt.id))
        .filter(login_attempt::Column::CodeSends.lt(MAX_SENDS))
        .filter(
            sea_orm::Condition::any()
                .add(login_attempt::Column::CodeSentAt.is_null())
                .add(
                    login_attempt::Column::CodeSentAt
                        .lte(now - Duration::seconds(RESEND_COOLDOWN_SECONDS)),
                ),
        );
    if attempt.pending_mobile.is_some() || account.mobile.is_none() {
        update = update.col_expr(login_attempt::Column::PendingMobile, Expr::value(mobile));
    }
    if update.exec(db).await?.rows_affected != 1 {
        return Err(ApiError::RateLimited {
            retry_after: RESEND_COOLDOWN_SECONDS as u64,
        });
    }
    let message = code_message(account.language, organisation, &code, CodePurpose::Login);
    sms.send(mobile, &message).await?;
    security_log::record(db, AuthEvent::CodeSent, Some(account.id), None, origin).await?;
    Ok(())
}

/// "Geen code ontvangen?": a new code, after the cooldown, at most `MAX_SENDS` per attempt.
pub async fn resend(
    db: &DatabaseConnection,
    sms: &SmsSender,
    token: &str,
    origin: &ClientInfo,
) -> Result<VerificationChallenge, ApiError> {
    let attempt = find_attempt(db, token).await?;
    if attempt.device_verified {
        return Err(ApiError::LoginAttemptExpired);
    }
    let (account, organisation) = owner(db, &attempt).await?;
    if account.totp_enabled_at.is_some() {
        return Err(ApiError::InvalidCode(
            "Use the code from the authenticator app; no text message is sent.".to_owned(),
        ));
    }
    let now = Utc::now();
    if let Some(sent) = attempt.code_sent_at {
        let wait = RESEND_COOLDOWN_SECONDS - (now - sent).num_seconds();
        if wait > 0 {
            return Err(ApiError::RateLimited {
                retry_after: u64::try_from(wait).unwrap_or(1),
            });
        }
    }
    if attempt.code_sends >= MAX_SENDS {
        return Err(ApiError::LoginAttemptExpired);
    }
    let mobile = attempt
        .pending_mobile
        .clone()
        .or_else(|| account.mobile.clone())
        .unwrap_or_default();
    send_code(db, sms, &account, &organisation, &attempt, &mobile, origin).await?;
    Ok(challenge(
        token.to_owned(),
        &account,
        &organisation,
        &mobile,
    ))
}

/// What a correct code leads to.
pub struct Verified {
    pub attempt: login_attempt::Model,
    pub account: user::Model,
    pub organisation: organisation::Model,
    /// The new device cookie and when it expires, when the user chose to trust the device.
    pub device: Option<(String, DateTime<Utc>, Uuid)>,
}

/// Checks `code` for the attempt behind `token`.
pub async fn verify(
    db: &DatabaseConnection,
    sealer: &crate::auth::seal::Sealer,
    token: &str,
    code: &str,
    trust_device: bool,
    origin: &ClientInfo,
) -> Result<Verified, ApiError> {
    let attempt = find_attempt(db, token).await?;
    if attempt.device_verified {
        return Err(ApiError::LoginAttemptExpired);
    }
    let (account, organisation) = owner(db, &attempt).await?;
    let now = Utc::now();
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let by_app = account.totp_enabled_at.is_some();
    let live_code = by_app
        || (attempt.code_hash.is_some()
            && attempt.code_expires_at.is_some_and(|expires| expires > now));
    // Take one of the attempt's tries before comparing: one conditional update, so parallel
    // guesses cannot all pass a check made on a stale count.
    let reserved = live_code
        && login_attempt::Entity::update_many()
            .col_expr(
                login_attempt::Column::CodeAttempts,
                Expr::col(login_attempt::Column::CodeAttempts).add(1),
            )
            .filter(login_attempt::Column::Id.eq(attempt.id))
            .filter(login_attempt::Column::DeviceVerified.eq(false))
            .filter(login_attempt::Column::CodeAttempts.lt(MAX_CODE_ATTEMPTS))
            .exec(db)
            .await?
            .rows_affected
            == 1;
    if !reserved {
        security_log::record(db, AuthEvent::CodeFailed, Some(account.id), None, origin).await?;
        return Err(ApiError::InvalidCode(
            "The code has expired or was tried too often; ask for a new code.".to_owned(),
        ));
    }
    let correct = if by_app {
        crate::services::totp::check_login_code(db, sealer, &account, &organisation, &code).await?
    } else {
        attempt.code_hash.clone().unwrap_or_default()
            == secret::hash_code(&attempt.id.to_string(), &code)
    };
    if !correct {
        let blocked = lockout::register_wrong_code(db, &account, &organisation, origin).await?;
        if blocked {
            return Err(ApiError::AccountLocked);
        }
        let used = login_attempt::Entity::find_by_id(attempt.id)
            .one(db)
            .await?
            .map_or(MAX_CODE_ATTEMPTS, |fresh| fresh.code_attempts);
        let left = MAX_CODE_ATTEMPTS - used;
        return Err(ApiError::InvalidCode(if left > 0 {
            format!("The code is not correct; {left} tries left.")
        } else {
            "The code was tried too often; ask for a new code.".to_owned()
        }));
    }
    lockout::clear_wrong_codes(db, &account).await?;
    // Used: clear the code so it cannot be tried again, mark the device verified.
    let claimed = login_attempt::Entity::update_many()
        .col_expr(login_attempt::Column::DeviceVerified, Expr::value(true))
        .col_expr(
            login_attempt::Column::CodeHash,
            Expr::value(Option::<String>::None),
        )
        .filter(login_attempt::Column::Id.eq(attempt.id))
        .filter(login_attempt::Column::DeviceVerified.eq(false))
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ApiError::LoginAttemptExpired);
    }
    security_log::record(db, AuthEvent::CodeVerified, Some(account.id), None, origin).await?;
    // The set-up step: the number just proven becomes the account's second factor.
    if let Some(mobile) = &attempt.pending_mobile {
        user::Entity::update_many()
            .col_expr(user::Column::Mobile, Expr::value(mobile.as_str()))
            .filter(user::Column::Id.eq(account.id))
            .filter(user::Column::Mobile.is_null())
            .exec(db)
            .await?;
        security_log::record(db, AuthEvent::MobileChanged, Some(account.id), None, origin).await?;
    }
    let device = if trust_device && organisation.trusted_device_days > 0 {
        let device_token = secret::random_token();
        let expires = now + Duration::days(i64::from(organisation.trusted_device_days));
        let id = Uuid::new_v4();
        trusted_device::ActiveModel {
            id: Set(id),
            user_id: Set(account.id),
            token_hash: Set(secret::hash_token(&device_token)),
            label: Set(origin
                .user_agent
                .clone()
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect()),
            created_at: Set(now),
            last_used_at: Set(now),
            expires_at: Set(expires),
            revoked_at: Set(None),
        }
        .insert(db)
        .await?;
        Some((device_token, expires, id))
    } else {
        None
    };
    let attempt = login_attempt::Entity::find_by_id(attempt.id)
        .one(db)
        .await?
        .ok_or(ApiError::LoginAttemptExpired)?;
    Ok(Verified {
        attempt,
        account,
        organisation,
        device,
    })
}

async fn owner(
    db: &DatabaseConnection,
    attempt: &login_attempt::Model,
) -> Result<(user::Model, organisation::Model), ApiError> {
    let account = user::Entity::find_by_id(attempt.user_id)
        .one(db)
        .await?
        .filter(|account| !account.is_locked(Utc::now()))
        .ok_or(ApiError::LoginAttemptExpired)?;
    let organisation = crate::services::me::organisation_of(db, &account).await?;
    Ok((account, organisation))
}

/// The user's remembered devices that are still trusted, newest first.
pub async fn list_devices(
    db: &DatabaseConnection,
    account: &user::Model,
    current_session: Uuid,
) -> Result<Vec<kring_shared::auth::TrustedDeviceSummary>, ApiError> {
    use sea_orm::QueryOrder;
    let now = Utc::now();
    let current_device = crate::entities::session::Entity::find_by_id(current_session)
        .one(db)
        .await?
        .and_then(|session| session.device_id);
    Ok(trusted_device::Entity::find()
        .filter(trusted_device::Column::UserId.eq(account.id))
        .filter(trusted_device::Column::RevokedAt.is_null())
        .filter(trusted_device::Column::ExpiresAt.gt(now))
        .order_by_desc(trusted_device::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|device| kring_shared::auth::TrustedDeviceSummary {
            current: Some(device.id) == current_device,
            id: device.id,
            label: device.label,
            created_at: device.created_at,
            last_used_at: device.last_used_at,
            expires_at: device.expires_at,
        })
        .collect())
}

/// Forgets one of the user's devices: the next login there needs a code again. Another
/// user's device is "not found".
pub async fn forget_device(
    db: &DatabaseConnection,
    account: &user::Model,
    device_id: Uuid,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let forgotten = trusted_device::Entity::update_many()
        .col_expr(trusted_device::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(trusted_device::Column::Id.eq(device_id))
        .filter(trusted_device::Column::UserId.eq(account.id))
        .filter(trusted_device::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if forgotten.rows_affected != 1 {
        return Err(ApiError::NotFound);
    }
    security_log::record(
        db,
        AuthEvent::DeviceForgotten,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    Ok(())
}

/// Notes that a remembered device was used for a login.
pub async fn touch_device(db: &DatabaseConnection, device_id: Uuid) -> Result<(), ApiError> {
    trusted_device::Entity::update_many()
        .col_expr(trusted_device::Column::LastUsedAt, Expr::value(Utc::now()))
        .filter(trusted_device::Column::Id.eq(device_id))
        .exec(db)
        .await?;
    Ok(())
}
