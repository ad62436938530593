//! Sign-in security: the security log, password history, refresh-token families, pending
//! logins (device verification and forced password change), password-reset links, trusted
//! devices and the authenticator app (TOTP secret and recovery codes). Every secret that a
//! user holds (token, code, cookie) is stored only as a SHA-256 hash.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key from `table.column` to `users.id`, deleted with the user.
fn user_fk(
    table: impl IntoIden + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<Alias>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(column);
    }
    if unique {
        statement.unique();
    }
    manager.create_index(statement.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthEvents::Table)
                    .col(pk_uuid(AuthEvents::Id))
                    .col(timestamp_with_time_zone(AuthEvents::OccurredAt))
                    .col(uuid_null(AuthEvents::UserId))
                    .col(uuid_null(AuthEvents::SessionId))
                    .col(string_len(AuthEvents::Event, 48))
                    .col(string_len_null(AuthEvents::IpAddress, 64))
                    .col(string_len_null(AuthEvents::UserAgent, 512))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuthEvents::Table, AuthEvents::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_auth_events_user",
            AuthEvents::Table,
            vec![Alias::new("user_id"), Alias::new("occurred_at")],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordHistory::Table)
                    .col(pk_uuid(PasswordHistory::Id))
                    .col(uuid(PasswordHistory::UserId))
                    .col(text(PasswordHistory::PasswordHash))
                    .col(timestamp_with_time_zone(PasswordHistory::CreatedAt))
                    .foreign_key(&mut user_fk(
                        PasswordHistory::Table,
                        PasswordHistory::UserId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_password_history_user",
            PasswordHistory::Table,
            vec![Alias::new("user_id")],
            false,
        )
        .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(timestamp_with_time_zone_null(Sessions::LastSeenAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(uuid_null(Sessions::DeviceId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(pk_uuid(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::SessionId))
                    .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshTokens::Table, RefreshTokens::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(pk_uuid(LoginAttempts::Id))
                    .col(uuid(LoginAttempts::UserId))
                    .col(string_len_uniq(LoginAttempts::TokenHash, 64))
                    .col(timestamp_with_time_zone(LoginAttempts::CreatedAt))
                    .col(timestamp_with_time_zone(LoginAttempts::ExpiresAt))
                    .col(boolean(LoginAttempts::DeviceVerified).default(false))
                    .col(string_len_null(LoginAttempts::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(LoginAttempts::CodeExpiresAt))
                    .col(integer(LoginAttempts::CodeAttempts).default(0))
                    .col(timestamp_with_time_zone_null(LoginAttempts::CodeSentAt))
                    .col(integer(LoginAttempts::CodeSends).default(0))
                    .col(timestamp_with_time_zone_null(LoginAttempts::CompletedAt))
                    .foreign_key(&mut user_fk(LoginAttempts::Table, LoginAttempts::UserId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(pk_uuid(PasswordResets::Id))
                    .col(uuid(PasswordResets::UserId))
                    .col(string_len_uniq(PasswordResets::TokenHash, 64))
                    .col(timestamp_with_time_zone(PasswordResets::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordResets::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordResets::UsedAt))
                    .foreign_key(&mut user_fk(PasswordResets::Table, PasswordResets::UserId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TrustedDevices::Table)
                    .col(pk_uuid(TrustedDevices::Id))
                    .col(uuid(TrustedDevices::UserId))
                    .col(string_len_uniq(TrustedDevices::TokenHash, 64))
                    .col(string_len(TrustedDevices::Label, 200))
                    .col(timestamp_with_time_zone(TrustedDevices::CreatedAt))
                    .col(timestamp_with_time_zone(TrustedDevices::LastUsedAt))
                    .col(timestamp_with_time_zone(TrustedDevices::ExpiresAt))
                    .col(timestamp_with_time_zone_null(TrustedDevices::RevokedAt))
                    .foreign_key(&mut user_fk(TrustedDevices::Table, TrustedDevices::UserId))
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::TotpSecret, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::TotpEnabledAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::PasswordChangedAt))
                    .to_owned(),
            )
            .await?;
        // The last TOTP time step used for a login: a code works once, even inside its window.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(big_integer_null(Users::TotpLastStep))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(pk_uuid(RecoveryCodes::Id))
                    .col(uuid(RecoveryCodes::UserId))
                    .col(string_len(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .foreign_key(&mut user_fk(RecoveryCodes::Table, RecoveryCodes::UserId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_recovery_codes_user",
            RecoveryCodes::Table,
            vec![Alias::new("user_id")],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RecoveryCodes::Table.into_iden(),
            TrustedDevices::Table.into_iden(),
            PasswordResets::Table.into_iden(),
            LoginAttempts::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            PasswordHistory::Table.into_iden(),
            AuthEvents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Users::TotpSecret,
            Users::TotpEnabledAt,
            Users::PasswordChangedAt,
            Users::TotpLastStep,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [Sessions::LastSeenAt, Sessions::DeviceId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TotpSecret,
    TotpEnabledAt,
    PasswordChangedAt,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    LastSeenAt,
    DeviceId,
}

#[derive(DeriveIden)]
enum AuthEvents {
    Table,
    Id,
    OccurredAt,
    UserId,
    SessionId,
    Event,
    IpAddress,
    UserAgent,
}

#[derive(DeriveIden)]
enum PasswordHistory {
    Table,
    Id,
    UserId,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    DeviceVerified,
    CodeHash,
    CodeExpiresAt,
    CodeAttempts,
    CodeSentAt,
    CodeSends,
    CompletedAt,
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum TrustedDevices {
    Table,
    Id,
    UserId,
    TokenHash,
    Label,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
}
