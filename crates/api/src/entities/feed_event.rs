//! The outbox the ECD pulls: one row per thing written in the portal, numbered in order.

use kring_shared::integration::FeedKind;
use sea_orm::entity::prelude::*;

use super::stored::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i32,
    pub organisation_id: Uuid,
    /// `client_note` now; messages to care later. An item of a kind written by a newer version
    /// (during a rolling deploy) is skipped.
    pub kind: Stored<FeedKind>,
    pub entry_id: Uuid,
    pub client_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
