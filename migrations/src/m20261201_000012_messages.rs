//! Berichten: conversations of a client's network and care team, their messages (never edited)
//! with attachments in the media store, a receipt per recipient (unread counts come from its
//! index), a per-user archive, care workers' absences, the organisation's rules for messages to
//! care (who may write, the promised answer time) and each user's choice of an e-mail for a new
//! message.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(string_len(Organisations::CareMessages, 20).default("everyone"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(small_integer(Organisations::CareReplyDays).default(2))
                    .to_owned(),
            )
            .await?;
        // The old yes/no becomes the new setting. The old column stays (unused) until a later
        // release, so an instance still running the previous version keeps working.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE organisations SET care_messages = 'nobody' \
                 WHERE messages_to_care_allowed = FALSE",
            )
            .await?;
        for column in [
            boolean(Users::MessageMail).default(true).to_owned(),
            date_null(Users::AbsentFrom),
            date_null(Users::AbsentUntil),
            string_len_null(Users::AbsenceNote, 1200),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            uuid_null(Media::MessageId),
            string_len_null(Media::FileName, 400),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Media::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_media_message")
                    .table(Media::Table)
                    .col(Media::MessageId)
                    .col(Media::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Conversations::Table)
                    .col(pk_uuid(Conversations::Id))
                    .col(uuid(Conversations::ClientId))
                    .col(string_len(Conversations::Subject, 600))
                    .col(uuid(Conversations::StartedBy))
                    .col(boolean(Conversations::ToTeam).default(false))
                    .col(boolean(Conversations::WithCare).default(false))
                    .col(timestamp_with_time_zone(Conversations::LastMessageAt))
                    .col(timestamp_with_time_zone(Conversations::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversations_client")
                    .table(Conversations::Table)
                    .col(Conversations::ClientId)
                    .col(Conversations::LastMessageAt)
                    .col(Conversations::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConversationMembers::Table)
                    .col(uuid(ConversationMembers::ConversationId))
                    .col(uuid(ConversationMembers::UserId))
                    .col(boolean(ConversationMembers::IsCare).default(false))
                    .col(timestamp_with_time_zone(ConversationMembers::JoinedAt))
                    .primary_key(
                        Index::create()
                            .col(ConversationMembers::ConversationId)
                            .col(ConversationMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ConversationMembers::Table,
                                ConversationMembers::ConversationId,
                            )
                            .to(Conversations::Table, Conversations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_conversation_members_user")
                    .table(ConversationMembers::Table)
                    .col(ConversationMembers::UserId)
                    .col(ConversationMembers::ConversationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConversationArchives::Table)
                    .col(uuid(ConversationArchives::ConversationId))
                    .col(uuid(ConversationArchives::UserId))
                    .col(timestamp_with_time_zone(ConversationArchives::ArchivedAt))
                    .primary_key(
                        Index::create()
                            .col(ConversationArchives::ConversationId)
                            .col(ConversationArchives::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ConversationArchives::Table,
                                ConversationArchives::ConversationId,
                            )
                            .to(Conversations::Table, Conversations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .col(pk_uuid(Messages::Id))
                    .col(uuid(Messages::ConversationId))
                    .col(uuid(Messages::ClientId))
                    .col(uuid(Messages::AuthorId))
                    .col(text(Messages::Body))
                    .col(timestamp_with_time_zone(Messages::CreatedAt))
                    .col(boolean(Messages::ViaEcd).default(false))
                    .col(string_len_null(Messages::ExternalId, 200))
                    .col(timestamp_with_time_zone_null(Messages::CareDueAt))
                    .col(timestamp_with_time_zone_null(Messages::CareReadAt))
                    .col(timestamp_with_time_zone_null(Messages::EscalatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Messages::Table, Messages::ConversationId)
                            .to(Conversations::Table, Conversations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_conversation")
                    .table(Messages::Table)
                    .col(Messages::ConversationId)
                    .col(Messages::CreatedAt)
                    .col(Messages::Id)
                    .to_owned(),
            )
            .await?;
        // An ECD's answer is stored once, however often it is sent.
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_external")
                    .table(Messages::Table)
                    .col(Messages::ClientId)
                    .col(Messages::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_messages_care_due")
                    .table(Messages::Table)
                    .col(Messages::EscalatedAt)
                    .col(Messages::CareDueAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MessageReceipts::Table)
                    .col(uuid(MessageReceipts::MessageId))
                    .col(uuid(MessageReceipts::UserId))
                    .col(uuid(MessageReceipts::ConversationId))
                    .col(uuid(MessageReceipts::ClientId))
                    .col(timestamp_with_time_zone_null(MessageReceipts::ReadAt))
                    .primary_key(
                        Index::create()
                            .col(MessageReceipts::MessageId)
                            .col(MessageReceipts::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MessageReceipts::Table, MessageReceipts::MessageId)
                            .to(Messages::Table, Messages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Unread counts: a user's unread receipts, per client.
        manager
            .create_index(
                Index::create()
                    .name("idx_message_receipts_unread")
                    .table(MessageReceipts::Table)
                    .col(MessageReceipts::UserId)
                    .col(MessageReceipts::ReadAt)
                    .col(MessageReceipts::ClientId)
                    .to_owned(),
            )
            .await?;
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MessageReceipts::Table.into_iden(),
            Messages::Table.into_iden(),
            ConversationArchives::Table.into_iden(),
            ConversationMembers::Table.into_iden(),
            Conversations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_media_message")
                    .table(Media::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM media WHERE purpose = 'message'")
            .await?;
        for column in [Media::MessageId, Media::FileName] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Media::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Users::MessageMail,
            Users::AbsentFrom,
            Users::AbsentUntil,
            Users::AbsenceNote,
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
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE organisations SET messages_to_care_allowed = FALSE \
                 WHERE care_messages = 'nobody'",
            )
            .await?;
        for column in [Organisations::CareMessages, Organisations::CareReplyDays] {
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
    CareMessages,
    CareReplyDays,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    MessageMail,
    AbsentFrom,
    AbsentUntil,
    AbsenceNote,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    MessageId,
    FileName,
    Position,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    ClientId,
    Subject,
    StartedBy,
    ToTeam,
    WithCare,
    LastMessageAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ConversationMembers {
    Table,
    ConversationId,
    UserId,
    IsCare,
    JoinedAt,
}

#[derive(DeriveIden)]
enum ConversationArchives {
    Table,
    ConversationId,
    UserId,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
    Id,
    ConversationId,
    ClientId,
    AuthorId,
    Body,
    CreatedAt,
    ViaEcd,
    ExternalId,
    CareDueAt,
    CareReadAt,
    EscalatedAt,
}

#[derive(DeriveIden)]
enum MessageReceipts {
    Table,
    MessageId,
    UserId,
    ConversationId,
    ClientId,
    ReadAt,
}
