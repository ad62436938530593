//! The client's dossier as the portal shows it: *Tijdlijn* (every entry, newest first, per day),
//! *Lezen* (grouped by kind), *Schrijven* (a note from the client or a contact) and *Plannen*
//! (the care plan and its versions). Also the real-time event and the access log.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kinds of dossier entry, in the order *Lezen* shows its groups.
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
#[cfg_attr(feature = "server", sea_orm(value_type = "String"))]
pub enum DossierKind {
    /// A care plan version with goals and actions (*Doelen*).
    CarePlan,
    /// A note by the client or a contact (*Aantekeningen cliënt/verwant*).
    Note,
    /// A questionnaire response (*Vragenlijsten*).
    Questionnaire,
    /// A report by the care team (*Rapportages*).
    Report,
}

impl DossierKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<DossierKind> {
        name.parse().ok()
    }
}

/// One question of a questionnaire with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct QuestionAnswer {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 1000, pattern = "\\S")
    )]
    pub question: String,
    #[cfg_attr(feature = "server", schema(max_length = 4000))]
    pub answer: String,
}

/// An action under a care plan goal: what the care team does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CarePlanAction {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 1000, pattern = "\\S")
    )]
    pub description: String,
    /// How often, e.g. "Elke ochtend".
    #[serde(default)]
    pub frequency: Option<String>,
    /// Who does it, e.g. "EVV".
    #[serde(default)]
    pub responsible: Option<String>,
}

/// A goal of a care plan with its actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CarePlanGoal {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 300, pattern = "\\S")
    )]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub actions: Vec<CarePlanAction>,
}

/// A dossier entry in a list: enough for a card; the full text comes with the entry itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EntrySummary {
    pub id: Uuid,
    pub kind: DossierKind,
    /// When it was written, completed or established.
    pub occurred_at: DateTime<Utc>,
    pub title: String,
    /// A report's category, e.g. "Dagrapportage".
    pub category: Option<String>,
    /// Who wrote it.
    pub author: Option<String>,
    /// The start of the text, at most 200 characters.
    pub excerpt: String,
}

/// A page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "entries": [{
        "id": "0b9f7a52-3c1e-4a57-9d0e-2f4c8a6b1e3d",
        "kind": "report",
        "occurred_at": "2026-11-23T08:30:00Z",
        "title": "Dagrapportage",
        "category": "Dagrapportage",
        "author": "Fatima El Amrani",
        "excerpt": "Mevrouw heeft goed geslapen en met smaak ontbeten."
    }],
    "next_cursor": "MjAyNi0xMS0yM1QwODozMDowMFp8MGI5ZjdhNTI"
})))]
pub struct TimelinePage {
    pub entries: Vec<EntrySummary>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A care plan version's validity, goals and actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CarePlanDetail {
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub goals: Vec<CarePlanGoal>,
}

/// One dossier entry in full, with its neighbours within the same kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DossierEntry {
    pub id: Uuid,
    pub kind: DossierKind,
    pub occurred_at: DateTime<Utc>,
    pub title: String,
    pub category: Option<String>,
    pub author: Option<String>,
    /// The text (a report or note; a questionnaire's or care plan's introduction).
    pub text: String,
    /// A questionnaire's questions and answers.
    pub answers: Vec<QuestionAnswer>,
    /// A care plan version's goals and actions.
    pub care_plan: Option<CarePlanDetail>,
    /// The next older entry of the same kind.
    pub previous_id: Option<Uuid>,
    /// The next newer entry of the same kind.
    pub next_id: Option<Uuid>,
}

/// How many entries of one kind the dossier holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct KindCount {
    pub kind: DossierKind,
    pub count: u64,
}

/// *Lezen*: the groups with their counts, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DossierGroups {
    pub groups: Vec<KindCount>,
}

/// One version in the list of care plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CarePlanVersion {
    pub id: Uuid,
    pub title: String,
    pub established_at: DateTime<Utc>,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// Whether this is the version in force today.
    pub current: bool,
}

