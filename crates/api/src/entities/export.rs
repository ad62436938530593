//! One *Download* of a client's data: who asked, which months, how far the job is, and the
//! file kept for a short time behind a one-time link.

use kring_shared::export::ExportState;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub client_id: Uuid,
    pub requested_by: Uuid,
    /// `YYYY-MM`, both included.
    pub from_month: String,
    pub until_month: String,
    /// The overview's language (`nl` or `en`).
    pub language: String,
    pub state: ExportState,
    /// 0–100.
    pub progress: i16,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub expires_at: Option<DateTimeUtc>,
    pub size_bytes: Option<i64>,
    /// The ZIP's name when downloaded (the file on disk is named by `id`).
    pub file_name: String,
    /// Why it failed, for the log (never shown to the user).
    pub error: Option<String>,
    /// SHA-256 of the one-time download ticket, while one is out.
    pub ticket_hash: Option<String>,
    pub ticket_expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
