//! *Gebruikersbeheer*: the people around a client, what each may see, and their invitations.
//! Only portal administrators (the *Instellingen* permission) manage this.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{Permission, me::Relationship};

/// Where a contact's invitation stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
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
#[cfg_attr(feature = "server", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "InvitationState::from_stored")
)]
pub enum InvitationState {
    /// Added, but no login details or invitation sent yet.
    NotInvited,
    /// An existing user was invited and has not answered yet (*Meldingen*).
    Pending,
    /// The contact has access (within the ticked permissions).
    Accepted,
    /// The existing user declined.
    Declined,
}

impl InvitationState {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<InvitationState, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(InvitationState::NotInvited))
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether an invitation can be sent now: never sent, or declined (asked again).
    pub fn invitable(self) -> bool {
        matches!(
            self,
            InvitationState::NotInvited | InvitationState::Declined
        )
    }

    /// Parses the stored name; anything unknown counts as not invited.
    pub fn parse(name: &str) -> InvitationState {
        name.parse().unwrap_or(InvitationState::NotInvited)
    }
}

/// A person's gender, as the seeds' form asks it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
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
#[cfg_attr(feature = "server", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "Gender::from_stored")
)]
pub enum Gender {
    Female,
    Male,
    /// Other or not given.
    Unknown,
}

impl Gender {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<Gender, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(Gender::Unknown))
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One row of the permission table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "id": "5d3f0c1e-2b8a-4c4e-9f61-0a7b2d9e8c11",
    "user_id": "0b6f7a52-5f0e-4a4e-9d51-3c1f8f7f2a10",
    "first_name": "Pieter",
    "last_name": "de Vries",
    "relationship": "child",
    "is_primary_contact": false,
    "permissions": ["messages", "agenda"],
    "invitation_state": "accepted",
    "last_login_at": "2026-11-22T18:04:00Z",
    "is_you": false
})))]
pub struct ContactRow {
    /// The contact's link to this client (use it in the contact URLs).
    pub id: Uuid,
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub relationship: Relationship,
    /// The client's primary contact (*eerste contactpersoon*), appointed by the organisation.
    pub is_primary_contact: bool,
    /// Ticked permissions, in the table's column order; empty means "sees only a photo".
    pub permissions: Vec<Permission>,
    pub invitation_state: InvitationState,
    /// *Laatst ingelogd* (any client).
    pub last_login_at: Option<DateTime<Utc>>,
    /// This row is the signed-in user.
    pub is_you: bool,
}

/// `POST /api/clients/{id}/contact-lookup`: is there an account with this e-mail address?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"email": "pieter@example.nl"})))]
pub struct ContactLookupRequest {
    /// The address as typed so far; anything that is not an e-mail address of a person in the
    /// organisation simply gets no suggestion.
    pub email: String,
}

/// "Bedoelde u …": an existing account of the organisation with exactly that e-mail address,
/// shown by name only. The account is named by an opaque `handle` (sealed by the server, for
/// this administrator and client, valid 30 minutes), never by its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ContactSuggestion {
    /// Send back as `NewContactRequest.suggestion` to add this person.
    pub handle: String,
    /// First and last name.
    pub name: String,
}

/// The answer to a lookup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ContactLookup {
    /// The suggested person, if any.
    pub suggestion: Option<ContactSuggestion>,
}

/// `POST /api/clients/{id}/contacts`: add an existing account (`existing_user_id`, from a
/// lookup) or a new person (names, e-mail, gender and mobile number). The new contact starts
/// without permissions and without an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "first_name": "Sanne",
    "last_name": "de Vries",
    "email": "sanne@example.nl",
    "gender": "female",
    "relationship": "grandchild",
    "mobile": "06-12345678"
})))]
pub struct NewContactRequest {
    /// The `handle` of a lookup's suggestion, to add that account; the other personal fields
    /// are then ignored.
    #[serde(default)]
    pub suggestion: Option<String>,
    /// An existing account by id: only for the organisation's administrator (*Beheer*);
    /// a portal administrator uses `suggestion`.
    #[serde(default)]
    pub existing_user_id: Option<Uuid>,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub gender: Option<Gender>,
    pub relationship: Relationship,
    /// As typed (06-…, +31 6 …, 0031 6 …); stored in E.164.
    #[serde(default)]
    pub mobile: String,
}

/// `PUT /api/clients/{id}/contacts/{contact_id}/permissions`: the ticked permissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"permissions": ["messages", "agenda", "dossier"]})))]
pub struct PermissionsRequest {
    pub permissions: Vec<Permission>,
}

/// The answer to a permissions change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PermissionsSaved {
    pub contact: ContactRow,
    /// The contact now has a permission but was never invited: offer *Eerste toegang …
    /// Gegevens versturen* (`POST …/invitation`).
    pub invitation_needed: bool,
}

/// The answer to sending an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct InvitationSent {
    pub contact: ContactRow,
    /// `email`: a new user got login details by e-mail; `notification`: an existing user was
    /// invited under *Meldingen* and must accept.
    pub channel: InvitationChannel,
}

/// How an invitation reached the contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationChannel {
    Email,
    Notification,
}

/// What a notification is about.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
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
#[cfg_attr(feature = "server", derive(sea_orm::DeriveValueType))]
#[cfg_attr(feature = "server", sea_orm(value_type = "String"))]
pub enum NotificationKind {
    /// An invitation to a client's portal; accept or decline it.
    Invitation,
    /// A new care plan version in the client's dossier (for everyone with the Dossier
    /// permission).
    CarePlan,
    /// A new post on the client's pinboard (unless switched off for that client).
    PinboardPost,
    /// A new message in a conversation (`entry_id`: the conversation).
    Message,
    /// A message to care nobody read within the organisation's answer time: call the
    /// department if it is urgent (`entry_id`: the conversation).
    MessageOverdue,
}

impl NotificationKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<NotificationKind> {
        name.parse().ok()
    }
}

/// One item in *Meldingen*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub created_at: DateTime<Utc>,
    pub read: bool,
    /// The client it is about.
    pub client_id: Option<Uuid>,
    /// The dossier entry it is about (a new care plan version).
    pub entry_id: Option<Uuid>,
    /// The client it is about, by name.
    pub client_name: Option<String>,
    /// Who caused it (e.g. the administrator who invited), by name.
    pub from_name: Option<String>,
    /// For an invitation: the link to accept or decline, and where it stands.
    pub invitation: Option<InvitationInfo>,
}

/// An invitation inside a notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct InvitationInfo {
    /// The contact link (`POST /api/me/invitations/{contact_id}/accept` or `/decline`).
    pub contact_id: Uuid,
    pub state: InvitationState,
}

/// `GET /api/me/notifications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Notifications {
    /// Newest first (at most 100).
    pub items: Vec<Notification>,
    /// Unread notifications in total (the badge in the info bar).
    pub unread: u32,
}
