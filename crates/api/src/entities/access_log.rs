//! One read of dossier data (NEN 7513): who, acting as whom, which client, what, when and from
//! where.

use kring_shared::{dossier::AccessObject, me::Relationship};
use sea_orm::entity::prelude::*;

use super::stored::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub organisation_id: Uuid,
    pub client_id: Uuid,
    pub user_id: Option<Uuid>,
    /// The name at the time of access (the log outlives renames and removals).
    pub user_name: String,
    /// On whose behalf: `self` (the client) or the relationship to the client, e.g. `child`.
    pub acting_as: Stored<Relationship>,
    /// `read` or `write`.
    pub action: kring_shared::dossier::AccessAction,
    /// What was accessed, e.g. `dossier.timeline` or `dossier.entry`.
    pub object: Stored<AccessObject>,
    pub object_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    /// More about what was accessed, e.g. an export's months (`2026-09..2026-11`).
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
