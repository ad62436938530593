//! The dossier as users with the Dossier permission read it: the timeline (keyset-paged, newest
//! first), one entry in full with its neighbours in its kind, counts per kind for *Lezen*, the
//! care plans for *Plannen*, and *Schrijven*: a note by the client or a contact, which also
//! goes to the ECD through the feed. Every read is written to the access log.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, SubsecRound, Utc};
use kring_shared::{
    PanelKind, Permission,
    dossier::{
        AccessAction, AccessObject, CarePlanDetail, CarePlanGoal, CarePlanVersion, CarePlans,
        DossierEntry, DossierEvent, DossierGroups, DossierKind, EntryChange, EntrySummary,
        KindCount, NewNoteRequest, QuestionAnswer, TimelinePage,
    },
    home::PanelItem,
    me::Relationship,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use strum::IntoEnumIterator;
use uuid::Uuid;

use crate::{
    entities::{dossier_entry, user},
    error::ApiError,
    events::EventBus,
    services::{
        access_log::{self, Reader},
        home::panel_enabled,
        policy::{self, ClientAccess},
    },
};

/// Entries per timeline page unless asked otherwise.
pub const DEFAULT_PAGE: u64 = 20;
/// The most entries one page may hold.
pub const MAX_PAGE: u64 = 100;
/// The longest note.
pub const MAX_NOTE: usize = 4000;

/// A position in the timeline: the last entry of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub occurred_at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    /// Opaque to clients: base64url of `seconds:uuid`.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.occurred_at.timestamp(), self.id))
    }

    /// Parses what `encode` made; anything else is `None`.
    pub fn decode(raw: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (seconds, id) = text.split_once(':')?;
        Some(Cursor {
            occurred_at: DateTime::from_timestamp(seconds.parse().ok()?, 0)?,
            id: id.parse().ok()?,
        })
    }
}

/// What a timeline request asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimelineQuery {
    /// Only this kind (*Lezen*'s group).
    pub kind: Option<DossierKind>,
    /// Continue after this entry.
    pub cursor: Option<Cursor>,
    /// Start at this moment (the date bar: the end of the chosen day).
    pub before: Option<DateTime<Utc>>,
    pub limit: Option<u64>,
}

/// The access of a user who may read `client_id`'s dossier: in the network, with the Dossier
/// permission, and the organisation has the dossier switched on; 403 otherwise.
pub async fn dossier_access(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<ClientAccess, ApiError> {
    let access = policy::client_access(db, account, client_id).await?;
    access.require(Permission::Dossier)?;
    if !panel_enabled(&access.organisation, PanelKind::Dossier) {
        return Err(ApiError::Forbidden(
            "The organisation has switched the dossier off.".to_owned(),
        ));
    }
    Ok(access)
}

/// Whether `access` may read the dossier: the Dossier permission, and the organisation has the
/// dossier switched on.
pub fn reads_dossier(access: &ClientAccess) -> bool {
    access.link.has(Permission::Dossier) && panel_enabled(&access.organisation, PanelKind::Dossier)
}

/// How the reader is related to the client, for the access log and the feed.
pub fn acting_as(access: &ClientAccess) -> Relationship {
    access.link.relationship
}

/// Dossier times are kept to whole seconds, so keyset comparisons behave the same on every
/// database.
pub fn whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(0)
}

#[derive(Debug, FromQueryResult)]
struct SummaryRow {
    id: Uuid,
    kind: String,
    occurred_at: DateTime<Utc>,
    title: String,
    category: Option<String>,
    author_name: Option<String>,
    body: String,
}

