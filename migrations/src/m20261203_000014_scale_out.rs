//! Several instances on one database: what used to live inside one process moves into the
//! database, so that every instance sees it. `stream_tickets` holds the one-time tickets that
//! open an event stream (hashed; a ticket issued by one instance opens the stream on another),
//! and `sign_in_throttle` counts sign-in requests per client address for the whole deployment.
//! The throttle's counters are worth nothing after a crash, so on PostgreSQL the table is
//! UNLOGGED: no write-ahead log, no fsync per sign-in request.

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DbBackend},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StreamTickets::Table)
                    .col(string_len(StreamTickets::TicketHash, 64).primary_key())
                    .col(uuid(StreamTickets::UserId))
                    .col(uuid(StreamTickets::SessionId))
                    .col(uuid(StreamTickets::ClientId))
                    .col(timestamp_with_time_zone(StreamTickets::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_stream_tickets_expires_at")
                    .table(StreamTickets::Table)
                    .col(StreamTickets::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let sql = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "CREATE UNLOGGED TABLE sign_in_throttle (\
                   bucket VARCHAR(80) PRIMARY KEY, \
                   window_start BIGINT NOT NULL, \
                   hits INTEGER NOT NULL)"
            }
            _ => {
                "CREATE TABLE sign_in_throttle (\
                   bucket VARCHAR(80) PRIMARY KEY, \
                   window_start BIGINT NOT NULL, \
                   hits INTEGER NOT NULL)"
            }
        };
        db.execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StreamTickets::Table).to_owned())
            .await?;
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE sign_in_throttle")
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum StreamTickets {
    Table,
    TicketHash,
    UserId,
    SessionId,
    ClientId,
    ExpiresAt,
}
