//! The append-only audit log of administrative changes (who gave whom access, settings, keys,
//! temporary passwords). Each row carries the hash of the row before it, so a changed or
//! removed row breaks the chain.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_integer(AuditLog::Seq).primary_key())
                    .col(timestamp_with_time_zone(AuditLog::OccurredAt))
                    .col(uuid(AuditLog::OrganisationId))
                    .col(uuid_null(AuditLog::ActorUserId))
                    .col(string_len(AuditLog::ActorName, 200))
                    .col(string_len_null(AuditLog::OnBehalfOf, 200))
                    .col(string_len(AuditLog::Action, 64))
                    .col(uuid_null(AuditLog::ClientId))
                    .col(uuid_null(AuditLog::TargetUserId))
                    .col(string_len_null(AuditLog::TargetName, 200))
                    .col(text(AuditLog::Details))
                    .col(string_len_null(AuditLog::IpAddress, 64))
                    .col(string_len(AuditLog::PrevHash, 64))
                    .col(string_len(AuditLog::Hash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_organisation_seq")
                    .table(AuditLog::Table)
                    .col(AuditLog::OrganisationId)
                    .col(AuditLog::Seq)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_client_seq")
                    .table(AuditLog::Table)
                    .col(AuditLog::ClientId)
                    .col(AuditLog::Seq)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    OccurredAt,
    OrganisationId,
    ActorUserId,
    ActorName,
    OnBehalfOf,
    Action,
    ClientId,
    TargetUserId,
    TargetName,
    Details,
    IpAddress,
    PrevHash,
    Hash,
}
