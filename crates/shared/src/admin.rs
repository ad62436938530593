//! The organisation admin console (staff side).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::me::AccountKind;

/// One account of the organisation, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "id": "0b6f7a52-5f0e-4a4e-9d51-3c1f8f7f2a10",
    "username": "marieke",
    "first_name": "Marieke",
    "last_name": "de Vries",
    "email": "marieke@demo.kring.nl",
    "kind": "person",
    "blocked": false,
    "must_change_password": false,
    "last_login_at": "2026-11-23T09:12:00Z"
})))]
pub struct AdminUserSummary {
    pub id: Uuid,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub kind: AccountKind,
    /// Blocked after too many wrong passwords.
    pub blocked: bool,
    /// The next login asks for a new password (temporary password not yet replaced).
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}
