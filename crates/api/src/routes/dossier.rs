//! The dossier of a client (*Tijdlijn*, *Lezen*, *Schrijven*, *Plannen*) and the real-time event
//! stream of an open page. Every read is written to the access log.

use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::{DateTime, Utc};
use kring_shared::dossier::{
    CarePlans, DossierEntry, DossierEvent, DossierGroups, DossierKind, EventTicket, NewNoteRequest,
    TimelinePage,
};
use kring_shared::{agenda::AgendaEvent, pinboard::PinboardEvent};
use serde::Deserialize;
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::openapi::responses::{
    NoDossierAccess, NoSuchClient, NotFound, NotInNetwork, ServerError, StreamTicketInvalid,
    Unauthenticated, ValidationFailed,
};
use crate::{
    auth::{
        AuthUser,
        extractor::{Activity, live_user},
    },
    error::ApiError,
    events::DossierStream,
    events::TICKET_SECONDS,
    services::{
        self,
        access_log::Reader,
        dossier::{Cursor, TimelineQuery},
        security_log::ClientInfo,
    },
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(timeline)
        .service(entry)
        .service(groups)
        .service(care_plans)
        .service(write_note)
        .service(event_ticket)
        .service(events);
}

/// Paging and filtering of the timeline.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TimelineParams {
    /// Only this kind (a *Lezen* group).
    pub kind: Option<DossierKind>,
    /// The `next_cursor` of the previous page (opaque).
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    /// Start with entries before this moment (the date bar: the end of the chosen day).
    pub before: Option<DateTime<Utc>>,
    /// Entries per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// The timeline: dossier entries newest first, keyset-paged. Pass `next_cursor` back as
/// `cursor` for older entries; `before` jumps to a day. Requires the Dossier permission.
#[utoipa::path(
    tag = "dossier",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id"), TimelineParams),
    responses(
        (status = 200, description = "A page of entries", body = TimelinePage),
        Unauthenticated,
        NoDossierAccess,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/clients/{client_id}/dossier/timeline")]
async fn timeline(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    params: web::Query<TimelineParams>,
) -> Result<web::Json<TimelinePage>, ApiError> {
    let access = services::dossier::dossier_access(&state.db, &auth.user, *client_id).await?;
    let cursor = match params.cursor.as_deref() {
        Some(raw) => Some(
            Cursor::decode(raw)
                .ok_or_else(|| ApiError::Malformed("The cursor is not valid.".to_owned()))?,
        ),
        None => None,
    };
    let reader = reader(&auth, &origin);
    let query = TimelineQuery {
        kind: params.kind,
        cursor,
        before: params.before,
        limit: params.limit,
    };
    Ok(web::Json(
        services::dossier::timeline(&state.db, &access, &reader, query).await?,
    ))
}

/// Who reads, for the access log.
pub(super) fn reader<'a>(auth: &'a AuthUser, origin: &'a ClientInfo) -> Reader<'a> {
    Reader {
        user: &auth.user,
        session_id: auth.session_id,
        origin,
    }
}

/// One dossier entry in full (a report's text, a questionnaire's answers, a care plan's goals
/// and actions) with the previous and next entry of the same kind.
#[utoipa::path(
    tag = "dossier",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("entry_id" = Uuid, Path, description = "The entry's id"),
    ),
    responses(
        (status = 200, description = "The entry", body = DossierEntry),
        Unauthenticated,
        NoDossierAccess,
        NotFound,
        ServerError,
    )
)]
#[get("/clients/{client_id}/dossier/entries/{entry_id}")]
async fn entry(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<DossierEntry>, ApiError> {
    let (client_id, entry_id) = path.into_inner();
    let access = services::dossier::dossier_access(&state.db, &auth.user, client_id).await?;
    Ok(web::Json(
        services::dossier::entry(&state.db, &access, &reader(&auth, &origin), entry_id).await?,
    ))
}

/// *Lezen*: the number of entries of each kind, in display order.
#[utoipa::path(
    tag = "dossier",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The groups", body = DossierGroups),
        Unauthenticated,
        NoDossierAccess,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/clients/{client_id}/dossier/groups")]
async fn groups(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<DossierGroups>, ApiError> {
    let access = services::dossier::dossier_access(&state.db, &auth.user, *client_id).await?;
    Ok(web::Json(
        services::dossier::groups(&state.db, &access, &reader(&auth, &origin)).await?,
    ))
}

/// *Plannen*: the care plan in force today with its goals and actions, and every version.
#[utoipa::path(
    tag = "dossier",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The care plans", body = CarePlans),
        Unauthenticated,
        NoDossierAccess,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/clients/{client_id}/dossier/care-plans")]
async fn care_plans(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<CarePlans>, ApiError> {
    let access = services::dossier::dossier_access(&state.db, &auth.user, *client_id).await?;
    Ok(web::Json(
        services::dossier::care_plans(&state.db, &access, &reader(&auth, &origin)).await?,
    ))
}

/// *Schrijven*: write a note (*Aantekening cliënt/verwant*). It shows in the timeline at once
/// and goes to the ECD through the feed. Questions for the care team belong in messages.
///
/// Refused with 422: `text` is empty (`required`) or longer than 4000 characters (`too_long`).
#[utoipa::path(
    tag = "dossier",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = NewNoteRequest,
    responses(
        (status = 201, description = "The note as stored", body = DossierEntry),
        Unauthenticated,
        NoDossierAccess,
        NoSuchClient,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/clients/{client_id}/dossier/notes")]
async fn write_note(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    body: web::Json<NewNoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let access = services::dossier::dossier_access(&state.db, &auth.user, *client_id).await?;
    let note = services::dossier::write_note(
        &state.db,
        &state.events,
        &access,
        &reader(&auth, &origin),
        &body,
    )
    .await?;
    Ok(HttpResponse::Created().json(note))
}

/// A one-time ticket (valid 30 seconds) to open the event stream of this client: browsers'
/// `EventSource` cannot send a bearer token.
#[utoipa::path(
    tag = "dossier",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The ticket", body = EventTicket),
        Unauthenticated,
        NotInNetwork,
        NoSuchClient,
        ServerError,
    )
)]
#[post("/clients/{client_id}/events/ticket")]
async fn event_ticket(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<EventTicket>, ApiError> {
    services::agenda::may_follow(&state.db, &auth.user, *client_id).await?;
    Ok(web::Json(EventTicket {
        ticket: crate::events::issue_ticket(&state.db, auth.user.id, auth.session_id, *client_id)
            .await?,
        expires_in: TICKET_SECONDS,
    }))
}

/// One server-sent event of the stream: its `event` name, its `data` (JSON text: a
/// `DossierEvent` for `dossier` events, `{}` for `ready`, `resync` and `end`) and, on the first
/// event, the reconnection delay `retry` in milliseconds.
struct StreamEvent;

impl utoipa::PartialSchema for StreamEvent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{
            ObjectBuilder, OneOfBuilder, Ref, Type,
            schema::{Schema, SchemaType},
        };
        let data = OneOfBuilder::new()
            .item(Ref::from_schema_name(DossierEvent::name()))
            .item(Ref::from_schema_name(AgendaEvent::name()))
            .item(Ref::from_schema_name(PinboardEvent::name()))
            .item(
                ObjectBuilder::new()
                    .description(Some("`ready`, `resync` or `end`: no data."))
                    .max_properties(Some(0)),
            );
        Schema::Object(
            ObjectBuilder::new()
                .description(Some(
                    "One event: `ready` once the stream listens, `dossier` when an entry was \
                     added, changed or retracted, `agenda` when an appointment was added, \
                     changed or removed, `pinboard` when a post, reply or emoji response was \
                     added or removed, `resync` when events were missed (reload), `end` \
                     when the stream closes.",
                ))
                .property(
                    "event",
                    ObjectBuilder::new()
                        .schema_type(SchemaType::Type(Type::String))
                        .enum_values(Some([
                            "ready", "dossier", "agenda", "pinboard", "resync", "end",
                        ])),
                )
                .required("event")
                .property(
                    "data",
                    ObjectBuilder::new()
                        .schema_type(SchemaType::Type(Type::String))
                        .description(Some(
                            "JSON text: a `DossierEvent` for `dossier`, an `AgendaEvent` for \
                             `agenda`, a `PinboardEvent` for `pinboard`, `{}` otherwise.",
                        ))
                        .content_media_type("application/json")
                        .content_schema(Some(data)),
                )
                .required("data")
                .property(
                    "retry",
                    ObjectBuilder::new()
                        .schema_type(SchemaType::Type(Type::Integer))
                        .minimum(Some(0))
                        .description(Some("Milliseconds to wait before reconnecting.")),
                )
                .build(),
        )
        .into()
    }
}

