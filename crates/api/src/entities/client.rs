//! A client: the person receiving care, whose portal this is.

use sea_orm::entity::prelude::*;

/// Whether the client is in care; `discharged_on` says until when the portal stays open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, DeriveValueType)]
#[strum(serialize_all = "snake_case")]
#[sea_orm(value_type = "String", from_str = "ClientStatus::from_stored")]
pub enum ClientStatus {
    Active,
    Discharged,
}

impl ClientStatus {
    /// Reads a stored status; an unknown one reads as `Active` (`discharged_on` is what ends
    /// access) instead of failing every query that loads the client.
    pub fn from_stored(name: &str) -> Result<ClientStatus, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(ClientStatus::Active))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// The ECD's own id for this client, for idempotent integration upserts.
    pub external_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<Date>,
    pub photo_url: Option<String>,
    pub status: ClientStatus,
    pub discharged_on: Option<Date>,
    pub created_at: DateTimeUtc,
    /// The client's photo in the media store (replaces the old `data:` URL in `photo_url`).
    pub photo_media_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::client_contact::Entity")]
    ClientContact,
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl Related<super::client_contact::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ClientContact.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
