//! The agenda (*Afspraken*) of a client, and the personal calendar subscription.

use actix_web::{HttpRequest, HttpResponse, delete, get, http::header, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use kring_shared::agenda::{
    AgendaItem, AgendaPage, AppointmentInput, CalendarFeedCreated, CalendarFeedStatus, ChangeScope,
    ConflictReport, ReminderSetting,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::dossier::reader;
use crate::openapi::responses::{
    AgendaChangeRefused, NoAgendaAccess, NoSuchClient, NotFound, ServerError, Unauthenticated,
    ValidationFailed,
};
use crate::{
    auth::AuthUser,
    error::ApiError,
    services::{
        self,
        agenda::{AgendaQuery, Viewer},
        security_log::ClientInfo,
    },
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(agenda)
        .service(add)
        .service(one)
        .service(change)
        .service(remove)
        .service(conflicts)
        .service(feed_status)
        .service(create_feed)
        .service(revoke_feed)
        .service(calendar)
        .service(reminders)
        .service(set_reminders);
}

/// An appointment from a request body: a value that does not fit (an unknown `visibility`,
/// a date that is not one) is a 422 naming its field.
fn input(body: web::Json<serde_json::Value>) -> Result<AppointmentInput, ApiError> {
    crate::validation::typed(body.into_inner(), "")
}

/// The period and page of the agenda.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AgendaParams {
    /// The first day (Europe/Amsterdam; default today).
    #[param(example = "2026-11-30")]
    pub from: Option<NaiveDate>,
    /// The day after the last day; at most 366 days after `from` (default a week after it).
    #[param(example = "2026-12-07")]
    pub to: Option<NaiveDate>,
    /// The `next_cursor` of the previous page (opaque).
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    /// Appointments per page, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// The appointments that overlap a period, soonest first: care appointments from the ECD
/// (unless the organisation hides them; their times are indicative) and own appointments, a
/// series as its occurrences. For a care worker of the client's care team a private
/// appointment is only busy time (`busy`, no title, place or description). Reading care
/// appointments is written to the access log. Needs the Afspraken permission or a place in
/// the care team. 422: `from`/`to` (`out_of_range`: before 1900 or after 2200), `to`
/// (`not_after_from`, `period_too_long`), `cursor`
/// (`invalid_cursor`), `limit` (`out_of_range`).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id"), AgendaParams),
    responses(
        (status = 200, description = "A page of the period", body = AgendaPage),
        Unauthenticated,
        NoAgendaAccess,
        NoSuchClient,
        ValidationFailed,
        ServerError,
    )
)]
#[get("/clients/{client_id}/agenda")]
async fn agenda(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    params: web::Query<AgendaParams>,
) -> Result<web::Json<AgendaPage>, ApiError> {
    let viewer = services::agenda::agenda_viewer(&state.db, &auth.user, *client_id).await?;
    let params = params.into_inner();
    let from = params
        .from
        .unwrap_or_else(|| services::agenda::time::local(Utc::now()).date());
    let query = AgendaQuery {
        from,
        to: params
            .to
            .or_else(|| from.checked_add_days(chrono::Days::new(7)))
            .unwrap_or(from),
        cursor: params.cursor,
        limit: params.limit,
    };
    Ok(web::Json(
        services::agenda::list(&state.db, &viewer, &reader(&auth, &origin), query).await?,
    ))
}

