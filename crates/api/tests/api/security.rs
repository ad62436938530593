//! Security headers and CORS.

use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};

use crate::helpers::{INLINE_SCRIPT, STAFF_INLINE_SCRIPT, spawn_app, spawn_app_with};

#[tokio::test]
async fn api_answers_carry_the_security_headers_and_are_never_cached() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    for response in [
        app.get_me(&token).await,
        app.http.get(app.url("/api/me")).send().await.unwrap(),
        app.http.get(app.url("/healthz")).send().await.unwrap(),
    ] {
        let headers = response.headers();
        assert_eq!(headers.get("cache-control").unwrap(), "no-store");
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(headers.get("referrer-policy").unwrap(), "no-referrer");
        let csp = headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}

#[tokio::test]
async fn every_answer_names_its_request_id_and_each_id_is_different() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for path in ["/healthz", "/api/me", "/start"] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        let id = response
            .headers()
            .get("x-request-id")
            .unwrap_or_else(|| panic!("{path} has no X-Request-Id"))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id} is not a uuid");
        ids.push(id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 3);
}

#[tokio::test]
async fn the_csp_allows_the_spa_bootstrap_script_by_hash_and_nothing_inline_else() {
    let app = spawn_app().await;
    let response = app.http.get(app.url("/start")).send().await.unwrap();
    let csp = response
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let hash = STANDARD.encode(Sha256::digest(INLINE_SCRIPT.as_bytes()));
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("script-src"))
        .unwrap();
    assert!(
        script_src.contains(&format!("'sha256-{hash}'")),
        "{script_src}"
    );
    // The staff tools' page boots with a script of its own.
    let staff = STANDARD.encode(Sha256::digest(STAFF_INLINE_SCRIPT.as_bytes()));
    assert!(
        script_src.contains(&format!("'sha256-{staff}'")),
        "{script_src}"
    );
    assert!(script_src.contains("'wasm-unsafe-eval'"));
    assert!(!script_src.contains("'unsafe-inline'"));
    assert!(!script_src.contains("'unsafe-eval'"));
}

#[tokio::test]
async fn only_configured_origins_may_call_the_api_from_a_browser() {
    let app = spawn_app_with(|config| {
        config.cors_allowed_origins =
            kring_api::config::StringList::Joined("https://portaal.zorggroep.nl".to_owned());
    })
    .await;
    let allowed = app
        .http
        .get(app.url("/healthz"))
        .header("origin", "https://portaal.zorggroep.nl")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://portaal.zorggroep.nl"
    );
    let other = app
        .http
        .get(app.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
