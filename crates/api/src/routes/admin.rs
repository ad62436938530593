//! The organisation admin console: the organisation's accounts and temporary passwords.

use actix_web::{HttpResponse, delete, get, post, put, web};
use kring_shared::{
    admin::{
        AdminClientSummary, AdminUserSummary, CareTeamRoleRequest, CareWorkerSummary,
        DischargeRequest, NewCareWorkerRequest, NewClientPortalRequest, OrganisationSettings,
        OutboxMailSummary, PrimaryContactRequest,
    },
    audit::AuditLogPage,
    contacts::ContactRow,
    dossier::AccessLogPage,
    integration::{NewServiceAccountRequest, ServiceAccountCreated, ServiceAccountSummary},
    me::AccountKind,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::openapi::responses::{
    NoSuchClient, NoSuchContact, NotFound, NotOrganisationAdmin, ServerError, Unauthenticated,
    ValidationFailed,
};
use crate::{
    auth::AuthUser,
    error::ApiError,
    services::{self, auth, security_log::ClientInfo},
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(audit_log)
        .service(undelivered_mail)
        .service(retry_mail)
        .service(temporary_password)
        .service(get_settings)
        .service(put_settings)
        .service(list_clients)
        .service(create_client)
        .service(client_contacts)
        .service(set_primary_contact)
        .service(discharge)
        .service(list_care_workers)
        .service(create_care_worker)
        .service(set_care_team_member)
        .service(remove_care_team_member)
        .service(list_service_accounts)
        .service(create_service_account)
        .service(revoke_service_account)
        .service(access_log);
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
        Unauthenticated,
        NotOrganisationAdmin,
        ServerError,
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
        Unauthenticated,
        NotOrganisationAdmin,
        NotFound,
        ServerError,
    )
)]
#[post("/admin/users/{user_id}/temporary-password")]
async fn temporary_password(
    state: web::Data<AppState>,
    origin: ClientInfo,
    admin: AuthUser,
    user_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    auth::issue_temporary_password(&state.db, &admin.user, *user_id, &origin).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The organisation settings (organisation administrators only).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = OrganisationSettings),
        Unauthenticated,
        NotOrganisationAdmin,
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
///
/// Refused with 422: A setting is out of bounds (`validation_failed`: name required/too_long; primary_colour invalid/low_contrast; logo_url, help_url invalid (https only); numbers out_of_range).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = OrganisationSettings,
    responses(
        (status = 200, description = "Saved", body = OrganisationSettings),
        Unauthenticated,
        NotOrganisationAdmin,
        ValidationFailed,
    )
)]
#[put("/admin/organisation")]
async fn put_settings(
    state: web::Data<AppState>,
    admin: AuthUser,
    origin: ClientInfo,
    body: web::Json<OrganisationSettings>,
) -> Result<web::Json<OrganisationSettings>, ApiError> {
    Ok(web::Json(
        services::admin::update_settings(&state.db, &admin.user, &body, &origin).await?,
    ))
}

/// The organisation's client portals, with their primary contact.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The client portals, by last name", body = [AdminClientSummary]),
        Unauthenticated,
        NotOrganisationAdmin,
    )
)]
#[get("/admin/clients")]
async fn list_clients(
    state: web::Data<AppState>,
    admin: AuthUser,
) -> Result<web::Json<Vec<AdminClientSummary>>, ApiError> {
    Ok(web::Json(
        services::admin::clients(&state.db, &admin.user).await?,
    ))
}

/// Create a client portal: the client and the primary contact (portal administrator), and
/// optionally the client's own account. A new person gets login details by e-mail; an existing
/// account an invitation under Meldingen. Nothing is kept when any part is refused.
///
/// Refused with 422: A field is invalid (`validation_failed`; nested fields are named `primary_contact.email`, `client_account.mobile` …).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewClientPortalRequest,
    responses(
        (status = 201, description = "Created and invited", body = AdminClientSummary),
        Unauthenticated,
        NotOrganisationAdmin,
        NotFound,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/admin/clients")]
async fn create_client(
    state: web::Data<AppState>,
    origin: ClientInfo,
    admin: AuthUser,
    body: web::Json<NewClientPortalRequest>,
) -> Result<HttpResponse, ApiError> {
    let (created, _) = services::admin::create_client(
        &state.db,
        &state.config.public_url(),
        &admin.user,
        &body,
        &origin,
    )
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// A client's contacts, for appointing the primary contact.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The contacts", body = [ContactRow]),
        Unauthenticated,
        NotOrganisationAdmin,
        NoSuchClient,
    )
)]
#[get("/admin/clients/{client_id}/contacts")]
async fn client_contacts(
    state: web::Data<AppState>,
    admin: AuthUser,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<Vec<ContactRow>>, ApiError> {
    Ok(web::Json(
        services::admin::client_contacts(&state.db, &admin.user, *client_id).await?,
    ))
}

/// Appoint or change the primary contact; they also get the settings permission.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = PrimaryContactRequest,
    responses(
        (status = 200, description = "Changed", body = AdminClientSummary),
        Unauthenticated,
        NotOrganisationAdmin,
        NoSuchContact,
    )
)]
#[put("/admin/clients/{client_id}/primary-contact")]
async fn set_primary_contact(
    state: web::Data<AppState>,
    admin: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    body: web::Json<PrimaryContactRequest>,
) -> Result<web::Json<AdminClientSummary>, ApiError> {
    Ok(web::Json(
        services::admin::set_primary_contact(
            &state.db,
            &admin.user,
            *client_id,
            body.contact_id,
            &origin,
        )
        .await?,
    ))
}

