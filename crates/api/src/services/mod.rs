//! Business rules on a database connection, testable without HTTP.

pub mod auth;
pub mod demo;
pub mod home;
pub mod me;
pub mod policy;
