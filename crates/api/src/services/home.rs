//! `GET /api/clients/{id}/home`: the start screen of one client for one user. A panel appears
//! when the organisation has it switched on and the user holds its permission. The Dossier
//! panel shows the latest entries (a logged read); panels whose feature is not built yet say so
//! instead of showing invented data.

use kring_shared::{
    PanelKind,
    dossier::{AccessAction, AccessObject},
    home::{HomeView, Panel, PanelStatus},
};

use sea_orm::DatabaseConnection;

use crate::{
    entities::organisation,
    error::ApiError,
    services::{
        access_log::{self, Reader},
        agenda, dossier,
        me::client_summary,
        pinboard,
        policy::ClientAccess,
    },
};

/// Whether the organisation has switched `panel` on.
pub fn panel_enabled(organisation: &organisation::Model, panel: PanelKind) -> bool {
    match panel {
        PanelKind::Agenda => organisation.panel_agenda_enabled,
        PanelKind::Messages => organisation.panel_messages_enabled,
        PanelKind::Dossier => organisation.panel_dossier_enabled,
        PanelKind::Details => organisation.panel_details_enabled,
    }
}

/// The start screen for a user with `access`. The panels do not depend on each other, so
/// they load side by side: the screen takes as long as its slowest panel, not their sum.
pub async fn home(
    db: &DatabaseConnection,
    access: &ClientAccess,
    reader: &Reader<'_>,
) -> Result<HomeView, ApiError> {
    let shown = |kind: PanelKind| {
        panel_enabled(&access.organisation, kind) && access.link.has(kind.required_permission())
    };
    let empty = |kind| Panel {
        kind,
        status: PanelStatus::Ready,
        items: Vec::new(),
        appointments: Vec::new(),
        latest_post: None,
        latest_message: None,
    };
    // In `PanelKind::ALL`'s order: agenda, messages, dossier, details.
    let (agenda, messages, dossier, details) = tokio::try_join!(
        async {
            if !shown(PanelKind::Agenda) {
                return Ok(None);
            }
            let viewer = agenda::Viewer::Contact(access.clone());
            Ok::<_, ApiError>(Some(Panel {
                appointments: agenda::upcoming(db, &viewer, reader).await?,
                ..empty(PanelKind::Agenda)
            }))
        },
        async {
            if !shown(PanelKind::Messages) {
                return Ok(None);
            }
            Ok(Some(Panel {
                latest_message: crate::services::messages::latest(db, access).await?,
                ..empty(PanelKind::Messages)
            }))
        },
        async {
            if !shown(PanelKind::Dossier) {
                return Ok(None);
            }
            let items = dossier::latest(db, access.client.id).await?;
            access_log::record(
                db,
                reader,
                &access.client,
                dossier::acting_as(access),
                AccessAction::Read,
                AccessObject::Home,
                None,
            )
            .await?;
            Ok(Some(Panel {
                items,
                ..empty(PanelKind::Dossier)
            }))
        },
        async {
            if !shown(PanelKind::Details) {
                return Ok(None);
            }
            Ok(Some(Panel {
                latest_post: pinboard::latest(db, access).await?,
                ..empty(PanelKind::Details)
            }))
        },
    )?;
    Ok(HomeView {
        client: client_summary(&access.client),
        panels: [agenda, messages, dossier, details]
            .into_iter()
            .flatten()
            .collect(),
    })
}