/// Mark a client discharged on a day (`null` undoes it). The portal stays open for the
/// organisation's number of days after it, with a notice on the start screen.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = DischargeRequest,
    responses(
        (status = 200, description = "Saved", body = AdminClientSummary),
        Unauthenticated,
        NotOrganisationAdmin,
        NoSuchClient,
    )
)]
#[put("/admin/clients/{client_id}/discharge")]
async fn discharge(
    state: web::Data<AppState>,
    admin: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    body: web::Json<DischargeRequest>,
) -> Result<web::Json<AdminClientSummary>, ApiError> {
    Ok(web::Json(
        services::admin::discharge(&state.db, &admin.user, *client_id, &body, &origin).await?,
    ))
}

/// The organisation's care workers with their care teams (until the integration API feeds
/// them from the ECD).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The care workers, by last name", body = [CareWorkerSummary]),
        Unauthenticated,
        NotOrganisationAdmin,
    )
)]
#[get("/admin/care-workers")]
async fn list_care_workers(
    state: web::Data<AppState>,
    admin: AuthUser,
) -> Result<web::Json<Vec<CareWorkerSummary>>, ApiError> {
    Ok(web::Json(
        services::admin::care_workers(&state.db, &admin.user).await?,
    ))
}

/// Create a care worker account; a temporary password goes out by e-mail.
///
/// Refused with 422: A field is invalid (`validation_failed`: first_name, last_name, email (in_use …), gender, mobile).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewCareWorkerRequest,
    responses(
        (status = 201, description = "Created and mailed", body = CareWorkerSummary),
        Unauthenticated,
        NotOrganisationAdmin,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/admin/care-workers")]
async fn create_care_worker(
    state: web::Data<AppState>,
    origin: ClientInfo,
    admin: AuthUser,
    body: web::Json<NewCareWorkerRequest>,
) -> Result<HttpResponse, ApiError> {
    let created =
        services::admin::create_care_worker(&state.db, &admin.user, &body, &origin).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Put a care worker in a client's care team with a role (or change the role).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("care_worker_id" = Uuid, Path, description = "The care worker's user id"),
    ),
    request_body = CareTeamRoleRequest,
    responses(
        (status = 204, description = "Saved"),
        Unauthenticated,
        NotOrganisationAdmin,
        NotFound,
    )
)]
#[put("/admin/clients/{client_id}/care-team/{care_worker_id}")]
async fn set_care_team_member(
    state: web::Data<AppState>,
    admin: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<CareTeamRoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, care_worker_id) = path.into_inner();
    services::admin::set_care_team_member(
        &state.db,
        &admin.user,
        client_id,
        care_worker_id,
        body.care_role,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Take a care worker out of a client's care team.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("care_worker_id" = Uuid, Path, description = "The care worker's user id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        Unauthenticated,
        NotOrganisationAdmin,
        NotFound,
    )
)]
#[delete("/admin/clients/{client_id}/care-team/{care_worker_id}")]
async fn remove_care_team_member(
    state: web::Data<AppState>,
    admin: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, care_worker_id) = path.into_inner();
    services::admin::remove_care_team_member(&state.db, &admin.user, client_id, care_worker_id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The organisation's service accounts (integrations such as the ECD), newest first; revoked
/// ones are marked. Keys are never shown again.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The service accounts", body = [ServiceAccountSummary]),
        Unauthenticated,
        NotOrganisationAdmin,
        ServerError,
    )
)]
#[get("/admin/service-accounts")]
async fn list_service_accounts(
    state: web::Data<AppState>,
    admin: AuthUser,
) -> Result<web::Json<Vec<ServiceAccountSummary>>, ApiError> {
    Ok(web::Json(
        services::service_accounts::list(&state.db, &admin.user).await?,
    ))
}

