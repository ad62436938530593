//! Login request and response bodies.

use serde::{Deserialize, Serialize};

/// Username and password, as typed on the *Inloggen* page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "username": "marieke",
    "password": "Kring-Demo-2026"
})))]
pub struct LoginRequest {
    /// The username chosen at first login (not case sensitive).
    pub username: String,
    /// The password; up to 128 characters, never truncated.
    pub password: String,
}

/// The outcome of a successful login. Tagged by `status` so that later steps (device
/// verification, a forced password change) can be added as new variants without breaking
/// clients that check the tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginResponse {
    /// The user is signed in; send the access token as `Authorization: Bearer …`.
    Authenticated(AccessToken),
}

/// A short-lived signed access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "token_type": "Bearer",
    "expires_in": 900
})))]
pub struct AccessToken {
    /// The JWT to send as a bearer token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u32,
}