/// Adds an own appointment (*Afspraak maken*), once or repeating. Who may add is an
/// organisation setting: the client and portal administrators always, other contacts with
/// Afspraken when `agenda_contacts_may_add` is on. Answers the (first) occurrence. 422:
/// `title` (`required`, `too_long`), `start`/`end` or `start_date`/`end_date` (`required`,
/// `not_after_start`, `before_start`, `too_long`, `out_of_range`), `location`/`description`
/// (`too_long`), `recurrence` (`no_end`, `until_and_count`, `invalid`),
/// `recurrence.until` (`before_start`, `over_two_years`), `recurrence.count` (`out_of_range`,
/// `over_two_years`), `recurrence.interval` (`out_of_range`); a value that does not fit its type,
/// such as an unknown `visibility`, names its field with `invalid`. A client has at most 500
/// current own appointments and 50 current series: `title` or `recurrence` (`too_many`).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = AppointmentInput,
    responses(
        (status = 201, description = "The appointment", body = AgendaItem),
        Unauthenticated,
        AgendaChangeRefused,
        NoSuchClient,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/clients/{client_id}/agenda/appointments")]
async fn add(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let access = services::agenda::agenda_access(&state.db, &auth.user, *client_id).await?;
    let item =
        services::agenda::create(&state.db, &state.events, &access, &auth.user, &input(body)?)
            .await?;
    Ok(HttpResponse::Created().json(item))
}

/// Which occurrence of a series, and which occurrences a change applies to.
#[derive(Debug, Deserialize, IntoParams)]
pub struct OccurrenceParams {
    /// The occurrence's original start (`series.occurrence` of an agenda item); required with
    /// `scope` `this` or `following`.
    #[param(example = "2026-12-08T13:00:00Z")]
    pub occurrence: Option<DateTime<Utc>>,
    /// `this` (*alleen deze*), `following` (*deze en volgende*) or `all` (default).
    #[serde(default)]
    #[param(inline)]
    pub scope: ChangeScope,
}

/// One own appointment, or with `occurrence` one occurrence of a series, as this user may see
/// it. 422: `occurrence` (`not_in_series`).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("appointment_id" = Uuid, Path, description = "The appointment's (or series') id"),
        OccurrenceParams,
    ),
    responses(
        (status = 200, description = "The appointment", body = AgendaItem),
        Unauthenticated,
        NoAgendaAccess,
        NotFound,
        ValidationFailed,
        ServerError,
    )
)]
#[get("/clients/{client_id}/agenda/appointments/{appointment_id}")]
async fn one(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    params: web::Query<OccurrenceParams>,
) -> Result<web::Json<AgendaItem>, ApiError> {
    let (client_id, id) = path.into_inner();
    let viewer: Viewer = services::agenda::agenda_viewer(&state.db, &auth.user, client_id).await?;
    Ok(web::Json(
        services::agenda::one(&state.db, &viewer, id, params.occurrence).await?,
    ))
}

