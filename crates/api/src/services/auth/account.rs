//! Changes a signed-in user makes to their own sign-in: the password, the e-mail address and
//! the mobile number, each after asking for the password again.

use super::*;

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
