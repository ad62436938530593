//! One file per page.

pub mod login;
pub mod not_found;
pub mod notifications;
pub mod profile;
pub mod start;
