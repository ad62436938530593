//! The login lifecycle: password check with lockout, the forced password change of a first
//! login, changing the password, logout, and *Wachtwoord vergeten*.
//!
//! An unknown username is checked against a dummy hash, so it costs the same time as a wrong
//! password and gets the same answer (no user enumeration).

use chrono::{Duration, Utc};
use kring_shared::{
    admin::ResetMode,
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
        outbox, passwords,
        security_log::{self, AuthEvent, ClientInfo},
        sessions::{self, IssuedTokens},
        verification,
    },
    sms::SmsSender,
    validation::Checks,
};

/// The longest username.
pub const MAX_USERNAME_CHARS: usize = 64;

/// Normalises a username as typed: trimmed, lower case.
pub fn normalise_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// What a correct password leads to.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in.
    Authenticated(IssuedTokens),
    /// The password is temporary: a new one is needed first.
    PasswordChangeRequired(PasswordChangeChallenge),
    /// The device is unknown: a code went out by SMS.
    VerificationRequired(VerificationChallenge),
    /// The account has no second factor yet: a mobile number must be set up first.
    SecondFactorSetupRequired(SecondFactorChallenge),
}

/// Checks `username` and `password`; blocks the account after the organisation's number of
/// consecutive failures.
pub async fn login(
    db: &DatabaseConnection,
    tokens: &TokenService,
    sms: &SmsSender,
    username: &str,
    password: &str,
    device_token: Option<&str>,
    origin: &ClientInfo,
) -> Result<LoginOutcome, ApiError> {
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
    let Some(account) = account else {
        security_log::record(db, AuthEvent::LoginFailed, None, None, origin).await?;
        return Err(ApiError::InvalidCredentials);
    };
    let organisation = organisation_of(db, &account).await?;
    let account = lockout::lift_expired_block(db, account).await?;
    let (account, matches) = if matches {
        (account, true)
    } else {
        use_requested_temporary_password(db, account, password).await?
    };
    if account.is_locked(Utc::now()) {
        // A wrong password gets the one generic answer, blocked account or not: the answer
        // never confirms that an account exists. Only the right password hears "blocked" —
        // and only a few passwords per quarter hour are judged at all while the block lasts,
        // so the block cannot be used to go on guessing.
        security_log::record(
            db,
            AuthEvent::LoginWhileLocked,
            Some(account.id),
            None,
            origin,
        )
        .await?;
        let judged = limits::hit(
            db,
            &format!("judged-while-blocked:{}", account.id),
            limits::Limit::new(
                i32::from(Ord::max(organisation.lockout_threshold, 1)),
                15 * 60,
            ),
        )
        .await
        .is_ok();
        return Err(if matches && judged {
            ApiError::AccountLocked
        } else {
            ApiError::InvalidCredentials
        });
    }
    if !matches {
        lockout::register_wrong_password(
            db,
            &account,
            &organisation,
            AuthEvent::LoginFailed,
            origin,
        )
        .await?;
        return Err(ApiError::InvalidCredentials);
    }
    if account.must_change_password
        && account
            .temporary_password_expires_at
            .is_some_and(|expires| expires <= Utc::now())
    {
        security_log::record(
            db,
            AuthEvent::TemporaryPasswordExpired,
            Some(account.id),
            None,
            origin,
        )
        .await?;
        return Err(ApiError::TemporaryPasswordExpired);
    }

    // Every person account has a second factor: one without sets up a mobile number first.
    let second_factor = account.mobile.is_some() || account.totp_enabled_at.is_some();
    if !second_factor {
        let challenge = verification::start_setup(db, &account).await?;
        return Ok(LoginOutcome::SecondFactorSetupRequired(challenge));
    }
    // An unknown device first proves the account's mobile number.
    let device = verification::trusted_device(db, &account, device_token).await?;
    if device.is_none() {
        let challenge = verification::start(db, sms, &account, &organisation, origin).await?;
        return Ok(LoginOutcome::VerificationRequired(challenge));
    }
    if let Some(device) = &device {
        verification::touch_device(db, device.id).await?;
    }
    if account.must_change_password {
        let (_, token) = verification::open_attempt(db, &account, true).await?;
        return password_change_step(db, &account, &organisation, token, origin).await;
    }
    Ok(LoginOutcome::Authenticated(
        sessions::open(
            db,
            tokens,
            &account,
            &organisation,
            device.map(|d| d.id),
            origin,
        )
        .await?,
    ))
}