/// *Plannen*: the care plan in force and every version, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CarePlans {
    pub current: Option<DossierEntry>,
    pub versions: Vec<CarePlanVersion>,
}

/// *Schrijven*: a note by the client or a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "text": "Moeder vertelde vandaag dat ze graag weer naar de zangmiddag wil."
})))]
pub struct NewNoteRequest {
    /// 1 to 4000 characters.
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 4000, pattern = "\\S")
    )]
    pub text: String,
}

/// What happened to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryChange {
    Added,
    Updated,
    Retracted,
}

/// The data of a `dossier` server-sent event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DossierEvent {
    pub client_id: Uuid,
    pub entry_id: Uuid,
    pub kind: DossierKind,
    pub change: EntryChange,
}

/// A one-time ticket to open the event stream (`EventSource` cannot send a bearer token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EventTicket {
    pub ticket: String,
    /// Seconds the ticket stays valid.
    pub expires_in: u32,
}

/// What an access-log row records.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema, sea_orm::DeriveValueType))]
#[cfg_attr(feature = "server", sea_orm(value_type = "String"))]
#[serde(rename_all = "snake_case")]
pub enum AccessAction {
    Read,
    Write,
}

/// What part of a dossier an access-log row is about; stored by these names.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
pub enum AccessObject {
    /// The dossier panel of the start page.
    #[strum(serialize = "dossier.home")]
    Home,
    /// The timeline of every kind.
    #[strum(serialize = "dossier.timeline")]
    Timeline,
    #[strum(serialize = "dossier.list.care_plan")]
    CarePlanList,
    #[strum(serialize = "dossier.list.note")]
    NoteList,
    #[strum(serialize = "dossier.list.questionnaire")]
    QuestionnaireList,
    #[strum(serialize = "dossier.list.report")]
    ReportList,
    /// One entry.
    #[strum(serialize = "dossier.entry")]
    Entry,
    /// The groups of a questionnaire or care plan.
    #[strum(serialize = "dossier.groups")]
    Groups,
    /// The care plan overview.
    #[strum(serialize = "dossier.care_plans")]
    CarePlans,
    /// A note written.
    #[strum(serialize = "dossier.note")]
    Note,
    /// Care appointments in the agenda (or on its start panel).
    #[strum(serialize = "agenda")]
    Agenda,
    /// A conversation with the care team (read or written).
    #[strum(serialize = "messages")]
    Messages,
    /// A *Download* of the client's data (`object_id` is the export).
    #[strum(serialize = "export")]
    Export,
    /// The FHIR `$everything` bundle.
    #[strum(serialize = "fhir")]
    Fhir,
}

impl AccessObject {
    /// The list of one kind of entry.
    pub fn list(kind: DossierKind) -> AccessObject {
        match kind {
            DossierKind::CarePlan => AccessObject::CarePlanList,
            DossierKind::Note => AccessObject::NoteList,
            DossierKind::Questionnaire => AccessObject::QuestionnaireList,
            DossierKind::Report => AccessObject::ReportList,
        }
    }
}

/// One row of the access log (NEN 7513).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AccessLogEntry {
    pub occurred_at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub user_name: String,
    /// On whose behalf: `self` (the client) or the relationship, e.g. `child`.
    pub acting_as: String,
    pub action: AccessAction,
    /// What, e.g. `dossier.timeline`, `dossier.entry`, `dossier.care_plans`.
    pub object: String,
    pub object_id: Option<Uuid>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// A page of the access log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AccessLogPage {
    pub entries: Vec<AccessLogEntry>,
    /// Pass as `before` for older rows; absent on the last page.
    pub next_before: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn kinds_round_trip_through_their_stored_names() {
        for kind in DossierKind::iter() {
            assert_eq!(DossierKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DossierKind::parse("letter"), None);
    }
}
