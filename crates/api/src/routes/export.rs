//! *Download* (exports of a client's data as a ZIP, and the FHIR `$everything` bundle),
//! *Wie heeft mijn dossier bekeken* (the client's access log, as a page and as CSV) and every
//! user's own data as JSON.

use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use kring_shared::export::{
    DownloadLink, ExportList, ExportRequest, ExportStatus, ViewLogPage, YearMonth,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::dossier::reader;
use crate::openapi::responses::{
    DataLimit, DownloadLinkInvalid, ExportNotReady, ExportRunning, NoSuchClient, NoSuchExport,
    NotClientOrAdministrator, ServerError, Unauthenticated, ValidationFailed,
};
use crate::{
    auth::AuthUser,
    error::ApiError,
    services::{
        export::{self, personal, viewed},
        security_log::ClientInfo,
    },
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(status)
        .service(link)
        .service(download)
        .service(everything)
        .service(access_log)
        .service(access_log_csv)
        .service(my_data);
}

/// The user's exports of this client (newest first, the last 20), how many hours a file is
/// kept, and the earliest month with data. For the client and portal administrators.
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    responses(
        (status = 200, description = "The exports", body = ExportList),
        Unauthenticated,
        NotClientOrAdministrator,
        NoSuchClient,
        ServerError,
    )
)]
#[get("/clients/{client_id}/exports")]
async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
) -> Result<web::Json<ExportList>, ApiError> {
    Ok(web::Json(
        export::list(&state.db, &auth.user, *client_id).await?,
    ))
}

/// *Gegevens opslaan*: starts an export of the months `from` through `until` (both included,
/// at most 120 months). It is written in the background; poll its status. The request is
/// recorded in the access log (`export`, with the months). 422 names `until` (`before_from`,
/// `too_long`) or `from` (`in_future`).
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    params(("client_id" = Uuid, Path, description = "The client's id")),
    request_body = ExportRequest,
    responses(
        (status = 202, description = "The export was queued", body = ExportStatus),
        Unauthenticated,
        NotClientOrAdministrator,
        NoSuchClient,
        ValidationFailed,
        ExportRunning,
        ServerError,
    )
)]
#[post("/clients/{client_id}/exports")]
async fn create(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    body: web::Json<ExportRequest>,
) -> Result<HttpResponse, ApiError> {
    let started = export::request(
        &state.db,
        &state.media,
        &state.config.data_dir,
        &reader(&auth, &origin),
        *client_id,
        &body,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(started))
}

/// Where an export is: `queued`, `running` (with `progress`), `ready` (until `expires_at`),
/// `failed` or `expired`.
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("export_id" = Uuid, Path, description = "The export's id"),
    ),
    responses(
        (status = 200, description = "The export", body = ExportStatus),
        Unauthenticated,
        NotClientOrAdministrator,
        NoSuchExport,
        ServerError,
    )
)]
#[get("/clients/{client_id}/exports/{export_id}")]
async fn status(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<ExportStatus>, ApiError> {
    let (client_id, export_id) = path.into_inner();
    Ok(web::Json(
        export::status(&state.db, &auth.user, client_id, export_id).await?,
    ))
}

/// A one-time address for a ready export that works without a bearer token for a minute, so
/// the browser saves the ZIP straight to disk. Asking again replaces the previous address.
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        ("export_id" = Uuid, Path, description = "The export's id"),
    ),
    responses(
        (status = 200, description = "The download address", body = DownloadLink),
        Unauthenticated,
        NotClientOrAdministrator,
        NoSuchExport,
        ExportNotReady,
        ServerError,
    )
)]
#[post("/clients/{client_id}/exports/{export_id}/link")]
async fn link(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<web::Json<DownloadLink>, ApiError> {
    let (client_id, export_id) = path.into_inner();
    Ok(web::Json(
        export::link(&state.db, &auth.user, client_id, export_id).await?,
    ))
}

/// A one-time download ticket.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TicketQuery {
    /// From `DownloadLink.url`.
    #[param(min_length = 1, max_length = 100)]
    ticket: String,
}

/// The ZIP of a ready export, streamed: `overzicht.html` and `overzicht.pdf` (readable),
/// `fhir.json` (a FHIR R4 Bundle), `bestanden/` (photos and attachments), `LEESMIJ.txt`. The
/// ticket works once.
#[utoipa::path(
    tag = "export",
    params(TicketQuery),
    responses(
        (status = 200, description = "The ZIP", content_type = "application/zip", body = Vec<u8>),
        DownloadLinkInvalid,
        ServerError,
    )
)]
#[get("/exports/download")]
async fn download(
    state: web::Data<AppState>,
    query: web::Query<TicketQuery>,
) -> Result<HttpResponse, ApiError> {
    let row = export::redeem(&state.db, &query.ticket).await?;
    let stream = state
        .media
        .export_stream(row.id)
        .await?
        .map_err(|error| actix_web::error::ErrorInternalServerError(error.to_string()));
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/zip")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(header::ContentDisposition {
            disposition: header::DispositionType::Attachment,
            parameters: vec![header::DispositionParam::Filename(row.file_name.clone())],
        });
    if let Some(size) = row.size_bytes {
        response.no_chunking(u64::try_from(size).unwrap_or_default());
    }
    Ok(response.streaming(stream))
}

/// The days of `$everything`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EverythingQuery {
    /// The first day (`YYYY-MM-DD`); default ten years ago.
    start: Option<NaiveDate>,
    /// The last day, included (`YYYY-MM-DD`); default today.
    end: Option<NaiveDate>,
}

