//! The organisation admin console (staff side).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use uuid::Uuid;

use crate::me::AccountKind;

/// One account of the organisation, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "id": "0b6f7a52-5f0e-4a4e-9d51-3c1f8f7f2a10",
    "username": "marieke",
    "first_name": "Marieke",
    "last_name": "de Vries",
    "email": "marieke@demo.kring.nl",
    "kind": "person",
    "blocked": false,
    "must_change_password": false,
    "last_login_at": "2026-11-23T09:12:00Z"
})))]
pub struct AdminUserSummary {
    pub id: Uuid,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub kind: AccountKind,
    /// Blocked after too many wrong passwords.
    pub blocked: bool,
    /// The next login asks for a new password (temporary password not yet replaced).
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// The organisation settings of PRODUCT.md, read and written as a whole
/// (`GET`/`PUT /api/admin/organisation`). Defaults come from the seeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "name": "Zorggroep De Linde",
    "logo_url": null,
    "primary_colour": "#1d5b79",
    "help_url": "https://www.delinde.example/portaal-hulp",
    "panel_agenda_enabled": true,
    "panel_messages_enabled": true,
    "panel_dossier_enabled": true,
    "panel_details_enabled": true,
    "care_messages": "everyone",
    "care_reply_days": 2,
    "agenda_care_shown": true,
    "agenda_contacts_may_add": true,
    "agenda_always_private": false,
    "lockout_threshold": 5,
    "reset_link_minutes": 10,
    "verification_code_minutes": 10,
    "trusted_device_days": 7,
    "idle_timeout_minutes": 30,
    "session_lifetime_hours": 12,
    "password_policy": "composition",
    "discharge_access_days": 7,
    "lockout_mode": "until_reset",
    "reset_mode": "link",
    "temporary_password_hours": 72,
    "allowed_mobile_countries": ["NL", "BE", "DE"],
    "export_keep_hours": 24,
    "access_log_years": 5,
    "access_log_staff": "name"
})))]
pub struct OrganisationSettings {
    /// Shown in the info bar and in e-mails (1–200 characters).
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 200, pattern = "\\S")
    )]
    pub name: String,
    /// An https address of the logo, or none.
    pub logo_url: Option<String>,
    /// `#rrggbb`; must give white text a contrast of at least 4.5:1 (WCAG AA).
    pub primary_colour: String,
    /// The *Informatie* link in the info bar (https), or none.
    pub help_url: Option<String>,
    pub panel_agenda_enabled: bool,
    pub panel_messages_enabled: bool,
    pub panel_dossier_enabled: bool,
    pub panel_details_enabled: bool,
    /// Who may write to the care team in Kring.
    pub care_messages: crate::messages::CareMessaging,
    /// The answer time promised for messages to care, in working days (1–10); a message
    /// nobody in the care team read by then is raised in the team inbox.
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 10))]
    #[serde(deserialize_with = "whole_i16")]
    pub care_reply_days: i16,
    /// The agenda shows the care appointments from the ECD (default on).
    #[serde(default = "switched_on")]
    pub agenda_care_shown: bool,
    /// Contacts with Afspraken may add appointments (default on); off: only the client and
    /// portal administrators may.
    #[serde(default = "switched_on")]
    pub agenda_contacts_may_add: bool,
    /// The care team sees every own appointment only as busy time, public ones too (default
    /// off; Amaris: on).
    #[serde(default)]
    pub agenda_always_private: bool,
    /// Wrong passwords in a row before the account is blocked (2–10).
    #[cfg_attr(feature = "server", schema(minimum = 2, maximum = 10))]
    #[serde(deserialize_with = "whole_i16")]
    pub lockout_threshold: i16,
    /// Minutes a password-reset link works (5–60).
    #[cfg_attr(feature = "server", schema(minimum = 5, maximum = 60))]
    #[serde(deserialize_with = "whole_i16")]
    pub reset_link_minutes: i16,
    /// Minutes an SMS code works (1–10).
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 10))]
    #[serde(deserialize_with = "whole_i16")]
    pub verification_code_minutes: i16,
    /// Days a verified device is remembered (0–90; 0 = never).
    #[cfg_attr(feature = "server", schema(minimum = 0, maximum = 90))]
    #[serde(deserialize_with = "whole_i16")]
    pub trusted_device_days: i16,
    /// Minutes without activity before logout (5–120).
    #[cfg_attr(feature = "server", schema(minimum = 5, maximum = 120))]
    #[serde(deserialize_with = "whole_i16")]
    pub idle_timeout_minutes: i16,
    /// Hours a session lasts at most (1–24).
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 24))]
    #[serde(deserialize_with = "whole_i16")]
    pub session_lifetime_hours: i16,
    pub password_policy: crate::password::PasswordPolicy,
    /// Days the portal stays open after a client's discharge (0–365).
    #[cfg_attr(feature = "server", schema(minimum = 0, maximum = 365))]
    #[serde(deserialize_with = "whole_i16")]
    pub discharge_access_days: i16,
    /// What happens after `lockout_threshold` wrong passwords.
    pub lockout_mode: LockoutMode,
    /// What *Wachtwoord vergeten* sends.
    pub reset_mode: ResetMode,
    /// Hours a temporary password works (1–336).
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 336))]
    #[serde(deserialize_with = "whole_i16")]
    pub temporary_password_hours: i16,
    /// ISO 3166 country codes whose mobile numbers may receive codes (at least one).
    #[cfg_attr(feature = "server", schema(min_items = 1))]
    pub allowed_mobile_countries: Vec<String>,
    /// Hours a *Download* file is kept before it is removed (1–168, default 24).
    #[cfg_attr(feature = "server", schema(minimum = 1, maximum = 168))]
    #[serde(default = "one_day", deserialize_with = "whole_i16")]
    pub export_keep_hours: i16,
    /// Years the access log is kept (5–20; NEN 7513 asks at least 5, the default).
    #[cfg_attr(feature = "server", schema(minimum = 5, maximum = 20))]
    #[serde(default = "five_years", deserialize_with = "whole_i16")]
    pub access_log_years: i16,
    /// Whether *Wie heeft mijn dossier bekeken* names care workers or shows only their role.
    #[serde(default)]
    pub access_log_staff: crate::export::StaffDisclosure,
}

