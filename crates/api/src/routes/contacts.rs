//! *Gebruikersbeheer* (a client's portal administrators) and *Meldingen* (every user).

use actix_web::{HttpResponse, delete, get, post, put, web};
use kring_shared::{
    audit::AuditLogPage,
    contacts::{
        ContactLookup, ContactLookupRequest, ContactRow, InvitationSent, NewContactRequest,
        Notifications, PermissionsRequest, PermissionsSaved,
    },
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::openapi::responses::{
    AdministratorLimit, AlreadyContact, ContactProtected, NoSuchClient, NoSuchContact, NotFound,
    NotPortalAdministrator, ServerError, Unauthenticated, ValidationFailed,
};
use crate::{
    auth::AuthUser,
    error::ApiError,
    services::{contacts, notifications, security_log::ClientInfo},
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_contacts)
        .service(network_changes)
        .service(lookup_contact)
        .service(add_contact)
        .service(set_permissions)
        .service(send_invitation)
        .service(remove_contact)
        .service(list_notifications)
        .service(mark_read)
        .service(accept_invitation)
        .service(decline_invitation);
}

/// The permission table of a client: every contact with their ticks, invitation state and
/// last login (portal administrators only: the `settings` permission).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The contacts, by last name", body = [ContactRow]),
        Unauthenticated,
        NotPortalAdministrator,
        NoSuchClient,
    )
)]
#[get("/clients/{client_id}/contacts")]
async fn list_contacts(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<Vec<ContactRow>>, ApiError> {
    Ok(web::Json(
        contacts::list(&state.db, &auth.user, *client_id).await?,
    ))
}

/// "Bedoelde u …": whether an account of the organisation has this e-mail address; only the
/// name is shown.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = ContactLookupRequest,
    responses(
        (status = 200, description = "The suggestion, if any", body = ContactLookup),
        AdministratorLimit,
        Unauthenticated,
        NotPortalAdministrator,
        NoSuchClient,
    )
)]
#[post("/clients/{client_id}/contact-lookup")]
async fn lookup_contact(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    body: web::Json<ContactLookupRequest>,
) -> Result<web::Json<ContactLookup>, ApiError> {
    Ok(web::Json(
        contacts::lookup(
            &state.db,
            &state.sealer,
            &auth.user,
            *client_id,
            &body.email,
        )
        .await?,
    ))
}

/// Add a contact: an existing account (from the lookup) or a new person. The contact starts
/// without permissions and without an invitation.
///
/// Refused with 422: A field is invalid (`validation_failed`: first_name/last_name required, too_long or invalid_characters; email required, invalid or in_use; gender required; mobile required, invalid, not_mobile or country_not_allowed; suggestion invalid or expired; existing_user_id not_allowed).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = NewContactRequest,
    responses(
        (status = 201, description = "Added", body = ContactRow),
        Unauthenticated,
        NotPortalAdministrator,
        NotFound,
        AlreadyContact,
        AdministratorLimit,
        ValidationFailed,
    )
)]
#[post("/clients/{client_id}/contacts")]
async fn add_contact(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    body: web::Json<NewContactRequest>,
) -> Result<HttpResponse, ApiError> {
    let row = contacts::add(
        &state.db,
        &state.sealer,
        &auth.user,
        *client_id,
        &body,
        &origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(row))
}

/// Save a contact's ticks (*Berichten, Afspraken, Dossier, Gegevens, Instellingen*). Takes
/// effect at the contact's next request. `invitation_needed` says to offer *Eerste toegang*.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("contact_id" = Uuid, Path, description = "The contact's id (`ContactRow.id`)"),
    ),
    request_body = PermissionsRequest,
    responses(
        (status = 200, description = "Saved", body = PermissionsSaved),
        Unauthenticated,
        NotPortalAdministrator,
        NoSuchContact,
        ContactProtected,
    )
)]
#[put("/clients/{client_id}/contacts/{contact_id}/permissions")]
async fn set_permissions(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<PermissionsRequest>,
) -> Result<web::Json<PermissionsSaved>, ApiError> {
    let (client_id, contact_id) = path.into_inner();
    Ok(web::Json(
        contacts::set_permissions(
            &state.db,
            &auth.user,
            client_id,
            contact_id,
            &body.permissions,
            &origin,
        )
        .await?,
    ))
}

