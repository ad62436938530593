//! *Berichten*: conversations between the client's network and, where the organisation allows
//! it, the care team. Everyone with the Berichten permission (accepted) writes to network
//! members who have it too; care workers read and answer the conversations of the clients whose
//! care team they are in — their own and the team's inbox.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{admin::CareRole, me::Relationship};

/// Longest subject, in characters.
pub const MAX_SUBJECT: usize = 150;
/// Longest message text, in characters.
pub const MAX_TEXT: usize = 5000;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS: usize = 5;
/// Longest absence note, in characters.
pub const MAX_ABSENCE_NOTE: usize = 300;
/// Largest attachment (a photo or a PDF), in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 15 * 1024 * 1024;

/// Who may write to the care team: an organisation setting (the seeds: Zuyderland the client
/// and legal representatives, 's Heeren Loo everyone, Laurens and Amaris nobody).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema, sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "CareMessaging::from_stored")
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CareMessaging {
    /// Nobody writes to the care team in Kring.
    Nobody,
    /// The client, their legal representative, mentor and curator.
    Representatives,
    /// Everyone in the network with Berichten.
    #[default]
    Everyone,
}

impl CareMessaging {
    /// Reads a stored name; an unknown one is the safe `Nobody`.
    pub fn from_stored(name: &str) -> Result<CareMessaging, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(CareMessaging::Nobody))
    }

    /// Whether someone with `relationship` to the client may write to care under this setting.
    pub fn allows(self, relationship: Relationship) -> bool {
        match self {
            CareMessaging::Nobody => false,
            CareMessaging::Everyone => true,
            CareMessaging::Representatives => matches!(
                relationship,
                Relationship::Client
                    | Relationship::LegalRepresentative
                    | Relationship::Mentor
                    | Relationship::Curator
            ),
        }
    }
}

/// A person in a conversation: a network member (with their relationship to the client) or a
/// care worker (with their care role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Person {
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// Their relationship to the client (network members).
    pub relationship: Option<Relationship>,
    /// Their role in the client's care team (care workers).
    pub care_role: Option<CareRole>,
}

/// A care worker's absence: from and until (inclusive), with an optional note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "from": "2026-12-01", "until": "2026-12-12", "note": "Vakantie"
})))]
pub struct Absence {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub note: Option<String>,
}

/// Someone the viewer may write to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Recipient {
    pub person: Person,
    /// A care worker who is away today (or from a day in the next two weeks): a message to
    /// them also goes to the team.
    pub absence: Option<Absence>,
}

/// `GET /api/clients/{id}/messages/recipients`: whom the viewer may write to, and what a
/// message to care should say before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RecipientOptions {
    /// Network members with Berichten (accepted), by name; never the viewer.
    pub network: Vec<Recipient>,
    /// Whether the viewer may write to the care team (the organisation's setting and their
    /// relationship); when false, `care` is empty.
    pub care_allowed: bool,
    /// The care team's members, by name.
    pub care: Vec<Recipient>,
    /// The answer time the organisation promises for messages to care, in working days.
    pub reply_days: u16,
}

/// `POST /api/clients/{id}/conversations`: a new conversation. At least one recipient:
/// network members or care workers in `people`, and/or the whole care team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "people": ["0b6f9c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"],
    "care_team": true,
    "subject": "Bezoek zondag",
    "text": "Ik kom zondag om twee uur. Kan moeder dan naar buiten?",
    "attachments": []
})))]
pub struct NewConversation {
    #[serde(default)]
    pub people: Vec<Uuid>,
    /// Also to the client's whole care team (everyone in it reads it).
    #[serde(default)]
    pub care_team: bool,
    pub subject: String,
    pub text: String,
    /// Uploaded attachments (`POST /api/clients/{id}/messages/attachments`), in order.
    #[serde(default)]
    pub attachments: Vec<Uuid>,
}

/// `POST /api/clients/{id}/conversations/{conversation_id}/messages`: an answer to everyone in
/// the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "text": "Dat kan. We zetten de rolstoel klaar.", "attachments": []
})))]
pub struct AnswerInput {
    pub text: String,
    #[serde(default)]
    pub attachments: Vec<Uuid>,
}

