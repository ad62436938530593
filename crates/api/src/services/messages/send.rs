//! Writing: a new conversation, an answer (also from the ECD), attachments, the archive. A
//! message, its recipients' receipts, notifications, e-mails and feed item are written in one
//! transaction: nothing is half-sent.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Days, Utc, Weekday};
use kring_shared::{
    FieldError,
    contacts::{InvitationState, NotificationKind},
    dossier::AccessAction,
    integration::FeedKind,
    me::AccountKind,
    messages::{
        Absence, AnswerInput, Attachment, Conversation, EcdReply, MAX_ATTACHMENTS, MAX_SUBJECT,
        MAX_TEXT, Message, MessagesEvent, NewConversation, Recipient, RecipientOptions,
    },
};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::{Viewer, attachment_of, is_absent, may_reply, messages_of, open, people, visible};
use crate::{
    entities::{
        care_team_member, client, client_contact, conversation, conversation_archive,
        conversation_member, media, message, message_receipt, organisation, user,
    },
    error::ApiError,
    events::LiveEvent,
    mail::{Email, Paragraph},
    messages as texts,
    services::{
        access_log::Reader,
        agenda::time,
        feed,
        limits::{self, Limit},
        media::is_pdf,
        notifications::{self, NewNotification},
        outbox,
    },
    state::AppState,
};

/// Attachments a user may have uploaded and not yet sent, per client.
pub const MAX_WAITING_ATTACHMENTS: u64 = 30;
/// Files one user may upload per hour (photos and attachments together).
const UPLOADS_PER_HOUR: Limit = Limit::new(120, 60 * 60);
/// Messages (new conversations and answers) one user may send per hour.
const MESSAGES_PER_HOUR: Limit = Limit::new(60, 60 * 60);

/// `start` plus `days` working days (Monday to Friday, in the Netherlands), at the same time
/// of day; a start in the weekend counts from Monday morning.
pub fn add_working_days(start: DateTime<Utc>, days: u16) -> DateTime<Utc> {
    let mut local = time::local(start);
    while matches!(local.weekday(), Weekday::Sat | Weekday::Sun) {
        local = (local.date() + Days::new(1))
            .and_time(chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default());
    }
    let mut left = days;
    while left > 0 {
        local += chrono::Duration::days(1);
        if !matches!(local.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    time::instant(local)
}

fn fail(errors: Vec<(&str, &str)>) -> Result<(), ApiError> {
    if errors.is_empty() {
        return Ok(());
    }
    Err(ApiError::Validation(
        errors
            .into_iter()
            .map(|(field, code)| FieldError {
                field: field.to_owned(),
                code: code.to_owned(),
            })
            .collect(),
    ))
}

/// The checked text and attachments of a message, or the field errors.
fn check_body(
    text: &str,
    attachments: &[Uuid],
    errors: &mut Vec<(&'static str, &'static str)>,
) -> String {
    let text = text.trim();
    if text.is_empty() {
        errors.push(("text", "required"));
    } else if text.chars().count() > MAX_TEXT {
        errors.push(("text", "too_long"));
    }
    if attachments.len() > MAX_ATTACHMENTS {
        errors.push(("attachments", "too_many"));
    }
    let mut seen = HashSet::new();
    if !attachments.iter().all(|id| seen.insert(*id)) {
        errors.push(("attachments", "duplicate"));
    }
    text.to_owned()
}

fn care_workers_answer() -> ApiError {
    ApiError::Forbidden(
        "Care workers answer conversations; they do not start them here.".to_owned(),
    )
}

/// The network members with Berichten (accepted), without the viewer.
async fn network(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    viewer_id: Uuid,
) -> Result<Vec<user::Model>, ApiError> {
    let links = client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .filter(client_contact::Column::InvitationState.eq(InvitationState::Accepted))
        .filter(client_contact::Column::PermMessages.eq(true))
        .filter(client_contact::Column::UserId.ne(viewer_id))
        .find_also_related(user::Entity)
        .all(db)
        .await?;
    Ok(links
        .into_iter()
        .filter_map(|(_, person)| person)
        .filter(|person| person.kind != AccountKind::CareWorker)
        .collect())
}

/// The client's care team.
async fn team(db: &impl ConnectionTrait, client_id: Uuid) -> Result<Vec<user::Model>, ApiError> {
    let ids: Vec<Uuid> = care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(client_id))
        .all(db)
        .await?
        .into_iter()
        .map(|member| member.care_worker_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Kind.eq(AccountKind::CareWorker))
        .all(db)
        .await?)
}

