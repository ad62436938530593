//! The OpenAPI document: tags and the bearer scheme here; paths and schemas are collected from
//! the `#[utoipa::path]` handlers as they are registered.

use actix_web::App;
use kring_shared::{ErrorCode, FieldError, Problem};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_actix_web::{AppExt, scope};

use crate::routes;

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
    api
}

/// The document as committed in `openapi/openapi.json`: pretty JSON with a final newline.
pub fn openapi_json() -> anyhow::Result<String> {
    let mut json = openapi().to_pretty_json()?;
    json.push('\n');
    Ok(json)
}
