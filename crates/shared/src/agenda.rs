//! The agenda (*Afspraken*): care appointments from the ECD and the family's own appointments,
//! in the organisation's time zone (Europe/Amsterdam). Times go out both as instants (UTC) and
//! as the wall-clock time in that zone, so a page never has to know the zone's rules.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin::CareRole;

/// The zone every agenda time is shown in.
pub const AGENDA_TIME_ZONE: &str = "Europe/Amsterdam";

/// Who can read an own appointment's details.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "server", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "Visibility::from_stored")
)]
pub enum Visibility {
    /// *Openbaar*: everyone who sees the agenda sees it all.
    Public,
    /// *Privé*: contacts with Afspraken see it all; the care team sees only *Bezet*.
    Private,
}

impl Visibility {
    /// Reads a stored name; an unknown one reads as private, the safe side.
    pub fn from_stored(name: &str) -> Result<Visibility, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(Visibility::Private))
    }
}

/// Where an appointment comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentSource {
    /// From the ECD: read-only, times are indicative.
    Care,
    /// Made in the portal by the client or a contact.
    Own,
}

/// How often a series repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
}

/// A repeating appointment: every `interval` days, weeks or months, ending on a date or after
/// a number of times, at most two years after its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "frequency": "weekly", "interval": 1, "until": "2027-03-30", "count": null
})))]
pub struct Recurrence {
    pub frequency: Frequency,
    /// Every this many days, weeks or months (1–12; default 1).
    #[serde(default = "one")]
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 12))]
    pub interval: u8,
    /// The last day an occurrence may fall on (in the agenda's zone).
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// The number of occurrences (1–750). Exactly one of `until` and `count`.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 750))]
    pub count: Option<u16>,
}

fn one() -> u8 {
    1
}

/// A care worker with an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AgendaPerson {
    pub name: String,
    /// The care worker's role in this client's care team, when they are in it.
    pub role: Option<CareRole>,
    pub photo_url: Option<String>,
}

/// One appointment, or one occurrence of a series, as this user may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "key": "0b7e4a52-8f2a-4f0b-9c55-2f1c0d9e7a10@2026-12-01T13:00:00Z",
    "id": "0b7e4a52-8f2a-4f0b-9c55-2f1c0d9e7a10",
    "source": "own",
    "busy": false,
    "title": "Bezoek van Pieter",
    "location": "Kamer 12",
    "description": null,
    "visibility": "private",
    "all_day": false,
    "starts_at": "2026-12-01T13:00:00Z",
    "ends_at": "2026-12-01T14:30:00Z",
    "local_start": "2026-12-01T14:00:00",
    "local_end": "2026-12-01T15:30:00",
    "care_worker": null,
    "made_by": "Pieter de Vries",
    "series": {
        "id": "0b7e4a52-8f2a-4f0b-9c55-2f1c0d9e7a10",
        "occurrence": "2026-12-01T13:00:00Z",
        "recurrence": {"frequency": "weekly", "interval": 1, "until": "2027-03-30", "count": null}
    },
    "can_change": true
})))]
pub struct AgendaItem {
    /// Unique in a listing: the appointment id, with `@` and the original start for an
    /// occurrence of a series.
    pub key: String,
    /// The stored appointment (for a changed occurrence: its own row).
    pub id: Uuid,
    pub source: AppointmentSource,
    /// Only the time is known to this user: a private appointment seen by the care team
    /// (*Bezet*). Title, place and description are then absent.
    pub busy: bool,
    pub title: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    /// Own appointments only.
    pub visibility: Option<Visibility>,
    /// A whole-day appointment: use the dates of `local_start` and `local_end` (the end is the
    /// morning after the last day).
    pub all_day: bool,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The start on the wall clock of Europe/Amsterdam (no offset).
    #[cfg_attr(
        feature = "server",
        schema(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-01T14:00:00")
    )]
    pub local_start: NaiveDateTime,
    /// The end on the same wall clock.
    #[cfg_attr(
        feature = "server",
        schema(value_type = String, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-01T14:00:00")
    )]
    pub local_end: NaiveDateTime,
    /// Care appointments: the care worker.
    pub care_worker: Option<AgendaPerson>,
    /// Own appointments: who made it.
    pub made_by: Option<String>,
    /// Part of a repeating series.
    pub series: Option<SeriesRef>,
    /// This user may change and delete it.
    pub can_change: bool,
}

/// Where an occurrence sits in its series: address changes to `id` with `occurrence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SeriesRef {
    /// The series' appointment id.
    pub id: Uuid,
    /// The occurrence's original start (before any change of this occurrence).
    pub occurrence: DateTime<Utc>,
    pub recurrence: Recurrence,
}