/// An absence worth telling a writer about: now, or starting within two weeks.
fn shown_absence(worker: &user::Model, today: chrono::NaiveDate) -> Option<Absence> {
    let (from, until) = (worker.absent_from?, worker.absent_until?);
    (until >= today && from <= today + Days::new(14)).then(|| Absence {
        from,
        until,
        note: worker.absence_note.clone(),
    })
}

fn by_name(list: &mut [Recipient]) {
    list.sort_by(|a, b| {
        (&a.person.last_name, &a.person.first_name)
            .cmp(&(&b.person.last_name, &b.person.first_name))
    });
}

/// Whom the viewer may write to about this client.
pub async fn recipients(
    db: &DatabaseConnection,
    viewer: &Viewer,
) -> Result<RecipientOptions, ApiError> {
    let Viewer::Contact(access) = viewer else {
        return Err(care_workers_answer());
    };
    let client_id = access.client.id;
    let network = network(db, client_id, access.link.user_id).await?;
    let care_allowed = access
        .organisation
        .care_messages
        .allows(access.link.relationship);
    let team = if care_allowed {
        team(db, client_id).await?
    } else {
        Vec::new()
    };
    let known = people(
        db,
        client_id,
        network.iter().chain(team.iter()).map(|person| person.id),
    )
    .await?;
    let today = time::local(Utc::now()).date();
    let recipient = |account: &user::Model, care: bool| {
        known.get(&account.id).cloned().map(|person| Recipient {
            person,
            absence: if care {
                shown_absence(account, today)
            } else {
                None
            },
        })
    };
    let mut network: Vec<Recipient> = network
        .iter()
        .filter_map(|account| recipient(account, false))
        .collect();
    let mut care: Vec<Recipient> = team
        .iter()
        .filter_map(|account| recipient(account, true))
        .collect();
    by_name(&mut network);
    by_name(&mut care);
    Ok(RecipientOptions {
        network,
        care_allowed,
        care,
        reply_days: u16::try_from(access.organisation.care_reply_days).unwrap_or(2),
    })
}

