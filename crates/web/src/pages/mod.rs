//! One file per page.

pub mod admin;
pub mod agenda;
pub mod care;
pub mod client_data;
pub mod details;
pub mod dossier;
pub mod forgot_password;
pub mod login;
pub mod messages;
pub mod not_found;
pub mod notifications;
pub mod profile;
pub mod reset_password;
pub mod start;
pub mod user_management;