/// A new service account with an API key for an integration. The key is in this answer only;
/// Kring keeps a hash.
///
/// Refused with 422: `name` `required`/`too_long`, `scopes` `required`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = NewServiceAccountRequest,
    responses(
        (status = 201, description = "The account and its key (shown once)", body = ServiceAccountCreated),
        Unauthenticated,
        NotOrganisationAdmin,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/admin/service-accounts")]
async fn create_service_account(
    state: web::Data<AppState>,
    admin: AuthUser,
    origin: ClientInfo,
    body: web::Json<NewServiceAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::services::policy::require_organisation_admin(&admin.user)?;
    let actor =
        services::audit::Actor::user(&admin.user, AccountKind::OrganisationAdmin.into(), &origin);
    let created = services::service_accounts::create(
        &state.db,
        admin.user.organisation_id,
        Some(&actor),
        &body,
    )
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Revokes a service account: its key stops working at once.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("account_id" = Uuid, Path, description = "The service account's id")),
    responses(
        (status = 200, description = "The revoked account", body = ServiceAccountSummary),
        Unauthenticated,
        NotOrganisationAdmin,
        NotFound,
        ServerError,
    )
)]
#[post("/admin/service-accounts/{account_id}/revoke")]
async fn revoke_service_account(
    state: web::Data<AppState>,
    admin: AuthUser,
    origin: ClientInfo,
    account_id: web::Path<Uuid>,
) -> Result<web::Json<ServiceAccountSummary>, ApiError> {
    Ok(web::Json(
        services::service_accounts::revoke(&state.db, &admin.user, *account_id, &origin).await?,
    ))
}

/// E-mail that has not gone out after a failed try (SMTP down, a refused address), newest
/// first: what it was for, to whom, how often it was tried and why it failed. Kring keeps
/// trying with a growing pause; after 8 tries it stops until "send again".
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The undelivered mail", body = [OutboxMailSummary]),
        Unauthenticated,
        NotOrganisationAdmin,
        ServerError,
    )
)]
#[get("/admin/mail-outbox")]
async fn undelivered_mail(
    state: web::Data<AppState>,
    admin: AuthUser,
) -> Result<web::Json<Vec<OutboxMailSummary>>, ApiError> {
    Ok(web::Json(
        services::outbox::undelivered(&state.db, &admin.user).await?,
    ))
}

/// "Send again": the message is tried at once, its count of tries starting over. When an
/// instance is trying it at this moment, no other instance takes it; should that try fail, the
/// next one starts at once.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("mail_id" = Uuid, Path, description = "The message's id")),
    responses(
        (status = 204, description = "It will go out within a few seconds"),
        Unauthenticated,
        NotOrganisationAdmin,
        NotFound,
        ServerError,
    )
)]
#[post("/admin/mail-outbox/{mail_id}/retry")]
async fn retry_mail(
    state: web::Data<AppState>,
    admin: AuthUser,
    mail_id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    services::outbox::retry(&state.db, &admin.user, *mail_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Filters and paging of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditLogParams {
    /// Only changes about this client.
    pub client_id: Option<Uuid>,
    /// Only changes made by or about this person.
    pub user_id: Option<Uuid>,
    /// Rows before this position (the previous page's `next_before`).
    pub before: Option<i64>,
}

/// The organisation's audit log of administrative changes — contacts added and removed,
/// ticks (before → after), invitations, primary contact, discharge dates, settings, service
/// accounts, temporary passwords — with actor, on whose behalf, target, time (UTC) and client
/// address; newest first, 100 per page. `chain_intact` says whether every row still links to
/// the one before it by hash (no row changed or removed).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AuditLogParams),
    responses(
        (status = 200, description = "A page of the log", body = AuditLogPage),
        Unauthenticated,
        NotOrganisationAdmin,
        ServerError,
    )
)]
#[get("/admin/audit-log")]
async fn audit_log(
    state: web::Data<AppState>,
    admin: AuthUser,
    params: web::Query<AuditLogParams>,
) -> Result<web::Json<AuditLogPage>, ApiError> {
    crate::services::policy::require_organisation_admin(&admin.user)?;
    Ok(web::Json(
        services::audit::page(
            &state.db,
            admin.user.organisation_id,
            services::audit::Filter {
                client_id: params.client_id,
                user_id: params.user_id,
                before: params.before,
            },
            true,
        )
        .await?,
    ))
}

/// Paging of the access log.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AccessLogParams {
    /// Rows before this moment (the previous page's `next_before`).
    pub before: Option<chrono::DateTime<chrono::Utc>>,
}

/// The access log of one client (NEN 7513): every read of dossier data and every note written,
/// with who, on whose behalf, what, when and from where; newest first, 100 per page.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id"), AccessLogParams),
    responses(
        (status = 200, description = "A page of the log", body = AccessLogPage),
        Unauthenticated,
        NotOrganisationAdmin,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/admin/clients/{client_id}/access-log")]
async fn access_log(
    state: web::Data<AppState>,
    admin: AuthUser,
    client_id: web::Path<Uuid>,
    params: web::Query<AccessLogParams>,
) -> Result<web::Json<AccessLogPage>, ApiError> {
    Ok(web::Json(
        services::access_log::for_client(&state.db, &admin.user, *client_id, params.before).await?,
    ))
}
