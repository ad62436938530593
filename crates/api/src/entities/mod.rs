//! sea-orm entities, one per table.

pub mod access_log;
pub mod audit_entry;
pub mod auth_event;
pub mod calendar_feed;
pub mod care_appointment;
pub mod care_team_member;
pub mod client;
pub mod client_contact;
pub mod client_detail;
pub mod dossier_entry;
pub mod feed_event;
pub mod login_attempt;
pub mod mobile_change;
pub mod notification;
pub mod organisation;
pub mod outbox_mail;
pub mod own_appointment;
pub mod password_history;
pub mod password_reset;
pub mod recovery_code;
pub mod refresh_token;
pub mod service_account;
pub mod session;
pub mod stored;
pub mod trusted_device;
pub mod user;
