//! The client's data in their own hands: *Download* jobs (a ZIP kept for a short time behind a
//! one-time link), the organisation's choices for it and for *Wie heeft mijn dossier bekeken*
//! (how long a file and the access log are kept, whether care workers appear by name), a detail
//! on an access-log row (an export's months), and the access log made append-only in the
//! database itself: rows are added, never changed, and removed only once five years old (the
//! retention job; NEN 7513's minimum).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            small_integer(Organisations::ExportKeepHours)
                .default(24)
                .to_owned(),
            small_integer(Organisations::AccessLogYears)
                .default(5)
                .to_owned(),
            string_len(Organisations::AccessLogStaff, 10)
                .default("role")
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organisations::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AccessLog::Table)
                    .add_column(string_len_null(AccessLog::Detail, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Exports::Table)
                    .col(pk_uuid(Exports::Id))
                    .col(uuid(Exports::OrganisationId))
                    .col(uuid(Exports::ClientId))
                    .col(uuid(Exports::RequestedBy))
                    .col(string_len(Exports::FromMonth, 7))
                    .col(string_len(Exports::UntilMonth, 7))
                    .col(string_len(Exports::Language, 5))
                    .col(string_len(Exports::State, 20))
                    .col(small_integer(Exports::Progress).default(0))
                    .col(timestamp_with_time_zone(Exports::CreatedAt))
                    .col(timestamp_with_time_zone_null(Exports::StartedAt))
                    .col(timestamp_with_time_zone_null(Exports::FinishedAt))
                    .col(timestamp_with_time_zone_null(Exports::ExpiresAt))
                    .col(big_integer_null(Exports::SizeBytes))
                    .col(string_len(Exports::FileName, 200))
                    .col(string_len_null(Exports::Error, 500))
                    .col(string_len_null(Exports::TicketHash, 64))
                    .col(timestamp_with_time_zone_null(Exports::TicketExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_exports_requester")
                    .table(Exports::Table)
                    .col(Exports::RequestedBy)
                    .col(Exports::ClientId)
                    .col(Exports::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_exports_state")
                    .table(Exports::Table)
                    .col(Exports::State)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_exports_ticket")
                    .table(Exports::Table)
                    .col(Exports::TicketHash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_access_log_time")
                    .table(AccessLog::Table)
                    .col(AccessLog::OrganisationId)
                    .col(AccessLog::OccurredAt)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // One export queued or running per person at a time, decided by the database: two
        // requests at once cannot both start one.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_exports_one_active ON exports (requested_by) \
             WHERE state IN ('queued', 'running')",
        )
        .await?;
        match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION access_log_append_only() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'the access log is append-only'; END; \
                     $$ LANGUAGE plpgsql",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log \
                     FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
                )
                .await?;
                // Rows go only after the five years NEN 7513 asks (the retention job).
                db.execute_unprepared(
                    "CREATE TRIGGER access_log_keep_five_years BEFORE DELETE ON access_log \
                     FOR EACH ROW WHEN (OLD.occurred_at > now() - interval '5 years' + interval '1 day') \
                     EXECUTE FUNCTION access_log_append_only()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log \
                     FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log \
                     BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
                )
                .await?;
                // Times are stored as text starting `YYYY-MM-DD`; a day's margin covers the
                // rest of the format.
                db.execute_unprepared(
                    "CREATE TRIGGER access_log_keep_five_years BEFORE DELETE ON access_log \
                     WHEN OLD.occurred_at > date('now', '-5 years', '+1 day') \
                     BEGIN SELECT RAISE(ABORT, 'the access log keeps five years'); END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER IF EXISTS access_log_no_update ON access_log")
                .await?;
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS access_log_keep_five_years ON access_log",
            )
            .await?;
            db.execute_unprepared("DROP TRIGGER IF EXISTS access_log_no_truncate ON access_log")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS access_log_append_only()")
                .await?;
        } else {
            db.execute_unprepared("DROP TRIGGER IF EXISTS access_log_no_update")
                .await?;
            db.execute_unprepared("DROP TRIGGER IF EXISTS access_log_keep_five_years")
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_access_log_time")
                    .table(AccessLog::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Exports::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AccessLog::Table)
                    .drop_column(AccessLog::Detail)
                    .to_owned(),
            )
            .await?;
        for column in [
            Organisations::ExportKeepHours,
            Organisations::AccessLogYears,
            Organisations::AccessLogStaff,
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
    ExportKeepHours,
    AccessLogYears,
    AccessLogStaff,
}

#[derive(DeriveIden)]
enum AccessLog {
    Table,
    Detail,
    OrganisationId,
    OccurredAt,
}

#[derive(DeriveIden)]
enum Exports {
    Table,
    Id,
    OrganisationId,
    ClientId,
    RequestedBy,
    FromMonth,
    UntilMonth,
    Language,
    State,
    Progress,
    CreatedAt,
    StartedAt,
    FinishedAt,
    ExpiresAt,
    SizeBytes,
    FileName,
    Error,
    TicketHash,
    TicketExpiresAt,
}
