//! Signing in: the password (with lockout), the code or authenticator step, and the first
//! password of a new or reset account.

use super::*;

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
pub(super) async fn use_requested_temporary_password(
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
    passwords::store(&txn, account.id, &StorableHash::of_issued_temporary(hash)).await?;
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

pub(super) async fn password_change_step(
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
