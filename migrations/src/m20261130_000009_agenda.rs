//! The agenda: the family's own appointments (one row per appointment, per recurring series and
//! per changed or cancelled occurrence of a series), the organisation's agenda settings, and the
//! personal calendar subscriptions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(boolean(Organisations::AgendaCareShown).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(boolean(Organisations::AgendaContactsMayAdd).default(true))
                    .to_owned(),
            )
            .await?;
        // A care worker's photo, sent by the ECD, shown with their appointments.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::PhotoUrl, 500))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OwnAppointments::Table)
                    .col(pk_uuid(OwnAppointments::Id))
                    .col(uuid(OwnAppointments::OrganisationId))
                    .col(uuid(OwnAppointments::ClientId))
                    .col(uuid(OwnAppointments::CreatedBy))
                    .col(string_len(OwnAppointments::AuthorName, 200))
                    .col(string_len(OwnAppointments::Title, 200))
                    .col(boolean(OwnAppointments::AllDay))
                    .col(timestamp_with_time_zone(OwnAppointments::StartsAt))
                    .col(timestamp_with_time_zone(OwnAppointments::EndsAt))
                    .col(string_len(OwnAppointments::TimeZone, 64))
                    .col(string_len_null(OwnAppointments::Location, 200))
                    .col(text_null(OwnAppointments::Description))
                    .col(string_len(OwnAppointments::Visibility, 16))
                    .col(string_len_null(OwnAppointments::Rrule, 200))
                    .col(timestamp_with_time_zone(OwnAppointments::SeriesEndsAt))
                    .col(uuid_null(OwnAppointments::SeriesId))
                    .col(timestamp_with_time_zone_null(
                        OwnAppointments::OriginalStart,
                    ))
                    .col(boolean(OwnAppointments::Cancelled).default(false))
                    .col(timestamp_with_time_zone_null(OwnAppointments::DeletedAt))
                    .col(timestamp_with_time_zone(OwnAppointments::CreatedAt))
                    .col(timestamp_with_time_zone(OwnAppointments::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_own_appointments_client_start")
                    .table(OwnAppointments::Table)
                    .col(OwnAppointments::ClientId)
                    .col(OwnAppointments::StartsAt)
                    .to_owned(),
            )
            .await?;
        // One changed or cancelled occurrence per original start of a series.
        manager
            .create_index(
                Index::create()
                    .name("idx_own_appointments_occurrence")
                    .table(OwnAppointments::Table)
                    .col(OwnAppointments::SeriesId)
                    .col(OwnAppointments::OriginalStart)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CalendarFeeds::Table)
                    .col(pk_uuid(CalendarFeeds::Id))
                    .col(uuid_uniq(CalendarFeeds::UserId))
                    .col(string_len_uniq(CalendarFeeds::TokenHash, 64))
                    .col(timestamp_with_time_zone(CalendarFeeds::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CalendarFeeds::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OwnAppointments::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::PhotoUrl)
                    .to_owned(),
            )
            .await?;
        for column in [
            Organisations::AgendaCareShown,
            Organisations::AgendaContactsMayAdd,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organisations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    AgendaCareShown,
    AgendaContactsMayAdd,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    PhotoUrl,
}

#[derive(DeriveIden)]
enum OwnAppointments {
    Table,
    Id,
    OrganisationId,
    ClientId,
    CreatedBy,
    AuthorName,
    Title,
    AllDay,
    StartsAt,
    EndsAt,
    TimeZone,
    Location,
    Description,
    Visibility,
    Rrule,
    SeriesEndsAt,
    SeriesId,
    OriginalStart,
    Cancelled,
    DeletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CalendarFeeds {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
}
