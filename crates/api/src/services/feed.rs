//! The feed the ECD pulls: what was written in the portal (client notes, own appointments,
//! messages to care), in order, by cursor. Each service account acknowledges what it has stored; a pull
//! without a cursor resumes after the last acknowledgement, so a crashed integration loses
//! nothing and an acknowledged item is not sent twice.

use chrono::{DateTime, Utc};
use kring_shared::{
    agenda::Visibility,
    integration::{
        FeedAck, FeedAppointment, FeedAuthor, FeedItem, FeedKind, FeedMessage, FeedPage,
        FeedPosition, Scope,
    },
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    auth::Integrator,
    entities::{
        client, client_contact, conversation, conversation_member, dossier_entry, feed_event,
        message, organisation, own_appointment, service_account, user,
    },
    error::ApiError,
};

/// An arbitrary constant naming the advisory lock that orders feed writes on PostgreSQL.
const FEED_LOCK: i64 = 0x6b72_696e_6700_0001;

/// Appends an item to the feed inside `txn`. Positions must become visible in order: on
/// PostgreSQL a transaction that took position 10 could commit after one that took 11, and an
/// ECD that already acknowledged 11 would never see 10. So feed writers take one
/// transaction-scoped advisory lock first; the next writer's position is drawn only after the
/// previous one committed. SQLite already lets one writer at a time.
pub async fn append(
    txn: &DatabaseTransaction,
    organisation_id: Uuid,
    kind: FeedKind,
    entry_id: Uuid,
    client_id: Uuid,
    at: DateTime<Utc>,
) -> Result<feed_event::Model, ApiError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [FEED_LOCK.into()],
        ))
        .await?;
    }
    Ok(feed_event::ActiveModel {
        organisation_id: Set(organisation_id),
        kind: Set(kind.into()),
        entry_id: Set(entry_id),
        client_id: Set(client_id),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Items per pull unless asked otherwise, and the most.
pub const DEFAULT_LIMIT: u64 = 100;
pub const MAX_LIMIT: u64 = 500;

fn parse_cursor(field: &str, raw: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>()
        .ok()
        .filter(|seq| *seq >= 0)
        .ok_or_else(|| ApiError::invalid(field, "invalid_cursor"))
}

/// Items after `after` (or after the account's acknowledgement).
pub async fn pull(
    db: &DatabaseConnection,
    integrator: &Integrator,
    after: Option<&str>,
    limit: Option<u64>,
) -> Result<FeedPage, ApiError> {
    integrator.require(Scope::FeedRead)?;
    let after = match after {
        Some(raw) => parse_cursor("after", raw)?,
        None => integrator.account.feed_acked_seq,
    };
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", "out_of_range"));
    }
    let mut events = feed_event::Entity::find()
        .filter(feed_event::Column::OrganisationId.eq(integrator.organisation.id))
        .filter(feed_event::Column::Seq.gt(after))
        .order_by_asc(feed_event::Column::Seq)
        .limit(limit + 1)
        .all(db)
        .await?;
    let has_more = events.len() as u64 > limit;
    events.truncate(limit as usize);
    let mut items = Vec::with_capacity(events.len());
    for event in &events {
        if let Some(item) = item_of(db, event).await? {
            items.push(item);
        }
    }
    let next = events.last().map_or(after, |event| event.seq);
    Ok(FeedPage {
        items,
        next_cursor: next.to_string(),
        has_more,
    })
}

async fn item_of(
    db: &DatabaseConnection,
    event: &feed_event::Model,
) -> Result<Option<FeedItem>, ApiError> {
    let Some(kind) = event.kind.known() else {
        return Ok(None);
    };
    if matches!(kind, FeedKind::Appointment | FeedKind::AppointmentRemoved) {
        return appointment_item(db, event, kind).await;
    }
    if kind == FeedKind::Message {
        return message_item(db, event).await;
    }
    let Some(entry) = dossier_entry::Entity::find_by_id(event.entry_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let client = client::Entity::find_by_id(event.client_id).one(db).await?;
    let relationship = relationship_of(db, event.client_id, entry.author_user_id).await?;
    Ok(Some(FeedItem {
        cursor: event.seq.to_string(),
        kind,
        id: entry.id,
        client_id: event.client_id,
        client_external_id: client.and_then(|client| client.external_id),
        written_at: entry.occurred_at,
        author: FeedAuthor {
            name: entry.author_name.unwrap_or_default(),
            relationship: relationship.to_owned(),
        },
        text: entry.body,
        appointment: None,
        message: None,
    }))
}

/// A message from the network to the care team, with its conversation.
async fn message_item(
    db: &DatabaseConnection,
    event: &feed_event::Model,
) -> Result<Option<FeedItem>, ApiError> {
    let Some(sent) = message::Entity::find_by_id(event.entry_id).one(db).await? else {
        return Ok(None);
    };
    let Some(found) = conversation::Entity::find_by_id(sent.conversation_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let client = client::Entity::find_by_id(event.client_id).one(db).await?;
    let author = user::Entity::find_by_id(sent.author_id).one(db).await?;
    let care: Vec<Uuid> = conversation_member::Entity::find()
        .filter(conversation_member::Column::ConversationId.eq(found.id))
        .filter(conversation_member::Column::IsCare.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|member| member.user_id)
        .collect();
    let care_workers = user::Entity::find()
        .filter(user::Column::Id.is_in(care))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|worker| worker.external_id)
        .collect();
    Ok(Some(FeedItem {
        cursor: event.seq.to_string(),
        kind: FeedKind::Message,
        id: sent.id,
        client_id: event.client_id,
        client_external_id: client.and_then(|client| client.external_id),
        written_at: sent.created_at,
        author: FeedAuthor {
            name: author.map_or_else(String::new, |author| {
                format!("{} {}", author.first_name, author.last_name)
            }),
            relationship: relationship_of(db, event.client_id, Some(sent.author_id))
                .await?
                .to_owned(),
        },
        text: sent.body,
        appointment: None,
        message: Some(FeedMessage {
            conversation_id: found.id,
            subject: found.subject,
            care_team: found.to_team,
            care_workers,
        }),
    }))
}

async fn relationship_of(
    db: &DatabaseConnection,
    client_id: Uuid,
    user_id: Option<Uuid>,
) -> Result<&'static str, ApiError> {
    let Some(user_id) = user_id else {
        return Ok("other");
    };
    Ok(client_contact::Entity::find()
        .filter(client_contact::Column::ClientId.eq(client_id))
        .filter(client_contact::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .map_or("other", |link| link.relationship.as_str()))
}

/// An own appointment as the care team may know it: a private one only as busy time.
async fn appointment_item(
    db: &DatabaseConnection,
    event: &feed_event::Model,
    kind: FeedKind,
) -> Result<Option<FeedItem>, ApiError> {
    let Some(row) = own_appointment::Entity::find_by_id(event.entry_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let client = client::Entity::find_by_id(event.client_id).one(db).await?;
    let always_private = organisation::Entity::find_by_id(event.organisation_id)
        .one(db)
        .await?
        .is_some_and(|organisation| organisation.agenda_always_private);
    let busy = row.visibility == Visibility::Private || always_private;
    Ok(Some(FeedItem {
        cursor: event.seq.to_string(),
        kind,
        id: row.id,
        client_id: event.client_id,
        client_external_id: client.and_then(|client| client.external_id),
        written_at: event.created_at,
        // Busy time says nothing about who planned it either.
        author: if busy {
            FeedAuthor {
                name: String::new(),
                relationship: "other".to_owned(),
            }
        } else {
            FeedAuthor {
                name: row.author_name.clone(),
                relationship: relationship_of(db, event.client_id, Some(row.created_by))
                    .await?
                    .to_owned(),
            }
        },
        text: if busy {
            "Bezet".to_owned()
        } else {
            row.title.clone()
        },
        message: None,
        appointment: Some(FeedAppointment {
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            all_day: row.all_day,
            busy,
            location: if busy { None } else { row.location.clone() },
            rrule: row.rrule.clone(),
            series_id: row.series_id,
            original_start: row.original_start,
            cancelled: row.cancelled,
        }),
    }))
}

/// Marks everything up to `cursor` as stored by this account. Acknowledging backwards is
/// ignored (the position only moves forward); a cursor past the end is refused.
pub async fn acknowledge(
    db: &DatabaseConnection,
    integrator: &Integrator,
    ack: &FeedAck,
) -> Result<FeedPosition, ApiError> {
    integrator.require(Scope::FeedRead)?;
    let seq = parse_cursor("cursor", &ack.cursor)?;
    let newest: Option<i32> = feed_event::Entity::find()
        .filter(feed_event::Column::OrganisationId.eq(integrator.organisation.id))
        .select_only()
        .column_as(feed_event::Column::Seq.max(), "newest")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    if seq > newest.unwrap_or(0) {
        return Err(ApiError::invalid("cursor", "beyond_feed"));
    }
    service_account::Entity::update_many()
        .col_expr(service_account::Column::FeedAckedSeq, Expr::value(seq))
        .filter(service_account::Column::Id.eq(integrator.account.id))
        .filter(service_account::Column::FeedAckedSeq.lt(seq))
        .exec(db)
        .await?;
    let position = service_account::Entity::find_by_id(integrator.account.id)
        .one(db)
        .await?
        .map_or(seq, |account| account.feed_acked_seq);
    Ok(FeedPosition {
        acknowledged: position.to_string(),
    })
}
