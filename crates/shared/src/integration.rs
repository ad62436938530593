//! The integration API for the organisation's ECD: service accounts and their API keys, the
//! upsert bodies keyed by the ECD's own ids, the batch and the feed of what was written in the
//! portal.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Problem,
    admin::CareRole,
    dossier::{CarePlanGoal, QuestionAnswer},
};

/// What an API key may do.
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
#[strum(serialize_all = "snake_case")]
pub enum Scope {
    /// Upsert clients, care workers and care teams.
    #[serde(rename = "clients:write")]
    #[strum(serialize = "clients:write")]
    ClientsWrite,
    /// Upsert and retract reports, questionnaires, care plans and appointments.
    #[serde(rename = "dossier:write")]
    #[strum(serialize = "dossier:write")]
    DossierWrite,
    /// Read and acknowledge the feed of what was written in the portal.
    #[serde(rename = "feed:read")]
    #[strum(serialize = "feed:read")]
    FeedRead,
    /// Send care workers' answers to messages.
    #[serde(rename = "messages:write")]
    #[strum(serialize = "messages:write")]
    MessagesWrite,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [
        Scope::ClientsWrite,
        Scope::DossierWrite,
        Scope::FeedRead,
        Scope::MessagesWrite,
    ];

    /// The stored and documented name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<Scope> {
        name.parse().ok()
    }
}

/// A service account as the console lists it; the key itself is never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ServiceAccountSummary {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub key_prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// `POST /api/admin/service-accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "name": "ECD koppeling",
    "scopes": ["clients:write", "dossier:write", "feed:read"]
})))]
pub struct NewServiceAccountRequest {
    /// 1 to 100 characters.
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub name: String,
    /// At least one scope.
    #[cfg_attr(feature = "server", schema(min_items = 1))]
    pub scopes: Vec<Scope>,
}

/// A new service account with its key: shown once, store it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ServiceAccountCreated {
    pub account: ServiceAccountSummary,
    /// Send as `Authorization: Bearer …`. Kring keeps only a hash.
    pub api_key: String,
}

/// A GP or pharmacy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CareContact {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// The client's health insurance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Insurance {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub insurer: String,
    #[serde(default)]
    pub policy_number: Option<String>,
}

/// `PUT /api/integration/clients/{client_id}`: a client by the ECD's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "first_name": "Johanna",
    "last_name": "de Vries",
    "birth_date": "1938-04-12",
    "address": {"street": "Lindelaan 12", "postal_code": "3511 AB", "city": "Utrecht"},
    "phone": "0301112233",
    "gp": {"name": "Huisartsenpraktijk De Linde", "phone": "0301234567"},
    "pharmacy": {"name": "Apotheek Centrum", "phone": "0307654321"},
    "insurance": {"insurer": "Zilveren Kruis", "policy_number": "123456789"}
})))]
pub struct ClientUpsert {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub first_name: String,
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub last_name: String,
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// A JPEG, PNG or WebP photo, base64-encoded, at most 512 KB; stored re-encoded without
    /// metadata.
    #[serde(default)]
    pub photo: Option<String>,
    /// The client's home address.
    #[serde(default)]
    pub address: Option<crate::details::Address>,
    /// The client's phone number, shown as sent.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 40))]
    pub phone: Option<String>,
    #[serde(default)]
    pub gp: Option<CareContact>,
    #[serde(default)]
    pub pharmacy: Option<CareContact>,
    #[serde(default)]
    pub insurance: Option<Insurance>,
    /// The date the client left care; access ends some days later.
    #[serde(default)]
    pub discharged_on: Option<NaiveDate>,
}

/// `PUT /api/integration/care-workers/{care_worker_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "first_name": "Fatima",
    "last_name": "El Amrani",
    "email": "f.elamrani@zorggroepdelinde.nl",
    "mobile": "+31612345606"
})))]
pub struct CareWorkerUpsert {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub first_name: String,
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub last_name: String,
    /// Where the account's login details go when the organisation sends them.
    #[cfg_attr(feature = "server", schema(format = Email, max_length = 254))]
    pub email: String,
    #[serde(default)]
    pub mobile: Option<String>,
    /// An https address of the care worker's photo, shown with their appointments (empty or
    /// absent: none).
    #[serde(default)]
    #[cfg_attr(
        feature = "server",
        schema(max_length = 500, pattern = "^(https://\\S*)?$")
    )]
    pub photo_url: Option<String>,
}

/// `PUT /api/integration/clients/{client_id}/care-team/{care_worker_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"role": "evv"})))]
pub struct CareTeamUpsert {
    pub role: CareRole,
}

