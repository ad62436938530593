//! The OpenAPI document is the integrators' contract: committed, served, and complete.

use serde_json::Value;

use crate::helpers::spawn_app;

fn generated() -> Value {
    serde_json::from_str(&kring_api::openapi::openapi_json().unwrap()).unwrap()
}

#[test]
fn the_committed_spec_matches_the_code() {
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    let generated = kring_api::openapi::openapi_json().unwrap();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `cargo run -p kring-api -- openapi`"
    );
}

#[tokio::test]
async fn the_served_spec_is_the_generated_one() {
    let app = spawn_app().await;
    let served: Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served, generated());
}

#[test]
fn every_operation_is_described_with_its_errors_as_problem_json() {
    let spec = generated();
    assert_eq!(spec["openapi"], "3.1.0");
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{} {path}", method.to_uppercase());
            assert!(
                operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has no summary"
            );
            assert!(
                !operation["tags"].as_array().unwrap().is_empty(),
                "{name} has no tag"
            );
            let responses = operation["responses"].as_object().unwrap();
            let errors: Vec<_> = responses
                .iter()
                .filter(|(status, _)| status.starts_with('4') || status.starts_with('5'))
                .collect();
            if path != "/healthz" {
                assert!(!errors.is_empty(), "{name} documents no error response");
            }
            for (status, response) in errors {
                // Answers every operation of a kind shares are references to `components/responses`.
                let response = match response["$ref"].as_str() {
                    Some(reference) => {
                        let name = reference
                            .strip_prefix("#/components/responses/")
                            .unwrap_or_else(|| {
                                panic!("{name} {status}: odd reference {reference}")
                            });
                        &spec["components"]["responses"][name]
                    }
                    None => response,
                };
                assert!(
                    response["content"]["application/problem+json"]["schema"]["$ref"]
                        == "#/components/schemas/Problem",
                    "{name} {status} is not documented as problem+json"
                );
            }
            // Input that cannot be read answers before any handler runs: documented everywhere.
            let has_body = operation.get("requestBody").is_some();
            let has_parameters = operation["parameters"]
                .as_array()
                .is_some_and(|parameters| !parameters.is_empty());
            if has_body || has_parameters {
                assert!(
                    responses.contains_key("400"),
                    "{name} does not document 400"
                );
            }
            if has_body {
                assert!(
                    responses.contains_key("415"),
                    "{name} does not document 415"
                );
            }
            // Any write can lose a race for a unique rule: 409 `already_exists` (error.rs).
            if method != "get" {
                assert!(
                    responses.contains_key("409"),
                    "{name} does not document 409"
                );
            }
            let secured = operation.get("security").is_some();
            // Public: the steps before a session exists. Everything else needs a bearer token.
            let public = [
                "/api/auth/login",
                "/api/auth/first-password",
                "/api/auth/verify",
                "/api/auth/verify/resend",
                "/api/auth/second-factor/mobile",
                "/api/auth/refresh",
                "/api/auth/forgot-password",
                "/api/auth/password-reset",
                "/api/auth/password-reset/{token}",
                "/healthz",
                "/readyz",
                // The event stream carries a one-time ticket in its query instead.
                "/api/clients/{client_id}/events",
                // A calendar subscription's address is its own secret.
                "/api/calendar/{token}.ics",
                // A download link carries a one-time ticket of a minute.
                "/api/exports/download",
            ]
            .contains(&path.as_str());
            assert_eq!(secured, !public, "{name}: security requirement");
            if secured {
                // Integrations use their API key; everything else a user's access token.
                let scheme = if path.starts_with("/api/integration/") {
                    "api_key"
                } else {
                    "bearer"
                };
                assert!(
                    operation["security"][0].get(scheme).is_some(),
                    "{name} should require `{scheme}`"
                );
            }
            if secured {
                assert!(
                    responses.contains_key("401"),
                    "{name} does not document 401"
                );
            }
        }
    }
    assert!(operations >= 6, "only {operations} operations found");
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    assert!(spec["components"]["securitySchemes"]["api_key"].is_object());
}

#[test]
fn every_error_answer_is_one_of_the_shared_responses() {
    use kring_api::openapi::responses::DESCRIPTIONS;

    let spec = generated();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                checked += 1;
                // 400, 415 and the plain 409 are references to `components/responses`.
                if response.get("$ref").is_some() {
                    continue;
                }
                let description = response["description"].as_str().unwrap();
                // An operation's own 409 also names the racing `already_exists`.
                let own = description.split(" Or: ").next().unwrap();
                assert!(
                    DESCRIPTIONS.contains(&own),
                    "{method} {path} answers {status} with its own text: {description}"
                );
            }
        }
    }
    assert!(checked > 100, "only {checked} error answers found");
}

#[test]
fn the_main_schemas_carry_examples() {
    let spec = generated();
    for schema in [
        "LoginRequest",
        "AccessToken",
        "HomeView",
        "Problem",
        "ClientUpsert",
        "CareWorkerUpsert",
        "ReportUpsert",
        "QuestionnaireUpsert",
        "CarePlanUpsert",
        "AppointmentUpsert",
        "BatchRequest",
        "FeedPage",
        "TimelinePage",
    ] {
        assert!(
            spec["components"]["schemas"][schema]["examples"].is_array()
                || spec["components"]["schemas"][schema]["example"].is_object(),
            "{schema} has no example"
        );
    }
}

#[tokio::test]
async fn swagger_ui_is_served_at_docs() {
    let app = spawn_app().await;
    let redirect = app.http.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(redirect.status().as_u16(), 308);
    assert_eq!(redirect.headers().get("location").unwrap(), "/docs/");
    let page = app.http.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("swagger-ui"));
}

#[test]
fn every_reference_resolves() {
    // A `$ref` to a schema the document does not hold breaks every client generator (and
    // schemathesis): a parameter type must be inlined or registered.
    let document = generated();
    let text = document.to_string();
    let mut missing = Vec::new();
    for (index, _) in text.match_indices("\"#/components/") {
        let reference = &text[index + 1..];
        let reference = &reference[..reference.find('"').unwrap()];
        let mut parts = reference.trim_start_matches("#/components/").split('/');
        let (kind, name) = (parts.next().unwrap(), parts.next().unwrap());
        if document["components"][kind][name].is_null() {
            missing.push(reference.to_owned());
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "unresolvable references: {missing:?}");
}
