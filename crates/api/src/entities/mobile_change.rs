//! A new mobile number waiting for the SMS code that proves it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mobile_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub mobile: String,
    pub code_hash: String,
    pub code_expires_at: DateTimeUtc,
    pub code_attempts: i32,
    pub sent_at: DateTimeUtc,
    pub sends: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
