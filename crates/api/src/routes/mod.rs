//! HTTP routes. Each resource has a `configure` that registers its handlers with `.service()`
//! so utoipa-actix-web collects them into the OpenAPI document.

pub mod admin;
pub mod agenda;
pub mod auth;
pub mod clients;
pub mod contacts;
pub mod dev;
pub mod dossier;
pub mod export;
pub mod health;
pub mod integration;
pub mod me;
pub mod messages;
pub mod pinboard;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api`.
pub fn api(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    me::configure(cfg);
    clients::configure(cfg);
    contacts::configure(cfg);
    admin::configure(cfg);
    dossier::configure(cfg);
    agenda::configure(cfg);
    pinboard::configure(cfg);
    messages::configure(cfg);
    export::configure(cfg);
    integration::configure(cfg);
}
