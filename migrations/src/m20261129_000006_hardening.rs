//! Hardening of sign-in: organisation settings for the lockout mode, the reset variant,
//! temporary-password lifetime and allowed mobile countries; per-account lock and code
//! counters; and `rate_limits`, the fixed-window counters that limits share (one atomic
//! upsert per hit, so parallel requests cannot slip past a limit).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn add(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Clone,
    column: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            Organisations::Table,
            string_len(Organisations::LockoutMode, 16)
                .default("until_reset")
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Organisations::Table,
            small_integer(Organisations::TemporaryPasswordHours)
                .default(72)
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Organisations::Table,
            string_len(Organisations::ResetMode, 24)
                .default("link")
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Organisations::Table,
            string_len(Organisations::AllowedMobileCountries, 200)
                .default("NL,BE,DE")
                .to_owned(),
        )
        .await?;
        add(
            manager,
            Users::Table,
            timestamp_with_time_zone_null(Users::LockedUntil).to_owned(),
        )
        .await?;
        add(
            manager,
            Users::Table,
            integer(Users::Lockouts).default(0).to_owned(),
        )
        .await?;
        add(
            manager,
            Users::Table,
            integer(Users::FailedCodes).default(0).to_owned(),
        )
        .await?;
        add(
            manager,
            Users::Table,
            timestamp_with_time_zone_null(Users::TemporaryPasswordExpiresAt).to_owned(),
        )
        .await?;
        add(
            manager,
            Users::Table,
            string_len_null(Users::ResetPasswordHash, 255).to_owned(),
        )
        .await?;
        add(
            manager,
            Users::Table,
            timestamp_with_time_zone_null(Users::ResetPasswordExpiresAt).to_owned(),
        )
        .await?;
        add(
            manager,
            LoginAttempts::Table,
            string_len_null(LoginAttempts::PendingMobile, 16).to_owned(),
        )
        .await?;
        // Authenticator secrets are sealed now (nonce + ciphertext + tag): longer than 64.
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE users ALTER COLUMN totp_secret TYPE varchar(255)")
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    .col(string_len(RateLimits::Bucket, 200).primary_key())
                    .col(big_integer(RateLimits::WindowStart))
                    .col(integer(RateLimits::Hits))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimits::Table).to_owned())
            .await?;
        drop(manager, LoginAttempts::Table, LoginAttempts::PendingMobile).await?;
        for column in [
            Users::LockedUntil,
            Users::Lockouts,
            Users::FailedCodes,
            Users::TemporaryPasswordExpiresAt,
            Users::ResetPasswordHash,
            Users::ResetPasswordExpiresAt,
        ] {
            drop(manager, Users::Table, column).await?;
        }
        for column in [
            Organisations::LockoutMode,
            Organisations::TemporaryPasswordHours,
            Organisations::ResetMode,
            Organisations::AllowedMobileCountries,
        ] {
            drop(manager, Organisations::Table, column).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum Organisations {
    Table,
    LockoutMode,
    TemporaryPasswordHours,
    ResetMode,
    AllowedMobileCountries,
}

#[derive(DeriveIden, Clone)]
enum Users {
    Table,
    LockedUntil,
    Lockouts,
    FailedCodes,
    TemporaryPasswordExpiresAt,
    ResetPasswordHash,
    ResetPasswordExpiresAt,
}

#[derive(DeriveIden, Clone)]
enum LoginAttempts {
    Table,
    PendingMobile,
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Bucket,
    WindowStart,
    Hits,
}
