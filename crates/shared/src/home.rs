//! What the start screen (*Startscherm*) shows for one client.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{PanelKind, me::ClientSummary};

/// Whether a panel has content yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PanelStatus {
    /// The panel lists its latest items (possibly none).
    Ready,
    /// The feature behind this panel is not available in this version of Kring yet; the panel
    /// is shown so the user knows it exists, without invented content.
    NotYetAvailable,
}

/// One line on a panel: an appointment, a message, a dossier entry or a pinboard post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PanelItem {
    /// The main text, e.g. the appointment title.
    pub title: String,
    /// A second line, e.g. the author.
    pub subtitle: Option<String>,
    /// When it happens or happened.
    pub at: Option<DateTime<Utc>>,
}

/// One coloured panel on the start screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Panel {
    /// Which panel this is.
    pub kind: PanelKind,
    /// Whether it has content yet.
    pub status: PanelStatus,
    /// The latest items, newest or soonest first.
    pub items: Vec<PanelItem>,
    /// The Agenda panel: the next appointment and the three after it.
    #[serde(default)]
    pub appointments: Vec<crate::agenda::AgendaItem>,
    /// The Gegevens panel: the latest pinboard post, if any.
    #[serde(default)]
    pub latest_post: Option<crate::pinboard::LatestPost>,
    /// The Berichten panel: the latest message and the unread count, if any.
    #[serde(default)]
    pub latest_message: Option<crate::messages::LatestMessage>,
}

/// `GET /api/clients/{id}/home`: the client and the panels this user may see, in order.
/// A panel the user has no permission for, or that the organisation switched off, is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "client": {
        "id": "5f0c6f1e-4f8b-4d7e-9a51-3f2d1c0b9a87",
        "first_name": "Johanna",
        "last_name": "de Vries",
        "birth_date": "1938-04-12",
        "photo_url": null,
        "discharged_on": null
    },
    "panels": [
        {"kind": "agenda", "status": "not_yet_available", "items": []},
        {"kind": "messages", "status": "not_yet_available", "items": []}
    ]
})))]
pub struct HomeView {
    /// The client whose portal this is.
    pub client: ClientSummary,
    /// The visible panels in the seeds' order: Agenda, Berichten, Dossier, Gegevens.
    pub panels: Vec<Panel>,
}
