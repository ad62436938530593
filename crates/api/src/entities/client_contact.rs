//! The link between a client and a user of their portal (the client themself or a contact),
//! with the five permissions of the seeds' table and the invitation state.

use kring_shared::Permission;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub client_id: Uuid,
    pub user_id: Uuid,
    /// A `kring_shared::me::Relationship` name; `self` for the client's own account.
    pub relationship: kring_shared::me::Relationship,
    pub is_primary_contact: bool,
    pub perm_messages: bool,
    pub perm_agenda: bool,
    pub perm_dossier: bool,
    pub perm_details: bool,
    pub perm_settings: bool,
    /// `not_invited`, `pending`, `accepted` or `declined`.
    pub invitation_state: kring_shared::contacts::InvitationState,
    pub invited_at: Option<DateTimeUtc>,
    pub responded_at: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// A notification for each new pinboard post.
    pub pinboard_notifications: bool,
}

impl Model {
    /// Whether this link grants `permission`.
    pub fn has(&self, permission: Permission) -> bool {
        match permission {
            Permission::Messages => self.perm_messages,
            Permission::Agenda => self.perm_agenda,
            Permission::Dossier => self.perm_dossier,
            Permission::Details => self.perm_details,
            Permission::Settings => self.perm_settings,
        }
    }

    /// The granted permissions in the seeds' column order.
    pub fn permissions(&self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|permission| self.has(*permission))
            .collect()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::client::Entity",
        from = "Column::ClientId",
        to = "super::client::Column::Id"
    )]
    Client,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl Related<super::client::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Client.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
