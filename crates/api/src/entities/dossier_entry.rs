//! One item of a client's dossier: a report, a questionnaire response, a care plan version (from
//! the ECD, keyed by its id there) or a note written in the portal. `content` holds the
//! kind-specific detail as JSON (answers, goals and actions).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub client_id: Uuid,
    /// `report`, `questionnaire`, `care_plan` or `note`.
    pub kind: kring_shared::dossier::DossierKind,
    pub external_id: Option<String>,
    pub occurred_at: DateTimeUtc,
    pub title: String,
    pub category: Option<String>,
    pub author_name: Option<String>,
    pub author_user_id: Option<Uuid>,
    pub body: String,
    pub content: Option<String>,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub retracted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
