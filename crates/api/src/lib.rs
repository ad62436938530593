//! Kring's API server as a library: the binary in `main.rs` and the integration tests both
//! build an `Application` from a `Config`.

pub mod auth;
pub mod client_info;
pub mod config;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod events;
pub mod mail;
pub mod messages;
pub mod openapi;
pub mod proxy;
pub mod routes;
pub mod security;
pub mod services;
pub mod sms;
pub mod spa;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod throttle;
pub mod validation;

pub use config::Config;
pub use startup::Application;
pub use state::AppState;
