//! *Apparaat verificatie*: the SMS code on an unknown device, its limits, resending, and
//! trusted devices.

use chrono::{Duration, Utc};
use kring_api::{
    entities::{login_attempt, trusted_device, user},
    services::demo::DEMO_PASSWORD,
};
use kring_shared::auth::{LoginResponse, TrustedDeviceSummary, VerificationChallenge};
use reqwest::Response;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::helpers::{
    TestApp, access_token_of, assert_problem, assert_problem_dto, field_errors, json_as,
    refresh_cookie, spawn_app,
};

async fn challenge(app: &TestApp, username: &str) -> VerificationChallenge {
    let response = app.post_password(username, DEMO_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert!(
        refresh_cookie(&response).is_none(),
        "no session before the code"
    );
    let body = response.text().await.unwrap();
    assert!(
        !body.contains("access_token"),
        "no token before the code: {body}"
    );
    match serde_json::from_str(&body).unwrap() {
        LoginResponse::VerificationRequired(challenge) => challenge,
        other => panic!("expected the code step: {other:?}"),
    }
}

async fn verify(
    app: &TestApp,
    attempt: &VerificationChallenge,
    code: &str,
    trust: bool,
) -> Response {
    app.post_json(
        "/api/auth/verify",
        None,
        json!({"attempt_token": attempt.attempt_token, "code": code, "trust_device": trust}),
    )
    .await
}

/// Whether a login answer asks for the SMS code.
fn asks_for_code(login: &LoginResponse) -> bool {
    matches!(login, LoginResponse::VerificationRequired(_))
}

fn device_cookie(response: &Response) -> Option<(String, String)> {
    crate::helpers::set_cookie(response, "kring_device")
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

#[tokio::test]
async fn an_unknown_device_needs_the_sms_code_which_works_once() {
    let app = spawn_app().await;
    let attempt = challenge(&app, "marieke").await;
    assert_eq!(attempt.phone_hint, "•• ••• •• 01");
    assert_eq!(attempt.code_expires_in, 600);
    let code = app.latest_code("marieke").await;
    let outbox: String = std::fs::read_dir(app.data_dir.path().join("outbox"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    assert!(outbox.contains(&format!(
        "Uw verificatiecode voor Zorggroep De Linde is {code}"
    )));

    let bad = verify(&app, &attempt, &wrong(&code), false).await;
    let problem = assert_problem_dto(bad, 422, "invalid_code").await;
    assert!(problem.detail.unwrap().contains("4 tries left"));

    let spaced = format!("{} {}", &code[..3], &code[3..]);
    let good = verify(&app, &attempt, &spaced, false).await;
    assert_eq!(good.status(), 200);
    assert!(refresh_cookie(&good).is_some());
    assert!(device_cookie(&good).is_none(), "not trusted unless asked");
    let token = access_token_of(json_as(good).await);
    assert_eq!(app.get_me(&token).await.status(), 200);

    assert_problem(
        verify(&app, &attempt, &code, false).await,
        401,
        "login_attempt_expired",
    )
    .await;
    let events = app.events_of("marieke").await;
    assert!(events.contains(&"code_sent".to_owned()));
    assert!(events.contains(&"code_failed".to_owned()));
    assert!(events.contains(&"code_verified".to_owned()));
}

#[tokio::test]
async fn five_wrong_codes_use_the_code_up_and_a_new_one_comes_after_the_cooldown() {
    let app = spawn_app().await;
    let attempt = challenge(&app, "pieter").await;
    let code = app.latest_code("pieter").await;
    for _ in 0..5 {
        assert_problem(
            verify(&app, &attempt, &wrong(&code), false).await,
            422,
            "invalid_code",
        )
        .await;
    }
    let problem = assert_problem_dto(
        verify(&app, &attempt, &code, false).await,
        422,
        "invalid_code",
    )
    .await;
    assert!(problem.detail.unwrap().contains("new code"));

    let resend = || {
        app.post_json(
            "/api/auth/verify/resend",
            None,
            json!({"attempt_token": attempt.attempt_token}),
        )
    };
    let early = resend().await;
    let retry: u64 = early.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    let too_soon = assert_problem_dto(early, 429, "rate_limited").await;
    assert!(too_soon.detail.unwrap().contains("seconds"));

    let stored = login_attempt::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: login_attempt::ActiveModel = stored.into();
    active.code_sent_at = Set(Some(Utc::now() - Duration::seconds(31)));
    active.update(&app.db).await.unwrap();
    let again = resend().await;
    assert_eq!(again.status(), 200);
    let fresh = app.latest_code("pieter").await;
    if fresh != code {
        assert_problem(
            verify(&app, &attempt, &code, false).await,
            422,
            "invalid_code",
        )
        .await;
    }
    assert_eq!(verify(&app, &attempt, &fresh, false).await.status(), 200);
}

#[tokio::test]
async fn a_code_expires_and_belongs_to_its_own_login_attempt() {
    let app = spawn_app().await;
    let first = challenge(&app, "sandra").await;
    let first_code = app.latest_code("sandra").await;
    let second = challenge(&app, "sandra").await;
    let second_code = app.latest_code("sandra").await;
    if first_code != second_code {
        assert_problem(
            verify(&app, &second, &first_code, false).await,
            422,
            "invalid_code",
        )
        .await;
    }
    for stored in login_attempt::Entity::find().all(&app.db).await.unwrap() {
        let mut active: login_attempt::ActiveModel = stored.into();
        active.code_expires_at = Set(Some(Utc::now() - Duration::seconds(1)));
        active.update(&app.db).await.unwrap();
    }
    assert_problem(
        verify(&app, &first, &first_code, false).await,
        422,
        "invalid_code",
    )
    .await;
}

#[tokio::test]
async fn a_trusted_device_skips_the_code_for_that_user_only_until_it_expires() {
    let app = spawn_app().await;
    let attempt = challenge(&app, "marieke").await;
    let code = app.latest_code("marieke").await;
    let response = verify(&app, &attempt, &code, true).await;
    assert_eq!(response.status(), 200);
    let (device, attributes) = device_cookie(&response).expect("device cookie");
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Secure",
        "Path=/api/auth",
        "Expires=",
    ] {
        assert!(
            attributes.contains(attribute),
            "{attribute} missing in {attributes}"
        );
    }
    let stored = trusted_device::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.expires_at - stored.created_at, Duration::days(7));
    assert_ne!(stored.token_hash, device, "only the hash is stored");

    let login_with_device = |username: &'static str| {
        app.http
            .post(app.url("/api/auth/login"))
            .header("cookie", format!("kring_device={device}"))
            .json(&json!({"username": username, "password": DEMO_PASSWORD}))
            .send()
    };
    let direct: LoginResponse = login_with_device("marieke")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        matches!(direct, LoginResponse::Authenticated(_)),
        "{direct:?}"
    );
    let other: LoginResponse = login_with_device("pieter")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(asks_for_code(&other), "{other:?}");

    let mut active: trusted_device::ActiveModel = stored.into();
    active.expires_at = Set(Utc::now() - Duration::seconds(1));
    active.update(&app.db).await.unwrap();
    let expired: LoginResponse = login_with_device("marieke")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(asks_for_code(&expired), "{expired:?}");
}