/// A new conversation from a network member to network members and/or the care team.
pub async fn start(
    state: &AppState,
    viewer: &Viewer,
    reader: &Reader<'_>,
    input: &NewConversation,
) -> Result<Conversation, ApiError> {
    let Viewer::Contact(access) = viewer else {
        return Err(care_workers_answer());
    };
    let db = &state.db;
    let client_id = access.client.id;
    let author_id = access.link.user_id;
    let mut errors = Vec::new();
    let subject = input.subject.trim().to_owned();
    if subject.is_empty() {
        errors.push(("subject", "required"));
    } else if subject.chars().count() > MAX_SUBJECT {
        errors.push(("subject", "too_long"));
    }
    let text = check_body(&input.text, &input.attachments, &mut errors);
    let network: HashSet<Uuid> = network(db, client_id, author_id)
        .await?
        .into_iter()
        .map(|person| person.id)
        .collect();
    let team = team(db, client_id).await?;
    let mut chosen = Vec::new();
    let mut seen = HashSet::new();
    let mut care_chosen = Vec::new();
    for id in &input.people {
        if !seen.insert(*id) {
            continue;
        }
        if network.contains(id) {
            chosen.push(*id);
        } else if let Some(worker) = team.iter().find(|worker| worker.id == *id) {
            care_chosen.push(worker.clone());
        } else {
            errors.push(("recipients", "not_allowed"));
        }
    }
    if input.people.is_empty() && !input.care_team {
        errors.push(("recipients", "required"));
    }
    let with_care = input.care_team || !care_chosen.is_empty();
    if with_care
        && !access
            .organisation
            .care_messages
            .allows(access.link.relationship)
    {
        errors.push(("recipients", "care_not_allowed"));
    }
    errors.dedup();
    fail(errors)?;
    limits::hit(db, &format!("messages:{author_id}"), MESSAGES_PER_HOUR).await?;
    let today = time::local(Utc::now()).date();
    // A message to someone who is away goes to the whole team too.
    let to_team = input.care_team || care_chosen.iter().any(|worker| is_absent(worker, today));
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let found = conversation::ActiveModel {
        id: Set(Uuid::new_v4()),
        client_id: Set(client_id),
        subject: Set(subject),
        started_by: Set(author_id),
        to_team: Set(to_team),
        with_care: Set(with_care),
        last_message_at: Set(now),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let members = std::iter::once((author_id, false))
        .chain(chosen.iter().map(|id| (*id, false)))
        .chain(care_chosen.iter().map(|worker| (worker.id, true)));
    for (user_id, is_care) in members {
        conversation_member::ActiveModel {
            conversation_id: Set(found.id),
            user_id: Set(user_id),
            is_care: Set(is_care),
            joined_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let (_, audience) = deliver(
        &txn,
        state,
        &access.organisation,
        &found,
        Outgoing {
            author_id,
            author_is_care: false,
            text,
            attachments: &input.attachments,
            via_ecd: false,
            external_id: None,
            at: now,
        },
    )
    .await?;
    if with_care {
        super::record(&txn, viewer, reader, AccessAction::Write, found.id).await?;
    }
    txn.commit().await?;
    publish(state, &found, audience);
    open(db, viewer, reader, found.id, None).await
}

/// What is sent.
struct Outgoing<'a> {
    author_id: Uuid,
    author_is_care: bool,
    text: String,
    attachments: &'a [Uuid],
    via_ecd: bool,
    external_id: Option<String>,
    at: DateTime<Utc>,
}

/// Writes one message into `found` inside `txn`: the row, its attachments, a receipt, a
/// notification and (if they chose it) an e-mail for every recipient, the feed item for a
/// message to care. Returns the message and everyone who sees the conversation.
async fn deliver(
    txn: &DatabaseTransaction,
    state: &AppState,
    organisation: &organisation::Model,
    found: &conversation::Model,
    outgoing: Outgoing<'_>,
) -> Result<(message::Model, Vec<Uuid>), ApiError> {
    let to_care = found.with_care && !outgoing.author_is_care;
    let sent = message::ActiveModel {
        id: Set(Uuid::new_v4()),
        conversation_id: Set(found.id),
        client_id: Set(found.client_id),
        author_id: Set(outgoing.author_id),
        body: Set(outgoing.text),
        created_at: Set(outgoing.at),
        via_ecd: Set(outgoing.via_ecd),
        external_id: Set(outgoing.external_id),
        care_due_at: Set(to_care.then(|| {
            add_working_days(
                outgoing.at,
                u16::try_from(organisation.care_reply_days.max(1)).unwrap_or(2),
            )
        })),
        care_read_at: Set(None),
        escalated_at: Set(None),
    }
    .insert(txn)
    .await?;
    for (position, attachment_id) in outgoing.attachments.iter().enumerate() {
        // Claimed in one statement: only the author's own unsent upload for this client, so
        // two messages racing for one file cannot both have it.
        let claimed = media::Entity::update_many()
            .col_expr(media::Column::MessageId, Expr::value(sent.id))
            .col_expr(
                media::Column::Position,
                Expr::value(i32::try_from(position).unwrap_or(0)),
            )
            .filter(media::Column::Id.eq(*attachment_id))
            .filter(media::Column::ClientId.eq(found.client_id))
            .filter(media::Column::UploadedBy.eq(outgoing.author_id))
            .filter(media::Column::Purpose.eq(media::Purpose::Message))
            .filter(media::Column::MessageId.is_null())
            .exec(txn)
            .await?;
        if claimed.rows_affected != 1 {
            return Err(ApiError::invalid("attachments", "unknown_attachment"));
        }
    }
    // Only who may read it now: a member who lost Berichten, left the network or the care
    // team hears nothing of it any more (no receipt, notification, e-mail or event).
    let readers_now = super::readers(txn, organisation, found.client_id).await?;
    let mut audience: Vec<Uuid> = conversation_member::Entity::find()
        .filter(conversation_member::Column::ConversationId.eq(found.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|member| member.user_id)
        .filter(|id| readers_now.network.contains(id) || readers_now.care.contains(id))
        .collect();
    if found.to_team {
        for worker in &readers_now.care {
            if !audience.contains(worker) {
                audience.push(*worker);
            }
        }
    }
    let recipients: Vec<Uuid> = audience
        .iter()
        .copied()
        .filter(|id| *id != outgoing.author_id)
        .collect();
    if !recipients.is_empty() {
        message_receipt::Entity::insert_many(recipients.iter().map(|user_id| {
            message_receipt::ActiveModel {
                message_id: Set(sent.id),
                user_id: Set(*user_id),
                conversation_id: Set(found.id),
                client_id: Set(found.client_id),
                read_at: Set(None),
            }
        }))
        .exec_without_returning(txn)
        .await?;
    }
    // A new message brings an archived conversation back for everyone.
    conversation_archive::Entity::delete_many()
        .filter(conversation_archive::Column::ConversationId.eq(found.id))
        .exec(txn)
        .await?;
    conversation::Entity::update_many()
        .col_expr(
            conversation::Column::LastMessageAt,
            Expr::value(sent.created_at),
        )
        .filter(conversation::Column::Id.eq(found.id))
        .filter(conversation::Column::LastMessageAt.lt(sent.created_at))
        .exec(txn)
        .await?;
    let client = client::Entity::find_by_id(found.client_id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let readers = user::Entity::find()
        .filter(user::Column::Id.is_in(recipients.clone()))
        .all(txn)
        .await?;
    for reader in &readers {
        notifications::notify(
            txn,
            reader.id,
            NewNotification {
                kind: NotificationKind::Message,
                client_id: Some(found.client_id),
                contact_id: None,
                from_user_id: Some(outgoing.author_id),
                entry_id: Some(found.id),
            },
        )
        .await?;
        if reader.message_mail && !reader.email.is_empty() {
            let email = announcement(state, organisation, &client, found, reader)?;
            outbox::enqueue(
                txn,
                Some(organisation.id),
                kring_shared::admin::MailPurpose::NewMessage,
                &email,
            )
            .await?;
        }
    }
    if to_care {
        feed::append(
            txn,
            organisation.id,
            FeedKind::Message,
            sent.id,
            found.client_id,
            sent.created_at,
        )
        .await?;
    }
    Ok((sent, audience))
}

/// The e-mail that says there is a new message — never what it says or who wrote it.
fn announcement(
    state: &AppState,
    organisation: &organisation::Model,
    client: &client::Model,
    found: &conversation::Model,
    reader: &user::Model,
) -> Result<Email, ApiError> {
    let say = |key: &str, values: &[(&str, &str)]| texts::text(reader.language, key, values);
    let link = if reader.kind == AccountKind::CareWorker {
        format!(
            "{}/zorg/gesprek/{}/{}",
            state.config.public_url(),
            found.client_id,
            found.id
        )
    } else {
        format!("{}/berichten/{}", state.config.public_url(), found.id)
    };
    Ok(Email::compose(
        format!("{} {}", reader.first_name, reader.last_name),
        reader.email.clone(),
        say("mail.message.subject", &[]),
        reader.language,
        &[
            Paragraph::Text(say("mail.message.intro", &[("client", &client.first_name)])),
            Paragraph::Link(link),
            Paragraph::Text(say("mail.message.stop", &[])),
        ],
        &organisation.name,
    )?)
}

/// Tells the open pages of everyone in the conversation.
fn publish(state: &AppState, found: &conversation::Model, audience: Vec<Uuid>) {
    state.events.publish(LiveEvent::Messages {
        event: MessagesEvent {
            client_id: found.client_id,
            conversation_id: found.id,
        },
        audience: audience.into(),
    });
}

/// Whether a care worker of the conversation is away today: the answer then goes to the team.
async fn someone_away(
    db: &impl ConnectionTrait,
    found: &conversation::Model,
) -> Result<bool, ApiError> {
    let care: Vec<Uuid> = conversation_member::Entity::find()
        .filter(conversation_member::Column::ConversationId.eq(found.id))
        .filter(conversation_member::Column::IsCare.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|member| member.user_id)
        .collect();
    let today = time::local(Utc::now()).date();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(care))
        .all(db)
        .await?
        .iter()
        .any(|worker| is_absent(worker, today)))
}

/// An answer in a conversation, to everyone in it.
pub async fn reply(
    state: &AppState,
    viewer: &Viewer,
    reader: &Reader<'_>,
    id: Uuid,
    input: &AnswerInput,
) -> Result<Message, ApiError> {
    let db = &state.db;
    let found = visible(db, viewer, id).await?;
    if !may_reply(viewer, &found) {
        return Err(ApiError::Forbidden(
            "The organisation does not let you write to the care team.".to_owned(),
        ));
    }
    let mut errors = Vec::new();
    let text = check_body(&input.text, &input.attachments, &mut errors);
    fail(errors)?;
    let author_id = viewer.user_id();
    limits::hit(db, &format!("messages:{author_id}"), MESSAGES_PER_HOUR).await?;
    let txn = crate::db::begin_write(db).await?;
    let found = prepare_answer(&txn, viewer.is_care(), author_id, found).await?;
    let (sent, audience) = deliver(
        &txn,
        state,
        viewer.organisation(),
        &found,
        Outgoing {
            author_id,
            author_is_care: viewer.is_care(),
            text,
            attachments: &input.attachments,
            via_ecd: false,
            external_id: None,
            at: Utc::now(),
        },
    )
    .await?;
    if found.with_care {
        super::record(&txn, viewer, reader, AccessAction::Write, found.id).await?;
    }
    let shown = messages_of(&txn, author_id, found.client_id, vec![sent]).await?;
    txn.commit().await?;
    publish(state, &found, audience);
    shown.into_iter().next().ok_or(ApiError::NotFound)
}

/// Before an answer: a care worker answering from the team inbox joins the conversation (so
/// the family sees who answered) and their answer counts as the team having read it; a network
/// member's answer goes to the team too while a care worker in it is away.
async fn prepare_answer(
    txn: &DatabaseTransaction,
    author_is_care: bool,
    author_id: Uuid,
    found: conversation::Model,
) -> Result<conversation::Model, ApiError> {
    let now = Utc::now();
    if author_is_care {
        conversation_member::Entity::insert(conversation_member::ActiveModel {
            conversation_id: Set(found.id),
            user_id: Set(author_id),
            is_care: Set(true),
            joined_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([
                conversation_member::Column::ConversationId,
                conversation_member::Column::UserId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
        message::Entity::update_many()
            .col_expr(message::Column::CareReadAt, Expr::value(now))
            .filter(message::Column::ConversationId.eq(found.id))
            .filter(message::Column::CareDueAt.is_not_null())
            .filter(message::Column::CareReadAt.is_null())
            .exec(txn)
            .await?;
        message_receipt::Entity::update_many()
            .col_expr(message_receipt::Column::ReadAt, Expr::value(now))
            .filter(message_receipt::Column::ConversationId.eq(found.id))
            .filter(message_receipt::Column::UserId.eq(author_id))
            .filter(message_receipt::Column::ReadAt.is_null())
            .exec(txn)
            .await?;
        return Ok(found);
    }
    if found.with_care && !found.to_team && someone_away(txn, &found).await? {
        let mut active: conversation::ActiveModel = found.into();
        active.to_team = Set(true);
        return Ok(active.update(txn).await?);
    }
    Ok(found)
}

/// A care worker's answer sent by the ECD, stored once per ECD id: sending it again answers
/// the stored message (`false`: not new).
pub async fn ecd_reply(
    state: &AppState,
    organisation: &organisation::Model,
    client_external_id: &str,
    conversation_id: Uuid,
    message_external_id: &str,
    input: &EcdReply,
) -> Result<(Message, bool), ApiError> {
    let db = &state.db;
    let client = client::Entity::find()
        .filter(client::Column::OrganisationId.eq(organisation.id))
        .filter(client::Column::ExternalId.eq(client_external_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let found = conversation::Entity::find_by_id(conversation_id)
        .filter(conversation::Column::ClientId.eq(client.id))
        .filter(conversation::Column::WithCare.eq(true))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let existing = || {
        message::Entity::find()
            .filter(message::Column::ClientId.eq(client.id))
            .filter(message::Column::ExternalId.eq(message_external_id))
            .one(db)
    };
    if let Some(stored) = existing().await? {
        if stored.conversation_id != found.id {
            return Err(ApiError::invalid("message_id", "used_elsewhere"));
        }
        let shown = messages_of(db, Uuid::nil(), client.id, vec![stored]).await?;
        return Ok((shown.into_iter().next().ok_or(ApiError::NotFound)?, false));
    }
    let mut errors = Vec::new();
    if message_external_id.is_empty() || message_external_id.chars().count() > 200 {
        errors.push(("message_id", "invalid"));
    }
    let text = check_body(&input.text, &[], &mut errors);
    let worker = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation.id))
        .filter(user::Column::Kind.eq(AccountKind::CareWorker))
        .filter(user::Column::ExternalId.eq(input.care_worker_id.as_str()))
        .one(db)
        .await?;
    match &worker {
        None => errors.push(("care_worker_id", "unknown")),
        Some(worker) => {
            let in_team = care_team_member::Entity::find()
                .filter(care_team_member::Column::ClientId.eq(client.id))
                .filter(care_team_member::Column::CareWorkerId.eq(worker.id))
                .count(db)
                .await?
                > 0;
            if !in_team {
                errors.push(("care_worker_id", "not_in_care_team"));
            }
        }
    }
    let now = Utc::now();
    let at = input.sent_at.unwrap_or(now);
    if at > now + chrono::Duration::minutes(5) {
        errors.push(("sent_at", "in_future"));
    }
    fail(errors)?;
    let Some(worker) = worker else {
        return Err(ApiError::NotFound);
    };
    // The care worker answers only where they could in the portal: a conversation addressed to
    // them or to their team, while Berichten is on and the client's access lasts.
    let as_worker = super::viewer(db, &worker, client.id)
        .await
        .map_err(|_| ApiError::invalid("care_worker_id", "not_in_care_team"))?;
    if visible(db, &as_worker, found.id).await.is_err() {
        return Err(ApiError::invalid("care_worker_id", "not_in_conversation"));
    }
    // Never before the conversation began.
    let at = at.max(found.created_at);
    let txn = crate::db::begin_write(db).await?;
    let found = prepare_answer(&txn, true, worker.id, found).await?;
    let delivered = deliver(
        &txn,
        state,
        organisation,
        &found,
        Outgoing {
            author_id: worker.id,
            author_is_care: true,
            text,
            attachments: &[],
            via_ecd: true,
            external_id: Some(message_external_id.to_owned()),
            at,
        },
    )
    .await;
    let (sent, audience) = match delivered {
        Ok(done) => done,
        // The same answer sent twice at once: the other one stored it.
        Err(ApiError::Conflict(..)) => {
            drop(txn);
            let stored = existing().await?.ok_or(ApiError::NotFound)?;
            if stored.conversation_id != found.id {
                return Err(ApiError::invalid("message_id", "used_elsewhere"));
            }
            let shown = messages_of(db, Uuid::nil(), client.id, vec![stored]).await?;
            return Ok((shown.into_iter().next().ok_or(ApiError::NotFound)?, false));
        }
        Err(error) => return Err(error),
    };
    let shown = messages_of(&txn, Uuid::nil(), client.id, vec![sent]).await?;
    txn.commit().await?;
    publish(state, &found, audience);
    Ok((shown.into_iter().next().ok_or(ApiError::NotFound)?, true))
}

/// Invisible characters that change how a name reads (right-to-left overrides, zero-width
/// joiners): "factuur\u{202E}fdp.exe" must not look like a PDF.
fn is_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// A file name safe to show and to send back: the last part of what the browser said, without
/// control characters, at most 120 characters.
fn clean_name(name: Option<&str>, document: bool) -> String {
    let raw = name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let mut cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control() && !is_format(*c) && !matches!(c, '"' | '<' | '>'))
        .take(120)
        .collect();
    cleaned = cleaned.trim().to_owned();
    let stem = cleaned
        .rsplit_once('.')
        .map_or(cleaned.as_str(), |(stem, _)| stem)
        .trim()
        .to_owned();
    match (document, stem.is_empty()) {
        (true, true) => "document.pdf".to_owned(),
        (true, false) => format!("{stem}.pdf"),
        (false, true) => "foto.jpg".to_owned(),
        // Every photo is stored as JPEG.
        (false, false) => format!("{stem}.jpg"),
    }
}

/// Stores an attachment for a message being written: a PDF as it is, a photo turned upright
/// and re-encoded without its metadata. It is the uploader's alone until it is sent; unsent
/// ones are removed after a day.
pub async fn upload_attachment(
    state: &AppState,
    viewer: &Viewer,
    name: Option<&str>,
    body: actix_web::web::Bytes,
) -> Result<Attachment, ApiError> {
    let uploader = viewer.user_id();
    let client_id = viewer.client().id;
    limits::hit(
        &state.db,
        &format!("media-upload:{uploader}"),
        UPLOADS_PER_HOUR,
    )
    .await?;
    let document = is_pdf(&body);
    let mut stored = if document {
        state
            .media
            .write_document(body, client_id, uploader, media::Purpose::Message)
            .await?
    } else {
        let processed = state.media.process(body).await?;
        state
            .media
            .write(
                processed,
                client_id,
                Some(uploader),
                media::Purpose::Message,
            )
            .await?
    };
    stored.file_name = Some(clean_name(name, document));
    // Counted and stored in one write transaction (the uploader's row locked on PostgreSQL).
    let txn = crate::db::begin_write(&state.db).await?;
    user::Entity::find_by_id(uploader)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let waiting = media::Entity::find()
        .filter(media::Column::UploadedBy.eq(uploader))
        .filter(media::Column::ClientId.eq(client_id))
        .filter(media::Column::MessageId.is_null())
        .filter(media::Column::Purpose.eq(media::Purpose::Message))
        .count(&txn)
        .await?;
    if waiting >= MAX_WAITING_ATTACHMENTS {
        drop(txn);
        state.media.forget(std::slice::from_ref(&stored)).await;
        return Err(ApiError::invalid("file", "too_many_waiting"));
    }
    let active: media::ActiveModel = stored.clone().into();
    active.insert(&txn).await?;
    txn.commit().await?;
    Ok(attachment_of(&stored))
}

/// Archives a conversation for the viewer (`on`), or takes it back into the inbox.
pub async fn set_archived(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    on: bool,
) -> Result<(), ApiError> {
    let found = visible(db, viewer, id).await?;
    if on {
        conversation_archive::Entity::insert(conversation_archive::ActiveModel {
            conversation_id: Set(found.id),
            user_id: Set(viewer.user_id()),
            // What is archived: the conversation up to its last message as read just now. A
            // message committed after that read brings it back (`is_archived`), even when
            // its sender's delete of the archive rows ran before this insert.
            archived_at: Set(found.last_message_at),
        })
        .on_conflict(
            OnConflict::columns([
                conversation_archive::Column::ConversationId,
                conversation_archive::Column::UserId,
            ])
            .update_column(conversation_archive::Column::ArchivedAt)
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    } else {
        conversation_archive::Entity::delete_many()
            .filter(conversation_archive::Column::ConversationId.eq(found.id))
            .filter(conversation_archive::Column::UserId.eq(viewer.user_id()))
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        time::instant(
            NaiveDate::from_ymd_opt(2026, 12, day)
                .unwrap()
                .and_hms_opt(hour, 0, 0)
                .unwrap(),
        )
    }

    #[test]
    fn working_days_skip_the_weekend() {
        // Thursday 3 December 2026, 10:00 + 2 working days = Monday 7 December, 10:00.
        assert_eq!(add_working_days(at(3, 10), 2), at(7, 10));
        // Monday + 2 = Wednesday.
        assert_eq!(add_working_days(at(7, 9), 2), at(9, 9));
        // Saturday evening counts from Monday 08:00: + 2 = Wednesday 08:00.
        assert_eq!(add_working_days(at(5, 21), 2), at(9, 8));
        assert_eq!(Utc.timestamp_opt(0, 0).unwrap().year(), 1970);
    }

    #[test]
    fn file_names_are_cleaned_and_photos_become_jpeg() {
        assert_eq!(
            clean_name(Some("C:\\fotos\\IMG_001.HEIC"), false),
            "IMG_001.jpg"
        );
        assert_eq!(clean_name(Some("../../etc/passwd"), true), "passwd.pdf");
        assert_eq!(clean_name(Some("brief \"1\"\n.pdf"), true), "brief 1.pdf");
        assert_eq!(clean_name(None, true), "document.pdf");
        assert_eq!(clean_name(Some(".pdf"), false), "foto.jpg");
        assert_eq!(
            clean_name(Some("factuur\u{202E}fdp.exe"), true),
            "factuurfdp.pdf"
        );
    }
}