/// `PUT /api/integration/clients/{client_id}/reports/{report_id}`: a *rapportage*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "category": "Dagrapportage",
    "author": "Fatima El Amrani",
    "written_at": "2026-11-23T08:30:00Z",
    "text": "Mevrouw heeft goed geslapen en met smaak ontbeten."
})))]
pub struct ReportUpsert {
    /// e.g. "Dagrapportage", "Medisch", "Welzijn".
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 100, pattern = "\\S")
    )]
    pub category: String,
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub author: String,
    pub written_at: DateTime<Utc>,
    /// 1 to 20000 characters.
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 20000, pattern = "\\S")
    )]
    pub text: String,
}

/// `PUT /api/integration/clients/{client_id}/questionnaires/{response_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "title": "Tevredenheid wonen",
    "author": "Thomas Visser",
    "completed_at": "2026-11-20T14:00:00Z",
    "answers": [
        {"question": "Voelt u zich thuis op de afdeling?", "answer": "Ja, meestal wel."},
        {"question": "Wat kan beter?", "answer": "Meer wandelen buiten."}
    ]
})))]
pub struct QuestionnaireUpsert {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub title: String,
    #[serde(default)]
    pub author: Option<String>,
    pub completed_at: DateTime<Utc>,
    /// At least one.
    #[cfg_attr(feature = "server", schema(min_items = 1))]
    pub answers: Vec<QuestionAnswer>,
}

/// `PUT /api/integration/clients/{client_id}/care-plans/{version_id}`: one care plan version.
/// A version not seen before notifies everyone with the Dossier permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "title": "Zorgplan 2026",
    "author": "Fatima El Amrani",
    "established_at": "2026-11-01T10:00:00Z",
    "valid_from": "2026-11-01",
    "valid_until": "2027-05-01",
    "summary": "Mevrouw wil zo lang mogelijk zelf blijven lopen.",
    "goals": [{
        "title": "Veilig lopen",
        "description": "Mevrouw loopt zelfstandig met rollator naar het restaurant.",
        "actions": [{"description": "Dagelijks samen wandelen", "frequency": "Elke middag", "responsible": "EVV"}]
    }]
})))]
pub struct CarePlanUpsert {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub title: String,
    #[serde(default)]
    pub author: Option<String>,
    /// When the plan was established (*vastgesteld*); its place in the timeline.
    pub established_at: DateTime<Utc>,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// An introduction, optional.
    #[serde(default)]
    pub summary: Option<String>,
    #[cfg_attr(feature = "server", schema(min_items = 1))]
    pub goals: Vec<CarePlanGoal>,
}

/// `PUT /api/integration/clients/{client_id}/appointments/{appointment_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "title": "Bezoek fysiotherapeut",
    "starts_at": "2026-11-25T09:30:00Z",
    "ends_at": "2026-11-25T10:00:00Z",
    "location": "Kamer 12",
    "care_worker_id": "MW-1001"
})))]
pub struct AppointmentUpsert {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The ECD id of the care worker, who must have been sent before.
    #[serde(default)]
    pub care_worker_id: Option<String>,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UpsertResult {
    Created,
    Updated,
    /// The same data was sent before; nothing changed.
    Unchanged,
    /// A delete or retraction.
    Removed,
}

/// The answer to every upsert and delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "id": "0b9f7a52-3c1e-4a57-9d0e-2f4c8a6b1e3d",
    "external_id": "R-2026-0001",
    "result": "created"
})))]
pub struct UpsertOutcome {
    /// Kring's id.
    pub id: Uuid,
    /// The ECD's id, as sent.
    pub external_id: String,
    pub result: UpsertResult,
}

/// What a batch item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BatchAction {
    Upsert,
    Delete,
}

/// The resources the integration API keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Client,
    CareWorker,
    /// `id` is the care worker's ECD id; `client_id` the client's.
    CareTeamMember,
    Report,
    Questionnaire,
    CarePlan,
    Appointment,
}

/// One operation of a batch: the same as one `PUT` or `DELETE` of the single endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BatchItem {
    pub action: BatchAction,
    pub resource: Resource,
    /// The ECD id of the client, for everything that belongs to a client.
    #[serde(default)]
    pub client_id: Option<String>,
    /// The ECD id of the resource itself.
    pub id: String,
    /// For `upsert`: the body of the matching `PUT`.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(value_type = Option<Value>))]
    pub data: Option<serde_json::Value>,
}

