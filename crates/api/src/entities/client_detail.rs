//! A client's details from the ECD: address and phone, GP, pharmacy and insurance.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client_details")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: Uuid,
    pub gp_name: Option<String>,
    pub gp_phone: Option<String>,
    pub pharmacy_name: Option<String>,
    pub pharmacy_phone: Option<String>,
    pub insurer: Option<String>,
    pub insurance_number: Option<String>,
    pub updated_at: DateTimeUtc,
    pub address_street: Option<String>,
    pub address_postal_code: Option<String>,
    pub address_city: Option<String>,
    pub phone: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