impl utoipa::ToSchema for StreamEvent {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((DossierEvent::name().into(), DossierEvent::schema()));
        <DossierEvent as utoipa::ToSchema>::schemas(schemas);
        schemas.push((AgendaEvent::name().into(), AgendaEvent::schema()));
        schemas.push((PinboardEvent::name().into(), PinboardEvent::schema()));
    }
}

/// The ticket of an event stream.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StreamParams {
    /// From `POST /api/clients/{client_id}/events/ticket`; used once.
    pub ticket: String,
}

/// Server-sent events for an open page of this client: `ready` once the stream listens,
/// `dossier` events (data: a `DossierEvent`) when an entry is added, changed or retracted — only
/// with the Dossier permission — `agenda` events (data: an `AgendaEvent`) when an appointment
/// changes — only with Afspraken or for the care team — `pinboard` events (data: a
/// `PinboardEvent`) when a post, reply or emoji response changes — only with Gegevens, never for
/// the care team — `resync` when events were missed, and
/// `end`. A comment every 15 seconds keeps the
/// connection open; the stream ends when the session or the access ends. Reconnect with a new
/// ticket and reload what is shown.
#[utoipa::path(
    tag = "dossier",
    params(("client_id" = Uuid, Path, description = "The client's id"), StreamParams),
    responses(
        (status = 200, description = "An event stream", content_type = "text/event-stream", body = StreamEvent),
        StreamTicketInvalid,
        NotInNetwork,
        ServerError,
    )
)]
#[get("/clients/{client_id}/events")]
async fn events(
    state: web::Data<AppState>,
    client_id: web::Path<Uuid>,
    params: web::Query<StreamParams>,
) -> Result<HttpResponse, ApiError> {
    let client_id = *client_id;
    let ticket = crate::events::redeem(&state.db, &params.ticket, client_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let account = live_user(
        &state.db,
        ticket.user_id,
        ticket.session_id,
        Activity::Background,
    )
    .await?;
    services::agenda::may_follow(&state.db, &account, client_id).await?;
    let body = DossierStream::new(
        state.db.clone(),
        state.events.subscribe(),
        client_id,
        ticket.user_id,
        ticket.session_id,
    )
    .into_body();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/event-stream"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