fn excerpt(text: &str) -> String {
    const LENGTH: usize = 200;
    let text = text.trim();
    if text.chars().count() <= LENGTH {
        return text.to_owned();
    }
    let cut: String = text.chars().take(LENGTH).collect();
    let cut = cut
        .rsplit_once(char::is_whitespace)
        .map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

fn summary_of(row: SummaryRow) -> Option<EntrySummary> {
    Some(EntrySummary {
        id: row.id,
        kind: DossierKind::parse(&row.kind)?,
        occurred_at: row.occurred_at,
        title: row.title,
        category: row.category,
        author: row.author_name,
        excerpt: excerpt(&row.body),
    })
}

fn live_entries(client_id: Uuid) -> sea_orm::Select<dossier_entry::Entity> {
    dossier_entry::Entity::find()
        .filter(dossier_entry::Column::ClientId.eq(client_id))
        .filter(dossier_entry::Column::RetractedAt.is_null())
}

/// Rows strictly older than `(at, id)` in (time, id) order.
fn older_than(at: DateTime<Utc>, id: Uuid) -> Condition {
    Condition::any()
        .add(dossier_entry::Column::OccurredAt.lt(at))
        .add(
            Condition::all()
                .add(dossier_entry::Column::OccurredAt.eq(at))
                .add(dossier_entry::Column::Id.lt(id)),
        )
}

/// Rows strictly newer than `(at, id)`.
fn newer_than(at: DateTime<Utc>, id: Uuid) -> Condition {
    Condition::any()
        .add(dossier_entry::Column::OccurredAt.gt(at))
        .add(
            Condition::all()
                .add(dossier_entry::Column::OccurredAt.eq(at))
                .add(dossier_entry::Column::Id.gt(id)),
        )
}

/// One page of the timeline (or of one kind), newest first, without OFFSET: the page after a
/// cursor starts strictly after that entry, so paging is stable while entries are added.
pub async fn page(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    query: TimelineQuery,
) -> Result<TimelinePage, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::Malformed(format!(
            "`limit` must be between 1 and {MAX_PAGE}."
        )));
    }
    let mut select = live_entries(client_id)
        .select_only()
        .columns([
            dossier_entry::Column::Id,
            dossier_entry::Column::Kind,
            dossier_entry::Column::OccurredAt,
            dossier_entry::Column::Title,
            dossier_entry::Column::Category,
            dossier_entry::Column::AuthorName,
            dossier_entry::Column::Body,
        ])
        .order_by_desc(dossier_entry::Column::OccurredAt)
        .order_by_desc(dossier_entry::Column::Id)
        .limit(limit + 1);
    if let Some(kind) = query.kind {
        select = select.filter(dossier_entry::Column::Kind.eq(kind));
    }
    if let Some(cursor) = query.cursor {
        select = select.filter(older_than(cursor.occurred_at, cursor.id));
    } else if let Some(before) = query.before {
        select = select.filter(dossier_entry::Column::OccurredAt.lt(whole_seconds(before)));
    }
    let mut rows = select.into_model::<SummaryRow>().all(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|row| {
            Cursor {
                occurred_at: row.occurred_at,
                id: row.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok(TimelinePage {
        entries: rows.into_iter().filter_map(summary_of).collect(),
        next_cursor,
    })
}

/// The timeline for a reader with the Dossier permission, logged.
pub async fn timeline(
    db: &DatabaseConnection,
    access: &ClientAccess,
    reader: &Reader<'_>,
    query: TimelineQuery,
) -> Result<TimelinePage, ApiError> {
    access.require(Permission::Dossier)?;
    let page = page(db, access.client.id, query).await?;
    let object = query
        .kind
        .map_or(AccessObject::Timeline, AccessObject::list);
    access_log::record(
        db,
        reader,
        &access.client,
        acting_as(access),
        AccessAction::Read,
        object,
        None,
    )
    .await?;
    Ok(page)
}

fn detail_of(
    entry: dossier_entry::Model,
    previous_id: Option<Uuid>,
    next_id: Option<Uuid>,
) -> Result<DossierEntry, ApiError> {
    let kind = entry.kind;
    let mut answers = Vec::new();
    let mut care_plan = None;
    match kind {
        DossierKind::Questionnaire => {
            answers = serde_json::from_str::<Vec<QuestionAnswer>>(
                entry.content.as_deref().unwrap_or("[]"),
            )
            .map_err(anyhow::Error::new)?;
        }
        DossierKind::CarePlan => {
            let goals =
                serde_json::from_str::<Vec<CarePlanGoal>>(entry.content.as_deref().unwrap_or("[]"))
                    .map_err(anyhow::Error::new)?;
            care_plan = Some(CarePlanDetail {
                valid_from: entry
                    .valid_from
                    .unwrap_or_else(|| entry.occurred_at.date_naive()),
                valid_until: entry.valid_until,
                goals,
            });
        }
        DossierKind::Note | DossierKind::Report => {}
    }
    Ok(DossierEntry {
        id: entry.id,
        kind,
        occurred_at: entry.occurred_at,
        title: entry.title,
        category: entry.category,
        author: entry.author_name,
        text: entry.body,
        answers,
        care_plan,
        previous_id,
        next_id,
    })
}

/// The live entry `entry_id` of this client, or 404.
async fn live_entry(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    entry_id: Uuid,
) -> Result<dossier_entry::Model, ApiError> {
    live_entries(client_id)
        .filter(dossier_entry::Column::Id.eq(entry_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

async fn neighbour(
    db: &impl ConnectionTrait,
    entry: &dossier_entry::Model,
    older: bool,
) -> Result<Option<Uuid>, ApiError> {
    let select = live_entries(entry.client_id)
        .filter(dossier_entry::Column::Kind.eq(entry.kind))
        .select_only()
        .column(dossier_entry::Column::Id);
    let select = if older {
        select
            .filter(older_than(entry.occurred_at, entry.id))
            .order_by_desc(dossier_entry::Column::OccurredAt)
            .order_by_desc(dossier_entry::Column::Id)
    } else {
        select
            .filter(newer_than(entry.occurred_at, entry.id))
            .order_by_asc(dossier_entry::Column::OccurredAt)
            .order_by_asc(dossier_entry::Column::Id)
    };
    Ok(select.into_tuple::<Uuid>().one(db).await?)
}

async fn full_entry(
    db: &impl ConnectionTrait,
    entry: dossier_entry::Model,
) -> Result<DossierEntry, ApiError> {
    let previous = neighbour(db, &entry, true).await?;
    let next = neighbour(db, &entry, false).await?;
    detail_of(entry, previous, next)
}

/// One entry in full, logged.
pub async fn entry(
    db: &DatabaseConnection,
    access: &ClientAccess,
    reader: &Reader<'_>,
    entry_id: Uuid,
) -> Result<DossierEntry, ApiError> {
    access.require(Permission::Dossier)?;
    let entry = live_entry(db, access.client.id, entry_id).await?;
    let full = full_entry(db, entry).await?;
    access_log::record(
        db,
        reader,
        &access.client,
        acting_as(access),
        AccessAction::Read,
        AccessObject::Entry,
        Some(entry_id),
    )
    .await?;
    Ok(full)
}

/// *Lezen*: how many entries each kind holds (every kind, zero included), logged.
pub async fn groups(
    db: &DatabaseConnection,
    access: &ClientAccess,
    reader: &Reader<'_>,
) -> Result<DossierGroups, ApiError> {
    access.require(Permission::Dossier)?;
    let counts: Vec<(String, i64)> = live_entries(access.client.id)
        .select_only()
        .column(dossier_entry::Column::Kind)
        .column_as(dossier_entry::Column::Id.count(), "count")
        .group_by(dossier_entry::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let groups = DossierKind::iter()
        .map(|kind| KindCount {
            kind,
            count: counts
                .iter()
                .find(|(name, _)| name == kind.as_str())
                .map_or(0, |(_, count)| u64::try_from(*count).unwrap_or(0)),
        })
        .collect();
    access_log::record(
        db,
        reader,
        &access.client,
        acting_as(access),
        AccessAction::Read,
        AccessObject::Groups,
        None,
    )
    .await?;
    Ok(DossierGroups { groups })
}

/// Whether a care plan version is in force on `today`.
fn in_force(entry: &dossier_entry::Model, today: chrono::NaiveDate) -> bool {
    entry.valid_from.is_some_and(|from| from <= today)
        && entry.valid_until.is_none_or(|until| until >= today)
}

/// *Plannen*: the version in force today in full, and every version, logged.
pub async fn care_plans(
    db: &DatabaseConnection,
    access: &ClientAccess,
    reader: &Reader<'_>,
) -> Result<CarePlans, ApiError> {
    access.require(Permission::Dossier)?;
    let versions = live_entries(access.client.id)
        .filter(dossier_entry::Column::Kind.eq(DossierKind::CarePlan))
        .order_by_desc(dossier_entry::Column::ValidFrom)
        .order_by_desc(dossier_entry::Column::OccurredAt)
        .all(db)
        .await?;
    let today = Utc::now().date_naive();
    let current_id = versions
        .iter()
        .find(|version| in_force(version, today))
        .map(|version| version.id);
    let list = versions
        .iter()
        .map(|version| CarePlanVersion {
            id: version.id,
            title: version.title.clone(),
            established_at: version.occurred_at,
            valid_from: version
                .valid_from
                .unwrap_or_else(|| version.occurred_at.date_naive()),
            valid_until: version.valid_until,
            current: Some(version.id) == current_id,
        })
        .collect();
    let current = match versions
        .into_iter()
        .find(|version| Some(version.id) == current_id)
    {
        Some(version) => Some(full_entry(db, version).await?),
        None => None,
    };
    access_log::record(
        db,
        reader,
        &access.client,
        acting_as(access),
        AccessAction::Read,
        AccessObject::CarePlans,
        None,
    )
    .await?;
    Ok(CarePlans {
        current,
        versions: list,
    })
}

/// *Schrijven*: stores a note by the reader, queues it for the ECD and tells open pages.
pub async fn write_note(
    db: &DatabaseConnection,
    bus: &EventBus,
    access: &ClientAccess,
    reader: &Reader<'_>,
    request: &NewNoteRequest,
) -> Result<DossierEntry, ApiError> {
    access.require(Permission::Dossier)?;
    let text = request.text.trim();
    if text.is_empty() {
        return Err(ApiError::invalid("text", "required"));
    }
    if text.chars().count() > MAX_NOTE {
        return Err(ApiError::invalid("text", "too_long"));
    }
    let title: String = text
        .lines()
        .next()
        .unwrap_or(text)
        .chars()
        .take(80)
        .collect();
    let now = whole_seconds(Utc::now());
    let author = format!("{} {}", reader.user.first_name, reader.user.last_name);
    let txn = crate::db::begin_write(db).await?;
    let entry = dossier_entry::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(access.client.organisation_id),
        client_id: Set(access.client.id),
        kind: Set(DossierKind::Note),
        external_id: Set(None),
        occurred_at: Set(now),
        title: Set(title),
        category: Set(None),
        author_name: Set(Some(author)),
        author_user_id: Set(Some(reader.user.id)),
        body: Set(text.to_owned()),
        content: Set(None),
        valid_from: Set(None),
        valid_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        retracted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    crate::services::feed::append(
        &txn,
        access.client.organisation_id,
        kring_shared::integration::FeedKind::ClientNote,
        entry.id,
        access.client.id,
        now,
    )
    .await?;
    access_log::record(
        &txn,
        reader,
        &access.client,
        acting_as(access),
        AccessAction::Write,
        AccessObject::Note,
        Some(entry.id),
    )
    .await?;
    txn.commit().await?;
    bus.publish(DossierEvent {
        client_id: access.client.id,
        entry_id: entry.id,
        kind: DossierKind::Note,
        change: EntryChange::Added,
    });
    full_entry(db, entry).await
}

/// The Dossier panel on *Start*: the three latest entries (the caller logs the read).
pub async fn latest(
    db: &impl ConnectionTrait,
    client_id: Uuid,
) -> Result<Vec<PanelItem>, ApiError> {
    let page = page(
        db,
        client_id,
        TimelineQuery {
            limit: Some(3),
            ..TimelineQuery::default()
        },
    )
    .await?;
    Ok(page
        .entries
        .into_iter()
        .map(|entry| PanelItem {
            title: entry.title,
            subtitle: entry.author,
            at: Some(entry.occurred_at),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            occurred_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("not-a-cursor"), None);
        assert_eq!(Cursor::decode(""), None);
    }

    #[test]
    fn excerpts_stop_at_a_word() {
        let long = "woord ".repeat(60);
        let cut = excerpt(&long);
        assert!(cut.chars().count() <= 201);
        assert!(cut.ends_with("woord…"));
        assert_eq!(excerpt("  kort  "), "kort");
    }
}
