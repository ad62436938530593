//! E-mail reminders of tomorrow's appointments: a per-user switch, and one row per reminded
//! occurrence, whose unique key makes two instances send each reminder once. Also the
//! organisation setting that keeps every own appointment's content from the care team.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Amaris: the care team sees no own appointment's content, whatever its visibility.
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(boolean(Organisations::AgendaAlwaysPrivate).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(Users::AgendaReminders).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgendaReminders::Table)
                    .col(pk_uuid(AgendaReminders::Id))
                    .col(uuid(AgendaReminders::UserId))
                    .col(string_len(AgendaReminders::OccurrenceKey, 160))
                    .col(timestamp_with_time_zone(AgendaReminders::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_agenda_reminders_once")
                    .table(AgendaReminders::Table)
                    .col(AgendaReminders::UserId)
                    .col(AgendaReminders::OccurrenceKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AgendaReminders::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::AgendaReminders)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .drop_column(Organisations::AgendaAlwaysPrivate)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    AgendaAlwaysPrivate,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    AgendaReminders,
}

#[derive(DeriveIden)]
enum AgendaReminders {
    Table,
    Id,
    UserId,
    OccurrenceKey,
    SentAt,
}
