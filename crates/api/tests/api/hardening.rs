//! Sign-in protections under attack: throttles that follow the router (encoded paths),
//! limits counted atomically under parallel requests, lockouts that reveal nothing, the
//! client address behind trusted proxies, SMS pumping, temporary passwords that expire, the
//! reset variants, racing token renewals, and the small hardening of the server itself.

use chrono::{Duration, Utc};
use futures_util::future::join_all;
use kring_api::{
    Application, Config,
    entities::{auth_event, login_attempt, password_reset, refresh_token, trusted_device, user},
    services::demo::DEMO_PASSWORD,
};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};

use crate::helpers::{
    SmtpServer, TestApp, assert_problem, refresh_cookie, set_cookie, set_org, spawn_app,
    spawn_app_with,
};

const NEW_PASSWORD: &str = "Zonnebloem-2026";

async fn password_step(app: &TestApp, username: &str) -> Value {
    let response = app.post_password(username, DEMO_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "verification_required");
    body
}

async fn wrong_code(app: &TestApp, attempt: &Value, code: &str) -> reqwest::Response {
    app.post_json(
        "/api/auth/verify",
        None,
        json!({"attempt_token": attempt["attempt_token"], "code": code}),
    )
    .await
}

fn another_code(right: &str) -> String {
    if right == "000000" {
        "111111".to_owned()
    } else {
        "000000".to_owned()
    }
}

async fn last_event_ip(app: &TestApp, username: &str) -> Option<String> {
    let user = app.user(username).await;
    auth_event::Entity::find()
        .filter(auth_event::Column::UserId.eq(user.id))
        .order_by_desc(auth_event::Column::OccurredAt)
        .one(&app.db)
        .await
        .unwrap()
        .and_then(|event| event.ip_address)
}

// ---------------------------------------------------------------- throttling follows the router

#[tokio::test]
async fn an_encoded_path_reaches_the_login_handler_and_is_throttled_there() {
    let app = spawn_app_with(|config| config.auth_requests_per_minute = 3).await;
    for path in ["/api/auth/%6Cogin", "/api/auth/login", "/api/auth/l%6fgin"] {
        let response = app
            .http
            .post(app.url(path))
            .json(&json!({"username": "marieke", "password": "Verkeerd-1"}))
            .send()
            .await
            .unwrap();
        assert_problem(response, 401, "invalid_credentials").await;
    }
    for path in [
        "/api/auth/%6Cogin",
        "/api/auth/login",
        "/api/auth/%66orgot-password",
    ] {
        let response = app
            .http
            .post(app.url(path))
            .json(&json!({"username": "marieke", "password": "Verkeerd-1", "email": "x@y.nl"}))
            .send()
            .await
            .unwrap();
        assert_problem(response, 429, "rate_limited").await;
    }
}

#[tokio::test]
async fn re_authentication_and_code_endpoints_are_throttled_per_address_too() {
    let app = spawn_app_with(|config| config.auth_requests_per_minute = 2).await;
    // The two logins use up the address's budget …
    let token = {
        let response = app.post_login("marieke", DEMO_PASSWORD).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    };
    // … so changing the password (a re-authentication) is refused before argon2 runs.
    let response = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": "Verkeerd-1", "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(response, 429, "rate_limited").await;
    let response = app
        .post_json(
            "/api/auth/verify",
            None,
            json!({"attempt_token": "x", "code": "123456"}),
        )
        .await;
    assert_problem(response, 429, "rate_limited").await;
}

// ---------------------------------------------------------------- codes counted atomically

