//! Business rules on a database connection, testable without HTTP.

pub mod access_log;
pub mod admin;
pub mod agenda;
pub mod audit;
pub mod auth;
pub mod contacts;
pub mod demo;
pub mod demo_dossier;
pub mod dossier;
pub mod feed;
pub mod home;
pub mod integration;
pub mod limits;
pub mod lockout;
pub mod me;
pub mod mobile_change;
pub mod notifications;
pub mod outbox;
pub mod passwords;
pub mod phone;
pub mod policy;
pub mod security_log;
pub mod service_accounts;
pub mod sessions;
pub mod totp;
pub mod verification;
