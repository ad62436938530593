//! The core data model: organisations with their settings, user accounts, clients, the link
//! between a client and each contact (with the five permissions), care-team membership and
//! sign-in sessions. Later capabilities add tables beside these.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(pk_uuid(Organisations::Id))
                    .col(string_len_uniq(Organisations::Slug, 64))
                    .col(string_len(Organisations::Name, 200))
                    .col(text_null(Organisations::LogoUrl))
                    .col(string_len(Organisations::PrimaryColour, 7))
                    .col(text_null(Organisations::HelpUrl))
                    .col(boolean(Organisations::PanelAgendaEnabled).default(true))
                    .col(boolean(Organisations::PanelMessagesEnabled).default(true))
                    .col(boolean(Organisations::PanelDossierEnabled).default(true))
                    .col(boolean(Organisations::PanelDetailsEnabled).default(true))
                    .col(boolean(Organisations::MessagesToCareAllowed).default(true))
                    .col(small_integer(Organisations::LockoutThreshold).default(5))
                    .col(small_integer(Organisations::ResetLinkMinutes).default(10))
                    .col(small_integer(Organisations::VerificationCodeMinutes).default(10))
                    .col(small_integer(Organisations::TrustedDeviceDays).default(7))
                    .col(small_integer(Organisations::IdleTimeoutMinutes).default(30))
                    .col(small_integer(Organisations::SessionLifetimeHours).default(12))
                    .col(string_len(Organisations::PasswordPolicy, 32).default("composition"))
                    .col(small_integer(Organisations::DischargeAccessDays).default(7))
                    .col(string_len(Organisations::Languages, 64).default("nl,en"))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(uuid(Users::OrganisationId))
                    .col(string_len_uniq(Users::Username, 64))
                    .col(text(Users::PasswordHash))
                    .col(string_len(Users::Email, 254))
                    .col(string_len_null(Users::Mobile, 16))
                    .col(string_len(Users::FirstName, 100))
                    .col(string_len(Users::LastName, 100))
                    .col(string_len_null(Users::Gender, 16))
                    .col(string_len(Users::Language, 8).default("nl"))
                    .col(string_len(Users::Kind, 32))
                    .col(boolean(Users::MustChangePassword).default(false))
                    .col(boolean(Users::UsernameChosen).default(false))
                    .col(integer(Users::FailedLogins).default(0))
                    .col(timestamp_with_time_zone_null(Users::LockedAt))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, Users::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_email")
                    .table(Users::Table)
                    .col(Users::Email)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Clients::Table)
                    .col(pk_uuid(Clients::Id))
                    .col(uuid(Clients::OrganisationId))
                    .col(string_len_null(Clients::ExternalId, 100))
                    .col(string_len(Clients::FirstName, 100))
                    .col(string_len(Clients::LastName, 100))
                    .col(date_null(Clients::BirthDate))
                    .col(text_null(Clients::PhotoUrl))
                    .col(string_len(Clients::Status, 16).default("active"))
                    .col(date_null(Clients::DischargedOn))
                    .col(timestamp_with_time_zone(Clients::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Clients::Table, Clients::OrganisationId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_clients_organisation_external_id")
                    .table(Clients::Table)
                    .col(Clients::OrganisationId)
                    .col(Clients::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ClientContacts::Table)
                    .col(pk_uuid(ClientContacts::Id))
                    .col(uuid(ClientContacts::ClientId))
                    .col(uuid(ClientContacts::UserId))
                    .col(string_len(ClientContacts::Relationship, 32))
                    .col(boolean(ClientContacts::IsPrimaryContact).default(false))
                    .col(boolean(ClientContacts::PermMessages).default(false))
                    .col(boolean(ClientContacts::PermAgenda).default(false))
                    .col(boolean(ClientContacts::PermDossier).default(false))
                    .col(boolean(ClientContacts::PermDetails).default(false))
                    .col(boolean(ClientContacts::PermSettings).default(false))
                    .col(string_len(ClientContacts::InvitationState, 16).default("not_invited"))
                    .col(timestamp_with_time_zone_null(ClientContacts::InvitedAt))
                    .col(timestamp_with_time_zone_null(ClientContacts::RespondedAt))
                    .col(timestamp_with_time_zone_null(ClientContacts::LastLoginAt))
                    .col(timestamp_with_time_zone(ClientContacts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClientContacts::Table, ClientContacts::ClientId)
                            .to(Clients::Table, Clients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ClientContacts::Table, ClientContacts::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_client_contacts_client_user")
                    .table(ClientContacts::Table)
                    .col(ClientContacts::ClientId)
                    .col(ClientContacts::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_client_contacts_user")
                    .table(ClientContacts::Table)
                    .col(ClientContacts::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CareTeamMembers::Table)
                    .col(pk_uuid(CareTeamMembers::Id))
                    .col(uuid(CareTeamMembers::ClientId))
                    .col(uuid(CareTeamMembers::CareWorkerId))
                    .col(string_len(CareTeamMembers::CareRole, 64))
                    .col(timestamp_with_time_zone(CareTeamMembers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CareTeamMembers::Table, CareTeamMembers::ClientId)
                            .to(Clients::Table, Clients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CareTeamMembers::Table, CareTeamMembers::CareWorkerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_care_team_members_client_worker")
                    .table(CareTeamMembers::Table)
                    .col(CareTeamMembers::ClientId)
                    .col(CareTeamMembers::CareWorkerId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_uuid(Sessions::Id))
                    .col(uuid(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                    .col(string_len_null(Sessions::IpAddress, 64))
                    .col(string_len_null(Sessions::UserAgent, 512))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Sessions::Table.into_iden(),
            CareTeamMembers::Table.into_iden(),
            ClientContacts::Table.into_iden(),
            Clients::Table.into_iden(),
            Users::Table.into_iden(),
            Organisations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Slug,
    Name,
    LogoUrl,
    PrimaryColour,
    HelpUrl,
    PanelAgendaEnabled,
    PanelMessagesEnabled,
    PanelDossierEnabled,
    PanelDetailsEnabled,
    MessagesToCareAllowed,
    LockoutThreshold,
    ResetLinkMinutes,
    VerificationCodeMinutes,
    TrustedDeviceDays,
    IdleTimeoutMinutes,
    SessionLifetimeHours,
    PasswordPolicy,
    DischargeAccessDays,
    Languages,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    OrganisationId,
    Username,
    PasswordHash,
    Email,
    Mobile,
    FirstName,
    LastName,
    Gender,
    Language,
    Kind,
    MustChangePassword,
    UsernameChosen,
    FailedLogins,
    LockedAt,
    LastLoginAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Clients {
    Table,
    Id,
    OrganisationId,
    ExternalId,
    FirstName,
    LastName,
    BirthDate,
    PhotoUrl,
    Status,
    DischargedOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ClientContacts {
    Table,
    Id,
    ClientId,
    UserId,
    Relationship,
    IsPrimaryContact,
    PermMessages,
    PermAgenda,
    PermDossier,
    PermDetails,
    PermSettings,
    InvitationState,
    InvitedAt,
    RespondedAt,
    LastLoginAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CareTeamMembers {
    Table,
    Id,
    ClientId,
    CareWorkerId,
    CareRole,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    IpAddress,
    UserAgent,
}
