//! The organisation admin console: the organisation's accounts and temporary passwords.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use kring_shared::{
    Problem,
    admin::{AdminUserSummary, OrganisationSettings},
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    error::ApiError,
    services::{self, auth, security_log::ClientInfo},
    startup::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(temporary_password)
        .service(get_settings)
        .service(put_settings);
}

/// The search of the user list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UserSearch {
    /// Part of a first or last name, username or e-mail address (case-insensitive).
    pub q: Option<String>,
}

/// The organisation's accounts (organisation administrators only), by last name, at most 200;
/// `q` narrows the list down.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(UserSearch),
    responses(
        (status = 200, description = "The accounts", body = [AdminUserSummary]),
        (status = 401, description = "No valid access token (`authentication_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organisation administrator (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Server error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/users")]
async fn list_users(
    state: web::Data<AppState>,
    admin: AuthUser,
    search: web::Query<UserSearch>,
) -> Result<web::Json<Vec<AdminUserSummary>>, ApiError> {
    let users = services::admin::users(&state.db, &admin.user, search.q.as_deref()).await?;
    Ok(web::Json(users))
}

/// Send a user of the organisation a new temporary password by e-mail (organisation
/// administrators only). The account is unblocked, its sessions end, and its next login asks
/// for a new password.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 204, description = "The e-mail has been sent"),
        (status = 401, description = "No valid access token (`authentication_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organisation administrator (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in this organisation (`not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Server error (e.g. the mail could not be sent)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users/{user_id}/temporary-password")]
async fn temporary_password(
    state: web::Data<AppState>,
    request: HttpRequest,
    admin: AuthUser,
    user_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    auth::issue_temporary_password(
        &state.db,
        &state.mailer,
        &admin.user,
        *user_id,
        &ClientInfo::of(&request),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The organisation settings (organisation administrators only).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = OrganisationSettings),
        (status = 401, description = "No valid access token (`authentication_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organisation administrator (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/organisation")]
async fn get_settings(
    state: web::Data<AppState>,
    admin: AuthUser,
) -> Result<web::Json<OrganisationSettings>, ApiError> {
    Ok(web::Json(
        services::admin::settings(&state.db, &admin.user).await?,
    ))
}

/// Change the organisation settings, all at once. They take effect at each user's next
/// request (panels, colours, name) or next login (lockout, lifetimes, password policy).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = OrganisationSettings,
    responses(
        (status = 200, description = "Saved", body = OrganisationSettings),
        (status = 400, description = "The body is not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token (`authentication_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an organisation administrator (`permission_denied`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A setting is out of bounds (`validation_failed`: name required/too_long; primary_colour invalid/low_contrast; logo_url, help_url invalid (https only); numbers out_of_range)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "https://kring.nl/problems/validation_failed", "title": "Validation failed", "status": 422, "detail": "One or more fields are invalid.", "code": "validation_failed", "errors": [{"field": "primary_colour", "code": "low_contrast"}]})),
    )
)]
#[put("/admin/organisation")]
async fn put_settings(
    state: web::Data<AppState>,
    admin: AuthUser,
    body: web::Json<OrganisationSettings>,
) -> Result<web::Json<OrganisationSettings>, ApiError> {
    Ok(web::Json(
        services::admin::update_settings(&state.db, &admin.user, &body).await?,
    ))
}
