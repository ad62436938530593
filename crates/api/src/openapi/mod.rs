//! The OpenAPI document: tags and the bearer scheme here; paths and schemas are collected from
//! the `#[utoipa::path]` handlers as they are registered.

use actix_web::App;
use kring_shared::{ErrorCode, FieldError, Problem};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        ContentBuilder, Ref, RefOr, Response, ResponseBuilder,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};
use utoipa_actix_web::{AppExt, scope};

use crate::routes;

pub mod responses;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kring API",
        description = "The API of Kring, the client portal for Dutch care organisations. \
Every error is an RFC 9457 `application/problem+json` body with a stable `code`. \
Authenticate with `POST /api/auth/login` and send the access token as `Authorization: Bearer …`; \
integrations (the ECD) use a service-account API key instead (tag `integration`).",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    tags(
        (name = "auth", description = "Logging in: password, device verification, first password, refresh, reset"),
        (name = "account", description = "The signed-in user"),
        (name = "clients", description = "A client's portal: start screen and features"),
        (name = "contacts", description = "Gebruikersbeheer: a client's contacts, their permissions and invitations (portal administrators)"),
        (name = "dossier", description = "A client's dossier: Tijdlijn, Lezen, Schrijven, Plannen, and the real-time event stream (Dossier permission)"),
        (name = "details", description = "Gegevens: the client's details, network, care team, GP, pharmacy and insurance (Gegevens permission)"),
        (name = "messages", description = "Berichten: conversations of the client's network and, where the organisation allows it, with the care team; attachments; the care worker's inbox (personal and team) and absence. Messages to care that nobody reads within the organisation's answer time are raised in the team inbox"),
        (name = "pinboard", description = "Prikbord: posts, photos, moods, replies and emoji responses for the client's network (Gegevens permission; never the care team), and the photo endpoint every photo is served from"),
        (name = "export", description = "The client's data in their own hands (client and portal administrators): Download — a ZIP of a month range with a readable overview (HTML, PDF), a FHIR R4 bundle and the files, written as a background job and fetched through a one-time link; FHIR `$everything`; Wie heeft mijn dossier bekeken — the access log and network changes, as a page and CSV; and every user's own data as JSON"),
        (name = "admin", description = "Organisation administration"),
        (name = "integration", description = "For the organisation's ECD, with a service-account API key (`Authorization: Bearer kring_…`, created in Beheer or with `kring integrator create`). Upserts are idempotent `PUT`s keyed by the ECD's own ids; `DELETE` retracts; `POST /api/integration/batch` takes up to 1000 operations; `GET /api/integration/feed` returns what was written in the portal. Send clients and care workers before what belongs to them."),
        (name = "operations", description = "Health probes for operators"),
    ),
    modifiers(&BearerAuth),
    components(schemas(Problem, ErrorCode, FieldError)),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/auth/login`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("kring_…")
                    .description(Some(
                        "A service-account API key, shown once when created in Beheer or with \
                         `kring integrator create`. Scopes: `clients:write`, `dossier:write`, \
                         `feed:read`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The complete document, built from the same route registration the server uses.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::health::configure)
        .service(scope("/api").configure(routes::api))
        .split_for_parts();
    let mut api = api;
    CommonProblems.modify(&mut api);
    api
}

/// The answers every operation of a kind can give whatever its handler does, as shared
/// responses: 400 when a path or query parameter or the JSON body cannot be read, 415 when a
/// body is not `application/json`, and on every write 409 `already_exists` when a racing request
/// broke the same unique rule first (`error.rs` maps that in one place). Added here rather than
/// to each handler so that no operation can forget them (schemathesis checks that every answer
/// is documented).
struct CommonProblems;

impl CommonProblems {
    const MALFORMED: &'static str = "MalformedRequest";
    const UNSUPPORTED_MEDIA_TYPE: &'static str = "UnsupportedMediaType";
    const CONFLICT: &'static str = "AlreadyExists";
    const CONFLICT_TEXT: &'static str = "Another request saved the same thing at the same moment \
        (`already_exists`); reload and try again.";

    fn problem_response(description: &str, example: serde_json::Value) -> Response {
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::error::PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .example(Some(example))
                    .build(),
            )
            .build()
    }
}

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.responses.insert(
            Self::MALFORMED.to_owned(),
            RefOr::T(Self::problem_response(
                "The request cannot be read (`malformed_request`): a path or query parameter \
                 of the wrong type (such as an id that is not a UUID), or a body that is not \
                 JSON of the expected shape.",
                serde_json::json!({
                    "type": "https://kring.nl/problems/malformed_request",
                    "title": "Malformed request",
                    "status": 400,
                    "detail": "A path parameter is invalid: UUID parsing failed",
                    "code": "malformed_request"
                }),
            )),
        );
        components.responses.insert(
            Self::UNSUPPORTED_MEDIA_TYPE.to_owned(),
            RefOr::T(Self::problem_response(
                "The body is not sent as `application/json` (`unsupported_media_type`).",
                serde_json::json!({
                    "type": "https://kring.nl/problems/unsupported_media_type",
                    "title": "Unsupported media type",
                    "status": 415,
                    "code": "unsupported_media_type"
                }),
            )),
        );
        components.responses.insert(
            Self::CONFLICT.to_owned(),
            RefOr::T(Self::problem_response(
                Self::CONFLICT_TEXT,
                serde_json::json!({
                    "type": "https://kring.nl/problems/already_exists",
                    "title": "Already exists",
                    "status": 409,
                    "detail": "Another request saved the same thing at the same moment; reload and try again.",
                    "code": "already_exists"
                }),
            )),
        );
        for item in openapi.paths.paths.values_mut() {
            let shared_parameters = item.parameters.as_ref().is_some_and(|p| !p.is_empty());
            for (writes, operation) in [
                (false, &mut item.get),
                (true, &mut item.put),
                (true, &mut item.post),
                (true, &mut item.delete),
                (true, &mut item.patch),
            ]
            .into_iter()
            .filter_map(|(writes, operation)| operation.as_mut().map(|op| (writes, op)))
            {
                let has_parameters = shared_parameters
                    || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let has_body = operation.request_body.is_some();
                let responses = &mut operation.responses.responses;
                if has_parameters || has_body {
                    responses
                        .entry("400".to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(Self::MALFORMED)));
                }
                if has_body {
                    responses.entry("415".to_owned()).or_insert_with(|| {
                        RefOr::Ref(Ref::from_response_name(Self::UNSUPPORTED_MEDIA_TYPE))
                    });
                }
                if writes {
                    match responses.get_mut("409") {
                        None => {
                            responses.insert(
                                "409".to_owned(),
                                RefOr::Ref(Ref::from_response_name(Self::CONFLICT)),
                            );
                        }
                        Some(RefOr::T(conflict))
                            if !conflict.description.contains("already_exists") =>
                        {
                            conflict.description =
                                format!("{} Or: {}", conflict.description, Self::CONFLICT_TEXT);
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
}

/// The document as committed in `openapi/openapi.json`: pretty JSON with a final newline.
pub fn openapi_json() -> anyhow::Result<String> {
    let mut json = openapi().to_pretty_json()?;
    json.push('\n');
    Ok(json)
}
