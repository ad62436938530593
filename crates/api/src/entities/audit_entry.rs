//! One row of the append-only audit log, chained to the row before by `prev_hash`.

use sea_orm::entity::prelude::*;

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
    /// An `AuditAction` name. Text, not the enum, on purpose: the log is append-only and
    /// chained by hashes over exactly what is stored, so a row this version cannot name (a newer
    /// version wrote it, or someone edited it) must still load, be hashed and be reported.
    pub action: String,
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
