//! The agenda (*Afspraken*): who may see and plan it, and what each of them sees.
//!
//! - Contacts with the Afspraken permission see everything, private appointments included.
//! - A care worker in the client's care team sees the agenda too, but a private appointment
//!   only as *Bezet* with its start and end.
//! - Care appointments come from the ECD, read-only; the organisation can hide them.
//! - Own appointments are made by the client or contacts (an organisation setting says who),
//!   and changed or deleted by their maker and portal administrators.
//!
//! Reading care appointments is reading care data: it is written to the access log.

mod calendar;
mod changes;
pub mod reminders;
pub mod time;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kring_shared::{
    Permission,
    agenda::{AgendaItem, AgendaPage, AgendaPerson, AppointmentSource, SeriesRef, Visibility},
    dossier::{AccessAction, AccessObject},
    me::{AccountKind, Relationship},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

pub use calendar::{calendar_feed, create_feed, feed_status, revoke_feed};
pub use changes::{conflicts, create, delete, insert_checked, one, update};

use crate::{
    entities::{care_appointment, care_team_member, client, organisation, own_appointment, user},
    error::ApiError,
    services::{
        access_log::{self, Reader},
        home::panel_enabled,
        policy::{self, ClientAccess, access_ended},
    },
};

/// The longest appointment: longer ones are refused, which bounds the range queries.
pub const MAX_LENGTH_DAYS: i64 = 31;

/// Who looks at an agenda.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// A contact (or the client) with the Afspraken permission: sees everything.
    Contact(ClientAccess),
    /// A care worker in the client's care team: private appointments are busy time.
    CareTeam {
        client: client::Model,
        organisation: organisation::Model,
    },
}

impl Viewer {
    pub fn client(&self) -> &client::Model {
        match self {
            Viewer::Contact(access) => &access.client,
            Viewer::CareTeam { client, .. } => client,
        }
    }

    pub fn organisation(&self) -> &organisation::Model {
        match self {
            Viewer::Contact(access) => &access.organisation,
            Viewer::CareTeam { organisation, .. } => organisation,
        }
    }

    fn sees_private(&self) -> bool {
        matches!(self, Viewer::Contact(_))
    }

    /// On whose behalf care data is read, for the access log.
    fn acting_as(&self) -> Relationship {
        match self {
            Viewer::Contact(access) => access.link.relationship,
            Viewer::CareTeam { .. } => Relationship::Other,
        }
    }
}

fn switched_off() -> ApiError {
    ApiError::Forbidden("The organisation has switched the agenda off.".to_owned())
}

