//! An appointment made in the portal: a single one, a repeating series (`rrule`), or a changed
//! or cancelled occurrence of a series (`series_id` + `original_start`).

use kring_shared::agenda::Visibility;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "own_appointments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub client_id: Uuid,
    pub created_by: Uuid,
    pub author_name: String,
    pub title: String,
    pub all_day: bool,
    /// The (first) start; for a whole day, midnight in `time_zone`.
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// The zone whose wall clock the appointment keeps (`Europe/Amsterdam`).
    pub time_zone: String,
    pub location: Option<String>,
    pub description: Option<String>,
    pub visibility: Visibility,
    /// RFC 5545 `RRULE` value of a series (always ending: `UNTIL` or `COUNT`).
    pub rrule: Option<String>,
    /// When the last occurrence ends (`ends_at` for a single appointment), for range queries.
    pub series_ends_at: DateTimeUtc,
    /// A changed or cancelled occurrence: the series it belongs to.
    pub series_id: Option<Uuid>,
    /// ... and the start the occurrence had in the series.
    pub original_start: Option<DateTimeUtc>,
    /// A cancelled occurrence (`series_id` set): hides the series' occurrence.
    pub cancelled: bool,
    /// Deleted (kept so the ECD feed can say what was removed).
    pub deleted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
