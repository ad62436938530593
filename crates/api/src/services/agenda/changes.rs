//! Making, changing and deleting own appointments, and the conflict check. Each change is one
//! transaction with its ECD feed items; the open agendas hear of it after the commit.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kring_shared::{
    agenda::{AgendaItem, AppointmentInput, ChangeScope, ConflictReport, Visibility},
    integration::FeedKind,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use super::{MAX_LENGTH_DAYS, Viewer, may_add, may_change, own_item, time};
use crate::{
    entities::{own_appointment, user},
    error::ApiError,
    events::{EventBus, LiveEvent},
    services::{access_log::Reader, feed, policy::ClientAccess},
    validation::Checks,
};

/// A checked appointment: instants, and the series' rule and end.
#[derive(Debug, Clone)]
struct Planned {
    title: String,
    all_day: bool,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    location: Option<String>,
    description: Option<String>,
    visibility: Visibility,
    rrule: Option<String>,
    series_ends_at: DateTime<Utc>,
}

fn year_in_range(date: NaiveDate) -> bool {
    (2000..=2100).contains(&chrono::Datelike::year(&date))
}

/// Checks `input`, naming every bad field; nothing is stored unless all are fine.
fn plan(input: &AppointmentInput) -> Result<Planned, ApiError> {
    let mut checks = Checks::default();
    let title = checks.text("title", &input.title, 200);
    let location = checks.optional("location", input.location.as_deref(), 200);
    let description = checks.optional("description", input.description.as_deref(), 4000);
    let mut times = None;
    if input.all_day {
        match input.start_date {
            None => checks.fail("start_date", "required"),
            Some(first) if !year_in_range(first) => checks.fail("start_date", "out_of_range"),
            Some(first) => {
                let last = input.end_date.unwrap_or(first);
                if last < first {
                    checks.fail("end_date", "before_start");
                } else if (last - first).num_days() >= MAX_LENGTH_DAYS {
                    checks.fail("end_date", "too_long");
                } else {
                    let next = last.succ_opt().unwrap_or(last);
                    times = Some((time::day_start(first), time::day_start(next)));
                }
            }
        }
    } else {
        match (input.start, input.end) {
            (None, _) => checks.fail("start", "required"),
            (_, None) => checks.fail("end", "required"),
            (Some(start), _) if !year_in_range(start.date()) => {
                checks.fail("start", "out_of_range");
            }
            (Some(start), Some(end)) if end <= start => checks.fail("end", "not_after_start"),
            (Some(start), Some(end)) if (end - start).num_days() >= MAX_LENGTH_DAYS => {
                checks.fail("end", "too_long");
            }
            (Some(start), Some(end)) => times = Some((time::instant(start), time::instant(end))),
        }
    }
    let mut rrule = None;
    if let Some(recurrence) = &input.recurrence {
        if !(1..=12).contains(&recurrence.interval) {
            checks.fail("recurrence.interval", "out_of_range");
        }
        match (recurrence.until, recurrence.count) {
            (None, None) => checks.fail("recurrence", "no_end"),
            (Some(_), Some(_)) => checks.fail("recurrence", "until_and_count"),
            (_, Some(count)) if !(1..=time::MAX_OCCURRENCES).contains(&count) => {
                checks.fail("recurrence.count", "out_of_range");
            }
            _ => {}
        }
        if let (Some(until), Some((starts_at, _))) = (recurrence.until, times) {
            let first_day = time::local(starts_at).date();
            if until < first_day {
                checks.fail("recurrence.until", "before_start");
            } else if until >= time::two_years_after(first_day) {
                checks.fail("recurrence.until", "over_two_years");
            }
        }
        rrule = Some(time::rule_of(recurrence));
    }
    checks.done()?;
    let Some((starts_at, ends_at)) = times else {
        return Err(anyhow::anyhow!("checked times without a value").into());
    };
    let mut series_ends_at = ends_at;
    if let Some(rule) = &rrule {
        let starts = time::all_starts(rule, starts_at)
            .map_err(|_| ApiError::invalid("recurrence", "invalid"))?;
        let limit = time::day_start(time::two_years_after(time::local(starts_at).date()));
        match starts.last() {
            Some(last) if *last >= limit || starts.len() > usize::from(time::MAX_OCCURRENCES) => {
                return Err(ApiError::invalid("recurrence.count", "over_two_years"));
            }
            Some(last) => series_ends_at = time::end_of_occurrence(*last, starts_at, ends_at),
            None => return Err(ApiError::invalid("recurrence", "no_occurrences")),
        }
    }
    Ok(Planned {
        title,
        all_day: input.all_day,
        starts_at,
        ends_at,
        location,
        description,
        visibility: input.visibility,
        rrule,
        series_ends_at,
    })
}

