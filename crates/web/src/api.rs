//! The one HTTP client of the SPA. Adds the bearer token, sends JSON, and decodes every
//! non-2xx body into the shared `Problem` so pages can show a translated message.

use gloo_net::http::{Request, RequestBuilder, Response};
use kring_shared::{
    ErrorCode, Problem,
    auth::{AccessToken, LoginRequest, LoginResponse},
    home::HomeView,
    me::Me,
};
use serde::de::DeserializeOwned;
use uuid::Uuid;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server answered with a problem.
    Problem(Problem),
    /// The server could not be reached or answered something unreadable.
    Network,
}

impl ApiFailure {
    /// The stable error code, if the server gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiFailure::Problem(problem) => Some(problem.code),
            ApiFailure::Network => None,
        }
    }

    /// The catalog key of the message to show.
    pub fn message_key(&self) -> &'static str {
        match self.code() {
            None => "error.network",
            Some(ErrorCode::InvalidCredentials) => "error.invalid_credentials",
            Some(ErrorCode::AuthenticationRequired) => "error.authentication_required",
            Some(ErrorCode::PermissionDenied) => "error.permission_denied",
            Some(ErrorCode::RateLimited) => "error.rate_limited",
            Some(ErrorCode::ServiceUnavailable) => "error.service_unavailable",
            Some(_) => "error.generic",
        }
    }
}

/// A client without a session: it can only log in.
pub struct Anonymous;

impl Anonymous {
    /// Logs in and returns a client that carries the access token.
    pub async fn login(&self, username: &str, password: &str) -> Result<Authenticated, ApiFailure> {
        let body = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let request = Request::post("/api/auth/login")
            .json(&body)
            .map_err(|_| ApiFailure::Network)?;
        let response: LoginResponse = decode(request.send().await).await?;
        match response {
            LoginResponse::Authenticated(AccessToken { access_token, .. }) => Ok(Authenticated {
                token: access_token,
            }),
        }
    }
}

/// A client with an access token.
#[derive(Debug, Clone, PartialEq)]
pub struct Authenticated {
    token: String,
}

impl Authenticated {
    /// `GET /api/me`.
    pub async fn me(&self) -> Result<Me, ApiFailure> {
        self.get("/api/me").await
    }

    /// `GET /api/clients/{id}/home`.
    pub async fn home(&self, client_id: Uuid) -> Result<HomeView, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/home")).await
    }

    /// `POST /api/auth/logout`: ends this session on the server.
    pub async fn logout(&self) -> Result<(), ApiFailure> {
        let response = self
            .authorised(Request::post("/api/auth/logout"))
            .send()
            .await
            .map_err(|_| ApiFailure::Network)?;
        if response.ok() {
            Ok(())
        } else {
            Err(ApiFailure::Network)
        }
    }

    async fn get<T: DeserializeOwned>(&self, url: &str) -> Result<T, ApiFailure> {
        decode(self.authorised(Request::get(url)).send().await).await
    }

    fn authorised(&self, request: RequestBuilder) -> RequestBuilder {
        request.header("Authorization", &format!("Bearer {}", self.token))
    }
}

async fn decode<T: DeserializeOwned>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, ApiFailure> {
    let response = sent.map_err(|_| ApiFailure::Network)?;
    if response.ok() {
        response.json::<T>().await.map_err(|_| ApiFailure::Network)
    } else {
        match response.json::<Problem>().await {
            Ok(problem) => Err(ApiFailure::Problem(problem)),
            Err(_) => Err(ApiFailure::Network),
        }
    }
}
