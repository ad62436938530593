//! `GET /api/me`.

use actix_web::{get, web};
use kring_shared::{Problem, me::Me};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{auth::AuthUser, error::ApiError, services, startup::AppState};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(me);
}

/// Who am I: the signed-in user, their organisation, and each client they may open with their
/// permissions there.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "No valid access token (`authentication_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Server error", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, auth: AuthUser) -> Result<web::Json<Me>, ApiError> {
    Ok(web::Json(services::me::me(&state.db, &auth.user).await?))
}