#[tokio::test]
async fn a_first_login_verifies_the_device_before_the_new_password() {
    let app = spawn_app().await;
    let mut active: user::ActiveModel = app.user("kees").await.into();
    active.must_change_password = Set(true);
    active.update(&app.db).await.unwrap();
    let attempt = challenge(&app, "kees").await;
    // The password step cannot be skipped to.
    let early = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": attempt.attempt_token, "new_password": "Zonnebloem-2026"}),
        )
        .await;
    assert_problem(early, 401, "login_attempt_expired").await;
    let code = app.latest_code("kees").await;
    match json_as(verify(&app, &attempt, &code, false).await).await {
        LoginResponse::PasswordChangeRequired(next) => {
            assert_eq!(next.attempt_token, attempt.attempt_token);
        }
        other => panic!("expected the password step: {other:?}"),
    }
    let done = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": attempt.attempt_token, "new_password": "Zonnebloem-2026"}),
        )
        .await;
    assert_eq!(done.status(), 200);
}

#[tokio::test]
async fn an_account_without_a_second_factor_sets_up_a_mobile_number_before_anything_else() {
    let app = spawn_app().await;
    let mut active: user::ActiveModel = app.user("beheer").await.into();
    active.mobile = Set(None);
    active.update(&app.db).await.unwrap();
    let body = app
        .post_password("beheer", DEMO_PASSWORD)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !body.contains("access_token"),
        "no token before the set-up: {body}"
    );
    let attempt = match serde_json::from_str(&body).unwrap() {
        LoginResponse::SecondFactorSetupRequired(setup) => setup.attempt_token,
        other => panic!("expected the set-up step: {other:?}"),
    };
    // The code step cannot be skipped to: no code was sent yet.
    let skipped = app
        .post_json(
            "/api/auth/verify",
            None,
            json!({"attempt_token": attempt, "code": "123456"}),
        )
        .await;
    assert_problem(skipped, 422, "invalid_code").await;
    for (typed, code) in [
        ("020-5551234", "not_mobile"),
        ("+44 7400 123456", "country_not_allowed"),
    ] {
        let refused = app
            .post_json(
                "/api/auth/second-factor/mobile",
                None,
                json!({"attempt_token": attempt, "mobile": typed}),
            )
            .await;
        let problem = assert_problem_dto(refused, 422, "validation_failed").await;
        assert_eq!(field_errors(&problem), vec![("mobile", code)]);
    }
    let sent: VerificationChallenge = json_as(
        app.post_json(
            "/api/auth/second-factor/mobile",
            None,
            json!({"attempt_token": attempt, "mobile": "06-2345 6780"}),
        )
        .await,
    )
    .await;
    assert_eq!(sent.phone_hint, "•• ••• •• 80");
    assert!(
        app.user("beheer").await.mobile.is_none(),
        "saved only when proven"
    );
    let code = app.latest_code_to("+31623456780");
    let done: LoginResponse = json_as(
        app.post_json(
            "/api/auth/verify",
            None,
            json!({"attempt_token": attempt, "code": code}),
        )
        .await,
    )
    .await;
    assert!(matches!(done, LoginResponse::Authenticated(_)), "{done:?}");
    assert_eq!(
        app.user("beheer").await.mobile.as_deref(),
        Some("+31623456780")
    );
    // From now on a login sends its code to that number.
    let next: LoginResponse = json_as(app.post_password("beheer", DEMO_PASSWORD).await).await;
    assert!(asks_for_code(&next), "{next:?}");
}

