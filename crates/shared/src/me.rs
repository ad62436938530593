//! Who the signed-in user is, and the clients they may open.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Permission;

/// What kind of account this is; decides which side of the portal the user sees. Stored as
/// its snake_case name (`users.kind`).
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
)]
#[strum(serialize_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema, sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "server",
    sea_orm(value_type = "String", from_str = "AccountKind::from_stored")
)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A client or a contact (family, friend, mentor, legal representative).
    Person,
    /// Staff in a client's care team.
    CareWorker,
    /// The care organisation's functional administrator.
    OrganisationAdmin,
}

impl AccountKind {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<AccountKind, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(AccountKind::Person))
    }
}

/// A user interface language.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Default,
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
    sea_orm(value_type = "String", from_str = "Language::from_stored")
)]
pub enum Language {
    /// Dutch, the default.
    #[default]
    Nl,
    /// English.
    En,
}

impl Language {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<Language, std::convert::Infallible> {
        Ok(Language::from_tag(name))
    }

    /// The BCP 47 tag.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses a BCP 47 tag; anything but English is Dutch.
    pub fn from_tag(tag: &str) -> Language {
        if tag.eq_ignore_ascii_case("en") || tag.to_ascii_lowercase().starts_with("en-") {
            Language::En
        } else {
            Language::Nl
        }
    }
}

/// The signed-in user's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UserProfile {
    /// The account id.
    pub id: Uuid,
    /// The login name.
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name, with any prefix ("de Vries").
    pub last_name: String,
    /// E-mail address.
    pub email: String,
    /// Mobile number in E.164 (`+31612345678`), if known.
    pub mobile: Option<String>,
    /// Preferred interface language.
    pub language: Language,
    /// What kind of account this is.
    pub kind: AccountKind,
    /// When the user last logged in before this session, if ever.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Whether logins on new devices use the authenticator app instead of an SMS code.
    #[serde(default)]
    pub totp_enabled: bool,
    /// Whether the user shares their e-mail and mobile with the networks they are in.
    #[serde(default)]
    pub share_contact_details: bool,
}

/// The organisation running the portal, as far as the interface needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrganisationInfo {
    /// The organisation's id.
    pub id: Uuid,
    /// Display name, e.g. "Zorggroep De Linde".
    pub name: String,
    /// The *Informatie* link: the organisation's help page.
    pub help_url: Option<String>,
    /// The main colour as `#rrggbb`.
    pub primary_colour: String,
    /// Languages offered in the interface.
    pub languages: Vec<Language>,
    /// The rules for a new password.
    pub password_policy: crate::password::PasswordPolicy,
    /// Minutes without activity after which the session ends.
    pub idle_timeout_minutes: u32,
}

/// A client as shown in lists and on the start screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClientSummary {
    /// The client's id.
    pub id: Uuid,
    /// First name (the name people use).
    pub first_name: String,
    /// Last name, with any prefix.
    pub last_name: String,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// URL of the client's photo (its thumbnail, `GET` with the token), if there is one.
    pub photo_url: Option<String>,
    /// The date the client left care; access ends some days later.
    pub discharged_on: Option<NaiveDate>,
}

/// How the user is related to a client.
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
    sea_orm(value_type = "String", from_str = "Relationship::from_stored")
)]
pub enum Relationship {
    /// The user is the client.
    #[serde(rename = "self")]
    #[strum(serialize = "self")]
    Client,
    /// Son or daughter.
    Child,
    /// Grandchild.
    Grandchild,
    /// Partner or spouse.
    Partner,
    /// Brother or sister.
    Sibling,
    /// Parent.
    Parent,
    /// Other family member.
    Family,
    /// Friend.
    Friend,
    /// Mentor (appointed by the court for personal matters).
    Mentor,
    /// Curator or administrator (financial).
    Curator,
    /// Legal representative.
    LegalRepresentative,
    /// Any other contact.
    Other,
}

impl Relationship {
    /// Reads a stored name. A name this version does not know (a newer version wrote it, or it
    /// was changed by hand) reads as the safe default instead of failing every query that
    /// loads the row.
    pub fn from_stored(name: &str) -> Result<Relationship, std::convert::Infallible> {
        Ok(name.parse().unwrap_or(Relationship::Other))
    }

    /// The stable name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stable name.
    pub fn parse(name: &str) -> Option<Relationship> {
        name.parse().ok()
    }
}

/// One client the user may open, with what they may do there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClientMembership {
    /// The client.
    pub client: ClientSummary,
    /// How the user is related to the client.
    pub relationship: Relationship,
    /// Whether the user is the client's primary contact (*eerste contactpersoon*).
    pub is_primary_contact: bool,
    /// The permissions the user holds for this client; empty means "sees only the photo".
    pub permissions: Vec<Permission>,
    /// Whether a new pinboard post for this client gives a notification.
    #[serde(default = "yes")]
    pub pinboard_notifications: bool,
}

fn yes() -> bool {
    true
}

/// `GET /api/me`: the signed-in user, their organisation and their clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Me {
    /// The user's own account.
    pub user: UserProfile,
    /// The organisation the account belongs to.
    pub organisation: OrganisationInfo,
    /// Clients the user may open, sorted by name.
    pub clients: Vec<ClientMembership>,
    /// A care worker: the clients whose care team they are in (their agenda, read-only, with
    /// private appointments as busy time), sorted by name.
    #[serde(default)]
    pub care_team: Vec<ClientSummary>,
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn relationship_names_round_trip_through_serde_and_parse() {
        for relationship in Relationship::iter() {
            let json = serde_json::to_string(&relationship).unwrap();
            assert_eq!(json, format!("\"{}\"", relationship.as_str()));
            assert_eq!(
                Relationship::parse(relationship.as_str()),
                Some(relationship)
            );
        }
        assert_eq!(Relationship::parse("stranger"), None);
    }

    #[test]
    fn language_tags_default_to_dutch() {
        assert_eq!(Language::from_tag("en-GB"), Language::En);
        assert_eq!(Language::from_tag("EN"), Language::En);
        assert_eq!(Language::from_tag("nl"), Language::Nl);
        assert_eq!(Language::from_tag("fy"), Language::Nl);
    }
}
