//! Temporary passwords: sent by an administrator or asked for with *Wachtwoord vergeten* (the
//! Laurens variant), and the mail that carries them.

use super::*;

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
        MailPurpose::TemporaryPassword,
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
    let hash = StorableHash::of_generated(temporary.clone()).await?;
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
pub(super) fn temporary_password() -> String {
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
pub(super) enum TemporaryReason {
    /// The organisation's administrator sent it.
    Administrator,
    /// The user asked for it with *Wachtwoord vergeten* (the Laurens variant).
    Forgotten,
}

pub(super) fn temporary_password_email(
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
