//! The integration API for the organisation's ECD, authenticated with a service-account key
//! (`Authorization: Bearer kring_…`). Upserts are `PUT`s keyed by the ECD's own ids and are
//! idempotent: sending the same body again answers `unchanged`. `DELETE` retracts. The batch
//! takes up to 1000 of the same operations; the feed returns what was written in the portal.

use actix_web::{HttpResponse, delete, get, post, put, web};
use futures_util::StreamExt;
use kring_shared::{
    dossier::DossierKind,
    integration::{
        AppointmentUpsert, BatchRequest, BatchResponse, CarePlanUpsert, CareTeamUpsert,
        CareWorkerUpsert, ClientUpsert, FeedAck, FeedPage, FeedPosition, QuestionnaireUpsert,
        ReportUpsert, UpsertOutcome, UpsertResult,
    },
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::responses::{
    InvalidCursor, NeedsClientsWrite, NeedsDossierWrite, NeedsFeedRead, NoApiKey, NotFound,
    ServerError, ValidationFailed,
};
use crate::{
    auth::Integrator,
    error::ApiError,
    services::{
        feed,
        integration::{self, Operation},
        service_accounts::scopes_of,
    },
    state::AppState,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(put_client)
        .service(put_care_worker)
        .service(delete_care_worker)
        .service(put_care_team_member)
        .service(delete_care_team_member)
        .service(put_report)
        .service(delete_report)
        .service(put_questionnaire)
        .service(delete_questionnaire)
        .service(put_care_plan)
        .service(delete_care_plan)
        .service(put_appointment)
        .service(delete_appointment)
        .service(batch)
        .service(get_feed)
        .service(ack_feed);
}

/// The largest batch body.
const MAX_BATCH_BYTES: usize = 16 * 1024 * 1024;

async fn run(
    state: &AppState,
    integrator: &Integrator,
    operation: Operation,
) -> Result<HttpResponse, ApiError> {
    let outcome = integration::apply(
        &state.db,
        &state.events,
        &state.media,
        &integrator.organisation,
        &scopes_of(&integrator.account),
        &operation,
    )
    .await?;
    Ok(respond(outcome))
}

fn respond(outcome: UpsertOutcome) -> HttpResponse {
    if outcome.result == UpsertResult::Created {
        HttpResponse::Created().json(outcome)
    } else {
        HttpResponse::Ok().json(outcome)
    }
}

/// Creates or updates a client by the ECD's id: name, date of birth, photo, GP, pharmacy,
/// insurance, discharge date. A photo left out keeps the current one; `""` removes it.
/// Scope `clients:write`.
///
/// Refused with 422: Invalid fields, e.g. `first_name` `required`, `photo` `too_large` or `unsupported_format`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(("client_id" = String, Path, description = "The client's id in the ECD", example = "CL-1001")),
    request_body = ClientUpsert,
    responses(
        (status = 200, description = "Updated, or `unchanged` when nothing differed", body = UpsertOutcome),
        (status = 201, description = "Created", body = UpsertOutcome),
        NoApiKey,
        NeedsClientsWrite,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/integration/clients/{client_id}")]
async fn put_client(
    state: web::Data<AppState>,
    integrator: Integrator,
    id: web::Path<String>,
    body: web::Json<ClientUpsert>,
) -> Result<HttpResponse, ApiError> {
    let operation = Operation::Client {
        id: id.into_inner(),
        data: body.into_inner(),
    };
    run(&state, &integrator, operation).await
}

/// Creates or updates a care worker's account by the ECD's id. A new account has no usable
/// password until the organisation administrator sends one from *Beheer*. Scope
/// `clients:write`.
///
/// Refused with 422: Invalid fields, e.g. `email` `invalid`, `mobile` `invalid`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(("care_worker_id" = String, Path, description = "The care worker's id in the ECD", example = "MW-1001")),
    request_body = CareWorkerUpsert,
    responses(
        (status = 200, description = "Updated or unchanged", body = UpsertOutcome),
        (status = 201, description = "Created", body = UpsertOutcome),
        NoApiKey,
        NeedsClientsWrite,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/integration/care-workers/{care_worker_id}")]
async fn put_care_worker(
    state: web::Data<AppState>,
    integrator: Integrator,
    id: web::Path<String>,
    body: web::Json<CareWorkerUpsert>,
) -> Result<HttpResponse, ApiError> {
    let operation = Operation::CareWorker {
        id: id.into_inner(),
        data: body.into_inner(),
    };
    run(&state, &integrator, operation).await
}

/// The care worker left the organisation: they leave every care team and the ECD id is
/// released. The account itself stays for the administrator to block. Scope `clients:write`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(("care_worker_id" = String, Path, description = "The care worker's id in the ECD")),
    responses(
        (status = 200, description = "Removed", body = UpsertOutcome),
        NoApiKey,
        NeedsClientsWrite,
        NotFound,
        ServerError,
    )
)]
#[delete("/integration/care-workers/{care_worker_id}")]
async fn delete_care_worker(
    state: web::Data<AppState>,
    integrator: Integrator,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let operation = Operation::RemoveCareWorker {
        id: id.into_inner(),
    };
    run(&state, &integrator, operation).await
}

/// Puts a care worker in a client's care team with a role, or changes the role. Both must
/// have been sent before (`unknown_client`, `unknown_care_worker`). Scope `clients:write`.
///
/// Refused with 422: `client_id` `unknown_client` or `care_worker_id` `unknown_care_worker`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("care_worker_id" = String, Path, description = "The care worker's id in the ECD"),
    ),
    request_body = CareTeamUpsert,
    responses(
        (status = 200, description = "Updated or unchanged", body = UpsertOutcome),
        (status = 201, description = "Created", body = UpsertOutcome),
        NoApiKey,
        NeedsClientsWrite,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/integration/clients/{client_id}/care-team/{care_worker_id}")]
async fn put_care_team_member(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
    body: web::Json<CareTeamUpsert>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, care_worker_id) = path.into_inner();
    let operation = Operation::CareTeam {
        client_id,
        care_worker_id,
        data: body.into_inner(),
    };
    run(&state, &integrator, operation).await
}