fn one_day() -> i16 {
    24
}

fn five_years() -> i16 {
    5
}

fn switched_on() -> bool {
    true
}

/// What a lockout lasts (ASVS 6.3.1): the seeds block until a password reset; *temporary*
/// blocks for 15 minutes, doubling with each lockout in a row.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Default,
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
    sea_orm(value_type = "String", from_str = "LockoutMode::from_stored")
)]
pub enum LockoutMode {
    #[default]
    UntilReset,
    Temporary,
}

impl LockoutMode {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<LockoutMode, std::convert::Infallible> {
        Ok(name.parse().unwrap_or_default())
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The mode stored as `name`; unknown names fall back to the default.
    pub fn from_name(name: &str) -> LockoutMode {
        name.parse().unwrap_or_default()
    }
}

/// What *Wachtwoord vergeten* sends: a single-use link (most seeds) or a new temporary
/// password by e-mail (the Laurens seed).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Default,
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
    sea_orm(value_type = "String", from_str = "ResetMode::from_stored")
)]
pub enum ResetMode {
    #[default]
    Link,
    TemporaryPassword,
}

impl ResetMode {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<ResetMode, std::convert::Infallible> {
        Ok(name.parse().unwrap_or_default())
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The mode stored as `name`; unknown names fall back to the default.
    pub fn from_name(name: &str) -> ResetMode {
        name.parse().unwrap_or_default()
    }
}

/// A client portal in the console's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AdminClientSummary {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<chrono::NaiveDate>,
    /// The client's id in the ECD.
    pub external_id: Option<String>,
    /// Set when the client left care; access ends the organisation's number of days later.
    pub discharged_on: Option<chrono::NaiveDate>,
    /// The primary contact's name, if any.
    pub primary_contact: Option<String>,
    /// Contacts in the client's network.
    pub contacts: u32,
}

/// `POST /api/admin/clients`: a new client portal with its primary contact (an existing
/// account or a new person), and optionally an account for the client. Everyone created is
/// invited at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "first_name": "Willem",
    "last_name": "Jansen",
    "birth_date": "1940-05-17",
    "external_id": "ECD-2001",
    "primary_contact": {
        "first_name": "Els", "last_name": "Jansen", "email": "els.jansen@example.nl",
        "gender": "female", "relationship": "child", "mobile": "06-12345670"
    },
    "client_account": null
})))]
pub struct NewClientPortalRequest {
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
    pub birth_date: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub external_id: Option<String>,
    /// Becomes portal administrator (all five permissions) and primary contact.
    pub primary_contact: crate::contacts::NewContactRequest,
    /// An account for the client themself (e-mail, gender, mobile), with every permission
    /// except *Instellingen*.
    #[serde(default)]
    pub client_account: Option<ClientAccountRequest>,
}

/// The client's own account in a new portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClientAccountRequest {
    #[cfg_attr(feature = "server", schema(format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "server", schema(value_type = crate::contacts::Gender))]
    pub gender: Option<crate::contacts::Gender>,
    #[cfg_attr(feature = "server", schema(min_length = 1, pattern = "\\S"))]
    pub mobile: String,
}