#[tokio::test]
async fn fifty_parallel_wrong_codes_on_one_attempt_get_at_most_five_judged() {
    let app = spawn_app().await;
    let attempt = password_step(&app, "pieter").await;
    let right = app.latest_code("pieter").await;
    let wrong = another_code(&right);
    let answers = join_all((0..50).map(|_| wrong_code(&app, &attempt, &wrong))).await;
    // A compared guess says it was wrong ("not correct", or "tried too often" for the fifth);
    // the rest are refused before any comparison ("expired or was tried too often").
    let mut judged = 0;
    for answer in answers {
        let body = assert_problem(answer, 422, "invalid_code").await;
        let detail = body["detail"].as_str().unwrap().to_owned();
        if !detail.contains("expired or was tried too often") {
            judged += 1;
        }
    }
    assert!(judged <= 5, "{judged} guesses were compared with the code");
    let stored = login_attempt::Entity::find()
        .filter(login_attempt::Column::UserId.eq(app.user("pieter").await.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.code_attempts, 5);
    // The right code is used up with the rest.
    let late = wrong_code(&app, &attempt, &right).await;
    assert_problem(late, 422, "invalid_code").await;
}

#[tokio::test]
async fn wrong_codes_count_across_login_attempts_and_then_block_the_account() {
    let app = spawn_app().await;
    // Two logins with the right password, five wrong codes each: the tenth blocks.
    for round in 0..2 {
        let attempt = password_step(&app, "pieter").await;
        let wrong = another_code(&app.latest_code("pieter").await);
        for guess in 0..5 {
            let answer = wrong_code(&app, &attempt, &wrong).await;
            if round == 1 && guess == 4 {
                assert_problem(answer, 423, "account_locked").await;
            } else {
                assert_problem(answer, 422, "invalid_code").await;
            }
        }
    }
    assert!(app.user("pieter").await.locked_at.is_some());
    assert_problem(
        app.post_password("pieter", DEMO_PASSWORD).await,
        423,
        "account_locked",
    )
    .await;
}

#[tokio::test]
async fn a_right_code_starts_the_count_of_wrong_codes_again() {
    let app = spawn_app().await;
    let attempt = password_step(&app, "pieter").await;
    let right = app.latest_code("pieter").await;
    for _ in 0..4 {
        wrong_code(&app, &attempt, &another_code(&right)).await;
    }
    assert_eq!(app.user("pieter").await.failed_codes, 4);
    assert_eq!(wrong_code(&app, &attempt, &right).await.status(), 200);
    assert_eq!(app.user("pieter").await.failed_codes, 0);
}

#[tokio::test]
async fn parallel_wrong_mobile_codes_share_five_tries() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    let response = app
        .put_json(
            "/api/me/contact",
            &token,
            json!({"current_password": DEMO_PASSWORD, "email": "marieke@demo.kring.nl", "mobile": "06 23456789"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let right = app.latest_code_to("+31623456789");
    let wrong = another_code(&right);
    let answers = join_all((0..30).map(|_| {
        app.post_json(
            "/api/me/contact/mobile/confirm",
            Some(&token),
            json!({"code": wrong}),
        )
    }))
    .await;
    let mut judged = 0;
    for answer in answers {
        let body = assert_problem(answer, 422, "invalid_code").await;
        if body["detail"] == "The code is not correct." {
            judged += 1;
        }
    }
    assert_eq!(judged, 5);
    let late = app
        .post_json(
            "/api/me/contact/mobile/confirm",
            Some(&token),
            json!({"code": right}),
        )
        .await;
    assert_problem(late, 422, "invalid_code").await;
    assert_eq!(
        app.user("marieke").await.mobile.as_deref(),
        Some("+31612345601")
    );
}

// ---------------------------------------------------------------- lockout reveals nothing

#[tokio::test]
async fn a_blocked_account_answers_a_wrong_password_like_an_unknown_one() {
    let app = spawn_app().await;
    set_org(&app, |org| org.lockout_threshold = Set(2)).await;
    for _ in 0..2 {
        assert_problem(
            app.post_login("pieter", "Verkeerd-1").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    assert!(app.user("pieter").await.locked_at.is_some());
    let wrong: Value = app
        .post_login("pieter", "Verkeerd-2")
        .await
        .json()
        .await
        .unwrap();
    let unknown: Value = app
        .post_login("niemand", "Verkeerd-2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["status"], 401);
    assert!(
        wrong["detail"]
            .as_str()
            .unwrap()
            .contains("Too many wrong passwords block the account")
    );
    // Only the right password learns that the account is blocked …
    assert_problem(
        app.post_login("pieter", DEMO_PASSWORD).await,
        423,
        "account_locked",
    )
    .await;
    // … and only a few passwords are judged while the block lasts: guessing on is pointless.
    for _ in 0..2 {
        app.post_login("pieter", "Verkeerd-3").await;
    }
    assert_problem(
        app.post_login("pieter", DEMO_PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
}

#[tokio::test]
async fn a_temporary_lockout_ends_by_itself_and_doubles_when_it_comes_back() {
    let app = spawn_app().await;
    set_org(&app, |org| {
        org.lockout_threshold = Set(2);
        org.lockout_mode = Set(kring_shared::admin::LockoutMode::Temporary);
    })
    .await;
    for _ in 0..2 {
        app.post_login("pieter", "Verkeerd-1").await;
    }
    let blocked = app.user("pieter").await;
    let first = blocked.locked_until.unwrap() - blocked.locked_at.unwrap();
    assert_eq!(first.num_minutes(), 15);
    assert_problem(
        app.post_login("pieter", DEMO_PASSWORD).await,
        423,
        "account_locked",
    )
    .await;

    // A quarter of an hour later the block has run out: two more wrong passwords block again,
    // now for twice as long.
    let mut active: user::ActiveModel = blocked.into();
    active.locked_until = Set(Some(Utc::now() - Duration::seconds(1)));
    active.update(&app.db).await.unwrap();
    for _ in 0..2 {
        assert_problem(
            app.post_login("pieter", "Verkeerd-1").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    let again = app.user("pieter").await;
    let second = again.locked_until.unwrap() - again.locked_at.unwrap();
    assert_eq!(second.num_minutes(), 30);

    // After it runs out, the right password works and the doubling starts over.
    let mut active: user::ActiveModel = again.into();
    active.locked_until = Set(Some(Utc::now() - Duration::seconds(1)));
    active.update(&app.db).await.unwrap();
    app.login_as("pieter").await;
    let fresh = app.user("pieter").await;
    assert!(fresh.locked_at.is_none());
    assert_eq!(fresh.lockouts, 0);
}

#[tokio::test]
async fn wrong_passwords_to_re_authenticate_count_toward_the_lockout() {
    let app = spawn_app().await;
    set_org(&app, |org| org.lockout_threshold = Set(3)).await;
    let token = app.login_as("marieke").await;
    for _ in 0..3 {
        let response = app
            .post_json(
                "/api/me/password",
                Some(&token),
                json!({"current_password": "Verkeerd-1", "new_password": NEW_PASSWORD}),
            )
            .await;
        let status = response.status().as_u16();
        assert!(status == 422 || status == 401, "{status}");
    }
    let marieke = app.user("marieke").await;
    assert!(marieke.locked_at.is_some());
    // Blocking ends the session in which the guessing happened.
    assert_problem(app.get_me(&token).await, 401, "authentication_required").await;
    let events = app.events_of("marieke").await;
    assert_eq!(
        events
            .iter()
            .filter(|event| *event == "reauthentication_failed")
            .count(),
        3
    );
}

#[tokio::test]
async fn parallel_re_authentication_guesses_are_limited_per_user() {
    let app = spawn_app().await;
    set_org(&app, |org| org.lockout_threshold = Set(10)).await;
    let token = app.login_as("marieke").await;
    let answers = join_all((0..30).map(|_| {
        app.put_json(
            "/api/me/contact",
            &token,
            json!({"current_password": "Verkeerd-1", "email": "m@demo.kring.nl", "mobile": "0611111111"}),
        )
    }))
    .await;
    let checked = answers
        .iter()
        .filter(|answer| answer.status() == 422)
        .count();
    assert!(checked <= 10, "{checked} passwords were checked");
    assert!(
        answers
            .iter()
            .all(|answer| [401, 422, 429].contains(&answer.status().as_u16()))
    );
}

// ---------------------------------------------------------------- behind a proxy

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_logged_and_throttled() {
    let app = spawn_app_with(|config| {
        config.trusted_proxies = kring_api::config::StringList::Joined("127.0.0.1/32".into());
        config.auth_requests_per_minute = 2;
    })
    .await;
    let login = |forwarded: &'static str| {
        app.http
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"username": "pieter", "password": "Verkeerd-1"}))
            .send()
    };
    // A client-sent first entry is not believed; the proxy's right-most entry is.
    login("6.6.6.6, 203.0.113.9").await.unwrap();
    assert_eq!(
        last_event_ip(&app, "pieter").await.as_deref(),
        Some("203.0.113.9")
    );
    login("203.0.113.9").await.unwrap();
    let third = login("203.0.113.9").await.unwrap();
    assert_problem(third, 429, "rate_limited").await;
    // Another client behind the same proxy has its own budget.
    let other = login("198.51.100.20").await.unwrap();
    assert_problem(other, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn without_trusted_proxies_forwarding_headers_are_ignored() {
    let app = spawn_app().await;
    app.http
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", "203.0.113.9")
        .header("forwarded", "for=198.51.100.1")
        .json(&json!({"username": "pieter", "password": "Verkeerd-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        last_event_ip(&app, "pieter").await.as_deref(),
        Some("127.0.0.1")
    );
}

// ---------------------------------------------------------------- no SMS pumping

async fn change_mobile(app: &TestApp, token: &str, mobile: &str) -> reqwest::Response {
    app.put_json(
        "/api/me/contact",
        token,
        json!({"current_password": DEMO_PASSWORD, "email": "marieke@demo.kring.nl", "mobile": mobile}),
    )
    .await
}

#[tokio::test]
async fn a_mobile_change_has_a_cooldown_a_daily_cap_and_allowed_countries() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    let foreign = change_mobile(&app, &token, "+44 7400 123456").await;
    let body = assert_problem(foreign, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "mobile");
    assert_eq!(body["errors"][0]["code"], "country_not_allowed");

    assert_eq!(
        change_mobile(&app, &token, "0623456701").await.status(),
        200
    );
    let soon = change_mobile(&app, &token, "0623456702").await;
    assert!(soon.headers().contains_key("retry-after"));
    assert_problem(soon, 429, "rate_limited").await;
    // Nothing of a refused form is saved.
    let refused_with_email = app
        .put_json(
            "/api/me/contact",
            &token,
            json!({"current_password": DEMO_PASSWORD, "email": "nieuw@demo.kring.nl", "mobile": "0623456703"}),
        )
        .await;
    assert_eq!(refused_with_email.status(), 429);
    assert_eq!(app.user("marieke").await.email, "marieke@demo.kring.nl");

    // Past the cooldown, five a day.
    for n in 4..=8 {
        app.db
            .execute_unprepared(
                "DELETE FROM rate_limits WHERE bucket LIKE 'mobile-change-cooldown:%'",
            )
            .await
            .unwrap();
        let response = change_mobile(&app, &token, &format!("06234567{n:02}")).await;
        if n < 8 {
            assert_eq!(response.status(), 200, "change {n}");
        } else {
            assert_problem(response, 429, "rate_limited").await;
        }
    }
    // An organisation that allows the UK accepts the number.
    set_org(&app, |org| {
        org.allowed_mobile_countries = Set("NL,GB".to_owned())
    })
    .await;
    app.db
        .execute_unprepared("DELETE FROM rate_limits")
        .await
        .unwrap();
    let allowed = change_mobile(&app, &token, "+44 7400 123456").await;
    assert_eq!(allowed.status(), 200, "{}", allowed.text().await.unwrap());
}

// ---------------------------------------------------------------- temporary passwords and resets

#[tokio::test]
async fn a_temporary_password_stops_working_after_the_organisation_hours() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    set_org(&app, |org| org.temporary_password_hours = Set(48)).await;
    let admin = app.login_as("beheer").await;
    let pieter = app.user("pieter").await;
    let sent = app
        .post_json(
            &format!("/api/admin/users/{}/temporary-password", pieter.id),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(sent.status(), 204);
    let mail = smtp.wait_for_message(1).await;
    assert!(mail.text.contains("48 uur"), "{}", mail.text);
    let temporary = mail
        .text
        .lines()
        .find_map(|line| line.strip_prefix("Tijdelijk wachtwoord: "))
        .unwrap()
        .trim()
        .to_owned();
    let expires = app
        .user("pieter")
        .await
        .temporary_password_expires_at
        .unwrap();
    assert!(
        (expires - Utc::now() - Duration::hours(48))
            .num_minutes()
            .abs()
            <= 1
    );

    let mut active: user::ActiveModel = app.user("pieter").await.into();
    active.temporary_password_expires_at = Set(Some(Utc::now() - Duration::minutes(1)));
    active.update(&app.db).await.unwrap();
    let expired = app.post_password("pieter", &temporary).await;
    let body = assert_problem(expired, 401, "temporary_password_expired").await;
    assert!(body["detail"].as_str().unwrap().contains("new one"));
    // A wrong password still gets the generic answer.
    assert_problem(
        app.post_password("pieter", "Verkeerd-1").await,
        401,
        "invalid_credentials",
    )
    .await;
}

#[tokio::test]
async fn a_password_change_ends_other_reset_links_and_forgets_remembered_devices() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    // A remembered device first.
    let attempt = password_step(&app, "pieter").await;
    let code = app.latest_code("pieter").await;
    let verified = app
        .post_json(
            "/api/auth/verify",
            None,
            json!({"attempt_token": attempt["attempt_token"], "code": code, "trust_device": true}),
        )
        .await;
    assert!(set_cookie(&verified, "kring_device").is_some());
    // Two reset links.
    for _ in 0..2 {
        app.post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "pieter", "email": "pieter@demo.kring.nl"}),
        )
        .await;
    }
    smtp.wait_for_message(2).await;
    let open_links = password_reset::Entity::find()
        .filter(password_reset::Column::UsedAt.is_null())
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(open_links.len(), 2);

    let token = app.login_as("pieter").await;
    let changed = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(changed.status(), 204);
    let still_open = password_reset::Entity::find()
        .filter(password_reset::Column::UsedAt.is_null())
        .all(&app.db)
        .await
        .unwrap();
    assert!(still_open.is_empty());
    let trusted = trusted_device::Entity::find()
        .filter(trusted_device::Column::RevokedAt.is_null())
        .all(&app.db)
        .await
        .unwrap();
    assert!(trusted.is_empty());
}

#[tokio::test]
async fn the_laurens_variant_mails_a_temporary_password_instead_of_a_link() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    set_org(&app, |org| {
        org.reset_mode = Set(kring_shared::admin::ResetMode::TemporaryPassword)
    })
    .await;
    let known = app
        .post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "pieter", "email": "pieter@demo.kring.nl"}),
        )
        .await;
    let unknown = app
        .post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "niemand", "email": "niemand@demo.kring.nl"}),
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    let mail = smtp.wait_for_message(1).await;
    assert!(!mail.text.contains("wachtwoord-herstellen"));
    assert!(mail.text.contains("nieuw wachtwoord gevraagd"));
    let temporary = mail
        .text
        .lines()
        .find_map(|line| line.strip_prefix("Tijdelijk wachtwoord: "))
        .unwrap()
        .trim()
        .to_owned();
    // Asking for it locks nobody out: the old password works until the temporary one is used.
    assert_eq!(
        app.post_password("pieter", DEMO_PASSWORD).await.status(),
        200
    );
    let response = app.post_login("pieter", &temporary).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "password_change_required");
    let pieter = app.user("pieter").await;
    assert!(pieter.temporary_password_expires_at.is_some());
    assert!(pieter.reset_password_hash.is_none(), "it works once");
    assert_problem(
        app.post_password("pieter", DEMO_PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
}

// ---------------------------------------------------------------- racing renewals

#[tokio::test]
async fn two_renewals_with_one_cookie_both_work_but_a_late_replay_ends_the_session() {
    let app = spawn_app().await;
    let (_, refresh) = app.login_with_refresh("pieter", DEMO_PASSWORD).await;
    let answers = join_all((0..4).map(|_| app.post_refresh(&refresh))).await;
    // All four get an access token; exactly one sets the new cookie (the browser's jar is
    // shared by its tabs), so a replay inside the grace period never gets the refresh chain.
    let mut successors = Vec::new();
    for answer in &answers {
        assert_eq!(answer.status(), 200);
        successors.extend(refresh_cookie(answer).map(|(value, _)| value));
    }
    assert_eq!(successors.len(), 1, "{successors:?}");
    let successor = successors.remove(0);
    assert_ne!(successor, refresh);

    // The successor works; after the grace period the old cookie is a stolen copy.
    let renewed = app.post_refresh(&successor).await;
    assert_eq!(renewed.status(), 200);
    let newest = refresh_cookie(&renewed).unwrap().0;
    let used = refresh_token::Entity::find()
        .filter(refresh_token::Column::UsedAt.is_not_null())
        .all(&app.db)
        .await
        .unwrap();
    for row in used {
        let mut active: refresh_token::ActiveModel = row.into();
        active.used_at = Set(Some(Utc::now() - Duration::seconds(60)));
        active.update(&app.db).await.unwrap();
    }
    assert_problem(
        app.post_refresh(&refresh).await,
        401,
        "authentication_required",
    )
    .await;
    assert_problem(
        app.post_refresh(&newest).await,
        401,
        "authentication_required",
    )
    .await;
}

// ---------------------------------------------------------------- the server itself

#[tokio::test]
async fn the_dev_outbox_refuses_to_run_on_a_public_address() {
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        listen: "0.0.0.0:0".to_owned(),
        data_dir: data.path().to_path_buf(),
        dev_outbox: true,
        ..Config::default()
    };
    let error = Application::build(config).await.err().unwrap();
    assert!(error.to_string().contains("loopback"), "{error}");
}

