//! *Prikbord*: posts with text and photos, the client's mood, replies and emoji responses, for
//! the client's network with the Gegevens permission — never for the care team.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::me::Relationship;

/// Most photos on one post.
pub const MAX_PHOTOS: usize = 10;
/// Longest post or reply text, in characters.
pub const MAX_TEXT: usize = 2000;

/// How the client feels: a fixed set of five, each with a face and a text label.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Mood {
    VeryHappy,
    Happy,
    Okay,
    Sad,
    VerySad,
}

impl Mood {
    /// The face shown for this mood.
    pub fn emoji(self) -> &'static str {
        match self {
            Mood::VeryHappy => "😄",
            Mood::Happy => "🙂",
            Mood::Okay => "😐",
            Mood::Sad => "🙁",
            Mood::VerySad => "😢",
        }
    }
}

/// The emoji responses one can give to a post.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Emoji {
    Heart,
    ThumbsUp,
    Smile,
    Hug,
    Sad,
}

impl Emoji {
    /// The character shown.
    pub fn glyph(self) -> &'static str {
        match self {
            Emoji::Heart => "❤️",
            Emoji::ThumbsUp => "👍",
            Emoji::Smile => "😊",
            Emoji::Hug => "🤗",
            Emoji::Sad => "😢",
        }
    }
}

/// Who wrote a post or reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Author {
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// How the author is related to the client (`self` for the client).
    pub relationship: Option<Relationship>,
}

/// A stored photo, in a display size (≤ 1600 px) and a thumbnail (≤ 320 px), both re-encoded
/// without metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Photo {
    pub id: Uuid,
    /// `GET` this for the display size.
    pub url: String,
    /// `GET` this for the thumbnail.
    pub thumbnail_url: String,
    /// Display size in pixels.
    pub width: u32,
    pub height: u32,
}

/// A reply under a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Reply {
    pub id: Uuid,
    pub author: Author,
    pub created_at: DateTime<Utc>,
    pub text: String,
    /// The viewer wrote it or is a portal administrator.
    pub may_delete: bool,
}

/// How many gave one emoji response, and whether the viewer did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct EmojiCount {
    pub emoji: Emoji,
    pub count: u32,
    pub mine: bool,
}

/// A pinboard post: text, photos, and for the client's mood posts the mood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Post {
    pub id: Uuid,
    pub author: Author,
    pub created_at: DateTime<Utc>,
    pub text: String,
    pub mood: Option<Mood>,
    pub photos: Vec<Photo>,
    /// Oldest first.
    pub replies: Vec<Reply>,
    /// Only emoji someone gave, in the fixed order.
    pub emoji: Vec<EmojiCount>,
    /// The viewer wrote it or is a portal administrator.
    pub may_delete: bool,
}

/// `GET /api/clients/{client_id}/pinboard`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PinboardPage {
    pub posts: Vec<Post>,
    /// Pass as `cursor` for older posts; absent on the last page.
    pub next_cursor: Option<String>,
}

/// `POST /api/clients/{client_id}/pinboard`: a new post. Text, a photo or a mood is needed;
/// only the client may post a mood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "text": "Vandaag met oma naar de markt geweest!",
    "photos": ["1b9e7c1e-52a4-4f5e-9a38-2f4f0a3c9d11"]
})))]
pub struct PostInput {
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_length = 2000))]
    pub text: String,
    #[serde(default)]
    pub mood: Option<Mood>,
    /// Ids from `POST /api/clients/{client_id}/media`, in the order to show; at most 10.
    #[serde(default)]
    #[cfg_attr(feature = "server", schema(max_items = 10))]
    pub photos: Vec<Uuid>,
}

/// `POST /api/clients/{client_id}/pinboard/{post_id}/replies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"text": "Wat mooi, mam!"})))]
pub struct ReplyInput {
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 2000, pattern = "\\S")
    )]
    pub text: String,
}

/// The start panel *Gegevens*: the latest pinboard post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LatestPost {
    pub id: Uuid,
    pub author: Author,
    pub created_at: DateTime<Utc>,
    pub text: String,
    pub mood: Option<Mood>,
    /// The first photo's thumbnail.
    pub thumbnail_url: Option<String>,
    pub photo_count: u32,
}

/// The `pinboard` event of the event stream: something on this client's pinboard changed;
/// reload what is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PinboardEvent {
    pub client_id: Uuid,
}
