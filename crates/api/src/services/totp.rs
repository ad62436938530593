//! The authenticator app (TOTP, RFC 6238), the stronger alternative to the SMS code: enrolled
//! in *Profielinstellingen* after asking for the password again, with a QR code of the
//! otpauth URI and ten one-time recovery codes (stored hashed). Once enabled, a login from an
//! unknown device asks for the app's code instead of sending an SMS.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::Utc;
use kring_shared::auth::{TotpEnabled, TotpSetup};
use qrcode::{QrCode, render::svg};
use rand::{Rng, RngCore, TryRngCore, rngs::OsRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use crate::{
    auth::{seal::Sealer, secret},
    entities::{organisation, recovery_code, user},
    error::ApiError,
    services::{
        limits,
        me::organisation_of,
        passwords,
        security_log::{self, AuthEvent, ClientInfo},
    },
};

/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

fn totp_for(
    account: &user::Model,
    organisation: &organisation::Model,
    secret_b32: &str,
) -> Result<TOTP, ApiError> {
    let bytes = Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|error| anyhow::anyhow!("stored TOTP secret unreadable: {error:?}"))?;
    let issuer = organisation.name.replace(':', " ");
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(issuer),
        account.username.clone(),
    )
    .map_err(|error| ApiError::Internal(anyhow::anyhow!("TOTP setup failed: {error}")))
}

/// Starts enrolment: a new secret, its otpauth URI and QR code. Not active until confirmed.
pub async fn setup(
    db: &DatabaseConnection,
    sealer: &Sealer,
    account: &user::Model,
    current_password: &str,
    origin: &ClientInfo,
) -> Result<TotpSetup, ApiError> {
    passwords::reauthenticate(db, account, current_password, origin).await?;
    if account.totp_enabled_at.is_some() {
        return Err(ApiError::invalid("totp", "already_enabled"));
    }
    let organisation = organisation_of(db, account).await?;
    let mut raw = vec![0u8; 20];
    OsRng.unwrap_err().fill_bytes(&mut raw);
    let encoded = match Secret::Raw(raw).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => return Err(anyhow::anyhow!("secret encoding failed").into()),
    };
    let totp = totp_for(account, &organisation, &encoded)?;
    let uri = totp.get_url();
    let svg_xml = QrCode::new(uri.as_bytes())
        .map_err(|error| anyhow::anyhow!("QR code failed: {error}"))?
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .build();
    user::Entity::update_many()
        .col_expr(
            user::Column::TotpSecret,
            Expr::value(seal_secret(sealer, account.id, &encoded)?),
        )
        .filter(user::Column::Id.eq(account.id))
        .exec(db)
        .await?;
    Ok(TotpSetup {
        secret: encoded,
        otpauth_uri: uri,
        qr_code: format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg_xml)),
    })
}

/// Confirms enrolment with a first code from the app; returns the recovery codes (shown once).
pub async fn confirm(
    db: &DatabaseConnection,
    sealer: &Sealer,
    account: &user::Model,
    code: &str,
    origin: &ClientInfo,
) -> Result<TotpEnabled, ApiError> {
    let pending = secret_of(sealer, account)?
        .filter(|_| account.totp_enabled_at.is_none())
        .ok_or_else(|| ApiError::invalid("totp", "not_started"))?;
    let organisation = organisation_of(db, account).await?;
    // Counted before comparing, atomically: parallel guesses share the tries.
    let bucket = format!("totp-enrolment:{}", account.id);
    limits::hit(db, &bucket, limits::TOTP_ENROLMENT_CODES).await?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp_for(account, &organisation, &pending)?;
    let Some(step) = matching_step(&totp, &code) else {
        return Err(ApiError::InvalidCode(
            "The code from the app is not correct.".to_owned(),
        ));
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code_text()).collect();
    let txn = crate::db::begin_write(db).await?;
    user::Entity::update_many()
        .col_expr(user::Column::TotpEnabledAt, Expr::value(Utc::now()))
        // The enrolment code cannot be used again to log in.
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(account.id))
        .exec(&txn)
        .await?;
    for code in &codes {
        recovery_code::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(account.id),
            code_hash: Set(recovery_hash(account.id, code)),
            used_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    security_log::record(&txn, AuthEvent::TotpEnabled, Some(account.id), None, origin).await?;
    txn.commit().await?;
    Ok(TotpEnabled {
        recovery_codes: codes,
    })
}