#[tokio::test]
async fn metrics_are_served_only_on_their_own_listener() {
    let app = spawn_app_with(|config| config.metrics_listen = Some("127.0.0.1:0".to_owned())).await;
    app.login_as("marieke").await;
    let public = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);
    let metrics = app.metrics_address.clone().unwrap();
    let text = app
        .http
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains(
        "kring_http_requests_total{endpoint=\"/api/auth/login\",method=\"POST\",status=\"200\"} 1"
    ));
}

#[tokio::test]
async fn hsts_is_sent_only_when_kring_is_reached_over_https() {
    let plain = spawn_app().await;
    let response = plain.http.get(plain.url("/healthz")).send().await.unwrap();
    assert!(!response.headers().contains_key("strict-transport-security"));
    let secure = spawn_app_with(|config| {
        config.public_url = Some("https://portaal.delinde.example".to_owned())
    })
    .await;
    let response = secure.http.get(secure.url("/api/me")).send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn outbox_files_older_than_a_week_are_removed() {
    let folder = tempfile::tempdir().unwrap();
    let old = folder.path().join("old-sms.txt");
    let fresh = folder.path().join("fresh-sms.txt");
    std::fs::write(&old, "To: +31600000000\n\n123456").unwrap();
    std::fs::write(&fresh, "To: +31600000000\n\n654321").unwrap();
    let eight_days_ago =
        std::time::SystemTime::now() - std::time::Duration::from_secs(8 * 24 * 60 * 60);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(eight_days_ago)
        .unwrap();
    kring_api::mail::prune_outbox(folder.path(), 7)
        .await
        .unwrap();
    assert!(!old.exists());
    assert!(fresh.exists());
}

// ---------------------------------------------------------------- races the database settles

#[tokio::test]
async fn a_broken_unique_rule_answers_409_already_exists_never_500() {
    use actix_web::ResponseError;
    use kring_api::error::ApiError;
    use kring_shared::ErrorCode;

    let app = spawn_app().await;
    let marieke = app.user("marieke").await;
    let duplicate = || {
        let mut copy = user::ActiveModel::from(marieke.clone()).reset_all();
        copy.id = Set(uuid::Uuid::new_v4());
        copy
    };
    // Straight from the database …
    let error = duplicate().insert(&app.db).await.unwrap_err();
    let direct = ApiError::from(error);
    assert_eq!(direct.code(), ErrorCode::AlreadyExists);
    assert_eq!(direct.error_response().status(), 409);
    // … and when it travelled through `anyhow` on its way up.
    let error = duplicate().insert(&app.db).await.unwrap_err();
    let wrapped = ApiError::Internal(anyhow::Error::new(error).context("saving the account"));
    let response = wrapped.error_response();
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn parallel_first_logins_choosing_one_username_get_one_winner_and_no_500() {
    let app = spawn_app().await;
    // Two people with temporary passwords, both about to choose the username "kees.de.vries".
    let mut attempts = Vec::new();
    for username in ["kees", "daan"] {
        let mut active: user::ActiveModel = app.user(username).await.into();
        active.must_change_password = Set(true);
        active.username_chosen = Set(false);
        active.update(&app.db).await.unwrap();
        let attempt = password_step(&app, username).await;
        let code = app.latest_code(username).await;
        let verified: Value = app
            .post_json(
                "/api/auth/verify",
                None,
                json!({"attempt_token": attempt["attempt_token"], "code": code}),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(verified["status"], "password_change_required");
        attempts.push(verified["attempt_token"].clone());
    }
    let answers = join_all(attempts.iter().map(|attempt| {
        app.post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": attempt, "new_password": NEW_PASSWORD, "username": "kees.de.vries"}),
        )
    }))
    .await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 409, 422].contains(s)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn the_feed_never_skips_a_note_whose_transaction_commits_late() {
    use kring_api::{
        entities::{client, dossier_entry},
        services::feed,
    };
    use kring_shared::integration::{FeedKind, Scope};
    use sea_orm::{DbBackend, TransactionTrait};

    let app = spawn_app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        // SQLite lets one writer at a time: positions commit in order by construction.
        return;
    }
    let key = app.api_key(&[Scope::FeedRead]).await;
    let johanna = client::Entity::find_by_id(app.client_id("Johanna").await)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let entries = dossier_entry::Entity::find()
        .filter(dossier_entry::Column::ClientId.eq(johanna.id))
        .all(&app.db)
        .await
        .unwrap();
    let (slow_entry, fast_entry) = (entries[0].id, entries[1].id);
    let start: Value = app
        .get_as(&key, "/api/integration/feed")
        .await
        .json()
        .await
        .unwrap();
    let mut cursor = start["next_cursor"].as_str().unwrap().to_owned();

    // The slow transaction takes its position first and commits last.
    let slow = app.db.begin().await.unwrap();
    feed::append(
        &slow,
        johanna.organisation_id,
        FeedKind::ClientNote,
        slow_entry,
        johanna.id,
        Utc::now(),
    )
    .await
    .unwrap();
    let db = app.db.clone();
    let (org, client_id) = (johanna.organisation_id, johanna.id);
    let fast = tokio::spawn(async move {
        let txn = db.begin().await.unwrap();
        feed::append(
            &txn,
            org,
            FeedKind::ClientNote,
            fast_entry,
            client_id,
            Utc::now(),
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // The ECD pulls and acknowledges while the slow one is still open …
    let mut seen = Vec::new();
    let during = feed_page(&app, &key, &cursor).await;
    for item in during["items"].as_array().unwrap() {
        seen.push(item["id"].as_str().unwrap().to_owned());
    }
    cursor = during["next_cursor"].as_str().unwrap().to_owned();
    slow.commit().await.unwrap();
    fast.await.unwrap();
    // … and after both committed, everything after its cursor arrives: nothing was skipped.
    let after = feed_page(&app, &key, &cursor).await;
    for item in after["items"].as_array().unwrap() {
        seen.push(item["id"].as_str().unwrap().to_owned());
    }
    assert!(seen.contains(&slow_entry.to_string()), "{seen:?}");
    assert!(seen.contains(&fast_entry.to_string()), "{seen:?}");
}

async fn feed_page(app: &TestApp, key: &str, cursor: &str) -> Value {
    app.get_as(key, &format!("/api/integration/feed?after={cursor}"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_care_worker_whose_address_the_ecd_changes_is_told_at_the_old_address() {
    use kring_api::entities::outbox_mail;
    use kring_shared::integration::Scope;

    let app = spawn_app().await;
    let key = app.api_key(&[Scope::ClientsWrite]).await;
    let fatima = app.user("fatima").await;
    let body = json!({
        "first_name": fatima.first_name,
        "last_name": fatima.last_name,
        "email": "f.elamrani@elders.example",
        "mobile": fatima.mobile,
    });
    let response = app
        .put_json("/api/integration/care-workers/MW-2001", &key, body.clone())
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.user("fatima").await.email, "f.elamrani@elders.example");
    assert!(
        app.events_of("fatima")
            .await
            .contains(&"contact_details_changed_by_ecd".to_owned())
    );
    let told = outbox_mail::Entity::find()
        .filter(outbox_mail::Column::ToAddress.eq(fatima.email.as_str()))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(told.len(), 1);
    assert!(told[0].text_body.contains("f.elamrani@elders.example"));
    // The same body again changes nothing and tells nobody.
    app.put_json("/api/integration/care-workers/MW-2001", &key, body)
        .await;
    assert_eq!(
        outbox_mail::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        1
    );
}
