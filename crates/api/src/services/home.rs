//! `GET /api/clients/{id}/home`: the start screen of one client for one user. A panel appears
//! when the organisation has it switched on and the user holds its permission. The features
//! behind the panels are not built yet, so every panel says so instead of showing invented data.

use kring_shared::{
    PanelKind,
    home::{HomeView, Panel, PanelStatus},
};

use crate::{entities::organisation, services::me::client_summary, services::policy::ClientAccess};

/// Whether the organisation has switched `panel` on.
pub fn panel_enabled(organisation: &organisation::Model, panel: PanelKind) -> bool {
    match panel {
        PanelKind::Agenda => organisation.panel_agenda_enabled,
        PanelKind::Messages => organisation.panel_messages_enabled,
        PanelKind::Dossier => organisation.panel_dossier_enabled,
        PanelKind::Details => organisation.panel_details_enabled,
    }
}

/// The start screen for a user with `access`.
pub fn home(access: &ClientAccess) -> HomeView {
    let panels = PanelKind::ALL
        .into_iter()
        .filter(|panel| panel_enabled(&access.organisation, *panel))
        .filter(|panel| access.link.has(panel.required_permission()))
        .map(|kind| Panel {
            kind,
            status: PanelStatus::NotYetAvailable,
            items: Vec::new(),
        })
        .collect();
    HomeView {
        client: client_summary(&access.client),
        panels,
    }
}