/// A temporary password asked for with *Wachtwoord vergeten* (the Laurens variant) that is
/// typed now becomes the account's password, to be replaced at once; the account as it is then.
async fn use_requested_temporary_password(
    db: &DatabaseConnection,
    account: user::Model,
    typed: &str,
) -> Result<(user::Model, bool), ApiError> {
    let Some(hash) = account.reset_password_hash.clone().filter(|_| {
        account
            .reset_password_expires_at
            .is_some_and(|at| at > Utc::now())
    }) else {
        return Ok((account, false));
    };
    if !password::verify(typed.to_owned(), hash.clone()).await? {
        return Ok((account, false));
    }
    let txn = crate::db::begin_write(db).await?;
    let claimed = user::Entity::update_many()
        .col_expr(
            user::Column::ResetPasswordHash,
            Expr::value(Option::<String>::None),
        )
        .filter(user::Column::Id.eq(account.id))
        .filter(user::Column::ResetPasswordHash.eq(hash.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok((account, false));
    }
    passwords::store(&txn, account.id, &hash).await?;
    user::Entity::update_many()
        .col_expr(user::Column::MustChangePassword, Expr::value(true))
        .col_expr(
            user::Column::TemporaryPasswordExpiresAt,
            Expr::value(account.reset_password_expires_at),
        )
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    sessions::revoke_all(&txn, account.id, None).await?;
    txn.commit().await?;
    let fresh = user::Entity::find_by_id(account.id)
        .one(db)
        .await?
        .ok_or(ApiError::InvalidCredentials)?;
    Ok((fresh, true))
}

async fn password_change_step(
    db: &DatabaseConnection,
    account: &user::Model,
    organisation: &organisation::Model,
    attempt_token: String,
    origin: &ClientInfo,
) -> Result<LoginOutcome, ApiError> {
    security_log::record(
        db,
        AuthEvent::PasswordChangeRequired,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    Ok(LoginOutcome::PasswordChangeRequired(
        PasswordChangeChallenge {
            attempt_token,
            may_choose_username: !account.username_chosen,
            username: account.username.clone(),
            password_policy: organisation.password_policy,
            expires_in: (verification::ATTEMPT_MINUTES * 60) as u32,
        },
    ))
}

/// Finishes the verification step: a temporary password still has to be replaced, otherwise
/// the session opens. Returns the outcome and the new trusted-device cookie, if any.
pub async fn verify_code(
    db: &DatabaseConnection,
    tokens: &TokenService,
    sealer: &crate::auth::seal::Sealer,
    attempt_token: &str,
    code: &str,
    trust_device: bool,
    origin: &ClientInfo,
) -> Result<(LoginOutcome, Option<(String, chrono::DateTime<Utc>)>), ApiError> {
    let verified =
        verification::verify(db, sealer, attempt_token, code, trust_device, origin).await?;
    let device_cookie = verified
        .device
        .as_ref()
        .map(|(token, expires, _)| (token.clone(), *expires));
    let device_id = verified.device.as_ref().map(|(_, _, id)| *id);
    if verified.account.must_change_password {
        let outcome = password_change_step(
            db,
            &verified.account,
            &verified.organisation,
            attempt_token.to_owned(),
            origin,
        )
        .await?;
        return Ok((outcome, device_cookie));
    }
    let claimed = login_attempt::Entity::update_many()
        .col_expr(login_attempt::Column::CompletedAt, Expr::value(Utc::now()))
        .filter(login_attempt::Column::Id.eq(verified.attempt.id))
        .filter(login_attempt::Column::CompletedAt.is_null())
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ApiError::LoginAttemptExpired);
    }
    let issued = sessions::open(
        db,
        tokens,
        &verified.account,
        &verified.organisation,
        device_id,
        origin,
    )
    .await?;
    Ok((LoginOutcome::Authenticated(issued), device_cookie))
}

