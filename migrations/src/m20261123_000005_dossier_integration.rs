//! The dossier and the integration API: service accounts with hashed API keys, the ECD's ids on
//! care workers, a client's care details (GP, pharmacy, insurance), dossier entries (reports,
//! questionnaires, care plan versions, client notes), care appointments, the outbox the ECD
//! pulls (feed), and the NEN 7513 access log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServiceAccounts::Table)
                    .col(pk_uuid(ServiceAccounts::Id))
                    .col(uuid(ServiceAccounts::OrganisationId))
                    .col(string_len(ServiceAccounts::Name, 100))
                    .col(string_len(ServiceAccounts::KeyPrefix, 16))
                    .col(string_len_uniq(ServiceAccounts::KeyHash, 64))
                    .col(string_len(ServiceAccounts::Scopes, 200))
                    .col(integer(ServiceAccounts::FeedAckedSeq).default(0))
                    .col(uuid_null(ServiceAccounts::CreatedBy))
                    .col(timestamp_with_time_zone(ServiceAccounts::CreatedAt))
                    .col(timestamp_with_time_zone_null(ServiceAccounts::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ServiceAccounts::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ServiceAccounts::Table, ServiceAccounts::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ServiceAccounts::Table, ServiceAccounts::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::ExternalId, 100))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_organisation_external_id")
                    .table(Users::Table)
                    .col(Users::OrganisationId)
                    .col(Users::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // A notification about a dossier entry (a new care plan version) links to it.
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(uuid_null(Notifications::EntryId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ClientDetails::Table)
                    .col(pk_uuid(ClientDetails::ClientId))
                    .col(string_len_null(ClientDetails::GpName, 200))
                    .col(string_len_null(ClientDetails::GpPhone, 40))
                    .col(string_len_null(ClientDetails::PharmacyName, 200))
                    .col(string_len_null(ClientDetails::PharmacyPhone, 40))
                    .col(string_len_null(ClientDetails::Insurer, 200))
                    .col(string_len_null(ClientDetails::InsuranceNumber, 60))
                    .col(timestamp_with_time_zone(ClientDetails::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClientDetails::Table, ClientDetails::ClientId)
                            .to(Clients::Table, Clients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DossierEntries::Table)
                    .col(pk_uuid(DossierEntries::Id))
                    .col(uuid(DossierEntries::OrganisationId))
                    .col(uuid(DossierEntries::ClientId))
                    .col(string_len(DossierEntries::Kind, 20))
                    .col(string_len_null(DossierEntries::ExternalId, 100))
                    .col(timestamp_with_time_zone(DossierEntries::OccurredAt))
                    .col(string_len(DossierEntries::Title, 200))
                    .col(string_len_null(DossierEntries::Category, 100))
                    .col(string_len_null(DossierEntries::AuthorName, 200))
                    .col(uuid_null(DossierEntries::AuthorUserId))
                    .col(text(DossierEntries::Body))
                    .col(text_null(DossierEntries::Content))
                    .col(date_null(DossierEntries::ValidFrom))
                    .col(date_null(DossierEntries::ValidUntil))
                    .col(timestamp_with_time_zone(DossierEntries::CreatedAt))
                    .col(timestamp_with_time_zone(DossierEntries::UpdatedAt))
                    .col(timestamp_with_time_zone_null(DossierEntries::RetractedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DossierEntries::Table, DossierEntries::ClientId)
                            .to(Clients::Table, Clients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DossierEntries::Table, DossierEntries::AuthorUserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_dossier_entries_external_id")
                    .table(DossierEntries::Table)
                    .col(DossierEntries::OrganisationId)
                    .col(DossierEntries::Kind)
                    .col(DossierEntries::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Keyset paging of the timeline (newest first) and of one kind (Lezen).
        manager
            .create_index(
                Index::create()
                    .name("idx_dossier_entries_timeline")
                    .table(DossierEntries::Table)
                    .col(DossierEntries::ClientId)
                    .col(DossierEntries::OccurredAt)
                    .col(DossierEntries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_dossier_entries_kind")
                    .table(DossierEntries::Table)
                    .col(DossierEntries::ClientId)
                    .col(DossierEntries::Kind)
                    .col(DossierEntries::OccurredAt)
                    .col(DossierEntries::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CareAppointments::Table)
                    .col(pk_uuid(CareAppointments::Id))
                    .col(uuid(CareAppointments::OrganisationId))
                    .col(uuid(CareAppointments::ClientId))
                    .col(string_len(CareAppointments::ExternalId, 100))
                    .col(string_len(CareAppointments::Title, 200))
                    .col(timestamp_with_time_zone(CareAppointments::StartsAt))
                    .col(timestamp_with_time_zone(CareAppointments::EndsAt))
                    .col(string_len_null(CareAppointments::Location, 200))
                    .col(text_null(CareAppointments::Description))
                    .col(uuid_null(CareAppointments::CareWorkerId))
                    .col(timestamp_with_time_zone(CareAppointments::CreatedAt))
                    .col(timestamp_with_time_zone(CareAppointments::UpdatedAt))
                    .col(timestamp_with_time_zone_null(CareAppointments::RetractedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CareAppointments::Table, CareAppointments::ClientId)
                            .to(Clients::Table, Clients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CareAppointments::Table, CareAppointments::CareWorkerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_care_appointments_external_id")
                    .table(CareAppointments::Table)
                    .col(CareAppointments::OrganisationId)
                    .col(CareAppointments::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_care_appointments_client_start")
                    .table(CareAppointments::Table)
                    .col(CareAppointments::ClientId)
                    .col(CareAppointments::StartsAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FeedEvents::Table)
                    .col(pk_auto(FeedEvents::Seq))
                    .col(uuid(FeedEvents::OrganisationId))
                    .col(string_len(FeedEvents::Kind, 32))
                    .col(uuid(FeedEvents::EntryId))
                    .col(uuid(FeedEvents::ClientId))
                    .col(timestamp_with_time_zone(FeedEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_feed_events_organisation_seq")
                    .table(FeedEvents::Table)
                    .col(FeedEvents::OrganisationId)
                    .col(FeedEvents::Seq)
                    .to_owned(),
            )
            .await?;

        // The access log keeps raw ids without foreign keys: it must outlive what it mentions.
        manager
            .create_table(
                Table::create()
                    .table(AccessLog::Table)
                    .col(pk_uuid(AccessLog::Id))
                    .col(timestamp_with_time_zone(AccessLog::OccurredAt))
                    .col(uuid(AccessLog::OrganisationId))
                    .col(uuid(AccessLog::ClientId))
                    .col(uuid_null(AccessLog::UserId))
                    .col(string_len(AccessLog::UserName, 200))
                    .col(string_len(AccessLog::ActingAs, 40))
                    .col(string_len(AccessLog::Action, 20))
                    .col(string_len(AccessLog::Object, 60))
                    .col(uuid_null(AccessLog::ObjectId))
                    .col(uuid_null(AccessLog::SessionId))
                    .col(string_len_null(AccessLog::IpAddress, 64))
                    .col(string_len_null(AccessLog::UserAgent, 512))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_access_log_client_time")
                    .table(AccessLog::Table)
                    .col(AccessLog::ClientId)
                    .col(AccessLog::OccurredAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AccessLog::Table.into_iden(),
            FeedEvents::Table.into_iden(),
            CareAppointments::Table.into_iden(),
            DossierEntries::Table.into_iden(),
            ClientDetails::Table.into_iden(),
            ServiceAccounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_users_organisation_external_id")
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::ExternalId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .drop_column(Notifications::EntryId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ServiceAccounts {
    Table,
    Id,
    OrganisationId,
    Name,
    KeyPrefix,
    KeyHash,
    Scopes,
    FeedAckedSeq,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ClientDetails {
    Table,
    ClientId,
    GpName,
    GpPhone,
    PharmacyName,
    PharmacyPhone,
    Insurer,
    InsuranceNumber,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DossierEntries {
    Table,
    Id,
    OrganisationId,
    ClientId,
    Kind,
    ExternalId,
    OccurredAt,
    Title,
    Category,
    AuthorName,
    AuthorUserId,
    Body,
    Content,
    ValidFrom,
    ValidUntil,
    CreatedAt,
    UpdatedAt,
    RetractedAt,
}

#[derive(DeriveIden)]
enum CareAppointments {
    Table,
    Id,
    OrganisationId,
    ClientId,
    ExternalId,
    Title,
    StartsAt,
    EndsAt,
    Location,
    Description,
    CareWorkerId,
    CreatedAt,
    UpdatedAt,
    RetractedAt,
}

#[derive(DeriveIden)]
enum FeedEvents {
    Table,
    Seq,
    OrganisationId,
    Kind,
    EntryId,
    ClientId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AccessLog {
    Table,
    Id,
    OccurredAt,
    OrganisationId,
    ClientId,
    UserId,
    UserName,
    ActingAs,
    Action,
    Object,
    ObjectId,
    SessionId,
    IpAddress,
    UserAgent,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    OrganisationId,
    ExternalId,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    EntryId,
}

#[derive(DeriveIden)]
enum Clients {
    Table,
    Id,
}
