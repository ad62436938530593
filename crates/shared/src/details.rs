//! *Gegevens*: the client's details as the ECD sent them, the network with the contact details
//! each person chose to share, the care team, GP and pharmacy, and insurance. Read-only: the
//! seeds' answer to a mistake is "Kloppen de gegevens niet? Vertel het de zorg." A BSN is never
//! stored, so it can never be shown.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    admin::CareRole,
    integration::{CareContact, Insurance},
    me::Relationship,
};

/// A postal address as the ECD sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "street": "Lindelaan 12",
    "postal_code": "3511 AB",
    "city": "Utrecht"
})))]
pub struct Address {
    /// Street and house number.
    #[cfg_attr(feature = "server", schema(max_length = 200))]
    pub street: String,
    /// Postal code (`3511 AB`).
    #[cfg_attr(feature = "server", schema(max_length = 20))]
    #[serde(default)]
    pub postal_code: String,
    /// Town or city.
    #[cfg_attr(feature = "server", schema(max_length = 100))]
    #[serde(default)]
    pub city: String,
}

/// *Cliëntgegevens*: who the client is, as the ECD knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PersonalDetails {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<NaiveDate>,
    pub address: Option<Address>,
    /// Phone number as the ECD sent it.
    pub phone: Option<String>,
    /// The client's photo, served by `GET /api/media/{id}/{size}`.
    pub photo_url: Option<String>,
}

/// *Contactpersonen*: one person in the client's network. E-mail and mobile are there only when
/// that person chose to share them (Profielinstellingen; off by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NetworkMember {
    /// The person's account id.
    pub user_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub relationship: Relationship,
    /// The client's *eerste contactpersoon*.
    pub is_primary_contact: bool,
    /// Shared by the person; absent otherwise.
    pub email: Option<String>,
    /// Shared by the person; absent otherwise.
    pub mobile: Option<String>,
}

/// *Zorgteam*: one care worker of the client's care team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CareTeamMember {
    /// The care worker's account id.
    pub care_worker_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub care_role: CareRole,
    /// An https address from the ECD.
    pub photo_url: Option<String>,
}

/// `GET /api/clients/{client_id}/details`: every tab of *Gegevens*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ClientDetails {
    /// *Cliëntgegevens*.
    pub client: PersonalDetails,
    /// *Contactpersonen*, the primary contact first, then by name. The client's own account is
    /// not listed.
    pub contacts: Vec<NetworkMember>,
    /// *Zorgteam*, by care role then name.
    pub care_team: Vec<CareTeamMember>,
    /// *Huisarts*.
    pub gp: Option<CareContact>,
    /// *Apotheek*.
    pub pharmacy: Option<CareContact>,
    /// *Verzekeringen*.
    pub insurance: Option<Insurance>,
    /// When the ECD last changed these details.
    pub updated_at: Option<DateTime<Utc>>,
}

/// `PUT /api/me/sharing`: whether the user's e-mail and mobile show under *Contactpersonen* for
/// the networks they are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"share_contact_details": true})))]
pub struct SharingSetting {
    pub share_contact_details: bool,
}

/// `PUT /api/me/clients/{client_id}/notifications`: which notifications the user wants for this
/// client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"pinboard": false})))]
pub struct ClientNotificationSetting {
    /// A notification under *Meldingen* for each new pinboard post.
    pub pinboard: bool,
}