/// Takes a care worker out of a client's care team. Scope `clients:write`.
///
/// Refused with 422: `client_id` `unknown_client` or `care_worker_id` `unknown_care_worker`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("care_worker_id" = String, Path, description = "The care worker's id in the ECD"),
    ),
    responses(
        (status = 200, description = "Removed", body = UpsertOutcome),
        NoApiKey,
        NeedsClientsWrite,
        NotFound,
        ValidationFailed,
        ServerError,
    )
)]
#[delete("/integration/clients/{client_id}/care-team/{care_worker_id}")]
async fn delete_care_team_member(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, care_worker_id) = path.into_inner();
    let operation = Operation::RemoveCareTeam {
        client_id,
        care_worker_id,
    };
    run(&state, &integrator, operation).await
}

/// Creates or updates a report (*rapportage*) in the client's dossier; open pages show it
/// within seconds. Scope `dossier:write`.
///
/// Refused with 422: Invalid fields (`text` `required` …), `client_id` `unknown_client`, or `id` `belongs_to_another_client`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD", example = "CL-1001"),
        ("report_id" = String, Path, description = "The report's id in the ECD", example = "R-2026-0001"),
    ),
    request_body = ReportUpsert,
    responses(
        (status = 200, description = "Updated or unchanged", body = UpsertOutcome),
        (status = 201, description = "Created", body = UpsertOutcome),
        NoApiKey,
        NeedsDossierWrite,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/integration/clients/{client_id}/reports/{report_id}")]
async fn put_report(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
    body: web::Json<ReportUpsert>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, id) = path.into_inner();
    let operation = Operation::Report {
        client_id,
        id,
        data: body.into_inner(),
    };
    run(&state, &integrator, operation).await
}

/// Retracts a report: it leaves the dossier at once. Sending it again brings it back.
/// Scope `dossier:write`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("report_id" = String, Path, description = "The report's id in the ECD"),
    ),
    responses(
        (status = 200, description = "Retracted (also when it already was)", body = UpsertOutcome),
        NoApiKey,
        NeedsDossierWrite,
        NotFound,
        ServerError,
    )
)]
#[delete("/integration/clients/{client_id}/reports/{report_id}")]
async fn delete_report(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    retract(&state, &integrator, path.into_inner(), DossierKind::Report).await
}

async fn retract(
    state: &AppState,
    integrator: &Integrator,
    (client_id, id): (String, String),
    kind: DossierKind,
) -> Result<HttpResponse, ApiError> {
    let operation = Operation::Retract {
        client_id,
        kind,
        id,
    };
    run(state, integrator, operation).await
}