fn author_name(author: &user::Model) -> String {
    format!("{} {}", author.first_name, author.last_name)
}

fn new_row(
    client: &crate::entities::client::Model,
    author: &user::Model,
    planned: Planned,
    series: Option<(Uuid, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> own_appointment::ActiveModel {
    own_appointment::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(client.organisation_id),
        client_id: Set(client.id),
        created_by: Set(author.id),
        author_name: Set(author_name(author)),
        title: Set(planned.title),
        all_day: Set(planned.all_day),
        starts_at: Set(planned.starts_at),
        ends_at: Set(planned.ends_at),
        time_zone: Set(kring_shared::agenda::AGENDA_TIME_ZONE.to_owned()),
        location: Set(planned.location),
        description: Set(planned.description),
        visibility: Set(planned.visibility),
        rrule: Set(planned.rrule),
        series_ends_at: Set(planned.series_ends_at),
        series_id: Set(series.map(|(id, _)| id)),
        original_start: Set(series.map(|(_, at)| at)),
        cancelled: Set(false),
        deleted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

fn apply_plan(active: &mut own_appointment::ActiveModel, planned: Planned, now: DateTime<Utc>) {
    active.title = Set(planned.title);
    active.all_day = Set(planned.all_day);
    active.starts_at = Set(planned.starts_at);
    active.ends_at = Set(planned.ends_at);
    active.location = Set(planned.location);
    active.description = Set(planned.description);
    active.visibility = Set(planned.visibility);
    active.rrule = Set(planned.rrule);
    active.series_ends_at = Set(planned.series_ends_at);
    active.cancelled = Set(false);
    active.updated_at = Set(now);
}

async fn to_feed(
    txn: &DatabaseTransaction,
    row: &own_appointment::Model,
    kind: FeedKind,
) -> Result<(), ApiError> {
    feed::append(
        txn,
        row.organisation_id,
        kind,
        row.id,
        row.client_id,
        Utc::now(),
    )
    .await?;
    Ok(())
}

fn refuse_change() -> ApiError {
    ApiError::Forbidden(
        "Only the maker and portal administrators can change this appointment.".to_owned(),
    )
}

/// `POST /api/clients/{id}/agenda/appointments`.
pub async fn create(
    db: &DatabaseConnection,
    bus: &EventBus,
    access: &ClientAccess,
    author: &user::Model,
    input: &AppointmentInput,
) -> Result<AgendaItem, ApiError> {
    if !may_add(access) {
        return Err(ApiError::Forbidden(
            "In this portal only the client and portal administrators add appointments.".to_owned(),
        ));
    }
    let planned = plan(input)?;
    let txn = crate::db::begin_write(db).await?;
    refuse_over_limit(&txn, access, planned.rrule.is_some()).await?;
    let row = insert(&txn, &access.client, author, planned).await?;
    txn.commit().await?;
    bus.publish(LiveEvent::agenda(access.client.id));
    Ok(first_item(access, &row))
}

/// Own appointments one client may have that have not ended, and series among them: every
/// read of the agenda expands the series, so their number is bounded.
pub const MAX_ACTIVE_APPOINTMENTS: u64 = 500;
pub const MAX_ACTIVE_SERIES: u64 = 50;

/// 422 `too_many` when the client has as many current appointments (or series) as allowed.
async fn refuse_over_limit(
    txn: &DatabaseTransaction,
    access: &ClientAccess,
    series: bool,
) -> Result<(), ApiError> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    // Counted and inserted by one writer per client at a time: the client's row is locked on
    // PostgreSQL (SQLite's writers are one at a time already), so parallel requests cannot all
    // pass the count.
    crate::entities::client::Entity::find_by_id(access.client.id)
        .lock_exclusive()
        .one(txn)
        .await?;
    let current = || {
        own_appointment::Entity::find()
            .filter(own_appointment::Column::ClientId.eq(access.client.id))
            .filter(own_appointment::Column::DeletedAt.is_null())
            .filter(own_appointment::Column::SeriesId.is_null())
            .filter(own_appointment::Column::SeriesEndsAt.gt(Utc::now()))
    };
    if current().count(txn).await? >= MAX_ACTIVE_APPOINTMENTS {
        return Err(ApiError::invalid("title", "too_many"));
    }
    if series
        && current()
            .filter(own_appointment::Column::Rrule.is_not_null())
            .count(txn)
            .await?
            >= MAX_ACTIVE_SERIES
    {
        return Err(ApiError::invalid("recurrence", "too_many"));
    }
    Ok(())
}

/// Stores a checked appointment with its feed item.
async fn insert(
    txn: &DatabaseTransaction,
    client: &crate::entities::client::Model,
    author: &user::Model,
    planned: Planned,
) -> Result<own_appointment::Model, ApiError> {
    let row = new_row(client, author, planned, None, Utc::now())
        .insert(txn)
        .await?;
    to_feed(txn, &row, FeedKind::Appointment).await?;
    Ok(row)
}

/// Adds an appointment inside `txn` without the permission check (the demo data).
pub async fn insert_checked(
    txn: &DatabaseTransaction,
    client: &crate::entities::client::Model,
    author: &user::Model,
    input: &AppointmentInput,
) -> Result<own_appointment::Model, ApiError> {
    insert(txn, client, author, plan(input)?).await
}

fn first_item(access: &ClientAccess, row: &own_appointment::Model) -> AgendaItem {
    let viewer = Viewer::Contact(access.clone());
    if row.rrule.is_some() {
        own_item(&viewer, row, Some((row.starts_at, row)))
    } else {
        own_item(&viewer, row, None)
    }
}

/// An own appointment of this client that is not deleted (nor part of a deleted series): 404
/// otherwise. Read inside the writer's transaction and locked on PostgreSQL (SQLite has one
/// writer at a time), so a change racing a delete cannot bring the appointment back.
async fn stored(
    txn: &DatabaseTransaction,
    access: &ClientAccess,
    id: Uuid,
) -> Result<own_appointment::Model, ApiError> {
    use sea_orm::QuerySelect;
    let row = own_appointment::Entity::find_by_id(id)
        .filter(own_appointment::Column::ClientId.eq(access.client.id))
        .filter(own_appointment::Column::DeletedAt.is_null())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(series) = row.series_id {
        own_appointment::Entity::find_by_id(series)
            .filter(own_appointment::Column::DeletedAt.is_null())
            .lock_exclusive()
            .one(txn)
            .await?
            .ok_or(ApiError::NotFound)?;
    }
    Ok(row)
}

/// The occurrence `at` of `master`, which must be one of its starts.
fn occurrence_of(
    master: &own_appointment::Model,
    at: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, ApiError> {
    let at = at.ok_or_else(|| ApiError::invalid("occurrence", "required"))?;
    if !super::in_calendar(at.date_naive()) {
        return Err(ApiError::invalid("occurrence", "not_in_series"));
    }
    let rule = master.rrule.as_deref().unwrap_or_default();
    let found = time::starts_between(rule, master.starts_at, at, at)
        .map_err(|error| anyhow::anyhow!("stored rule {rule} fails: {error}"))?;
    if found.contains(&at) {
        Ok(at)
    } else {
        Err(ApiError::invalid("occurrence", "not_in_series"))
    }
}

/// `GET /api/clients/{id}/agenda/appointments/{appointment_id}`: one own appointment, or one
/// occurrence of a series with `occurrence`.
pub async fn one(
    db: &DatabaseConnection,
    viewer: &Viewer,
    id: Uuid,
    occurrence: Option<DateTime<Utc>>,
) -> Result<AgendaItem, ApiError> {
    let row = own_appointment::Entity::find_by_id(id)
        .filter(own_appointment::Column::ClientId.eq(viewer.client().id))
        .filter(own_appointment::Column::DeletedAt.is_null())
        .filter(own_appointment::Column::Cancelled.eq(false))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.rrule.is_none() {
        return Ok(own_item(viewer, &row, None));
    }
    let at = match occurrence {
        Some(at) => occurrence_of(&row, Some(at))?,
        None => row.starts_at,
    };
    // A changed occurrence is its own row.
    if let Some(changed) = own_appointment::Entity::find()
        .filter(own_appointment::Column::SeriesId.eq(row.id))
        .filter(own_appointment::Column::OriginalStart.eq(at))
        .filter(own_appointment::Column::DeletedAt.is_null())
        .one(db)
        .await?
    {
        if changed.cancelled {
            return Err(ApiError::NotFound);
        }
        let mut item = own_item(viewer, &changed, None);
        item.series = own_item(viewer, &row, Some((at, &row))).series;
        item.key = format!("{}@{}", row.id, at.to_rfc3339());
        return Ok(item);
    }
    Ok(own_item(viewer, &row, Some((at, &row))))
}

/// Ends `master` before `at`: its rule gets an `UNTIL` one second before, and its changed
/// occurrences from `at` on are removed.
async fn shorten(
    txn: &DatabaseTransaction,
    master: &own_appointment::Model,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<own_appointment::Model, ApiError> {
    let rule = master.rrule.as_deref().unwrap_or_default();
    let kept: Vec<&str> = rule
        .split(';')
        .filter(|part| !part.starts_with("UNTIL=") && !part.starts_with("COUNT="))
        .collect();
    let until = at - Duration::seconds(1);
    let shortened = format!(
        "{};UNTIL={}",
        kept.join(";"),
        until.format("%Y%m%dT%H%M%SZ")
    );
    let starts = time::all_starts(&shortened, master.starts_at)
        .map_err(|error| anyhow::anyhow!("shortened rule {shortened} fails: {error}"))?;
    let last = starts.last().copied().unwrap_or(master.starts_at);
    own_appointment::Entity::update_many()
        .col_expr(own_appointment::Column::DeletedAt, Expr::value(now))
        .filter(own_appointment::Column::SeriesId.eq(master.id))
        .filter(own_appointment::Column::OriginalStart.gte(at))
        .filter(own_appointment::Column::DeletedAt.is_null())
        .exec(txn)
        .await?;
    let mut active: own_appointment::ActiveModel = master.clone().into();
    active.rrule = Set(Some(shortened));
    active.series_ends_at = Set(time::end_of_occurrence(
        last,
        master.starts_at,
        master.ends_at,
    ));
    active.updated_at = Set(now);
    Ok(active.update(txn).await?)
}

/// The changed-or-cancelled row of one occurrence, replaced by `planned` (or cancelled).
async fn replace_occurrence(
    txn: &DatabaseTransaction,
    access: &ClientAccess,
    author: &user::Model,
    master: &own_appointment::Model,
    at: DateTime<Utc>,
    planned: Option<Planned>,
    now: DateTime<Utc>,
) -> Result<own_appointment::Model, ApiError> {
    let existing = own_appointment::Entity::find()
        .filter(own_appointment::Column::SeriesId.eq(master.id))
        .filter(own_appointment::Column::OriginalStart.eq(at))
        .one(txn)
        .await?;
    let planned = planned.unwrap_or_else(|| Planned {
        title: master.title.clone(),
        all_day: master.all_day,
        starts_at: at,
        ends_at: time::end_of_occurrence(at, master.starts_at, master.ends_at),
        location: master.location.clone(),
        description: master.description.clone(),
        visibility: master.visibility,
        rrule: None,
        series_ends_at: time::end_of_occurrence(at, master.starts_at, master.ends_at),
    });
    let cancelled = existing.as_ref().is_some_and(|row| row.cancelled);
    let row = match existing {
        Some(found) => {
            let mut active: own_appointment::ActiveModel = found.into();
            apply_plan(&mut active, planned, now);
            active.cancelled = Set(cancelled);
            active.deleted_at = Set(None);
            active.update(txn).await?
        }
        None => {
            new_row(&access.client, author, planned, Some((master.id, at)), now)
                .insert(txn)
                .await?
        }
    };
    Ok(row)
}

/// `PUT /api/clients/{id}/agenda/appointments/{appointment_id}`: changes an appointment, or
/// for a series this occurrence, this and the following ones, or all.
#[allow(clippy::too_many_arguments)]
pub async fn update(
    db: &DatabaseConnection,
    bus: &EventBus,
    access: &ClientAccess,
    author: &user::Model,
    id: Uuid,
    occurrence: Option<DateTime<Utc>>,
    scope: ChangeScope,
    input: &AppointmentInput,
) -> Result<AgendaItem, ApiError> {
    let planned = plan(input)?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let row = stored(&txn, access, id).await?;
    if !may_change(access, &row) {
        return Err(refuse_change());
    }
    // Whoever may no longer add cannot make new appointments by changing old ones either: not
    // by making one repeat, nor by splitting a series.
    let makes_more = (row.rrule.is_none() && planned.rrule.is_some())
        || (row.rrule.is_some() && scope == ChangeScope::Following);
    if makes_more && !may_add(access) {
        return Err(ApiError::Forbidden(
            "In this portal only the client and portal administrators add appointments.".to_owned(),
        ));
    }
    let result = if row.rrule.is_none() {
        if row.series_id.is_some() && planned.rrule.is_some() {
            return Err(ApiError::invalid("recurrence", "not_for_one_occurrence"));
        }
        let mut active: own_appointment::ActiveModel = row.into();
        apply_plan(&mut active, planned, now);
        let saved = active.update(&txn).await?;
        to_feed(&txn, &saved, FeedKind::Appointment).await?;
        first_item(access, &saved)
    } else {
        let at = match (scope, occurrence) {
            (ChangeScope::All, None) => row.starts_at,
            _ => occurrence_of(&row, occurrence)?,
        };
        match scope {
            ChangeScope::This => {
                if planned.rrule.is_some() {
                    return Err(ApiError::invalid("recurrence", "not_for_one_occurrence"));
                }
                let saved =
                    replace_occurrence(&txn, access, author, &row, at, Some(planned), now).await?;
                to_feed(&txn, &saved, FeedKind::Appointment).await?;
                let viewer = Viewer::Contact(access.clone());
                let mut item = own_item(&viewer, &saved, None);
                item.series = own_item(&viewer, &row, Some((at, &row))).series;
                item.key = format!("{}@{}", row.id, at.to_rfc3339());
                item
            }
            ChangeScope::Following if at > row.starts_at => {
                let shortened = shorten(&txn, &row, at, now).await?;
                to_feed(&txn, &shortened, FeedKind::Appointment).await?;
                let created = new_row(&access.client, author, planned, None, now)
                    .insert(&txn)
                    .await?;
                to_feed(&txn, &created, FeedKind::Appointment).await?;
                first_item(access, &created)
            }
            ChangeScope::Following | ChangeScope::All => {
                // Moving one occurrence's day moves the whole series by as many days.
                let shift = time::local(planned.starts_at).date() - time::local(at).date();
                let mut planned = planned;
                if shift.num_days() != 0 || at != row.starts_at {
                    let first_day = time::local(row.starts_at).date() + shift;
                    let start_time = time::local(planned.starts_at).time();
                    let length = time::local(planned.ends_at) - time::local(planned.starts_at);
                    let first = first_day.and_time(start_time);
                    let mut input = input.clone();
                    if input.all_day {
                        input.start_date = Some(first_day);
                        input.end_date = Some(first_day + (length - Duration::days(1)));
                    } else {
                        input.start = Some(first);
                        input.end = Some(first + length);
                    }
                    planned = plan(&input)?;
                }
                let series_id = row.id;
                let mut active: own_appointment::ActiveModel = row.into();
                apply_plan(&mut active, planned, now);
                let saved = active.update(&txn).await?;
                // Changed occurrences that are no longer in the series go.
                let starts = match saved.rrule.as_deref() {
                    Some(rule) => time::all_starts(rule, saved.starts_at)
                        .map_err(|error| anyhow::anyhow!("rule {rule} fails: {error}"))?,
                    None => Vec::new(),
                };
                own_appointment::Entity::update_many()
                    .col_expr(own_appointment::Column::DeletedAt, Expr::value(now))
                    .filter(own_appointment::Column::SeriesId.eq(series_id))
                    .filter(own_appointment::Column::OriginalStart.is_not_in(starts))
                    .filter(own_appointment::Column::DeletedAt.is_null())
                    .exec(&txn)
                    .await?;
                to_feed(&txn, &saved, FeedKind::Appointment).await?;
                first_item(access, &saved)
            }
        }
    };
    txn.commit().await?;
    bus.publish(LiveEvent::agenda(access.client.id));
    Ok(result)
}

/// `DELETE /api/clients/{id}/agenda/appointments/{appointment_id}`.
pub async fn delete(
    db: &DatabaseConnection,
    bus: &EventBus,
    access: &ClientAccess,
    author: &user::Model,
    id: Uuid,
    occurrence: Option<DateTime<Utc>>,
    scope: ChangeScope,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let row = stored(&txn, access, id).await?;
    if !may_change(access, &row) {
        return Err(refuse_change());
    }
    let at = match (row.rrule.is_some(), scope, occurrence) {
        (false, ..) | (true, ChangeScope::All, None) => None,
        (true, ..) => Some(occurrence_of(&row, occurrence)?),
    };
    match (at, scope) {
        (Some(at), ChangeScope::This) => {
            let mut cancelled =
                replace_occurrence(&txn, access, author, &row, at, None, now).await?;
            let mut active: own_appointment::ActiveModel = cancelled.clone().into();
            active.cancelled = Set(true);
            cancelled = active.update(&txn).await?;
            to_feed(&txn, &cancelled, FeedKind::AppointmentRemoved).await?;
        }
        (Some(at), ChangeScope::Following) if at > row.starts_at => {
            let shortened = shorten(&txn, &row, at, now).await?;
            to_feed(&txn, &shortened, FeedKind::Appointment).await?;
        }
        _ if row.series_id.is_some() => {
            // One changed occurrence: cancelled, so the series does not show it again.
            let mut active: own_appointment::ActiveModel = row.into();
            active.cancelled = Set(true);
            active.updated_at = Set(now);
            let saved = active.update(&txn).await?;
            to_feed(&txn, &saved, FeedKind::AppointmentRemoved).await?;
        }
        _ => {
            own_appointment::Entity::update_many()
                .col_expr(own_appointment::Column::DeletedAt, Expr::value(now))
                .filter(own_appointment::Column::SeriesId.eq(row.id))
                .filter(own_appointment::Column::DeletedAt.is_null())
                .exec(&txn)
                .await?;
            let mut active: own_appointment::ActiveModel = row.into();
            active.deleted_at = Set(Some(now));
            let saved = active.update(&txn).await?;
            to_feed(&txn, &saved, FeedKind::AppointmentRemoved).await?;
        }
    }
    txn.commit().await?;
    bus.publish(LiveEvent::agenda(access.client.id));
    Ok(())
}

/// `POST /api/clients/{id}/agenda/conflicts`: the care appointments that overlap a planned
/// appointment (every occurrence of a series). Saving stays allowed; the page warns.
pub async fn conflicts(
    db: &DatabaseConnection,
    access: &ClientAccess,
    reader: &Reader<'_>,
    input: &AppointmentInput,
) -> Result<ConflictReport, ApiError> {
    let planned = plan(input)?;
    let viewer = Viewer::Contact(access.clone());
    if !access.organisation.agenda_care_shown {
        return Ok(ConflictReport {
            conflicts: Vec::new(),
        });
    }
    let occurrences: Vec<(DateTime<Utc>, DateTime<Utc>)> = match &planned.rrule {
        Some(rule) => time::all_starts(rule, planned.starts_at)
            .map_err(|_| ApiError::invalid("recurrence", "invalid"))?
            .into_iter()
            .map(|start| {
                (
                    start,
                    time::end_of_occurrence(start, planned.starts_at, planned.ends_at),
                )
            })
            .collect(),
        None => vec![(planned.starts_at, planned.ends_at)],
    };
    // Only the care appointments are read: the family's own do not conflict.
    let care = super::care_in_range(db, &viewer, planned.starts_at, planned.series_ends_at).await?;
    let conflicts: Vec<AgendaItem> = care
        .into_iter()
        .filter(|item| {
            occurrences
                .iter()
                .any(|(start, end)| item.starts_at < *end && item.ends_at > *start)
        })
        .collect();
    if !conflicts.is_empty() {
        super::log_care_read(db, &viewer, reader, None).await?;
    }
    Ok(ConflictReport { conflicts })
}
