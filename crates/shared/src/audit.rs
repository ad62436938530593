//! The audit log of administrative changes: who gave whom access, settings, keys, temporary
//! passwords. Append-only, each row chained to the one before by a hash.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What changed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "server", derive(sea_orm::DeriveValueType))]
#[cfg_attr(feature = "server", sea_orm(value_type = "String"))]
pub enum AuditAction {
    ContactAdded,
    ContactRemoved,
    PermissionsChanged,
    InvitationSent,
    PrimaryContactAppointed,
    DischargeDateSet,
    OrganisationSettingsChanged,
    ServiceAccountCreated,
    ServiceAccountRevoked,
    TemporaryPasswordSent,
    /// Rows of the access log past the organisation's retention period were removed.
    AccessLogPurged,
}

impl AuditAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The action stored as `name`.
    pub fn parse(name: &str) -> Option<AuditAction> {
        name.parse().ok()
    }
}

/// One administrative change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Its place in the chain (1, 2, …).
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub action: AuditAction,
    /// Who did it.
    pub actor_name: String,
    /// On whose behalf, e.g. the relationship of a portal administrator (`child`) or
    /// `organisation_admin`.
    pub on_behalf_of: Option<String>,
    pub client_id: Option<Uuid>,
    /// Whom it concerned.
    pub target_name: Option<String>,
    /// Before → after, as JSON (e.g. `{"before": ["agenda"], "after": ["agenda", "dossier"]}`).
    pub details: serde_json::Value,
    /// The client address; only in the organisation administrator's view.
    pub ip_address: Option<String>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuditLogPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for older rows; absent on the last page.
    pub next_before: Option<i64>,
    /// Whether every row still carries the hash of the one before it (no row was changed or
    /// removed). Only in the organisation administrator's view.
    pub chain_intact: Option<bool>,
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn actions_round_trip_through_their_stored_names() {
        for action in AuditAction::iter() {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert_eq!(
                serde_json::to_string(&action).unwrap(),
                format!("\"{}\"", action.as_str())
            );
        }
    }
}
