//! A login whose password was right but which still needs a step: device verification or a
//! forced password change. The client holds the attempt token; only its hash is stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub device_verified: bool,
    pub code_hash: Option<String>,
    pub code_expires_at: Option<DateTimeUtc>,
    pub code_attempts: i32,
    pub code_sent_at: Option<DateTimeUtc>,
    pub code_sends: i32,
    pub completed_at: Option<DateTimeUtc>,
    /// The mobile number a user without a second factor chose during this login; saved on
    /// the account when its code is entered.
    pub pending_mobile: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
