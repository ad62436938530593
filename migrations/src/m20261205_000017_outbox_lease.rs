//! A mail being sent holds a lease of its own (`leased_until`) instead of only a moved
//! `next_attempt_at`. With several instances, "Send again" on a message that another instance
//! was sending at that moment (an SMTP server that hangs for half a minute) made it due again,
//! and a second instance sent it too. Now no instance takes a message whose lease runs, whatever
//! `next_attempt_at` says; "Send again" during a try makes it due at once after that try.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(timestamp_with_time_zone_null(MailOutbox::LeasedUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .drop_column(MailOutbox::LeasedUntil)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    LeasedUntil,
}