/// Creates or updates a questionnaire response with its questions and answers. Scope
/// `dossier:write`.
///
/// Refused with 422: Invalid fields, e.g. `answers` `required`, `answers[2].question` `required`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("response_id" = String, Path, description = "The response's id in the ECD", example = "VL-88"),
    ),
    request_body = QuestionnaireUpsert,
    responses(
        (status = 200, description = "Updated or unchanged", body = UpsertOutcome),
        (status = 201, description = "Created", body = UpsertOutcome),
        NoApiKey,
        NeedsDossierWrite,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/integration/clients/{client_id}/questionnaires/{response_id}")]
async fn put_questionnaire(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
    body: web::Json<QuestionnaireUpsert>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, id) = path.into_inner();
    let operation = Operation::Questionnaire {
        client_id,
        id,
        data: body.into_inner(),
    };
    run(&state, &integrator, operation).await
}

/// Retracts a questionnaire response. Scope `dossier:write`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("response_id" = String, Path, description = "The response's id in the ECD"),
    ),
    responses(
        (status = 200, description = "Retracted", body = UpsertOutcome),
        NoApiKey,
        NeedsDossierWrite,
        NotFound,
        ServerError,
    )
)]
#[delete("/integration/clients/{client_id}/questionnaires/{response_id}")]
async fn delete_questionnaire(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    retract(
        &state,
        &integrator,
        path.into_inner(),
        DossierKind::Questionnaire,
    )
    .await
}

/// Creates or updates one care plan version with its goals and actions. A version not seen
/// before notifies everyone with the Dossier permission under *Meldingen*. The version in force
/// is the one whose `valid_from`..`valid_until` holds today. Scope `dossier:write`.
///
/// Refused with 422: Invalid fields, e.g. `valid_until` `before_valid_from`, `goals[0].title` `required`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("version_id" = String, Path, description = "The care plan version's id in the ECD", example = "ZP-2026-11"),
    ),
    request_body = CarePlanUpsert,
    responses(
        (status = 200, description = "Updated or unchanged", body = UpsertOutcome),
        (status = 201, description = "Created", body = UpsertOutcome),
        NoApiKey,
        NeedsDossierWrite,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/integration/clients/{client_id}/care-plans/{version_id}")]
async fn put_care_plan(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
    body: web::Json<CarePlanUpsert>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, id) = path.into_inner();
    let operation = Operation::CarePlan {
        client_id,
        id,
        data: body.into_inner(),
    };
    run(&state, &integrator, operation).await
}

/// Retracts a care plan version. Scope `dossier:write`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("version_id" = String, Path, description = "The care plan version's id in the ECD"),
    ),
    responses(
        (status = 200, description = "Retracted", body = UpsertOutcome),
        NoApiKey,
        NeedsDossierWrite,
        NotFound,
        ServerError,
    )
)]
#[delete("/integration/clients/{client_id}/care-plans/{version_id}")]
async fn delete_care_plan(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    retract(
        &state,
        &integrator,
        path.into_inner(),
        DossierKind::CarePlan,
    )
    .await
}

/// Creates or updates a care appointment (for the Agenda). Scope `dossier:write`.
///
/// Refused with 422: Invalid fields, e.g. `ends_at` `not_after_starts_at`, `care_worker_id` `unknown_care_worker`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("appointment_id" = String, Path, description = "The appointment's id in the ECD", example = "AF-5521"),
    ),
    request_body = AppointmentUpsert,
    responses(
        (status = 200, description = "Updated or unchanged", body = UpsertOutcome),
        (status = 201, description = "Created", body = UpsertOutcome),
        NoApiKey,
        NeedsDossierWrite,
        ValidationFailed,
        ServerError,
    )
)]
#[put("/integration/clients/{client_id}/appointments/{appointment_id}")]
async fn put_appointment(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
    body: web::Json<AppointmentUpsert>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, id) = path.into_inner();
    let operation = Operation::Appointment {
        client_id,
        id,
        data: body.into_inner(),
    };
    run(&state, &integrator, operation).await
}