/// `GET /api/clients/{client_id}/agenda`: the appointments that overlap a period, soonest
/// first, keyset-paged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "from": "2026-11-30",
    "to": "2026-12-07",
    "items": [{
        "key": "5b1e4c0a-1f7d-4e8b-9a2c-3d4e5f607182",
        "id": "5b1e4c0a-1f7d-4e8b-9a2c-3d4e5f607182",
        "source": "care",
        "busy": false,
        "title": "Fysiotherapie: oefenen met lopen",
        "location": "Oefenzaal, begane grond",
        "description": "Graag makkelijke schoenen aan.",
        "visibility": null,
        "all_day": false,
        "starts_at": "2026-12-01T09:30:00Z",
        "ends_at": "2026-12-01T10:00:00Z",
        "local_start": "2026-12-01T10:30:00",
        "local_end": "2026-12-01T11:00:00",
        "care_worker": {"name": "Thomas Mulder", "role": "personal_supervisor", "photo_url": null},
        "made_by": null,
        "series": null,
        "can_change": false
    }, {
        "key": "0b7e4a52-8f2a-4f0b-9c55-2f1c0d9e7a10@2026-12-01T18:00:00+00:00",
        "id": "0b7e4a52-8f2a-4f0b-9c55-2f1c0d9e7a10",
        "source": "own",
        "busy": true,
        "title": null,
        "location": null,
        "description": null,
        "visibility": null,
        "all_day": false,
        "starts_at": "2026-12-01T18:00:00Z",
        "ends_at": "2026-12-01T19:00:00Z",
        "local_start": "2026-12-01T19:00:00",
        "local_end": "2026-12-01T20:00:00",
        "care_worker": null,
        "made_by": null,
        "series": {
            "id": "0b7e4a52-8f2a-4f0b-9c55-2f1c0d9e7a10",
            "occurrence": "2026-12-01T18:00:00Z",
            "recurrence": {"frequency": "weekly", "interval": 1, "until": null, "count": 14}
        },
        "can_change": false
    }],
    "next_cursor": null,
    "care_appointments_shown": true,
    "may_add": false
})))]
pub struct AgendaPage {
    /// The first day of the period (in Europe/Amsterdam).
    pub from: NaiveDate,
    /// The day after the period.
    pub to: NaiveDate,
    pub items: Vec<AgendaItem>,
    /// Pass back as `cursor` for the rest of the period; absent on the last page.
    pub next_cursor: Option<String>,
    /// The organisation shows care appointments from the ECD.
    pub care_appointments_shown: bool,
    /// This user may add appointments.
    pub may_add: bool,
}

/// A new or changed own appointment. Timed appointments give `start` and `end` on the wall
/// clock of Europe/Amsterdam; whole-day ones give `start_date` and `end_date` (the last day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "title": "Bezoek van Pieter",
    "all_day": false,
    "start": "2026-12-01T14:00:00",
    "end": "2026-12-01T15:30:00",
    "location": "Kamer 12",
    "description": "Samen koffie drinken",
    "visibility": "private",
    "recurrence": {"frequency": "weekly", "interval": 1, "until": "2027-03-30"}
})))]
pub struct AppointmentInput {
    /// 1–200 characters.
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub title: String,
    #[serde(default)]
    pub all_day: bool,
    /// Timed: the start (wall clock, Europe/Amsterdam, no offset).
    #[serde(default)]
    #[cfg_attr(
        feature = "server",
        schema(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-01T14:00:00")
    )]
    pub start: Option<NaiveDateTime>,
    /// Timed: the end (same wall clock), after the start and less than 31 days later.
    #[serde(default)]
    #[cfg_attr(
        feature = "server",
        schema(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$", example = "2026-12-01T14:00:00")
    )]
    pub end: Option<NaiveDateTime>,
    /// Whole day: the first day.
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    /// Whole day: the last day (default: `start_date`).
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// At most 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 200))]
    pub location: Option<String>,
    /// At most 4000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 4000))]
    pub description: Option<String>,
    pub visibility: Visibility,
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

/// Which occurrences of a series a change or delete applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeScope {
    /// *Alleen deze*.
    This,
    /// *Deze en volgende*.
    Following,
    /// *Alle* (also the only choice for an appointment that does not repeat).
    #[default]
    All,
}

/// `POST /api/clients/{client_id}/agenda/conflicts`: the care appointments a planned
/// appointment overlaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"conflicts": []})))]
pub struct ConflictReport {
    pub conflicts: Vec<AgendaItem>,
}

/// `GET /api/me/calendar-feed`: whether the personal calendar subscription is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"active": true, "created_at": "2026-11-30T09:12:00Z"})))]
pub struct CalendarFeedStatus {
    pub active: bool,
    pub created_at: Option<DateTime<Utc>>,
}

/// `POST /api/me/calendar-feed`: the new subscription address, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "url": "https://portaal.example/api/calendar/kq3V0m9cX2yL8pQ1t7bN4wZs.ics",
    "created_at": "2026-11-30T09:12:00Z"
})))]
pub struct CalendarFeedCreated {
    /// Secret: whoever has it sees the agenda. Subscribe to it in a calendar program.
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// The data of an `agenda` server-sent event: something in this client's agenda changed;
/// reload what is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"client_id": "5f0c6f1e-4f8b-4d7e-9a51-3f2d1c0b9a87"})))]
pub struct AgendaEvent {
    pub client_id: Uuid,
}

/// `GET`/`PUT /api/me/agenda-reminders`: an e-mail the day before (from 17:00, Europe/Amsterdam)
/// with tomorrow's appointments of every agenda the user sees, as they may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"enabled": true})))]
pub struct ReminderSetting {
    pub enabled: bool,
}
