//! Types shared by Kring's API and its single-page app: request and response bodies, the
//! permission enum and the stable error codes. Compiles for wasm32 and native; the OpenAPI
//! derives are only compiled in with the `server` feature.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod contacts;
pub mod dossier;
pub mod error;
pub mod home;
pub mod integration;
pub mod me;
pub mod password;
pub mod permission;

pub use error::{ErrorCode, FieldError, Problem};
pub use permission::{PanelKind, Permission};
