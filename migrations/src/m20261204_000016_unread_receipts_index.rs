//! The inbox counts a user's unread receipts per conversation (the page's badge and each row's
//! count). The index on `(conversation_id, user_id)` found the receipts but read every row to
//! check `read_at`; with `read_at` in the index the count is answered from the index alone
//! (measured on the bench's 10,000 messages on SQLite: the page's count 5.3 → 2.8 ms, a row's
//! 2.8 → 0.17 ms). It replaces the narrower index, which it covers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_message_receipts_conversation_unread")
                    .table(MessageReceipts::Table)
                    .col(MessageReceipts::ConversationId)
                    .col(MessageReceipts::UserId)
                    .col(MessageReceipts::ReadAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_message_receipts_conversation")
                    .table(MessageReceipts::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_message_receipts_conversation")
                    .table(MessageReceipts::Table)
                    .col(MessageReceipts::ConversationId)
                    .col(MessageReceipts::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_message_receipts_conversation_unread")
                    .table(MessageReceipts::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum MessageReceipts {
    Table,
    ConversationId,
    UserId,
    ReadAt,
}
