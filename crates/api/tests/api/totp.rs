//! The authenticator app: enrolment with the password asked again, logins with the app's
//! code instead of an SMS, one-time recovery codes, and turning it off.

use kring_api::services::demo::DEMO_PASSWORD;
use serde_json::{Value, json};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::helpers::{TestApp, assert_problem, spawn_app};

fn app_code(secret: &str, steps_ahead: u64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, String::new())
        .unwrap()
        .generate(now + 30 * steps_ahead)
}

/// The code shown by the app right now, which enrolment uses.
fn enrolment_code(secret: &str) -> String {
    app_code(secret, 0)
}

/// The app's next code: the one used to enrol (the current one) is spent.
fn next_code(secret: &str) -> String {
    app_code(secret, 1)
}

/// Enrols `username` and returns (access token, secret, recovery codes).
async fn enrol(app: &TestApp, username: &str) -> (String, String, Vec<String>) {
    let token = app.login_as(username).await;
    let wrong = app
        .post_json(
            "/api/me/totp/setup",
            Some(&token),
            json!({"current_password": "Verkeerd-1"}),
        )
        .await;
    assert_problem(wrong, 422, "reauthentication_failed").await;
    let setup: Value = app
        .post_json(
            "/api/me/totp/setup",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD}),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = setup["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 32, "at least 160 bits");
    let uri = setup["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"));
    assert!(uri.contains(&format!("secret={secret}")));
    assert!(
        setup["qr_code"]
            .as_str()
            .unwrap()
            .starts_with("data:image/svg+xml;base64,")
    );

    let bad = app
        .post_json(
            "/api/me/totp/confirm",
            Some(&token),
            json!({"code": "000000x"}),
        )
        .await;
    assert_problem(bad, 422, "invalid_code").await;
    let enabled: Value = app
        .post_json(
            "/api/me/totp/confirm",
            Some(&token),
            json!({"code": enrolment_code(&secret)}),
        )
        .await
        .json()
        .await
        .unwrap();
    let codes: Vec<String> = enabled["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    let me: Value = app.get_me(&token).await.json().await.unwrap();
    assert_eq!(me["user"]["totp_enabled"], true);
    (token, secret, codes)
}

async fn verify(app: &TestApp, attempt: &Value, code: &str) -> reqwest::Response {
    app.post_json(
        "/api/auth/verify",
        None,
        json!({"attempt_token": attempt["attempt_token"], "code": code}),
    )
    .await
}

#[tokio::test]
async fn with_the_app_a_new_device_asks_for_its_code_and_sends_no_sms() {
    let app = spawn_app().await;
    let (_, secret, _) = enrol(&app, "sandra").await;
    let sms_before = std::fs::read_dir(app.data_dir.path().join("outbox"))
        .unwrap()
        .count();
    let attempt: Value = app
        .post_password("sandra", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(attempt["status"], "verification_required");
    assert_eq!(attempt["channel"], "totp");
    let sms_after = std::fs::read_dir(app.data_dir.path().join("outbox"))
        .unwrap()
        .count();
    assert_eq!(sms_before, sms_after, "no SMS for an app user");
    let resend = app
        .post_json(
            "/api/auth/verify/resend",
            None,
            json!({"attempt_token": attempt["attempt_token"]}),
        )
        .await;
    assert_problem(resend, 422, "invalid_code").await;
    assert_problem(verify(&app, &attempt, "123456x").await, 422, "invalid_code").await;
    let ok = verify(&app, &attempt, &next_code(&secret)).await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["status"], "authenticated");
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let app = spawn_app().await;
    let (_, _, codes) = enrol(&app, "daan").await;
    let first: Value = app
        .post_password("daan", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let typed = codes[0].to_uppercase();
    assert_eq!(verify(&app, &first, &typed).await.status(), 200);
    let second: Value = app
        .post_password("daan", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_problem(verify(&app, &second, &codes[0]).await, 422, "invalid_code").await;
    assert_eq!(verify(&app, &second, &codes[1]).await.status(), 200);
}

#[tokio::test]
async fn turning_the_app_off_needs_the_password_and_brings_the_sms_back() {
    let app = spawn_app().await;
    let (token, _, _) = enrol(&app, "pieter").await;
    let wrong = app
        .post_json(
            "/api/me/totp/disable",
            Some(&token),
            json!({"current_password": "Verkeerd-1"}),
        )
        .await;
    assert_problem(wrong, 422, "reauthentication_failed").await;
    let off = app
        .post_json(
            "/api/me/totp/disable",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(off.status(), 204);
    let attempt: Value = app
        .post_password("pieter", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(attempt["channel"], "sms");
    let events = app.events_of("pieter").await;
    assert!(events.contains(&"totp_enabled".to_owned()));
    assert!(events.contains(&"totp_disabled".to_owned()));
}

#[tokio::test]
async fn an_app_code_works_for_one_login_only() {
    let app = spawn_app().await;
    let (_, secret, _) = enrol(&app, "marieke").await;
    let code = next_code(&secret);
    let first: Value = app
        .post_password("marieke", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(verify(&app, &first, &code).await.status(), 200);
    let second: Value = app
        .post_password("marieke", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_problem(verify(&app, &second, &code).await, 422, "invalid_code").await;
}

#[tokio::test]
async fn the_code_used_to_enrol_cannot_log_in() {
    let app = spawn_app().await;
    let token = app.login_as("kees").await;
    let setup: Value = app
        .post_json(
            "/api/me/totp/setup",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD}),
        )
        .await
        .json()
        .await
        .unwrap();
    let code = enrolment_code(setup["secret"].as_str().unwrap());
    let confirmed = app
        .post_json("/api/me/totp/confirm", Some(&token), json!({"code": code}))
        .await;
    assert_eq!(confirmed.status(), 200);
    let attempt: Value = app
        .post_password("kees", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_problem(verify(&app, &attempt, &code).await, 422, "invalid_code").await;
}

#[tokio::test]
async fn the_secret_is_sealed_at_rest_and_a_plain_one_from_before_is_sealed_too() {
    use kring_api::{
        auth::{keys, seal::Sealer},
        entities::user,
        services::totp::seal_plain_secrets,
    };
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let app = spawn_app().await;
    let (_, secret, _) = enrol(&app, "sandra").await;
    let stored = app.user("sandra").await.totp_secret.unwrap();
    assert!(stored.starts_with("v1:"), "{stored}");
    assert!(!stored.contains(&secret));

    // A row written before sealing existed holds the secret in clear; start-up seals it and
    // logins keep working.
    let mut legacy: user::ActiveModel = app.user("sandra").await.into();
    legacy.totp_secret = Set(Some(secret.clone()));
    legacy.update(&app.db).await.unwrap();
    let key = keys::load_or_create_data_key(None, app.data_dir.path()).unwrap();
    seal_plain_secrets(&app.db, &Sealer::new(&key))
        .await
        .unwrap();
    let resealed = app.user("sandra").await.totp_secret.unwrap();
    assert!(resealed.starts_with("v1:") && !resealed.contains(&secret));
    let attempt: Value = app
        .post_password("sandra", DEMO_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        verify(&app, &attempt, &next_code(&secret)).await.status(),
        200
    );
}