/// `POST /api/integration/batch`: up to 1000 operations, applied in order, each on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "items": [
        {"action": "upsert", "resource": "client", "id": "CL-1001",
         "data": {"first_name": "Johanna", "last_name": "de Vries", "birth_date": "1938-04-12"}},
        {"action": "upsert", "resource": "report", "client_id": "CL-1001", "id": "R-2026-0001",
         "data": {"category": "Dagrapportage", "author": "Fatima El Amrani",
                  "written_at": "2026-11-23T08:30:00Z", "text": "Goed geslapen."}},
        {"action": "delete", "resource": "report", "client_id": "CL-1001", "id": "R-2026-0000"}
    ]
})))]
pub struct BatchRequest {
    #[cfg_attr(feature = "server", schema(min_items = 1, max_items = 1000))]
    pub items: Vec<BatchItem>,
}

/// The result of one batch item: `outcome` when it succeeded, `problem` when it did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BatchResult {
    /// The item's position in the request, from 0.
    pub index: usize,
    /// The HTTP status the single endpoint would have answered.
    pub status: u16,
    pub outcome: Option<UpsertOutcome>,
    pub problem: Option<Problem>,
}

/// The answer to a batch: one result per item, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BatchResponse {
    pub succeeded: usize,
    pub failed: usize,
    pub results: Vec<BatchResult>,
}

/// The author of something written in the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FeedAuthor {
    pub name: String,
    /// `self` when the client wrote it, else the relationship, e.g. `child`.
    pub relationship: String,
}

/// What a feed item is.
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "server", derive(sea_orm::DeriveValueType))]
#[cfg_attr(feature = "server", sea_orm(value_type = "String"))]
pub enum FeedKind {
    /// A note by the client or a contact (*Aantekening cliënt/verwant*).
    ClientNote,
    /// An appointment the client or a contact made or changed (`appointment` says when; a
    /// private one only as busy time).
    Appointment,
    /// An appointment that was deleted (or a series shortened: see `appointment`).
    AppointmentRemoved,
    /// A message to the care team or a care worker (`message` says which conversation).
    Message,
}

impl FeedKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<FeedKind> {
        name.parse().ok()
    }
}

/// One thing written in the portal, for the ECD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FeedItem {
    /// This item's position; acknowledge it when stored.
    pub cursor: String,
    pub kind: FeedKind,
    /// Kring's id of the note.
    pub id: Uuid,
    pub client_id: Uuid,
    /// The ECD's id of the client, when known.
    pub client_external_id: Option<String>,
    pub written_at: DateTime<Utc>,
    pub author: FeedAuthor,
    /// The note's text; for an appointment its title, or `Bezet` when it is private.
    pub text: String,
    /// Appointments only: when, and whether it repeats.
    #[serde(default)]
    pub appointment: Option<FeedAppointment>,
    /// Messages only: the conversation and to whom in the care team.
    #[serde(default)]
    pub message: Option<FeedMessage>,
}

/// The conversation side of a message to care. Answer it with `PUT
/// /api/integration/clients/{client_id}/conversations/{conversation_id}/messages/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FeedMessage {
    pub conversation_id: Uuid,
    pub subject: String,
    /// Addressed to the whole care team.
    pub care_team: bool,
    /// The ECD's ids of the care workers it is addressed to.
    pub care_workers: Vec<String>,
}

/// The planning side of an appointment in the feed. A private appointment has no title,
/// place or description here: the care team sees only that the client is busy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FeedAppointment {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub all_day: bool,
    /// Private: only the time is shared.
    pub busy: bool,
    pub location: Option<String>,
    /// RFC 5545 `RRULE` of a series (its zone is Europe/Amsterdam).
    pub rrule: Option<String>,
    /// For one changed or cancelled occurrence: the series and the occurrence's original start.
    pub series_id: Option<Uuid>,
    pub original_start: Option<DateTime<Utc>>,
    /// A cancelled occurrence of `series_id`.
    pub cancelled: bool,
}

/// `GET /api/integration/feed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "items": [{
        "cursor": "17",
        "kind": "client_note",
        "id": "7c7d1f0e-2a43-4b8e-8f57-0d4f6a1c9e21",
        "client_id": "5f0c6f1e-4f8b-4d7e-9a51-3f2d1c0b9a87",
        "client_external_id": "CL-1001",
        "written_at": "2026-11-23T15:02:11Z",
        "author": {"name": "Marieke de Vries", "relationship": "child"},
        "text": "Moeder wil graag weer naar de zangmiddag."
    }],
    "next_cursor": "17",
    "has_more": false
})))]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Pass as `after` to continue; equals the request's position when there is nothing new.
    pub next_cursor: String,
    pub has_more: bool,
}

/// `POST /api/integration/feed/ack`: everything up to and including `cursor` is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"cursor": "17"})))]
pub struct FeedAck {
    #[cfg_attr(feature = "server", schema(pattern = "^[0-9]{1,9}$"))]
    pub cursor: String,
}

/// The position the service account acknowledged; `GET /feed` without `after` resumes there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FeedPosition {
    pub acknowledged: String,
}