/// Finishes a login that needed a new password: checks the policy, stores the password (and
/// the username, once) and opens the session.
pub async fn first_password(
    db: &DatabaseConnection,
    tokens: &TokenService,
    attempt_token: &str,
    new_password: &str,
    username: Option<&str>,
    origin: &ClientInfo,
) -> Result<IssuedTokens, ApiError> {
    let now = Utc::now();
    // The password step comes after the device step; it cannot be skipped to.
    let attempt = verification::find_attempt(db, attempt_token).await?;
    if !attempt.device_verified {
        return Err(ApiError::LoginAttemptExpired);
    }
    let account = user::Entity::find_by_id(attempt.user_id)
        .one(db)
        .await?
        .filter(|account| account.must_change_password && !account.is_locked(now))
        .ok_or(ApiError::LoginAttemptExpired)?;
    let organisation = organisation_of(db, &account).await?;

    let new_username = match username.map(normalise_username) {
        Some(name) if name != account.username => {
            if account.username_chosen {
                return Err(ApiError::invalid("username", "already_chosen"));
            }
            validate_username(&name)?;
            let taken = user::Entity::find()
                .filter(user::Column::Username.eq(name.as_str()))
                .one(db)
                .await?
                .is_some();
            if taken {
                return Err(ApiError::invalid("username", "taken"));
            }
            Some(name)
        }
        _ => None,
    };
    let hash = new_password_hash(db, &account, &organisation, new_password).await?;

    let txn = crate::db::begin_write(db).await?;
    let claimed = login_attempt::Entity::update_many()
        .col_expr(login_attempt::Column::CompletedAt, Expr::value(now))
        .filter(login_attempt::Column::Id.eq(attempt.id))
        .filter(login_attempt::Column::CompletedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ApiError::LoginAttemptExpired);
    }
    passwords::store(&txn, account.id, &hash).await?;
    if let Some(name) = &new_username {
        user::Entity::update_many()
            .col_expr(user::Column::Username, Expr::value(name.as_str()))
            .filter(user::Column::Id.eq(account.id))
            .exec(&txn)
            .await?;
        security_log::record(
            &txn,
            AuthEvent::UsernameChosen,
            Some(account.id),
            None,
            origin,
        )
        .await?;
    }
    // Whether or not a new name was typed, the one chance to choose is used now.
    user::Entity::update_many()
        .col_expr(user::Column::UsernameChosen, Expr::value(true))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    security_log::record(
        &txn,
        AuthEvent::PasswordChanged,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    txn.commit().await?;
    sessions::open(db, tokens, &account, &organisation, None, origin).await
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

/// Changes the password of a signed-in user: needs the current one, ends the user's other
/// sessions.
pub async fn change_password(
    db: &DatabaseConnection,
    account: &user::Model,
    current_session: Uuid,
    current_password: &str,
    new_password: &str,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    passwords::reauthenticate(db, account, current_password, origin).await?;
    let organisation = organisation_of(db, account).await?;
    let hash = new_password_hash(db, account, &organisation, new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    passwords::store(&txn, account.id, &hash).await?;
    passwords::forget_reset_links_and_devices(&txn, account.id).await?;
    let ended = sessions::revoke_all(&txn, account.id, Some(current_session)).await?;
    security_log::record(
        &txn,
        AuthEvent::PasswordChanged,
        Some(account.id),
        Some(current_session),
        origin,
    )
    .await?;
    if ended > 0 {
        security_log::record(
            &txn,
            AuthEvent::OtherSessionsEnded,
            Some(account.id),
            Some(current_session),
            origin,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Changes the e-mail address and mobile number after asking for the password again. The
/// e-mail address is saved at once; a new mobile number first gets a code (see
/// [`crate::services::mobile_change`]).
pub async fn change_contact_details(
    db: &DatabaseConnection,
    sms: &SmsSender,
    account: &user::Model,
    current_password: &str,
    email: &str,
    mobile: &str,
    origin: &ClientInfo,
) -> Result<ContactDetailsSaved, ApiError> {
    passwords::reauthenticate(db, account, current_password, origin).await?;
    let organisation = organisation_of(db, account).await?;
    let mut checks = Checks::default();
    let email = checks.parse("email", EmailAddress::parse(email));
    let mobile = checks.parse(
        "mobile",
        MobileNumber::parse(mobile, &organisation.allowed_mobile_countries),
    );
    checks.done()?;
    let email = email.map(EmailAddress::into_string).unwrap_or_default();
    let mobile = mobile.map(MobileNumber::into_string);
    // The code goes out first: when it may not be sent yet (cooldown, daily cap), nothing of
    // the form is saved.
    let mobile_verification = match mobile {
        Some(number) if account.mobile.as_deref() != Some(number.as_str()) => {
            Some(crate::services::mobile_change::start(db, sms, account, &number, origin).await?)
        }
        _ => None,
    };
    if email != account.email {
        user::Entity::update_many()
            .col_expr(user::Column::Email, Expr::value(email))
            .filter(user::Column::Id.eq(account.id))
            .exec(db)
            .await?;
        security_log::record(
            db,
            AuthEvent::ContactDetailsChanged,
            Some(account.id),
            None,
            origin,
        )
        .await?;
    }
    Ok(ContactDetailsSaved {
        mobile_verification,
    })
}

/// The Laurens variant of a reset: an organisation administrator sends a user of the same
/// organisation a new temporary password by e-mail. The account is unblocked, its sessions
/// end, and the next login asks for a new password (after device verification).
pub async fn issue_temporary_password(
    db: &DatabaseConnection,
    admin: &user::Model,
    user_id: Uuid,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    crate::services::policy::require_organisation_admin(admin)?;
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|account| account.organisation_id == admin.organisation_id)
        .ok_or(ApiError::NotFound)?;
    let organisation = organisation_of(db, &account).await?;
    let txn = crate::db::begin_write(db).await?;
    let temporary = assign_temporary_password(&txn, account.id, &organisation).await?;
    sessions::revoke_all(&txn, account.id, None).await?;
    security_log::record(
        &txn,
        AuthEvent::TemporaryPasswordIssued,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    crate::services::audit::record(
        &txn,
        &crate::services::audit::Actor::user(admin, AccountKind::OrganisationAdmin.into(), origin),
        crate::services::audit::Change::new(
            kring_shared::audit::AuditAction::TemporaryPasswordSent,
            serde_json::json!({"hours": organisation.temporary_password_hours}),
        )
        .target(&account),
    )
    .await?;
    outbox::enqueue(
        &txn,
        Some(organisation.id),
        "temporary_password",
        &temporary_password_email(
            &account,
            &organisation,
            &temporary,
            TemporaryReason::Administrator,
        )?,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Gives the account a new random temporary password (returned, to be mailed); the next login
/// asks for a new one.
pub async fn assign_temporary_password(
    txn: &DatabaseTransaction,
    account_id: Uuid,
    organisation: &organisation::Model,
) -> Result<String, ApiError> {
    let temporary = temporary_password();
    let hash = password::hash(temporary.clone()).await?;
    passwords::store(txn, account_id, &hash).await?;
    let lifetime = Duration::hours(i64::from(organisation.temporary_password_hours.max(1)));
    user::Entity::update_many()
        .col_expr(user::Column::MustChangePassword, Expr::value(true))
        .col_expr(
            user::Column::TemporaryPasswordExpiresAt,
            Expr::value(Utc::now() + lifetime),
        )
        .filter(user::Column::Id.eq(account_id))
        .exec(txn)
        .await?;
    Ok(temporary)
}

/// A random temporary password that meets both policies: 3 groups of 5 from an alphabet
/// without look-alikes, with upper case, lower case and digits (about 80 bits).
fn temporary_password() -> String {
    use rand::{Rng, TryRngCore, rngs::OsRng};
    const LOWER: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut rng = OsRng.unwrap_err();
    let mut group = |first: &[u8]| {
        let mut text = String::new();
        text.push(char::from(first[rng.random_range(0..first.len())]));
        for _ in 0..3 {
            text.push(char::from(LOWER[rng.random_range(0..LOWER.len())]));
        }
        text.push(char::from(DIGITS[rng.random_range(0..DIGITS.len())]));
        text
    };
    format!("{}-{}-{}", group(UPPER), group(UPPER), group(LOWER))
}

/// Why a temporary password is mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TemporaryReason {
    /// The organisation's administrator sent it.
    Administrator,
    /// The user asked for it with *Wachtwoord vergeten* (the Laurens variant).
    Forgotten,
}

fn temporary_password_email(
    account: &user::Model,
    organisation: &organisation::Model,
    temporary: &str,
    reason: TemporaryReason,
) -> anyhow::Result<Email> {
    let language = account.language;
    let org = organisation.name.as_str();
    let hours = organisation.temporary_password_hours.max(1).to_string();
    let say = |key: &str, values: &[(&str, &str)]| messages::text(language, key, values);
    let why = match reason {
        TemporaryReason::Administrator => "mail.temporary.by_administrator",
        TemporaryReason::Forgotten => "mail.temporary.forgotten",
    };
    Email::compose(
        format!("{} {}", account.first_name, account.last_name),
        account.email.clone(),
        say("mail.temporary.subject", &[("organisation", org)]),
        language,
        &[
            Paragraph::Text(say("mail.greeting", &[("name", &account.first_name)])),
            Paragraph::Text(say(why, &[("organisation", org)])),
            Paragraph::Text(say(
                "mail.temporary.details",
                &[("username", &account.username), ("password", temporary)],
            )),
            Paragraph::Text(say("mail.temporary.lifetime", &[("hours", &hours)])),
        ],
        org,
    )
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

/// *Wachtwoord vergeten*: when `username` and `email` belong to one account, mails a
/// single-use link valid for the organisation's minutes. Returns as soon as the request is
/// recorded — the mail goes out in the background — so the answer and its timing are the same
/// whether or not the account exists.
pub async fn forgot_password(
    db: &DatabaseConnection,
    public_url: &str,
    username: &str,
    email: &str,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let username = normalise_username(username);
    let mut checks = Checks::default();
    if username.is_empty() {
        checks.fail("username", "required");
    } else if username.chars().count() > MAX_USERNAME_CHARS {
        checks.fail("username", "too_long");
    }
    let email = checks.parse("email", EmailAddress::parse(email));
    checks.done()?;
    let email = email.map(EmailAddress::into_string).unwrap_or_default();
    // Every branch hashes once, so the answer takes as long whether or not the account exists
    // and whichever reset variant its organisation uses.
    let temporary = temporary_password();
    let temporary_hash = password::hash(temporary.clone()).await?;
    let account = user::Entity::find()
        .filter(user::Column::Username.eq(username.as_str()))
        .one(db)
        .await?
        .filter(|account| account.email.trim().to_lowercase() == email);
    let Some(account) = account else {
        security_log::record(db, AuthEvent::ResetRequested, None, None, origin).await?;
        return Ok(());
    };
    // A few requests per account and hour; more are answered alike and quietly dropped, so
    // nobody can flood a person's mailbox.
    if limits::hit(
        db,
        &format!("reset-requests:{}", account.id),
        limits::RESET_REQUESTS,
    )
    .await
    .is_err()
    {
        security_log::record(
            db,
            AuthEvent::ResetRequested,
            Some(account.id),
            None,
            origin,
        )
        .await?;
        return Ok(());
    }
    let organisation = organisation_of(db, &account).await?;
    if organisation.reset_mode == ResetMode::TemporaryPassword {
        // The temporary password works next to the current one until one of them is used:
        // asking for it locks nobody out and ends no session.
        let hours = i64::from(organisation.temporary_password_hours.max(1));
        let txn = crate::db::begin_write(db).await?;
        user::Entity::update_many()
            .col_expr(
                user::Column::ResetPasswordHash,
                Expr::value(temporary_hash.as_str()),
            )
            .col_expr(
                user::Column::ResetPasswordExpiresAt,
                Expr::value(Utc::now() + Duration::hours(hours)),
            )
            .filter(user::Column::Id.eq(account.id))
            .exec(&txn)
            .await?;
        security_log::record(
            &txn,
            AuthEvent::ResetRequested,
            Some(account.id),
            None,
            origin,
        )
        .await?;
        security_log::record(
            &txn,
            AuthEvent::TemporaryPasswordIssued,
            Some(account.id),
            None,
            origin,
        )
        .await?;
        let message = temporary_password_email(
            &account,
            &organisation,
            &temporary,
            TemporaryReason::Forgotten,
        )?;
        outbox::enqueue(&txn, Some(organisation.id), "temporary_password", &message).await?;
        txn.commit().await?;
        return Ok(());
    }
    let token = secret::random_token();
    let minutes = i64::from(organisation.reset_link_minutes.max(1));
    let now = Utc::now();
    let link = format!("{public_url}/wachtwoord-herstellen?token={token}");
    let txn = crate::db::begin_write(db).await?;
    password_reset::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(account.id),
        token_hash: Set(secret::hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(minutes)),
        used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    security_log::record(
        &txn,
        AuthEvent::ResetRequested,
        Some(account.id),
        None,
        origin,
    )
    .await?;
    outbox::enqueue(
        &txn,
        Some(organisation.id),
        "password_reset",
        &reset_email(&account, &organisation, &link, minutes)?,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The reset link behind `token`, if it can still be used.
pub async fn reset_link(
    db: &DatabaseConnection,
    token: &str,
) -> Result<(password_reset::Model, user::Model, organisation::Model), ApiError> {
    let now = Utc::now();
    let reset = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(secret::hash_token(token)))
        .one(db)
        .await?
        .filter(|reset| reset.used_at.is_none() && reset.expires_at > now)
        .ok_or(ApiError::ResetLinkInvalid)?;
    let account = user::Entity::find_by_id(reset.user_id)
        .one(db)
        .await?
        .ok_or(ApiError::ResetLinkInvalid)?;
    let organisation = organisation_of(db, &account).await?;
    Ok((reset, account, organisation))
}

/// Sets a new password with a reset link: unblocks the account and ends all its sessions.
pub async fn reset_password(
    db: &DatabaseConnection,
    token: &str,
    new_password: &str,
    origin: &ClientInfo,
) -> Result<(), ApiError> {
    let (reset, account, organisation) = reset_link(db, token).await?;
    let hash = new_password_hash(db, &account, &organisation, new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    let claimed = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Utc::now()))
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ApiError::ResetLinkInvalid);
    }
    passwords::store(&txn, account.id, &hash).await?;
    passwords::forget_reset_links_and_devices(&txn, account.id).await?;
    sessions::revoke_all(&txn, account.id, None).await?;
    security_log::record(&txn, AuthEvent::ResetUsed, Some(account.id), None, origin).await?;
    txn.commit().await?;
    Ok(())
}

fn reset_email(
    account: &user::Model,
    organisation: &organisation::Model,
    link: &str,
    minutes: i64,
) -> anyhow::Result<Email> {
    let language = account.language;
    let org = organisation.name.as_str();
    let minutes = minutes.to_string();
    let say = |key: &str, values: &[(&str, &str)]| messages::text(language, key, values);
    Email::compose(
        format!("{} {}", account.first_name, account.last_name),
        account.email.clone(),
        say("mail.reset.subject", &[("organisation", org)]),
        language,
        &[
            Paragraph::Text(say("mail.greeting", &[("name", &account.first_name)])),
            Paragraph::Text(say("mail.reset.why", &[("organisation", org)])),
            Paragraph::Text(say("mail.reset.how", &[("minutes", &minutes)])),
            Paragraph::Link(link.to_owned()),
            Paragraph::Text(say("mail.reset.ignore", &[])),
        ],
        org,
    )
}

/// Checks `candidate` against `organisation`'s policy and `account`'s history; its hash.
async fn new_password_hash(
    db: &DatabaseConnection,
    account: &user::Model,
    organisation: &organisation::Model,
    candidate: &str,
) -> Result<String, ApiError> {
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
