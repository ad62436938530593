//! One row of the append-only audit log, chained to the row before by `prev_hash`.

use kring_shared::audit::AuditAction;
use sea_orm::entity::prelude::*;

use super::stored::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub occurred_at: DateTimeUtc,
    pub organisation_id: Uuid,
    pub actor_user_id: Option<Uuid>,
    pub actor_name: String,
    pub on_behalf_of: Option<String>,
    /// The log is append-only and chained by hashes over exactly what is stored, so a row this
    /// version cannot name (a newer version wrote it, or someone edited it) still loads, is
    /// hashed by its stored name and is reported.
    pub action: Stored<AuditAction>,
    pub client_id: Option<Uuid>,
    pub target_user_id: Option<Uuid>,
    pub target_name: Option<String>,
    /// JSON text.
    pub details: String,
    pub ip_address: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
