//! `GET /api/clients/{client_id}/home`.

use actix_web::{get, web};
use kring_shared::home::HomeView;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::openapi::responses::{NoSuchClient, NotInNetwork, ServerError, Unauthenticated};
use crate::{
    auth::AuthUser,
    error::ApiError,
    services::{self, access_log::Reader, security_log::ClientInfo},
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(home);
}

/// The start screen of a client: the client's name and photo, and each panel this user may
/// see with its latest items. Panels the user has no permission for, or that the organisation
/// switched off, are left out.
#[utoipa::path(
    tag = "clients",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The start screen", body = HomeView),
        Unauthenticated,
        NotInNetwork,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/clients/{client_id}/home")]
async fn home(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<HomeView>, ApiError> {
    let access = services::policy::client_access(&state.db, &auth.user, *client_id).await?;
    let reader = Reader {
        user: &auth.user,
        session_id: auth.session_id,
        origin: &origin,
    };
    Ok(web::Json(
        services::home::home(&state.db, &access, &reader).await?,
    ))
}
