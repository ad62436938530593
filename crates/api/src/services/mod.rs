//! Business rules on a database connection, testable without HTTP.

pub mod admin;
pub mod auth;
pub mod contacts;
pub mod demo;
pub mod home;
pub mod me;
pub mod mobile_change;
pub mod notifications;
pub mod passwords;
pub mod phone;
pub mod policy;
pub mod security_log;
pub mod sessions;
pub mod totp;
pub mod verification;
