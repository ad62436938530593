//! Gegevens and Prikbord: the client's address and phone from the ECD, a person's choice to
//! share their contact details with the network, the pinboard (posts, moods, replies and emoji
//! responses) with a per-client switch for its notifications, and one media store for every
//! photo (pinboard photos and, moved out of the `clients` row, the client's own photo).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            ClientDetails::AddressStreet,
            ClientDetails::AddressPostalCode,
            ClientDetails::AddressCity,
            ClientDetails::Phone,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ClientDetails::Table)
                        .add_column(string_null(column))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(Users::ShareContactDetails).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ClientContacts::Table)
                    .add_column(boolean(ClientContacts::PinboardNotifications).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Clients::Table)
                    .add_column(uuid_null(Clients::PhotoMediaId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(pk_uuid(Media::Id))
                    .col(uuid(Media::ClientId))
                    .col(uuid_null(Media::UploadedBy))
                    .col(string_len(Media::Purpose, 20))
                    .col(uuid_null(Media::PostId))
                    .col(integer(Media::Position).default(0))
                    .col(string_len(Media::ContentType, 40))
                    .col(integer(Media::Width))
                    .col(integer(Media::Height))
                    .col(string_len(Media::DisplayEtag, 80))
                    .col(string_len(Media::ThumbnailEtag, 80))
                    .col(big_integer(Media::Bytes))
                    .col(timestamp_with_time_zone(Media::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_media_post", vec![Media::PostId, Media::Position]),
            (
                "idx_media_uploads",
                vec![Media::UploadedBy, Media::CreatedAt],
            ),
            ("idx_media_client", vec![Media::ClientId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Media::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PinboardPosts::Table)
                    .col(pk_uuid(PinboardPosts::Id))
                    .col(uuid(PinboardPosts::ClientId))
                    .col(uuid(PinboardPosts::AuthorId))
                    .col(text(PinboardPosts::Body))
                    .col(string_len_null(PinboardPosts::Mood, 20))
                    .col(timestamp_with_time_zone(PinboardPosts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_pinboard_posts_page")
                    .table(PinboardPosts::Table)
                    .col(PinboardPosts::ClientId)
                    .col(PinboardPosts::CreatedAt)
                    .col(PinboardPosts::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PinboardReplies::Table)
                    .col(pk_uuid(PinboardReplies::Id))
                    .col(uuid(PinboardReplies::PostId))
                    .col(uuid(PinboardReplies::AuthorId))
                    .col(text(PinboardReplies::Body))
                    .col(timestamp_with_time_zone(PinboardReplies::CreatedAt))
                    // A reply racing the post's deletion goes with it.
                    .foreign_key(
                        ForeignKey::create()
                            .from(PinboardReplies::Table, PinboardReplies::PostId)
                            .to(PinboardPosts::Table, PinboardPosts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_pinboard_replies_post")
                    .table(PinboardReplies::Table)
                    .col(PinboardReplies::PostId)
                    .col(PinboardReplies::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PinboardResponses::Table)
                    .col(pk_uuid(PinboardResponses::Id))
                    .col(uuid(PinboardResponses::PostId))
                    .col(uuid(PinboardResponses::UserId))
                    .col(string_len(PinboardResponses::Emoji, 20))
                    .col(timestamp_with_time_zone(PinboardResponses::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PinboardResponses::Table, PinboardResponses::PostId)
                            .to(PinboardPosts::Table, PinboardPosts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_pinboard_responses_once")
                    .table(PinboardResponses::Table)
                    .col(PinboardResponses::PostId)
                    .col(PinboardResponses::UserId)
                    .col(PinboardResponses::Emoji)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Client photos live only in the media store once they moved (their `data:` URLs are
        // gone): going back would lose them, so it is refused while there are any.
        let photos = manager
            .get_connection()
            .query_one_raw(sea_orm_migration::sea_orm::Statement::from_string(
                manager.get_database_backend(),
                "SELECT COUNT(*) AS n FROM media WHERE purpose = 'client_photo'",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if photos > 0 {
            return Err(DbErr::Migration(format!(
                "{photos} client photos are in the media store only; rolling back would lose them"
            )));
        }
        for table in [
            PinboardResponses::Table.into_iden(),
            PinboardReplies::Table.into_iden(),
            PinboardPosts::Table.into_iden(),
            Media::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Clients::Table)
                    .drop_column(Clients::PhotoMediaId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ClientContacts::Table)
                    .drop_column(ClientContacts::PinboardNotifications)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::ShareContactDetails)
                    .to_owned(),
            )
            .await?;
        for column in [
            ClientDetails::Phone,
            ClientDetails::AddressCity,
            ClientDetails::AddressPostalCode,
            ClientDetails::AddressStreet,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ClientDetails::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ClientDetails {
    Table,
    AddressStreet,
    AddressPostalCode,
    AddressCity,
    Phone,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    ShareContactDetails,
}

#[derive(DeriveIden)]
enum ClientContacts {
    Table,
    PinboardNotifications,
}

#[derive(DeriveIden)]
enum Clients {
    Table,
    PhotoMediaId,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    ClientId,
    UploadedBy,
    Purpose,
    PostId,
    Position,
    ContentType,
    Width,
    Height,
    DisplayEtag,
    ThumbnailEtag,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PinboardPosts {
    Table,
    Id,
    ClientId,
    AuthorId,
    Body,
    Mood,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PinboardReplies {
    Table,
    Id,
    PostId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PinboardResponses {
    Table,
    Id,
    PostId,
    UserId,
    Emoji,
    CreatedAt,
}
