//! A conversation about one client: its subject, who started it, and whether it is addressed
//! to the client's whole care team.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub client_id: Uuid,
    pub subject: String,
    pub started_by: Uuid,
    /// In the team inbox: written to the team, to an absent care worker, or raised because
    /// nobody answered in time.
    pub to_team: bool,
    /// Someone of the care team takes part (or the team does).
    pub with_care: bool,
    pub last_message_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