/// A contact's access to the agenda: the Afspraken permission, with the agenda switched on.
pub async fn agenda_access(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<ClientAccess, ApiError> {
    let access = policy::client_access(db, account, client_id).await?;
    access.require(Permission::Agenda)?;
    if !panel_enabled(&access.organisation, kring_shared::PanelKind::Agenda) {
        return Err(switched_off());
    }
    Ok(access)
}

/// Who `account` is to this client's agenda: a contact with Afspraken, or a care worker in the
/// care team; 403 for anyone else.
pub async fn agenda_viewer(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<Viewer, ApiError> {
    if account.kind != AccountKind::CareWorker {
        return agenda_access(db, account, client_id)
            .await
            .map(Viewer::Contact);
    }
    let client = client::Entity::find_by_id(client_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let not_in_team = || ApiError::Forbidden("You are not in this client's care team.".to_owned());
    if client.organisation_id != account.organisation_id {
        return Err(not_in_team());
    }
    care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(client_id))
        .filter(care_team_member::Column::CareWorkerId.eq(account.id))
        .one(db)
        .await?
        .ok_or_else(not_in_team)?;
    let organisation = organisation::Entity::find_by_id(client.organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("client without organisation"))?;
    if access_ended(
        client.discharged_on,
        organisation.discharge_access_days,
        Utc::now().date_naive(),
    ) {
        return Err(ApiError::Forbidden(
            "Access to this portal ended after the client left care.".to_owned(),
        ));
    }
    if !panel_enabled(&organisation, kring_shared::PanelKind::Agenda) {
        return Err(switched_off());
    }
    Ok(Viewer::CareTeam {
        client,
        organisation,
    })
}

/// Whether this contact may add appointments: the client and portal administrators always,
/// other contacts when the organisation allows it.
pub fn may_add(access: &ClientAccess) -> bool {
    access.organisation.agenda_contacts_may_add
        || access.link.relationship == Relationship::Client
        || access.link.has(Permission::Settings)
}

/// Whether this contact may change or delete `appointment`: its maker and portal
/// administrators.
pub fn may_change(access: &ClientAccess, appointment: &own_appointment::Model) -> bool {
    appointment.created_by == access.link.user_id || access.link.has(Permission::Settings)
}

/// One own appointment (or one occurrence of a series) as `viewer` may see it.
pub(crate) fn own_item(
    viewer: &Viewer,
    row: &own_appointment::Model,
    occurrence: Option<(DateTime<Utc>, &own_appointment::Model)>,
) -> AgendaItem {
    let (starts_at, ends_at, series) = match occurrence {
        // An occurrence of `series`, starting at `start`.
        Some((start, master)) => (
            start,
            time::end_of_occurrence(start, master.starts_at, master.ends_at),
            master
                .rrule
                .as_deref()
                .and_then(time::recurrence_of)
                .map(|recurrence| SeriesRef {
                    id: master.id,
                    occurrence: start,
                    recurrence,
                }),
        ),
        None => (row.starts_at, row.ends_at, None),
    };
    let key = match &series {
        Some(series) => format!("{}@{}", series.id, series.occurrence.to_rfc3339()),
        None => row.id.to_string(),
    };
    let private =
        row.visibility == Visibility::Private || viewer.organisation().agenda_always_private;
    let busy = private && !viewer.sees_private();
    let can_change = match viewer {
        Viewer::Contact(access) => may_change(access, row),
        Viewer::CareTeam { .. } => false,
    };
    AgendaItem {
        key,
        id: row.id,
        source: AppointmentSource::Own,
        busy,
        title: (!busy).then(|| row.title.clone()),
        location: if busy { None } else { row.location.clone() },
        description: if busy { None } else { row.description.clone() },
        visibility: (!busy).then_some(row.visibility),
        all_day: row.all_day,
        starts_at,
        ends_at,
        local_start: time::local(starts_at),
        local_end: time::local(ends_at),
        care_worker: None,
        made_by: (!busy).then(|| row.author_name.clone()),
        series,
        can_change,
    }
}

fn care_item(row: &care_appointment::Model, people: &HashMap<Uuid, AgendaPerson>) -> AgendaItem {
    AgendaItem {
        key: row.id.to_string(),
        id: row.id,
        source: AppointmentSource::Care,
        busy: false,
        title: Some(row.title.clone()),
        location: row.location.clone(),
        description: row.description.clone(),
        visibility: None,
        all_day: false,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        local_start: time::local(row.starts_at),
        local_end: time::local(row.ends_at),
        care_worker: row
            .care_worker_id
            .and_then(|worker| people.get(&worker).cloned()),
        made_by: None,
        series: None,
        can_change: false,
    }
}

/// The care workers of `rows`, with their role in this client's team.
async fn care_people(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    rows: &[care_appointment::Model],
) -> Result<HashMap<Uuid, AgendaPerson>, ApiError> {
    let ids = rows.iter().filter_map(|row| row.care_worker_id);
    Ok(crate::services::named::named(db, client_id, ids)
        .await?
        .into_values()
        .map(|worker| {
            (
                worker.id,
                AgendaPerson {
                    name: format!("{} {}", worker.first_name, worker.last_name),
                    role: worker.care_role,
                    photo_url: worker.photo_url,
                },
            )
        })
        .collect())
}

/// The care appointments overlapping `[start, end)` (none when the organisation hides them).
pub(crate) async fn care_in_range(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<AgendaItem>, ApiError> {
    if !viewer.organisation().agenda_care_shown {
        return Ok(Vec::new());
    }
    let client_id = viewer.client().id;
    let rows = care_appointment::Entity::find()
        .filter(care_appointment::Column::ClientId.eq(client_id))
        .filter(care_appointment::Column::StartsAt.gte(start - Duration::days(MAX_LENGTH_DAYS)))
        .filter(care_appointment::Column::StartsAt.lt(end))
        .filter(care_appointment::Column::EndsAt.gt(start))
        .filter(care_appointment::Column::RetractedAt.is_null())
        .order_by_asc(care_appointment::Column::StartsAt)
        .all(db)
        .await?;
    let people = care_people(db, client_id, &rows).await?;
    Ok(rows.iter().map(|row| care_item(row, &people)).collect())
}

/// Every appointment of a client overlapping `[start, end)`, as `viewer` sees them, in order
/// of start. Uses the index on (client, start): an appointment lasts at most
/// `MAX_LENGTH_DAYS`, so none that started earlier can still be running.
pub(crate) async fn in_range(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(Vec<AgendaItem>, bool), ApiError> {
    let client_id = viewer.client().id;
    let earliest = start - Duration::days(MAX_LENGTH_DAYS);
    let mut items = care_in_range(db, viewer, start, end).await?;
    let care_read = !items.is_empty();
    // Single appointments and changed occurrences.
    let singles = own_appointment::Entity::find()
        .filter(own_appointment::Column::ClientId.eq(client_id))
        .filter(own_appointment::Column::StartsAt.gte(earliest))
        .filter(own_appointment::Column::StartsAt.lt(end))
        .filter(own_appointment::Column::EndsAt.gt(start))
        .filter(own_appointment::Column::Rrule.is_null())
        .filter(own_appointment::Column::Cancelled.eq(false))
        .filter(own_appointment::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    // The series of changed occurrences, in one query.
    let masters: HashMap<Uuid, own_appointment::Model> = {
        let ids: HashSet<Uuid> = singles.iter().filter_map(|row| row.series_id).collect();
        if ids.is_empty() {
            HashMap::new()
        } else {
            own_appointment::Entity::find()
                .filter(own_appointment::Column::Id.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|master| (master.id, master))
                .collect()
        }
    };
    for row in &singles {
        let master = row.series_id.and_then(|series| masters.get(&series));
        let mut item = own_item(viewer, row, None);
        if let (Some(master), Some(original)) = (master, row.original_start) {
            item.series = master
                .rrule
                .as_deref()
                .and_then(time::recurrence_of)
                .map(|recurrence| SeriesRef {
                    id: master.id,
                    occurrence: original,
                    recurrence,
                });
            if let Some(series) = &item.series {
                item.key = format!("{}@{}", series.id, series.occurrence.to_rfc3339());
            }
        }
        items.push(item);
    }
    // Series that may have an occurrence in the range.
    let series = own_appointment::Entity::find()
        .filter(own_appointment::Column::ClientId.eq(client_id))
        .filter(own_appointment::Column::StartsAt.lt(end))
        .filter(own_appointment::Column::SeriesEndsAt.gt(start))
        .filter(own_appointment::Column::Rrule.is_not_null())
        .filter(own_appointment::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    if !series.is_empty() {
        let changed: HashSet<(Uuid, DateTime<Utc>)> = own_appointment::Entity::find()
            .filter(own_appointment::Column::SeriesId.is_in(series.iter().map(|row| row.id)))
            .filter(own_appointment::Column::DeletedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .filter_map(|row| Some((row.series_id?, row.original_start?)))
            .collect();
        for master in &series {
            let Some(rule) = master.rrule.as_deref() else {
                continue;
            };
            let length = master.ends_at - master.starts_at;
            let from = start - length;
            let through = end - Duration::seconds(1);
            let starts = time::starts_between(rule, master.starts_at, from, through)
                .map_err(|error| anyhow::anyhow!("stored rule {rule} fails: {error}"))?;
            for occurrence in starts {
                if changed.contains(&(master.id, occurrence)) {
                    continue;
                }
                let item = own_item(viewer, master, Some((occurrence, master)));
                if item.ends_at > start {
                    items.push(item);
                }
            }
        }
    }
    items.sort_by(|a, b| (a.starts_at, &a.key).cmp(&(b.starts_at, &b.key)));
    Ok((items, care_read))
}

/// Whether `date` lies in the years an agenda can show (1900–2200): far outside them the date
/// arithmetic of a period would overflow.
pub fn in_calendar(date: NaiveDate) -> bool {
    (1900..=2200).contains(&chrono::Datelike::year(&date))
}

/// Items per page unless asked otherwise, and the most.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 500;
/// The longest period one request may cover.
pub const MAX_DAYS: i64 = 366;

/// A period of the agenda and a page of it.
pub struct AgendaQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

fn cursor_of(item: &AgendaItem) -> String {
    format!("{}~{}", item.starts_at.timestamp(), item.key)
}

fn parse_cursor(raw: &str) -> Result<(DateTime<Utc>, String), ApiError> {
    let malformed = || ApiError::invalid("cursor", "invalid_cursor");
    let (seconds, key) = raw.split_once('~').ok_or_else(malformed)?;
    let at = seconds
        .parse::<i64>()
        .ok()
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .ok_or_else(malformed)?;
    Ok((at, key.to_owned()))
}

/// `GET /api/clients/{id}/agenda`.
pub async fn list(
    db: &DatabaseConnection,
    viewer: &Viewer,
    reader: &Reader<'_>,
    query: AgendaQuery,
) -> Result<AgendaPage, ApiError> {
    for (field, date) in [("from", query.from), ("to", query.to)] {
        if !in_calendar(date) {
            return Err(ApiError::invalid(field, "out_of_range"));
        }
    }
    if query.to <= query.from {
        return Err(ApiError::invalid("to", "not_after_from"));
    }
    if (query.to - query.from).num_days() > MAX_DAYS {
        return Err(ApiError::invalid("to", "period_too_long"));
    }
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", "out_of_range"));
    }
    let after = query.cursor.as_deref().map(parse_cursor).transpose()?;
    let (items, care_read) = in_range(
        db,
        viewer,
        time::day_start(query.from),
        time::day_start(query.to),
    )
    .await?;
    let mut items: Vec<AgendaItem> = items
        .into_iter()
        .filter(|item| match &after {
            Some((at, key)) => (item.starts_at, &item.key) > (*at, key),
            None => true,
        })
        .take(limit + 1)
        .collect();
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(cursor_of)
    } else {
        None
    };
    if care_read
        && items
            .iter()
            .any(|item| item.source == AppointmentSource::Care)
    {
        log_care_read(db, viewer, reader, None).await?;
    }
    Ok(AgendaPage {
        from: query.from,
        to: query.to,
        items,
        next_cursor,
        care_appointments_shown: viewer.organisation().agenda_care_shown,
        may_add: match viewer {
            Viewer::Contact(access) => may_add(access),
            Viewer::CareTeam { .. } => false,
        },
    })
}

/// Writes the reading of care appointments to the access log.
pub(crate) async fn log_care_read(
    db: &(impl ConnectionTrait + 'static),
    viewer: &Viewer,
    reader: &Reader<'_>,
    object_id: Option<Uuid>,
) -> Result<(), ApiError> {
    access_log::record(
        db,
        reader,
        viewer.client(),
        viewer.acting_as(),
        AccessAction::Read,
        AccessObject::Agenda,
        object_id,
    )
    .await
}

/// The start panel: the next appointment and the three after it (from now, within a year).
pub async fn upcoming(
    db: &DatabaseConnection,
    viewer: &Viewer,
    reader: &Reader<'_>,
) -> Result<Vec<AgendaItem>, ApiError> {
    let now = Utc::now();
    // Most agendas have four appointments within a fortnight; look further only when not.
    let (mut items, _) = in_range(db, viewer, now, now + Duration::days(14)).await?;
    if items.len() < 4 {
        items = in_range(db, viewer, now, now + Duration::days(366))
            .await?
            .0;
    }
    let items: Vec<AgendaItem> = items.into_iter().take(4).collect();
    if items
        .iter()
        .any(|item| item.source == AppointmentSource::Care)
    {
        log_care_read(db, viewer, reader, None).await?;
    }
    Ok(items)
}

/// Whether the user may follow this client's live events (dossier or agenda).
pub async fn may_follow(
    db: &DatabaseConnection,
    account: &user::Model,
    client_id: Uuid,
) -> Result<(), ApiError> {
    match policy::client_access(db, account, client_id).await {
        Ok(_) => Ok(()),
        Err(refusal) => {
            // A care worker of the team follows the agenda or the conversations (either may
            // be switched off).
            if agenda_viewer(db, account, client_id).await.is_ok()
                || crate::services::messages::viewer(db, account, client_id)
                    .await
                    .is_ok()
            {
                Ok(())
            } else {
                Err(refusal)
            }
        }
    }
}