/// FHIR `Patient/$everything` for Kring: the client's data of `start` through `end` as one
/// FHIR R4 Bundle (`type: collection`) — Patient, RelatedPerson with a Consent each, CareTeam,
/// Practitioner(Role), Organization, Coverage, Appointment (private own appointments with
/// `meta.security` R), Communication (messages, pinboard), CarePlan with Goal per version,
/// QuestionnaireResponse, DocumentReference (reports, notes). References are `urn:uuid:`
/// `fullUrl`s inside the bundle; the ECD's ids are identifiers. Files are not included (the
/// ZIP export has them). For the client and portal administrators; recorded in the access log
/// (`fhir`). 422 names `end` (`before_start`, `too_long`: at most ten years).
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        EverythingQuery,
    ),
    responses(
        (status = 200, description = "The bundle", content_type = "application/fhir+json", body = Object),
        Unauthenticated,
        NotClientOrAdministrator,
        NoSuchClient,
        ValidationFailed,
        DataLimit,
        ServerError,
    )
)]
#[get("/clients/{client_id}/fhir/$everything")]
async fn everything(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: ClientInfo,
    client_id: web::Path<Uuid>,
    query: web::Query<EverythingQuery>,
) -> Result<HttpResponse, ApiError> {
    let today = chrono::Utc::now().date_naive();
    let end = query.end.unwrap_or(today);
    let start = query.start.unwrap_or_else(|| {
        end.checked_sub_months(chrono::Months::new(120))
            .unwrap_or(end)
    });
    let bytes = export::everything(
        &state.db,
        &state.media,
        &reader(&auth, &origin),
        *client_id,
        start,
        end,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/fhir+json")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

/// Filters of the access-log page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LogQuery {
    /// Only this month (`YYYY-MM`).
    #[param(value_type = Option<String>, pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$")]
    month: Option<YearMonth>,
    /// Only this person (a `person_id` from `people`).
    person: Option<Uuid>,
    /// `next_cursor` of the page before.
    #[param(max_length = 200)]
    cursor: Option<String>,
}

/// Filters of the access-log CSV (all lines of them).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CsvQuery {
    /// Only this month (`YYYY-MM`).
    #[param(value_type = Option<String>, pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$")]
    month: Option<YearMonth>,
    /// Only this person (a `person_id` from `people`).
    person: Option<Uuid>,
}

impl From<LogQuery> for viewed::Filter {
    fn from(query: LogQuery) -> viewed::Filter {
        viewed::Filter {
            month: query.month,
            person: query.person,
            cursor: query.cursor,
        }
    }
}

/// *Wie heeft mijn dossier bekeken*: who read or wrote what of this client's data, and the
/// changes to the network (contacts added or removed, ticks changed), newest first, 100 per
/// page. Care workers and administrators appear by name or only by role and organisation, as
/// the organisation chose (`access_log_staff`); family members always by name. 422 names
/// `person` (`not_named`) for a care worker who is shown by role only.
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        LogQuery,
    ),
    responses(
        (status = 200, description = "A page of the log", body = ViewLogPage),
        Unauthenticated,
        NotClientOrAdministrator,
        NoSuchClient,
        ValidationFailed,
        ServerError,
    )
)]
#[get("/clients/{client_id}/access-log")]
async fn access_log(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    query: web::Query<LogQuery>,
) -> Result<web::Json<ViewLogPage>, ApiError> {
    Ok(web::Json(
        viewed::page(&state.db, &auth.user, *client_id, query.into_inner().into()).await?,
    ))
}

/// The same log as CSV (UTF-8 with a byte-order mark, `;`-separated with every cell quoted, as
/// Dutch spreadsheet programs read it; headings in the user's language): date, time, who,
/// relationship, role, organisation, what. A cell that would start a formula starts with `'`.
/// All lines of the filter, at most 50,000.
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    params(
        ("client_id" = Uuid, Path, description = "The client's id"),
        CsvQuery,
    ),
    responses(
        (status = 200, description = "The log as CSV", content_type = "text/csv", body = String),
        Unauthenticated,
        NotClientOrAdministrator,
        NoSuchClient,
        ValidationFailed,
        DataLimit,
        ServerError,
    )
)]
#[get("/clients/{client_id}/access-log/csv")]
async fn access_log_csv(
    state: web::Data<AppState>,
    auth: AuthUser,
    client_id: web::Path<Uuid>,
    query: web::Query<CsvQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let filter = viewed::Filter {
        month: query.month,
        person: query.person,
        cursor: None,
    };
    let csv = viewed::csv(&state.db, &auth.user, *client_id, filter).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(header::ContentDisposition {
            disposition: header::DispositionType::Attachment,
            parameters: vec![header::DispositionParam::Filename(
                "kring-wie-heeft-bekeken.csv".to_owned(),
            )],
        })
        .body(csv))
}

/// Everything Kring holds about the signed-in user as a person (GDPR art. 15 and 20): profile,
/// sessions, remembered devices, security events, the portals they are in with their ticks,
/// notifications and calendar links. Secrets are never in it.
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's data", body = Object),
        Unauthenticated,
        ServerError,
    )
)]
#[get("/me/data")]
async fn my_data(state: web::Data<AppState>, auth: AuthUser) -> Result<HttpResponse, ApiError> {
    let data = personal::my_data(&state.db, &auth.user).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(header::ContentDisposition {
            disposition: header::DispositionType::Attachment,
            parameters: vec![header::DispositionParam::Filename(
                "kring-mijn-gegevens.json".to_owned(),
            )],
        })
        .json(data))
}