#[tokio::test]
async fn an_account_with_a_second_factor_cannot_use_the_set_up_step() {
    let app = spawn_app().await;
    let attempt = challenge(&app, "pieter").await;
    let swap = app
        .post_json(
            "/api/auth/second-factor/mobile",
            None,
            json!({"attempt_token": attempt.attempt_token, "mobile": "06-2345 6781"}),
        )
        .await;
    assert_problem(swap, 401, "login_attempt_expired").await;
}

#[tokio::test]
async fn the_development_outbox_page_shows_codes_only_when_switched_on() {
    let off = spawn_app().await;
    challenge(&off, "daan").await;
    let code = off.latest_code("daan").await;
    // Off, the path is just an unknown page of the web app.
    let page = off
        .http
        .get(off.url("/dev/outbox"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&code));
    assert!(!page.contains("Outbox"));

    let on = crate::helpers::spawn_app_with(|config| config.dev_outbox = true).await;
    challenge(&on, "daan").await;
    let code = on.latest_code("daan").await;
    let page = on.http.get(on.url("/dev/outbox")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        page.headers()["cache-control"],
        "no-store",
        "codes are never cached"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains(&code));
    assert!(html.contains("To: +31612345605"));
}

#[tokio::test]
async fn remembered_devices_are_listed_and_can_be_forgotten_by_their_owner_only() {
    let app = spawn_app().await;
    let attempt = challenge(&app, "marieke").await;
    let code = app.latest_code("marieke").await;
    let response = app
        .http
        .post(app.url("/api/auth/verify"))
        .header(
            "user-agent",
            "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile",
        )
        .json(&json!({"attempt_token": attempt.attempt_token, "code": code, "trust_device": true}))
        .send()
        .await
        .unwrap();
    let (device, _) = device_cookie(&response).expect("device cookie");
    let token = access_token_of(json_as(response).await);
    let list: Vec<TrustedDeviceSummary> =
        json_as(app.get_as(&token, "/api/me/devices").await).await;
    assert_eq!(list.len(), 1);
    assert!(list[0].current);
    assert!(list[0].label.contains("Android"));
    let id = list[0].id;

    let pieter = app.login_as("pieter").await;
    let foreign = app
        .http
        .delete(app.url(&format!("/api/me/devices/{id}")))
        .bearer_auth(&pieter)
        .send()
        .await
        .unwrap();
    assert_problem(foreign, 404, "not_found").await;

    let forgotten = app
        .http
        .delete(app.url(&format!("/api/me/devices/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(forgotten.status(), 204);
    let again: LoginResponse = json_as(
        app.http
            .post(app.url("/api/auth/login"))
            .header("cookie", format!("kring_device={device}"))
            .json(&json!({"username": "marieke", "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(asks_for_code(&again), "{again:?}");
    assert!(
        app.events_of("marieke")
            .await
            .contains(&"device_forgotten".to_owned())
    );
}
