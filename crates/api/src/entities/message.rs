//! One message in a conversation; never edited. A message from the network to care carries
//! when care should have read it, when someone of the care team first did, and when it was
//! raised for being unread too long.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub client_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: DateTimeUtc,
    /// Sent by the ECD on the care worker's behalf.
    pub via_ecd: bool,
    /// The ECD's id of an answer it sent.
    pub external_id: Option<String>,
    pub care_due_at: Option<DateTimeUtc>,
    pub care_read_at: Option<DateTimeUtc>,
    pub escalated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