/// Changes an own appointment; for a series `scope` says which occurrences: `this` (the
/// occurrence becomes its own appointment), `following` (the series ends before it and a new
/// one starts with the change) or `all` (moving the occurrence's day moves every occurrence
/// as many days). Only the maker and portal administrators; care appointments cannot be
/// changed; making one repeat or splitting a series needs the right to add. 422: as for
/// adding, plus `occurrence` (`required`, `not_in_series`) and `recurrence`
/// (`not_for_one_occurrence`).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("appointment_id" = Uuid, Path, description = "The appointment's (or series') id"),
        OccurrenceParams,
    ),
    request_body = AppointmentInput,
    responses(
        (status = 200, description = "The changed appointment", body = AgendaItem),
        Unauthenticated,
        AgendaChangeRefused,
        NotFound,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/clients/{client_id}/agenda/appointments/{appointment_id}")]
async fn change(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    params: web::Query<OccurrenceParams>,
    body: web::Json<serde_json::Value>,
) -> Result<web::Json<AgendaItem>, ApiError> {
    let (client_id, id) = path.into_inner();
    let access = services::agenda::agenda_access(&state.db, &auth.user, client_id).await?;
    Ok(web::Json(
        services::agenda::update(
            &state.db,
            &state.events,
            &access,
            &auth.user,
            id,
            params.occurrence,
            params.scope,
            &input(body)?,
        )
        .await?,
    ))
}

/// Deletes an own appointment; for a series `scope` says which occurrences (`this`,
/// `following`, `all`). Only the maker and portal administrators. 422: `occurrence`
/// (`required`, `not_in_series`).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("appointment_id" = Uuid, Path, description = "The appointment's (or series') id"),
        OccurrenceParams,
    ),
    responses(
        (status = 204, description = "Deleted"),
        Unauthenticated,
        AgendaChangeRefused,
        NotFound,
        ValidationFailed,
        ServerError,
    )
)]
#[delete("/clients/{client_id}/agenda/appointments/{appointment_id}")]
async fn remove(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    params: web::Query<OccurrenceParams>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, id) = path.into_inner();
    let access = services::agenda::agenda_access(&state.db, &auth.user, client_id).await?;
    services::agenda::delete(
        &state.db,
        &state.events,
        &access,
        &auth.user,
        id,
        params.occurrence,
        params.scope,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The care appointments a planned appointment overlaps (every occurrence of a series), to
/// warn before saving: saving stays allowed. 422: as for adding.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = AppointmentInput,
    responses(
        (status = 200, description = "The overlapping care appointments", body = ConflictReport),
        Unauthenticated,
        NoAgendaAccess,
        NoSuchClient,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/clients/{client_id}/agenda/conflicts")]
async fn conflicts(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    body: web::Json<serde_json::Value>,
) -> Result<web::Json<ConflictReport>, ApiError> {
    let access = services::agenda::agenda_access(&state.db, &auth.user, *client_id).await?;
    Ok(web::Json(
        services::agenda::conflicts(&state.db, &access, &reader(&auth, &origin), &input(body)?)
            .await?,
    ))
}

/// Whether the personal calendar subscription is on.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription", body = CalendarFeedStatus),
        Unauthenticated,
        ServerError,
    )
)]
#[get("/me/calendar-feed")]
async fn feed_status(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<CalendarFeedStatus>, ApiError> {
    Ok(web::Json(
        services::agenda::feed_status(&state.db, &auth.user).await?,
    ))
}

/// Turns the personal calendar subscription on: a secret address, shown only in this answer,
/// of every agenda this user may see (a month back, a year ahead). Asking again replaces the
/// address; the old one answers 404 at once.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new address", body = CalendarFeedCreated),
        Unauthenticated,
        ServerError,
    )
)]
#[post("/me/calendar-feed")]
async fn create_feed(state: web::Data<AppState>, auth: AuthUser) -> Result<HttpResponse, ApiError> {
    let created =
        services::agenda::create_feed(&state.db, &auth.user, &state.config.public_url()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Turns the personal calendar subscription off: its address answers 404 at once.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Off"),
        Unauthenticated,
        ServerError,
    )
)]
#[delete("/me/calendar-feed")]
async fn revoke_feed(state: web::Data<AppState>, auth: AuthUser) -> Result<HttpResponse, ApiError> {
    services::agenda::revoke_feed(&state.db, &auth.user).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The iCalendar file of a personal subscription (RFC 5545), for calendar programs: no
/// sign-in, the secret address is the key. Private appointments show in full to contacts
/// with Afspraken, as in the portal.
#[utoipa::path(
    tag = "agenda",
    params(("token" = String, Path, description = "The secret of the subscription address")),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        NotFound,
        ServerError,
    )
)]
#[get("/calendar/{token}.ics")]
async fn calendar(
    state: web::Data<AppState>,
    request: HttpRequest,
    origin: ClientInfo,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let host = request.connection_info().host().to_owned();
    match services::agenda::calendar_feed(&state.db, &token, &host, &origin).await? {
        Some(body) => Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .body(body)),
        None => Err(ApiError::NotFound),
    }
}

/// Whether the user gets an e-mail the day before with tomorrow's appointments.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The setting", body = ReminderSetting),
        Unauthenticated,
        ServerError,
    )
)]
#[get("/me/agenda-reminders")]
async fn reminders(auth: AuthUser) -> web::Json<ReminderSetting> {
    web::Json(services::agenda::reminders::setting(&auth.user))
}

/// Switches the e-mail reminders on or off: from 17:00 (Europe/Amsterdam) the day before, one
/// e-mail per client with tomorrow's appointments of every agenda the user sees, as they may
/// see them, through the mail outbox.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    request_body = ReminderSetting,
    responses(
        (status = 200, description = "The setting", body = ReminderSetting),
        Unauthenticated,
        ServerError,
    )
)]
#[put("/me/agenda-reminders")]
async fn set_reminders(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: web::Json<ReminderSetting>,
) -> Result<web::Json<ReminderSetting>, ApiError> {
    Ok(web::Json(
        services::agenda::reminders::set(&state.db, &auth.user, &body).await?,
    ))
}
