//! What every handler can reach. Its own module so that routes and the auth extractors depend
//! on it, and `startup` (which builds it) depends on them, without a cycle.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    auth::{TokenService, seal::Sealer},
    config::Config,
    events::EventBus,
    mail::Mailer,
    sms::SmsSender,
};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub tokens: TokenService,
    pub mailer: Mailer,
    pub sms: SmsSender,
    pub config: Arc<Config>,
    /// Dossier changes for the open event streams.
    pub events: EventBus,
    /// Seals secrets at rest and opaque handles.
    pub sealer: Sealer,
    /// Every photo of the portal.
    pub media: crate::services::media::MediaStore,
    /// The access log's group commit for reads.
    pub access_log: crate::services::access_log::GroupCommit,
}
