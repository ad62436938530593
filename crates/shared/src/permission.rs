//! The five per-contact, per-client permissions (the seeds' "vinkjes") and the start-screen
//! panels they unlock.

use serde::{Deserialize, Serialize};

/// One checkbox in the seeds' permission table. A contact holds any subset of these for each
/// client; the server enforces them on every endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// *Berichten*: read and send messages.
    Messages,
    /// *Afspraken*: see and plan appointments in the agenda.
    Agenda,
    /// *Dossier*: read the care record and write client notes.
    Dossier,
    /// *Gegevens*: client details, pinboard, contacts, care team.
    Details,
    /// *Instellingen*: portal administration (user management and download).
    Settings,
}

impl Permission {
    /// Every permission, in the column order of the seeds' table.
    pub const ALL: [Permission; 5] = [
        Permission::Messages,
        Permission::Agenda,
        Permission::Dossier,
        Permission::Details,
        Permission::Settings,
    ];

    /// The stable snake_case name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Messages => "messages",
            Permission::Agenda => "agenda",
            Permission::Dossier => "dossier",
            Permission::Details => "details",
            Permission::Settings => "settings",
        }
    }

    /// The permission named `name`.
    pub fn parse(name: &str) -> Option<Permission> {
        Permission::ALL
            .into_iter()
            .find(|permission| permission.as_str() == name)
    }
}

/// A coloured panel on the start screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PanelKind {
    /// *Agenda*: the next appointment and the three after it.
    Agenda,
    /// *Berichten*: the latest message.
    Messages,
    /// *Dossier*: the latest additions to the care record.
    Dossier,
    /// *Gegevens*: the latest pinboard post.
    Details,
}

impl PanelKind {
    /// The panels in the seeds' order on the start screen.
    pub const ALL: [PanelKind; 4] = [
        PanelKind::Agenda,
        PanelKind::Messages,
        PanelKind::Dossier,
        PanelKind::Details,
    ];

    /// The permission a user needs to see this panel.
    pub fn required_permission(self) -> Permission {
        match self {
            PanelKind::Agenda => Permission::Agenda,
            PanelKind::Messages => Permission::Messages,
            PanelKind::Dossier => Permission::Dossier,
            PanelKind::Details => Permission::Details,
        }
    }

    /// The stable snake_case name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PanelKind::Agenda => "agenda",
            PanelKind::Messages => "messages",
            PanelKind::Dossier => "dossier",
            PanelKind::Details => "details",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_serialise_as_their_stable_names() {
        for permission in Permission::ALL {
            let json = serde_json::to_string(&permission).unwrap();
            assert_eq!(json, format!("\"{}\"", permission.as_str()));
        }
    }

    #[test]
    fn every_panel_needs_a_distinct_permission_other_than_settings() {
        let needed: Vec<Permission> = PanelKind::ALL
            .iter()
            .map(|panel| panel.required_permission())
            .collect();
        assert!(!needed.contains(&Permission::Settings));
        let mut unique = needed.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), needed.len());
    }
}
