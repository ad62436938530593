//! `POST /api/auth/login`.

use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use kring_shared::{
    Problem,
    auth::{LoginRequest, LoginResponse},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser,
    error::ApiError,
    services::auth::{self, ClientInfo},
    startup::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(logout);
}

/// Log in with username and password.
///
/// Returns a short-lived access token. A wrong username and a wrong password get the same
/// answer, in about the same time, so the response never reveals whether an account exists.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "The body is not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong username or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://kring.nl/problems/invalid_credentials", "title": "Invalid username or password", "status": 401, "detail": "The username or password is not correct.", "code": "invalid_credentials"})),
        (status = 415, description = "The body is not `application/json`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is empty or too long", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://kring.nl/problems/validation_failed", "title": "Validation failed", "status": 422, "detail": "One or more fields are invalid.", "code": "validation_failed", "errors": [{"field": "username", "code": "required"}]})),
        (status = 500, description = "Server error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    let origin = ClientInfo {
        ip_address: request.peer_addr().map(|addr| addr.ip().to_string()),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
    };
    let token = auth::login(
        &state.db,
        &state.tokens,
        &body.username,
        &body.password,
        origin,
    )
    .await?;
    Ok(web::Json(LoginResponse::Authenticated(token)))
}

/// Log out: ends the session on the server, so its access token stops working at once.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The session has ended"),
        (status = 401, description = "No valid access token (`authentication_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Server error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, auth: AuthUser) -> Result<HttpResponse, ApiError> {
    auth::logout(&state.db, auth.session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
