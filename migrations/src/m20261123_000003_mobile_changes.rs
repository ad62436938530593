//! A new mobile number waits here until the user proves it with the SMS code sent to it; only
//! then does it replace the number on the account. One pending change per user; the code is
//! stored hashed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MobileChanges::Table)
                    .col(pk_uuid(MobileChanges::Id))
                    .col(uuid_uniq(MobileChanges::UserId))
                    .col(string_len(MobileChanges::Mobile, 16))
                    .col(string_len(MobileChanges::CodeHash, 64))
                    .col(timestamp_with_time_zone(MobileChanges::CodeExpiresAt))
                    .col(integer(MobileChanges::CodeAttempts).default(0))
                    .col(timestamp_with_time_zone(MobileChanges::SentAt))
                    .col(integer(MobileChanges::Sends).default(1))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MobileChanges::Table, MobileChanges::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MobileChanges::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MobileChanges {
    Table,
    Id,
    UserId,
    Mobile,
    CodeHash,
    CodeExpiresAt,
    CodeAttempts,
    SentAt,
    Sends,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