/// Turns the app off (the SMS code is used again); needs the password.
pub async fn disable(
    db: &DatabaseConnection,
    account: &user::Model,
    current_password: &str,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    passwords::reauthenticate(db, account, current_password, origin).await?;
    let txn = crate::db::begin_write(db).await?;
    user::Entity::update_many()
        .col_expr(
            user::Column::TotpSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            user::Column::TotpEnabledAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(account.id))
        .exec(&txn)
        .await?;
    security_log::record(
        &txn,
        AuthEvent::TotpDisabled,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The time step `code` belongs to, allowing one step of clock drift either way.
fn matching_step(totp: &TOTP, code: &str) -> Option<i64> {
    let now = u64::try_from(Utc::now().timestamp()).unwrap_or(0);
    [now.saturating_sub(30), now, now + 30]
        .into_iter()
        .find(|time| totp.generate(*time) == code)
        .map(|time| i64::try_from(time / 30).unwrap_or(i64::MAX))
}

/// Whether `code` is the app's current code or an unused recovery code (which is then used).
pub async fn check_login_code(
    db: &DatabaseConnection,
    sealer: &Sealer,
    account: &user::Model,
    organisation: &organisation::Model,
    code: &str,
) -> Result<bool, ApiError> {
    let Some(secret_b32) = secret_of(sealer, account)? else {
        return Ok(false);
    };
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() == 6 && compact.chars().all(|c| c.is_ascii_digit()) {
        let totp = totp_for(account, organisation, &secret_b32)?;
        let Some(step) = matching_step(&totp, &compact) else {
            return Ok(false);
        };
        // Claim the step: a code (or an older one) that was already used is refused.
        let claimed = user::Entity::update_many()
            .col_expr(user::Column::TotpLastStep, Expr::value(step))
            .filter(user::Column::Id.eq(account.id))
            .filter(
                sea_orm::Condition::any()
                    .add(user::Column::TotpLastStep.is_null())
                    .add(user::Column::TotpLastStep.lt(step)),
            )
            .exec(db)
            .await?;
        return Ok(claimed.rows_affected == 1);
    }
    let hash = recovery_hash(account.id, &compact);
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Utc::now()))
        .filter(recovery_code::Column::UserId.eq(account.id))
        .filter(recovery_code::Column::CodeHash.eq(hash))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(used.rows_affected == 1)
}

/// Marks a sealed secret in the `totp_secret` column; anything else is a legacy plain one.
const SEALED_PREFIX: &str = "v1:";

fn seal_context(user_id: Uuid) -> String {
    format!("totp-secret:{user_id}")
}

fn seal_secret(sealer: &Sealer, user_id: Uuid, secret_b32: &str) -> Result<String, ApiError> {
    Ok(format!(
        "{SEALED_PREFIX}{}",
        sealer.seal(secret_b32.as_bytes(), &seal_context(user_id))?
    ))
}

/// The account's authenticator secret in clear, if it has one.
fn secret_of(sealer: &Sealer, account: &user::Model) -> Result<Option<String>, ApiError> {
    let Some(stored) = account.totp_secret.as_deref() else {
        return Ok(None);
    };
    let Some(sealed) = stored.strip_prefix(SEALED_PREFIX) else {
        return Ok(Some(stored.to_owned()));
    };
    let plain = sealer
        .open(sealed, &seal_context(account.id))
        .ok_or_else(|| {
            anyhow::anyhow!("an authenticator secret does not open with the data key")
        })?;
    Ok(Some(String::from_utf8(plain).map_err(anyhow::Error::from)?))
}

/// Seals the authenticator secrets still stored in clear (rows from before sealing); run at
/// start-up, so an existing database is migrated once.
pub async fn seal_plain_secrets(db: &DatabaseConnection, sealer: &Sealer) -> Result<(), ApiError> {
    let plain = user::Entity::find()
        .filter(user::Column::TotpSecret.is_not_null())
        .filter(user::Column::TotpSecret.not_like(format!("{SEALED_PREFIX}%")))
        .all(db)
        .await?;
    for account in plain {
        let Some(secret) = account.totp_secret.as_deref() else {
            continue;
        };
        user::Entity::update_many()
            .col_expr(
                user::Column::TotpSecret,
                Expr::value(seal_secret(sealer, account.id, secret)?),
            )
            .filter(user::Column::Id.eq(account.id))
            .filter(user::Column::TotpSecret.eq(secret))
            .exec(db)
            .await?;
    }
    Ok(())
}

fn recovery_code_text() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = OsRng.unwrap_err();
    let mut pick = || char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]);
    let first: String = (0..5).map(|_| pick()).collect();
    let second: String = (0..5).map(|_| pick()).collect();
    format!("{first}-{second}")
}

fn recovery_hash(user_id: Uuid, code: &str) -> String {
    let normal: String = code
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    secret::hash_code(&user_id.to_string(), &normal)
}
