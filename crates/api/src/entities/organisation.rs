//! A care organisation and its settings (PRODUCT.md "Organisation settings").

use kring_shared::me::Language;
use sea_orm::entity::prelude::*;

use super::stored::KindList;

/// Languages as stored: comma-separated.
pub type Languages = KindList<Language, ','>;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub primary_colour: String,
    pub help_url: Option<String>,
    pub panel_agenda_enabled: bool,
    pub panel_messages_enabled: bool,
    pub panel_dossier_enabled: bool,
    pub panel_details_enabled: bool,
    pub lockout_threshold: i16,
    pub reset_link_minutes: i16,
    pub verification_code_minutes: i16,
    pub trusted_device_days: i16,
    pub idle_timeout_minutes: i16,
    pub session_lifetime_hours: i16,
    pub password_policy: kring_shared::password::PasswordPolicy,
    pub discharge_access_days: i16,
    /// The languages the portal offers, `nl,en`.
    pub languages: Languages,
    pub created_at: DateTimeUtc,
    /// `until_reset` (the seeds) or `temporary` (15 minutes, doubling).
    pub lockout_mode: kring_shared::admin::LockoutMode,
    /// Hours a temporary password works.
    pub temporary_password_hours: i16,
    /// `link` or `temporary_password` (what *Wachtwoord vergeten* sends).
    pub reset_mode: kring_shared::admin::ResetMode,
    /// Comma-separated ISO 3166 codes of the countries whose mobile numbers are accepted.
    pub allowed_mobile_countries: String,
    /// The agenda shows care appointments from the ECD (home care and Laurens: no).
    pub agenda_care_shown: bool,
    /// Contacts with Afspraken may add appointments; otherwise only the client and portal
    /// administrators may.
    pub agenda_contacts_may_add: bool,
    /// The care team sees every own appointment as busy time, whatever its visibility (Amaris).
    pub agenda_always_private: bool,
    pub care_messages: kring_shared::messages::CareMessaging,
    pub care_reply_days: i16,
    /// Hours a *Download* file is kept.
    pub export_keep_hours: i16,
    /// Years the access log is kept (at least 5, NEN 7513).
    pub access_log_years: i16,
    /// Whether the access-log page names care workers or shows their role only.
    pub access_log_staff: kring_shared::export::StaffDisclosure,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
