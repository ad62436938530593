//! Kring's database schema as sea-orm migrations. Every migration has a `down`; they run at
//! server start and with `kring migrate`.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_core_schema;
mod m20261123_000002_sign_in_security;
mod m20261123_000003_mobile_changes;
mod m20261123_000004_notifications;
mod m20261123_000005_dossier_integration;
mod m20261129_000006_hardening;
mod m20261129_000007_audit_log;
mod m20261129_000008_mail_outbox;
mod m20261130_000009_agenda;
mod m20261130_000010_agenda_reminders;
mod m20261130_000011_pinboard_media;
mod m20261201_000012_messages;
mod m20261202_000013_exports;
mod m20261203_000014_scale_out;
mod m20261203_000015_latest_message_index;
mod m20261204_000016_unread_receipts_index;
mod m20261205_000017_outbox_lease;

/// Applies Kring's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_core_schema::Migration),
            Box::new(m20261123_000002_sign_in_security::Migration),
            Box::new(m20261123_000003_mobile_changes::Migration),
            Box::new(m20261123_000004_notifications::Migration),
            Box::new(m20261123_000005_dossier_integration::Migration),
            Box::new(m20261129_000006_hardening::Migration),
            Box::new(m20261129_000007_audit_log::Migration),
            Box::new(m20261129_000008_mail_outbox::Migration),
            Box::new(m20261130_000009_agenda::Migration),
            Box::new(m20261130_000010_agenda_reminders::Migration),
            Box::new(m20261130_000011_pinboard_media::Migration),
            Box::new(m20261201_000012_messages::Migration),
            Box::new(m20261202_000013_exports::Migration),
            Box::new(m20261203_000014_scale_out::Migration),
            Box::new(m20261203_000015_latest_message_index::Migration),
            Box::new(m20261204_000016_unread_receipts_index::Migration),
            Box::new(m20261205_000017_outbox_lease::Migration),
        ]
    }
}
