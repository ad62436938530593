//! Database connections: SQLite (the zero-setup default) or PostgreSQL, chosen by URL.

use std::time::Duration;

use migration::MigratorTrait;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// Connects to `url`. SQLite gets WAL, `synchronous = FULL` (an acknowledged write survives a
/// power cut), foreign keys and a busy timeout on every pooled connection.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        options.max_connections(8).map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    } else {
        options.max_connections(16);
    }
    Database::connect(options).await
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads before it writes fails with
/// "database is locked" when another connection committed in between, whatever the busy
/// timeout. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Applies all pending migrations. On PostgreSQL several instances may start at once: the
/// first takes an advisory lock and migrates, the others wait for it and then find nothing to
/// do (without the lock two would run the same DDL and one would fail to start).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return migration::Migrator::up(db, None).await;
    }
    let mut holder = db
        .get_postgres_connection_pool()
        .acquire()
        .await
        .map_err(|error| DbErr::Custom(format!("migration lock connection: {error}")))?;
    sea_orm::sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *holder)
        .await
        .map_err(|error| DbErr::Custom(format!("migration lock: {error}")))?;
    let migrated = migration::Migrator::up(db, None).await;
    let unlocked = sea_orm::sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *holder)
        .await;
    if let Err(error) = unlocked {
        // Closing the session releases the lock too.
        tracing::warn!(error = %error, "releasing the migration lock failed");
        holder.close_on_drop();
    }
    migrated
}

/// Refreshes the query planner's statistics after a bulk load (the demo, `--messages`).
/// PostgreSQL's autovacuum does this within minutes, but until then its planner believes a
/// client with 10,000 messages has 14, and finds the newest message by sorting them all
/// (11.6 ms) instead of reading one index entry (0.2 ms). SQLite is left without statistics:
/// with them (`PRAGMA optimize`) its planner read the newest message per conversation and
/// sorted them all, and the start screen halved (542 -> 251 req/s in `scripts/bench`).
pub async fn analyze(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    // Kring's own tables only: a plain ANALYZE also tries the shared catalogs, which only a
    // superuser may, and warns for each.
    let tables = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
        ))
        .await?;
    for row in tables {
        let table: String = row.try_get("", "tablename")?;
        let quoted = table.replace('"', "\"\"");
        db.execute_unprepared(&format!("ANALYZE \"{quoted}\""))
            .await?;
    }
    Ok(())
}

/// The advisory lock key Kring's migrations run under ("kring-mg" in ASCII).
const MIGRATION_LOCK: i64 = 0x6b72_696e_672d_6d67;

/// Whether the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}
