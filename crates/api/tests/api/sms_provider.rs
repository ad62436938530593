//! The HTTP SMS provider, against a real HTTP server standing in for the provider: the code
//! goes out as the configured JSON body with the authorization header, and a provider that
//! fails makes the login answer an error instead of pretending a code was sent.

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use kring_api::services::demo::DEMO_PASSWORD;
use serde_json::{Value, json};

use crate::helpers::spawn_app_with;

/// What the provider received: (authorization header, JSON body).
type Received = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// Starts a provider that answers `status` and records every request; returns its URL.
fn start_provider(status: u16) -> (String, Received) {
    let received: Received = Arc::default();
    let store = received.clone();
    let server = HttpServer::new(move || {
        let store = store.clone();
        App::new().route(
            "/messages",
            web::post().to(move |request: HttpRequest, body: web::Json<Value>| {
                let store = store.clone();
                async move {
                    let auth = request
                        .headers()
                        .get("authorization")
                        .and_then(|value| value.to_str().ok())
                        .map(str::to_owned);
                    store.lock().unwrap().push((auth, body.into_inner()));
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                        .finish()
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    (format!("http://127.0.0.1:{port}/messages"), received)
}

#[tokio::test]
async fn the_code_goes_to_the_provider_with_the_template_and_the_auth_header() {
    let (url, received) = start_provider(202);
    let app = spawn_app_with(|config| {
        config.sms_provider_url = Some(url);
        config.sms_provider_auth_header = Some("Bearer provider-key".to_owned());
        config.sms_provider_body_template =
            r#"{"recipient":"{to}","text":"{message}","sender":"Kring"}"#.to_owned();
    })
    .await;
    let attempt: Value = app
        .post_password("marieke", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(attempt["status"], "verification_required");
    let (auth, body) = received.lock().unwrap().last().cloned().expect("a request");
    assert_eq!(auth.as_deref(), Some("Bearer provider-key"));
    assert_eq!(body["recipient"], "+31612345601");
    assert_eq!(body["sender"], "Kring");
    let text = body["text"].as_str().unwrap();
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .expect("a code in the text");
    let verified = app
        .post_json(
            "/api/auth/verify",
            None,
            json!({"attempt_token": attempt["attempt_token"], "code": code}),
        )
        .await;
    assert_eq!(verified.status(), 200);
    assert!(
        !app.data_dir.path().join("outbox").exists()
            || std::fs::read_dir(app.data_dir.path().join("outbox"))
                .unwrap()
                .all(|entry| !entry
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("-sms-")),
        "nothing went to the outbox"
    );
}

#[tokio::test]
async fn a_failing_provider_gives_an_error_not_a_silent_login_step() {
    let (url, received) = start_provider(503);
    let app = spawn_app_with(|config| config.sms_provider_url = Some(url)).await;
    let response = app.post_password("marieke", DEMO_PASSWORD).await;
    assert_eq!(response.status(), 500);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "internal_error");
    assert_eq!(received.lock().unwrap().len(), 1, "the provider was asked");
}
