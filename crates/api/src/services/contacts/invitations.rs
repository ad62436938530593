//! Inviting a contact: login details by e-mail for a new account, a notification for an
//! existing one.

use super::*;

/// *Eerste toegang … Gegevens versturen*: a person added as new gets login details by
/// e-mail (and has access at once); someone with an account gets an invitation under
/// *Meldingen* to accept or decline.
pub async fn invite(
    db: &DatabaseConnection,
    public_url: &str,
    actor: &user::Model,
    client_id: Uuid,
    contact_id: Uuid,
    origin: &ClientInfo,
) -> Result<InvitationSent, ApiError> {
    let access = administrator(db, actor, client_id).await?;
    limits::hit(
        db,
        &format!("invitations:{}", actor.id),
        limits::INVITATIONS,
    )
    .await?;
    let txn = crate::db::begin_write(db).await?;
    let (link, person) = link_of(&txn, client_id, contact_id).await?;
    match link.invitation_state {
        InvitationState::Accepted => return Err(ApiError::invalid("contact", "already_accepted")),
        // One open invitation at a time: no second notification for the same link.
        InvitationState::Pending => return Err(ApiError::invalid("contact", "already_invited")),
        InvitationState::NotInvited | InvitationState::Declined => {}
    }
    let (channel, mail) = invite_link(
        &txn,
        &link,
        &person,
        actor,
        &access.client,
        &access.organisation,
        public_url,
        origin,
    )
    .await?;
    let (link, person) = link_of(&txn, client_id, contact_id).await?;
    audit::record(
        &txn,
        &audit::Actor::user(actor, access.link.relationship.as_str(), origin),
        audit::Change::new(
            AuditAction::InvitationSent,
            serde_json::json!({"channel": channel}),
        )
        .client(client_id)
        .target(&person),
    )
    .await?;
    if let Some(mail) = &mail {
        outbox::enqueue(
            &txn,
            Some(access.organisation.id),
            kring_shared::admin::MailPurpose::Invitation,
            mail,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(InvitationSent {
        contact: row(&link, &person, actor),
        channel,
    })
}

/// Invites the contact behind `link` inside `txn`: a person added as new gets a temporary
/// password (the e-mail to send after commit is returned), someone with an account gets a
/// notification to accept.
#[allow(clippy::too_many_arguments)]
pub async fn invite_link(
    txn: &DatabaseTransaction,
    link: &client_contact::Model,
    person: &user::Model,
    inviter: &user::Model,
    client: &client::Model,
    organisation: &organisation::Model,
    public_url: &str,
    origin: &ClientInfo,
) -> Result<(InvitationChannel, Option<Email>), ApiError> {
    let now = Utc::now();
    // Added as a new person and never given a password: login details go by e-mail.
    let new_account = person.password_changed_at.is_none();
    let state = if new_account {
        InvitationState::Accepted
    } else {
        InvitationState::Pending
    };
    client_contact::Entity::update_many()
        .col_expr(
            client_contact::Column::InvitationState,
            Expr::value(state.as_str()),
        )
        .col_expr(client_contact::Column::InvitedAt, Expr::value(now))
        .filter(client_contact::Column::Id.eq(link.id))
        .exec(txn)
        .await?;
    if new_account {
        let temporary = assign_temporary_password(txn, person.id, organisation).await?;
        crate::services::security_log::record(
            txn,
            crate::services::security_log::AuthEvent::TemporaryPasswordIssued,
            Some(person.id),
            None,
            origin,
        )
        .await?;
        let mail = invitation_email(
            person,
            inviter,
            client,
            organisation,
            &temporary,
            public_url,
        )?;
        Ok((InvitationChannel::Email, Some(mail)))
    } else {
        notifications::create_invitation(txn, person, inviter, link.client_id, link.id).await?;
        Ok((InvitationChannel::Notification, None))
    }
}

pub(super) fn invitation_email(
    person: &user::Model,
    inviter: &user::Model,
    client: &client::Model,
    organisation: &organisation::Model,
    temporary: &str,
    public_url: &str,
) -> anyhow::Result<Email> {
    let language = person.language;
    let inviter_name = format!("{} {}", inviter.first_name, inviter.last_name);
    let client_name = format!("{} {}", client.first_name, client.last_name);
    let org = organisation.name.as_str();
    let say = |key: &str, values: &[(&str, &str)]| messages::text(language, key, values);
    Email::compose(
        format!("{} {}", person.first_name, person.last_name),
        person.email.clone(),
        say("mail.invitation.subject", &[("client", &client_name)]),
        language,
        &[
            Paragraph::Text(say("mail.greeting", &[("name", &person.first_name)])),
            Paragraph::Text(say(
                "mail.invitation.intro",
                &[
                    ("inviter", &inviter_name),
                    ("client", &client_name),
                    ("organisation", org),
                ],
            )),
            Paragraph::Text(say(
                "mail.invitation.details",
                &[("username", &person.username), ("password", temporary)],
            )),
            Paragraph::Text(say("mail.invitation.next", &[])),
            Paragraph::Link(format!("{public_url}/inloggen")),
        ],
        org,
    )
}