/// *Gegevens versturen*: a person who never logged in gets login details by e-mail; someone
/// with an account gets an invitation under *Meldingen*.
///
/// Refused with 422: The contact already has access or an open invitation (`validation_failed`: contact already_accepted or already_invited).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("contact_id" = Uuid, Path, description = "The contact's id"),
    ),
    responses(
        (status = 200, description = "Sent", body = InvitationSent),
        Unauthenticated,
        NotPortalAdministrator,
        NoSuchContact,
        ValidationFailed,
        AdministratorLimit,
        ServerError,
    )
)]
#[post("/clients/{client_id}/contacts/{contact_id}/invitation")]
async fn send_invitation(
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<InvitationSent>, ApiError> {
    let (client_id, contact_id) = path.into_inner();
    Ok(web::Json(
        contacts::invite(
            &state.db,
            &state.config.public_url(),
            &auth.user,
            client_id,
            contact_id,
            &origin,
        )
        .await?,
    ))
}

/// Remove a contact from the client; their access ends with their next request.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("contact_id" = Uuid, Path, description = "The contact's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        Unauthenticated,
        NotPortalAdministrator,
        NoSuchContact,
        ContactProtected,
    )
)]
#[delete("/clients/{client_id}/contacts/{contact_id}")]
async fn remove_contact(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, contact_id) = path.into_inner();
    contacts::remove(&state.db, &auth.user, client_id, contact_id, &origin).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Paging of the network's changes.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ChangesParams {
    /// Rows before this position (the previous page's `next_before`).
    pub before: Option<i64>,
}

/// The changes to this client's network from the audit log — contacts added and removed, ticks
/// before → after, invitations, the primary contact — for its portal administrators; newest
/// first, 100 per page (no client addresses).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id"), ChangesParams),
    responses(
        (status = 200, description = "A page of changes", body = AuditLogPage),
        Unauthenticated,
        NotPortalAdministrator,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/clients/{client_id}/network-changes")]
async fn network_changes(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    params: web::Query<ChangesParams>,
) -> Result<web::Json<AuditLogPage>, ApiError> {
    Ok(web::Json(
        contacts::network_changes(&state.db, &auth.user, *client_id, params.before).await?,
    ))
}

/// *Meldingen*: the user's notifications, newest first, and the unread count.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The notifications", body = Notifications),
        Unauthenticated,
    )
)]
#[get("/me/notifications")]
async fn list_notifications(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Notifications>, ApiError> {
    Ok(web::Json(notifications::list(&state.db, &auth.user).await?))
}

/// Mark one of the user's notifications read.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    params(("notification_id" = Uuid, Path, description = "The notification's id")),
    responses(
        (status = 204, description = "Marked read"),
        Unauthenticated,
        NotFound,
    )
)]
#[post("/me/notifications/{notification_id}/read")]
async fn mark_read(
    state: web::Data<AppState>,
    auth: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    notifications::mark_read(&state.db, &auth.user, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// *Accepteren*: accept an invitation to a client's portal; the client then appears in
/// `GET /api/me`.
///
/// Refused with 422: Already answered (`validation_failed`: invitation not_pending).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    params(("contact_id" = Uuid, Path, description = "The invitation's contact id")),
    responses(
        (status = 204, description = "Accepted"),
        Unauthenticated,
        NotFound,
        ValidationFailed,
    )
)]
#[post("/me/invitations/{contact_id}/accept")]
async fn accept_invitation(
    state: web::Data<AppState>,
    auth: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    notifications::respond(&state.db, &auth.user, *id, true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// *Weigeren*: decline an invitation to a client's portal.
///
/// Refused with 422: Already answered (`validation_failed`: invitation not_pending).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    params(("contact_id" = Uuid, Path, description = "The invitation's contact id")),
    responses(
        (status = 204, description = "Declined"),
        Unauthenticated,
        NotFound,
        ValidationFailed,
    )
)]
#[post("/me/invitations/{contact_id}/decline")]
async fn decline_invitation(
    state: web::Data<AppState>,
    auth: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    notifications::respond(&state.db, &auth.user, *id, false).await?;
    Ok(HttpResponse::NoContent().finish())
}