/// `PUT /api/admin/clients/{id}/primary-contact`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"contact_id": "5d3f0c1e-2b8a-4c4e-9f61-0a7b2d9e8c11"})))]
pub struct PrimaryContactRequest {
    /// A contact of this client (`ContactRow.id`); they also get *Instellingen*.
    pub contact_id: Uuid,
}

/// `PUT /api/admin/clients/{id}/discharge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"discharged_on": "2026-11-30"})))]
pub struct DischargeRequest {
    /// The day the client left care, or `null` to undo.
    pub discharged_on: Option<chrono::NaiveDate>,
}

/// A care worker's role in a client's care team.
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
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "CareRole::from_stored")
)]
pub enum CareRole {
    /// *Eerst verantwoordelijk verzorgende* (EVV).
    Evv,
    /// *Persoonlijk begeleider*.
    PersonalSupervisor,
    /// *Zorgkundige* or care assistant.
    CareAssistant,
    /// Any other role.
    Other,
}

impl CareRole {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<CareRole, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(CareRole::Other))
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name; unknown names are `Other`.
    pub fn parse(name: &str) -> CareRole {
        name.parse().unwrap_or(CareRole::Other)
    }
}

/// A care worker with the care teams they are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CareWorkerSummary {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub teams: Vec<CareTeamPlace>,
}

/// One care team a care worker is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CareTeamPlace {
    pub client_id: Uuid,
    pub client_name: String,
    pub care_role: CareRole,
}

/// `POST /api/admin/care-workers`: a care worker account, invited with a temporary password
/// by e-mail (until the integration API feeds care workers from the ECD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "first_name": "Noor", "last_name": "Bakker", "email": "noor.bakker@delinde.example",
    "gender": "female", "mobile": "06-12345672"
})))]
pub struct NewCareWorkerRequest {
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
    #[cfg_attr(feature = "server", schema(format = Email, max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "server", schema(value_type = crate::contacts::Gender))]
    pub gender: Option<crate::contacts::Gender>,
    #[cfg_attr(feature = "server", schema(min_length = 1, pattern = "\\S"))]
    pub mobile: String,
}

/// `PUT /api/admin/clients/{id}/care-team/{care_worker_id}`: the role in that care team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"care_role": "evv"})))]
pub struct CareTeamRoleRequest {
    pub care_role: CareRole,
}

/// Why Kring sends an e-mail; stored with each mail in the outbox.
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MailPurpose {
    /// Login details for a new contact or client portal.
    Invitation,
    /// A link to choose a new password (*Wachtwoord vergeten*).
    PasswordReset,
    /// A temporary password (the Laurens variant, or sent by the organisation).
    TemporaryPassword,
    /// The ECD changed someone's e-mail address or mobile number.
    ContactDetailsChanged,
    /// Tomorrow's appointments, for someone who asked for reminders.
    AgendaReminder,
    /// "There is a new message in Kring" (never its content).
    NewMessage,
}

/// An e-mail that has not gone out after a failed try (*Beheer*: "send again").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OutboxMailSummary {
    pub id: Uuid,
    /// A `MailPurpose` name (`invitation`, `password_reset`, `temporary_password` …), or one a
    /// newer version wrote.
    pub purpose: String,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Tries so far.
    pub attempts: i32,
    /// Kring stopped trying; only "send again" sends it.
    pub given_up: bool,
    /// Why the last try failed.
    pub last_error: Option<String>,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
}

/// Reads a setting's whole number, also when a client writes it as `26.0`: JSON (and JSON
/// Schema) call that an integer, serde's `i16` does not.
fn whole_i16<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i16, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if value.fract() == 0.0 && (f64::from(i16::MIN)..=f64::from(i16::MAX)).contains(&value) {
        // Whole and in range, so the cast is exact.
        Ok(value as i16)
    } else {
        Err(D::Error::custom(format!(
            "expected a whole number between {} and {}, found {value}",
            i16::MIN,
            i16::MAX
        )))
    }
}

#[cfg(test)]
mod whole_number_tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Days {
        #[serde(deserialize_with = "whole_i16")]
        days: i16,
    }

    fn days(json: &str) -> Result<i16, serde_json::Error> {
        serde_json::from_str::<Days>(json).map(|parsed| parsed.days)
    }

    #[test]
    fn whole_numbers_are_read_however_they_are_written() {
        assert_eq!(days(r#"{"days": 26}"#).unwrap(), 26);
        assert_eq!(days(r#"{"days": 26.0}"#).unwrap(), 26);
        assert_eq!(days(r#"{"days": -3}"#).unwrap(), -3);
    }

    #[test]
    fn fractions_and_numbers_out_of_range_are_refused() {
        assert!(days(r#"{"days": 26.5}"#).is_err());
        assert!(days(r#"{"days": 40000}"#).is_err());
        assert!(days(r#"{"days": "26"}"#).is_err());
    }
}