/// An attachment: a photo (re-encoded, without metadata) or a PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: Uuid,
    /// The name it was uploaded with (for a photo: the name with `.jpg`).
    pub file_name: String,
    /// `image/jpeg` or `application/pdf`.
    pub content_type: String,
    pub bytes: u64,
    /// The file (`GET /api/media/{id}/display` for a photo, `.../file` for a PDF).
    pub url: String,
    /// A small version (photos only).
    pub thumbnail_url: Option<String>,
}

/// That a care worker read a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReadReceipt {
    pub reader: Person,
    pub read_at: DateTime<Utc>,
}

/// One message in a conversation. Messages are never edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: Uuid,
    pub author: Person,
    pub sent_at: DateTime<Utc>,
    pub text: String,
    pub attachments: Vec<Attachment>,
    /// Written by the viewer.
    pub mine: bool,
    /// Answered through the organisation's ECD.
    pub via_ecd: bool,
    /// For a message from the network to care: which care workers read it, and when.
    pub read_by: Vec<ReadReceipt>,
    /// For a message to care: nobody in the care team read it within the organisation's
    /// answer time.
    pub overdue: bool,
}

/// A conversation in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ConversationSummary {
    pub id: Uuid,
    pub client_id: Uuid,
    /// The client's name (the care worker's inbox holds several clients).
    pub client_name: String,
    pub subject: String,
    /// Everyone in it by name (the writer first), without the care team as a whole.
    pub people: Vec<Person>,
    /// Addressed to the whole care team (or moved there: an absent care worker, an
    /// unanswered message).
    pub care_team: bool,
    /// Anyone of the care team takes part.
    pub with_care: bool,
    pub last_message_at: DateTime<Utc>,
    pub last_author: Person,
    /// The start of the last message.
    pub preview: String,
    /// Messages the viewer has not read.
    pub unread: u32,
    /// Archived by the viewer (it returns with a new message).
    pub archived: bool,
    /// A message to care waits longer than the answer time.
    pub overdue: bool,
}

/// `GET /api/clients/{id}/conversations` and the care worker's inbox: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ConversationPage {
    pub conversations: Vec<ConversationSummary>,
    /// Pass as `cursor` for the next page; none at the end.
    pub next_cursor: Option<String>,
    /// Unread messages in this list's scope (not only this page).
    pub unread: u32,
}

/// `GET /api/clients/{id}/conversations/{conversation_id}`: the conversation with its
/// messages, oldest first. Opening it marks them read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Conversation {
    pub summary: ConversationSummary,
    pub messages: Vec<Message>,
    /// Earlier messages exist: ask again with `before` = this cursor.
    pub earlier_cursor: Option<String>,
    /// Whether the viewer may answer (still has Berichten, or is in the care team).
    pub may_reply: bool,
    /// The organisation's answer time for messages to care, in working days.
    pub reply_days: u16,
}

/// Which inbox of a care worker: messages to them, or to their care teams.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum InboxBox {
    /// Conversations the care worker takes part in.
    #[default]
    Personal,
    /// Conversations addressed to a care team they are in.
    Team,
}

/// The Berichten panel on the start screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LatestMessage {
    pub conversation_id: Uuid,
    pub subject: String,
    pub author: Person,
    pub sent_at: DateTime<Utc>,
    pub preview: String,
    /// Unread messages of this client for the viewer.
    pub unread: u32,
}

/// `GET /api/me/messages/unread`: unread messages over every client (the info bar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: u32,
}

/// `PUT /api/me/message-mail`: whether a new message is also announced by e-mail (without its
/// content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MessageMailSetting {
    pub enabled: bool,
}

/// A live `messages` event: something changed in a conversation the receiver takes part in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MessagesEvent {
    pub client_id: Uuid,
    pub conversation_id: Uuid,
}

/// A care worker's answer sent through the ECD (`PUT /api/integration/clients/{client_id}/
/// conversations/{conversation_id}/messages/{message_id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "care_worker_id": "MW-1042",
    "text": "Dank voor uw bericht. Zondag om twee uur staat de rolstoel klaar.",
    "sent_at": "2026-11-30T14:05:00Z"
})))]
pub struct EcdReply {
    /// The ECD's id of the care worker who answers; they must be in the client's care team.
    pub care_worker_id: String,
    pub text: String,
    /// When it was written in the ECD (default: now).
    pub sent_at: Option<DateTime<Utc>>,
}
