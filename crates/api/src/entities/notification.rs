//! One item in a user's *Meldingen*.

use kring_shared::contacts::NotificationKind;
use sea_orm::entity::prelude::*;

use super::stored::Stored;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// A kind written by a newer version (during a rolling deploy) is skipped when listed.
    pub kind: Stored<NotificationKind>,
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
