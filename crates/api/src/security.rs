//! Response headers every answer carries (CSP, nosniff, frame-ancestors, Referrer-Policy,
//! caching), and the fallback that turns unknown paths and wrong methods into problem+json.

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method,
        header::{self, HeaderValue},
    },
    middleware::Next,
    web,
};
use kring_shared::{ErrorCode, Problem};

use crate::{error::problem_response, spa::Spa};

/// The Content-Security-Policy values in force.
#[derive(Debug, Clone)]
pub struct SecurityPolicy {
    app: HeaderValue,
    docs: HeaderValue,
}

impl SecurityPolicy {
    /// Builds the policies; `script_hashes` are the `sha256-…` sources of the SPA's inline
    /// bootstrap scripts, so no `'unsafe-inline'` is needed for scripts.
    pub fn new(script_hashes: &[String]) -> anyhow::Result<SecurityPolicy> {
        let hashes: String = script_hashes
            .iter()
            .map(|hash| format!(" '{hash}'"))
            .collect();
        let app = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
             img-src 'self' data: blob: https:; font-src 'self'; connect-src 'self'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        // Swagger UI sets inline styles; it runs no inline script.
        let docs = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                    frame-ancestors 'none'";
        Ok(SecurityPolicy {
            app: HeaderValue::from_str(&app)?,
            docs: HeaderValue::from_str(docs)?,
        })
    }
}

fn is_api_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

fn is_hashed_asset(path: &str) -> bool {
    // trunk names built assets `name-<16 hex digits>.ext`.
    path.rsplit('/').next().is_some_and(|file| {
        file.split(['-', '.', '_'])
            .any(|part| part.len() == 16 && part.chars().all(|c| c.is_ascii_hexdigit()))
    })
}

/// Whether people reach Kring over https: then every answer carries HSTS.
#[derive(Debug, Clone, Copy)]
pub struct Hsts(pub bool);

/// Adds the security and caching headers to every response.
pub async fn headers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = request.app_data::<web::Data<SecurityPolicy>>().cloned();
    let hsts = request
        .app_data::<web::Data<Hsts>>()
        .is_some_and(|hsts| hsts.0);
    let path = request.path().to_owned();
    // Set by the tracing middleware, which wraps this one; returned so that a user's report
    // can be matched with the log lines of that request.
    let request_id = request
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(header::HeaderName::from_static("x-request-id"), value);
    }
    if let Some(policy) = policy {
        let csp = if path.starts_with("/docs") {
            policy.docs.clone()
        } else {
            policy.app.clone()
        };
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    let cache = if path.starts_with("/api/media/") && headers.contains_key(header::CACHE_CONTROL) {
        // A photo keeps its own caching (`private`, revalidated with its ETag).
        return Ok(response);
    } else if is_api_path(&path) || path.starts_with("/dev/") {
        "no-store"
    } else if is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}

/// The registered API paths and their methods, taken from the OpenAPI document, so that a
/// wrong method on a known path answers 405 with `Allow` instead of 404.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<Method>)>,
}

impl RouteTable {
    /// Reads the paths of `openapi`.
    pub fn from_openapi(openapi: &utoipa::openapi::OpenApi) -> RouteTable {
        let routes = openapi
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path.split('/').map(str::to_owned).collect();
                let methods = [
                    (&item.get, Method::GET),
                    (&item.put, Method::PUT),
                    (&item.post, Method::POST),
                    (&item.delete, Method::DELETE),
                    (&item.patch, Method::PATCH),
                    (&item.head, Method::HEAD),
                    (&item.options, Method::OPTIONS),
                ]
                .into_iter()
                .filter(|(operation, _)| operation.is_some())
                .map(|(_, method)| method)
                .collect();
                (segments, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// The methods allowed on `path`, if it is a known path.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let wanted: Vec<&str> = path.split('/').collect();
        self.routes
            .iter()
            .find(|(segments, _)| {
                segments.len() == wanted.len()
                    && segments.iter().zip(&wanted).all(|(template, actual)| {
                        (template.starts_with('{') && !actual.is_empty()) || template == actual
                    })
            })
            .map(|(_, methods)| methods.clone())
    }
}

fn method_not_allowed(allowed: &[Method]) -> HttpResponse {
    let allow = allowed
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let mut response = problem_response(&Problem::new(
        ErrorCode::MethodNotAllowed,
        Some(format!("Use {allow} on this path.")),
    ));
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// Everything no route matched: a wrong method on a known path (405), an unknown API path
/// (404 problem), or the SPA (its files, and `index.html` for deep links).
pub async fn fallback(
    request: HttpRequest,
    routes: web::Data<RouteTable>,
    spa: web::Data<Spa>,
) -> HttpResponse {
    let path = request.path();
    if let Some(allowed) = routes.allowed(path) {
        return method_not_allowed(&allowed);
    }
    if is_api_path(path) {
        return problem_response(&Problem::new(
            ErrorCode::NotFound,
            Some("There is no API endpoint at this path.".to_owned()),
        ));
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return method_not_allowed(&[Method::GET, Method::HEAD]);
    }
    spa.serve(&request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templated_paths_match_any_single_segment() {
        let table = RouteTable {
            routes: vec![(
                "/api/clients/{client_id}/home"
                    .split('/')
                    .map(str::to_owned)
                    .collect(),
                vec![Method::GET],
            )],
        };
        assert_eq!(
            table.allowed("/api/clients/abc/home"),
            Some(vec![Method::GET])
        );
        assert_eq!(table.allowed("/api/clients//home"), None);
        assert_eq!(table.allowed("/api/clients/abc/home/x"), None);
    }

    #[test]
    fn trunk_assets_are_recognised_by_their_hash() {
        assert!(is_hashed_asset("/kring-web-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/start"));
    }
}
