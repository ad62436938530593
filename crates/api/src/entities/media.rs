//! A stored photo: where it belongs (a client, and for the pinboard the post once attached),
//! who uploaded it and what was stored. The bytes are in the media store under
//! `media/{client_id}/{id}/{size}`.

use sea_orm::entity::prelude::*;

/// What a photo is for; decides who may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, DeriveValueType)]
#[strum(serialize_all = "snake_case")]
#[sea_orm(value_type = "String")]
pub enum Purpose {
    /// On the pinboard: the network with Gegevens (the uploader alone until it is posted).
    Pinboard,
    /// The client's own photo from the ECD: everyone linked to the client and the care team.
    ClientPhoto,
    Message,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub client_id: Uuid,
    pub uploaded_by: Option<Uuid>,
    pub purpose: Purpose,
    /// The post it is attached to; none while it waits in the composer.
    pub post_id: Option<Uuid>,
    pub position: i32,
    /// What was stored (`image/jpeg` or `image/png`), never what the upload claimed.
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub display_etag: String,
    pub thumbnail_etag: String,
    /// Bytes stored, both sizes together.
    pub bytes: i64,
    pub created_at: DateTimeUtc,
    /// A message attachment's message, once sent.
    pub message_id: Option<Uuid>,
    /// A message attachment's file name.
    pub file_name: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
