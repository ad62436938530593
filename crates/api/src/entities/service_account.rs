//! An integration's service account: one API key (only its SHA-256 is stored), its scopes and
//! how far it has acknowledged the feed.

use kring_shared::integration::Scope;
use sea_orm::entity::prelude::*;

use super::stored::KindList;

/// Scopes as stored: space-separated.
pub type Scopes = KindList<Scope, ' '>;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    /// The first characters of the key, to recognise it in lists.
    pub key_prefix: String,
    /// Hex SHA-256 of the whole key.
    #[sea_orm(unique)]
    pub key_hash: String,
    /// Stored space-separated, e.g. `clients:write dossier:write feed:read`.
    pub scopes: Scopes,
    /// The last feed sequence number this account acknowledged.
    pub feed_acked_seq: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
