//! One item in a user's *Meldingen*.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// A `kring_shared::contacts::NotificationKind` name. Text, not the enum, on purpose: a
    /// kind written by a newer version (during a rolling deploy) is skipped when listed, where
    /// the enum would fail the whole list.
    pub kind: String,
    pub client_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub from_user_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// The dossier entry it is about (a new care plan version).
    pub entry_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