/// Cancels a care appointment. Scope `dossier:write`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(
        ("client_id" = String, Path, description = "The client's id in the ECD"),
        ("appointment_id" = String, Path, description = "The appointment's id in the ECD"),
    ),
    responses(
        (status = 200, description = "Cancelled", body = UpsertOutcome),
        NoApiKey,
        NeedsDossierWrite,
        NotFound,
        ServerError,
    )
)]
#[delete("/integration/clients/{client_id}/appointments/{appointment_id}")]
async fn delete_appointment(
    state: web::Data<AppState>,
    integrator: Integrator,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (client_id, id) = path.into_inner();
    let operation = Operation::RemoveAppointment { client_id, id };
    run(&state, &integrator, operation).await
}

/// Up to 1000 upserts and deletes in order, each exactly like its single endpoint and each on
/// its own: a bad item gets its own problem (with the field named, e.g. `data.written_at`)
/// and loses nothing else. The answer is 200 with one result per item; check `failed`.
/// Body up to 16 MB. Each item needs the scope of its single endpoint.
///
/// Refused with 422: `items` empty (`required`) or more than 1000 (`too_many`).
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    request_body = BatchRequest,
    responses(
        (status = 200, description = "One result per item, in order", body = BatchResponse,
            example = json!({"succeeded": 1, "failed": 1, "results": [
                {"index": 0, "status": 201, "outcome": {"id": "0b9f7a52-3c1e-4a57-9d0e-2f4c8a6b1e3d", "external_id": "R-2026-0001", "result": "created"}, "problem": null},
                {"index": 1, "status": 422, "outcome": null, "problem": {"type": "https://kring.nl/problems/validation_failed", "title": "Validation failed", "status": 422, "detail": "One or more fields are invalid.", "code": "validation_failed", "errors": [{"field": "data.text", "code": "invalid"}]}}
            ]})),
        NoApiKey,
        ValidationFailed,
        ServerError,
    )
)]
#[post("/integration/batch")]
async fn batch(
    state: web::Data<AppState>,
    integrator: Integrator,
    mut payload: web::Payload,
) -> Result<web::Json<BatchResponse>, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::Malformed("The body could not be read.".to_owned()))?;
        if body.len() + chunk.len() > MAX_BATCH_BYTES {
            return Err(ApiError::Malformed("The body is too large.".to_owned()));
        }
        body.extend_from_slice(&chunk);
    }
    let request: BatchRequest = serde_json::from_slice(&body)
        .map_err(|error| ApiError::Malformed(format!("The body is not a valid batch: {error}")))?;
    Ok(web::Json(
        integration::batch(
            &state.db,
            &state.events,
            &state.media,
            &integrator.organisation,
            &scopes_of(&integrator.account),
            request.items,
        )
        .await?,
    ))
}

/// Where to read the feed from.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FeedParams {
    /// Continue after this cursor (an item's `cursor`); without it, after this key's last
    /// acknowledgement.
    #[param(pattern = "^[0-9]{1,9}$")]
    pub after: Option<String>,
    /// Items per page, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// What was written in the portal since `after` (client notes), oldest first. Store the
/// items, then acknowledge the last `cursor`: a pull without `after` resumes after the
/// acknowledgement, so nothing is lost when the integration restarts. Scope `feed:read`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    params(FeedParams),
    responses(
        (status = 200, description = "A page of the feed", body = FeedPage),
        NoApiKey,
        NeedsFeedRead,
        InvalidCursor,
        ServerError,
    )
)]
#[get("/integration/feed")]
async fn get_feed(
    state: web::Data<AppState>,
    integrator: Integrator,
    params: web::Query<FeedParams>,
) -> Result<web::Json<FeedPage>, ApiError> {
    Ok(web::Json(
        feed::pull(
            &state.db,
            &integrator,
            params.after.as_deref(),
            params.limit,
        )
        .await?,
    ))
}

/// Acknowledges the feed up to and including `cursor`. The position only moves forward.
/// Scope `feed:read`.
#[utoipa::path(
    tag = "integration",
    security(("api_key" = [])),
    request_body = FeedAck,
    responses(
        (status = 200, description = "The acknowledged position", body = FeedPosition),
        NoApiKey,
        NeedsFeedRead,
        InvalidCursor,
        ServerError,
    )
)]
#[post("/integration/feed/ack")]
async fn ack_feed(
    state: web::Data<AppState>,
    integrator: Integrator,
    body: web::Json<FeedAck>,
) -> Result<web::Json<FeedPosition>, ApiError> {
    Ok(web::Json(
        feed::acknowledge(&state.db, &integrator, &body).await?,
    ))
}
