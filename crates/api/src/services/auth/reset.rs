//! *Wachtwoord vergeten*: the request (a link or a temporary password by mail, the same
//! answer either way), the link, and the new password.

use super::*;

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
    let temporary_hash = StorableHash::of_generated(temporary.clone()).await?;
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
        outbox::enqueue(
            &txn,
            Some(organisation.id),
            MailPurpose::TemporaryPassword,
            &message,
        )
        .await?;
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
        MailPurpose::PasswordReset,
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

pub(super) fn reset_email(
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
