//! The login lifecycle: lockout, first login with a temporary password, changing and
//! resetting passwords (through real SMTP), refresh-token rotation, timeouts, sessions and the
//! security log.

use chrono::{Duration, Utc};
use kring_api::{
    entities::{password_reset, refresh_token, session, user},
    services::demo::DEMO_PASSWORD,
};
use kring_shared::{
    admin::AdminUserSummary,
    auth::{ContactDetailsSaved, LoginResponse, ResetLinkInfo, SessionSummary},
    me::Me,
    password::PasswordPolicy,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{
    SmtpServer, TestApp, access_token_of, assert_problem, assert_problem_dto, field_errors,
    json_as, refresh_cookie, set_org, spawn_app, spawn_app_with,
};

const NEW_PASSWORD: &str = "Zonnebloem-2026";

async fn make_temporary(app: &TestApp, username: &str, chosen: bool) {
    let mut active: user::ActiveModel = app.user(username).await.into();
    active.must_change_password = Set(true);
    active.username_chosen = Set(chosen);
    active.update(&app.db).await.unwrap();
}

// ---------------------------------------------------------------- lockout and enumeration

#[tokio::test]
async fn the_fifth_wrong_password_blocks_the_account_and_then_even_the_right_one_is_refused() {
    let app = spawn_app().await;
    for attempt in 1..=5 {
        // Every wrong password gets the generic answer, the blocking one too.
        let response = app.post_login("pieter", "Verkeerd-123").await;
        assert_problem(response, 401, "invalid_credentials").await;
        assert_eq!(app.user("pieter").await.failed_logins, attempt);
    }
    assert!(app.user("pieter").await.locked_at.is_some());
    let blocked = app.post_login("pieter", DEMO_PASSWORD).await;
    let body = assert_problem_dto(blocked, 423, "account_locked").await;
    assert!(body.detail.unwrap().contains("forgot password"));
    let events = app.events_of("pieter").await;
    assert_eq!(events.iter().filter(|e| *e == "login_failed").count(), 5);
    assert!(events.contains(&"account_locked".to_owned()));
    assert!(events.contains(&"login_while_locked".to_owned()));
}

#[tokio::test]
async fn the_threshold_is_the_organisation_setting_and_a_success_resets_the_count() {
    let app = spawn_app().await;
    set_org(&app, |org| org.lockout_threshold = Set(2)).await;
    assert_problem(
        app.post_login("pieter", "Verkeerd-1").await,
        401,
        "invalid_credentials",
    )
    .await;
    app.login_as("pieter").await;
    assert_eq!(app.user("pieter").await.failed_logins, 0);
    for wrong in ["Verkeerd-1", "Verkeerd-2"] {
        assert_problem(
            app.post_login("pieter", wrong).await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    assert_problem(
        app.post_login("pieter", DEMO_PASSWORD).await,
        423,
        "account_locked",
    )
    .await;
}

#[tokio::test]
async fn a_blocked_account_loses_its_open_sessions_too() {
    let app = spawn_app().await;
    let token = app.login_as("pieter").await;
    for _ in 0..5 {
        app.post_login("pieter", "Verkeerd-123").await;
    }
    assert_problem(app.get_me(&token).await, 401, "authentication_required").await;
}

#[tokio::test]
async fn an_unknown_user_and_a_wrong_password_get_the_same_status_and_body() {
    let app = spawn_app().await;
    let unknown = app.post_login("niemand", "Verkeerd-123").await;
    let wrong = app.post_login("marieke", "Verkeerd-123").await;
    assert_eq!(unknown.status(), wrong.status());
    let unknown: Value = unknown.json().await.unwrap();
    let wrong: Value = wrong.json().await.unwrap();
    assert_eq!(unknown, wrong);
}

// ---------------------------------------------------------------- first login

#[tokio::test]
async fn a_temporary_password_leads_to_a_forced_change_with_a_one_time_username_choice() {
    let app = spawn_app().await;
    make_temporary(&app, "kees", false).await;
    let response = app.post_login("kees", DEMO_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert!(
        refresh_cookie(&response).is_none(),
        "no session before the new password"
    );
    // Raw JSON on purpose: no access token may be on the wire at all.
    let raw: Value = response.json().await.unwrap();
    assert!(raw.get("access_token").is_none());
    let challenge = serde_json::from_value(raw).unwrap();
    let LoginResponse::PasswordChangeRequired(challenge) = challenge else {
        panic!("no password change asked: {challenge:?}");
    };
    assert!(challenge.may_choose_username);
    assert_eq!(challenge.password_policy, PasswordPolicy::Composition);
    let attempt = challenge.attempt_token;

    // A weak password and a taken username are refused; the attempt stays usable.
    let weak = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": attempt, "new_password": "kort"}),
        )
        .await;
    let body = assert_problem_dto(weak, 422, "validation_failed").await;
    let codes: Vec<&str> = body.errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["too_short", "needs_uppercase", "needs_digit"]);
    let taken = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": attempt, "new_password": NEW_PASSWORD, "username": "Marieke"}),
        )
        .await;
    let body = assert_problem_dto(taken, 422, "validation_failed").await;
    assert_eq!(field_errors(&body)[0], ("username", "taken"));
    let same = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": attempt, "new_password": DEMO_PASSWORD}),
        )
        .await;
    let body = assert_problem_dto(same, 422, "validation_failed").await;
    assert_eq!(body.errors[0].code, "recently_used");

    let done = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": attempt, "new_password": NEW_PASSWORD, "username": " K.de.Vries "}),
        )
        .await;
    assert_eq!(done.status(), 200);
    assert!(refresh_cookie(&done).is_some());
    let signed_in = access_token_of(json_as(done).await);
    let me: Me = json_as(app.get_me(&signed_in).await).await;
    assert_eq!(me.user.username, "k.de.vries");

    // The attempt cannot be replayed; the new name and password work; the old ones do not.
    let replay = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": attempt, "new_password": "Andere-Bloem-7"}),
        )
        .await;
    assert_problem(replay, 401, "login_attempt_expired").await;
    app.login_with_refresh("k.de.vries", NEW_PASSWORD).await;
    assert_problem(
        app.post_login("kees", DEMO_PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert!(app.user("k.de.vries").await.username_chosen);
}

#[tokio::test]
async fn a_username_can_only_be_chosen_once() {
    let app = spawn_app().await;
    make_temporary(&app, "kees", true).await;
    let challenge = json_as(app.post_login("kees", DEMO_PASSWORD).await).await;
    let LoginResponse::PasswordChangeRequired(challenge) = challenge else {
        panic!("no password change asked: {challenge:?}");
    };
    assert!(!challenge.may_choose_username);
    let response = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": challenge.attempt_token, "new_password": NEW_PASSWORD, "username": "kees2"}),
        )
        .await;
    let body = assert_problem_dto(response, 422, "validation_failed").await;
    assert_eq!(field_errors(&body)[0], ("username", "already_chosen"));
}

#[tokio::test]
async fn an_unknown_attempt_token_is_refused() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": "bogus", "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(response, 401, "login_attempt_expired").await;
}

// ---------------------------------------------------------------- changing the password

#[tokio::test]
async fn changing_the_password_checks_the_current_one_the_policy_and_ends_other_sessions() {
    let app = spawn_app().await;
    let (other, other_refresh) = app.login_with_refresh("marieke", DEMO_PASSWORD).await;
    let (token, _) = app.login_with_refresh("marieke", DEMO_PASSWORD).await;

    let wrong = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": "Verkeerd-1", "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(wrong, 422, "reauthentication_failed").await;
    for (candidate, code) in [
        ("Welkom01", "too_common"),
        ("Password1", "too_common"),
        ("Marieke", "too_short"),
        ("Devries1", "too_common"),
        (DEMO_PASSWORD, "recently_used"),
    ] {
        let response = app
            .post_json(
                "/api/me/password",
                Some(&token),
                json!({"current_password": DEMO_PASSWORD, "new_password": candidate}),
            )
            .await;
        let body = assert_problem_dto(response, 422, "validation_failed").await;
        assert_eq!(body.errors[0].code, code, "{candidate}");
    }
    assert_eq!(
        app.get_me(&other).await.status(),
        200,
        "refused changes end nothing"
    );
    let changed = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(changed.status(), 204);
    assert_problem(app.get_me(&other).await, 401, "authentication_required").await;
    assert_problem(
        app.post_refresh(&other_refresh).await,
        401,
        "authentication_required",
    )
    .await;
    assert_eq!(app.get_me(&token).await.status(), 200);
    app.login_with_refresh("marieke", NEW_PASSWORD).await;
    let events = app.events_of("marieke").await;
    assert!(events.contains(&"password_changed".to_owned()));
    assert!(events.contains(&"other_sessions_ended".to_owned()));
}

#[tokio::test]
async fn none_of_the_last_twelve_passwords_may_come_back() {
    let app = spawn_app().await;
    let token = app.login_as("daan").await;
    let mut current = DEMO_PASSWORD.to_owned();
    for round in 1..=12 {
        let next = format!("Herfstblad-{round:02}x");
        let response = app
            .post_json(
                "/api/me/password",
                Some(&token),
                json!({"current_password": current, "new_password": next}),
            )
            .await;
        assert_eq!(response.status(), 204, "round {round}");
        current = next;
    }
    // Herfstblad-01x was 12 passwords ago (the current one counts): refused; the demo
    // password was 13 ago: allowed again.
    let recent = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": current, "new_password": "Herfstblad-01x"}),
        )
        .await;
    let body = assert_problem_dto(recent, 422, "validation_failed").await;
    assert_eq!(body.errors[0].code, "recently_used");
    let old = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": current, "new_password": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(old.status(), 204);
}

#[tokio::test]
async fn the_length_only_policy_wants_fifteen_characters_without_composition_rules() {
    let app = spawn_app().await;
    set_org(&app, |org| {
        org.password_policy = Set(kring_shared::password::PasswordPolicy::LengthOnly)
    })
    .await;
    let token = app.login_as("daan").await;
    let short = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD, "new_password": "Zomeravond7"}),
        )
        .await;
    let body = assert_problem_dto(short, 422, "validation_failed").await;
    assert_eq!(field_errors(&body), [("new_password", "too_short")]);
    let long = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD, "new_password": "de kat zit op de mat"}),
        )
        .await;
    assert_eq!(long.status(), 204);
    let me: Me = json_as(app.get_me(&token).await).await;
    assert_eq!(me.organisation.password_policy, PasswordPolicy::LengthOnly);
}

#[tokio::test]
async fn a_129_character_password_is_refused_and_128_is_accepted() {
    let app = spawn_app().await;
    let token = app.login_as("daan").await;
    let long = format!("Aa1{}", "x".repeat(126));
    let response = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD, "new_password": long}),
        )
        .await;
    let body = assert_problem_dto(response, 422, "validation_failed").await;
    assert_eq!(body.errors[0].code, "too_long");
    let exact = &long[..128];
    let response = app
        .post_json(
            "/api/me/password",
            Some(&token),
            json!({"current_password": DEMO_PASSWORD, "new_password": exact}),
        )
        .await;
    assert_eq!(response.status(), 204);
    app.login_with_refresh("daan", exact).await;
    // Not truncated: the first 127 characters are not the password.
    assert_problem(
        app.post_login("daan", &exact[..127]).await,
        401,
        "invalid_credentials",
    )
    .await;
}

// ---------------------------------------------------------------- forgot password (real SMTP)

#[tokio::test]
async fn forgot_password_mails_a_link_that_resets_unblocks_and_ends_sessions() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| {
        smtp.configure(config);
        config.public_url = Some("https://portaal.delinde.example".to_owned());
    })
    .await;
    let old_session = app.login_as("pieter").await;
    for _ in 0..5 {
        app.post_login("pieter", "Verkeerd-123").await;
    }
    assert_problem(
        app.post_login("pieter", DEMO_PASSWORD).await,
        423,
        "account_locked",
    )
    .await;

    let response = app
        .post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "Pieter", "email": "PIETER@demo.kring.nl "}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let mail = smtp.wait_for_message(1).await;
    assert!(mail.to.contains("pieter@demo.kring.nl"), "{}", mail.to);
    assert!(mail.from.contains("portaal@delinde.example"));
    assert_eq!(mail.subject, "Nieuw wachtwoord voor Zorggroep De Linde");
    assert!(mail.text.contains("binnen 10 minuten"));
    assert!(
        mail.html
            .contains("<a href=\"https://portaal.delinde.example/wachtwoord-herstellen?token=")
    );
    let link = mail.link("https://portaal.delinde.example/wachtwoord-herstellen?token=");
    let token = link.split("token=").nth(1).unwrap().to_owned();

    let info: ResetLinkInfo = json_as(
        app.http
            .get(app.url(&format!("/api/auth/password-reset/{token}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(info.password_policy, PasswordPolicy::Composition);
    assert!(info.expires_in > 500);

    let weak = app
        .post_json(
            "/api/auth/password-reset",
            None,
            json!({"token": token, "new_password": "zwak"}),
        )
        .await;
    assert_problem(weak, 422, "validation_failed").await;
    let done = app
        .post_json(
            "/api/auth/password-reset",
            None,
            json!({"token": token, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(done.status(), 204);

    app.login_with_refresh("pieter", NEW_PASSWORD).await;
    assert_problem(
        app.get_me(&old_session).await,
        401,
        "authentication_required",
    )
    .await;
    let again = app
        .post_json(
            "/api/auth/password-reset",
            None,
            json!({"token": token, "new_password": "Nog-Een-Keer-9"}),
        )
        .await;
    assert_problem(again, 410, "reset_link_invalid").await;
    let events = app.events_of("pieter").await;
    assert!(events.contains(&"reset_requested".to_owned()));
    assert!(events.contains(&"reset_used".to_owned()));
}

#[tokio::test]
async fn a_reset_link_expires_after_the_organisation_minutes() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    set_org(&app, |org| org.reset_link_minutes = Set(5)).await;
    app.post_json(
        "/api/auth/forgot-password",
        None,
        json!({"username": "daan", "email": "daan@demo.kring.nl"}),
    )
    .await;
    let mail = smtp.wait_for_message(1).await;
    assert!(mail.text.contains("binnen 5 minuten"));
    let token = mail
        .link("http://")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_owned();
    let stored = password_reset::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let lifetime = stored.expires_at - stored.created_at;
    assert_eq!(lifetime, Duration::minutes(5));
    let mut active: password_reset::ActiveModel = stored.into();
    active.expires_at = Set(Utc::now() - Duration::seconds(1));
    active.update(&app.db).await.unwrap();
    let info = app
        .http
        .get(app.url(&format!("/api/auth/password-reset/{token}")))
        .send()
        .await
        .unwrap();
    assert_problem(info, 410, "reset_link_invalid").await;
    let reset = app
        .post_json(
            "/api/auth/password-reset",
            None,
            json!({"token": token, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_problem(reset, 410, "reset_link_invalid").await;
    app.login_as("daan").await;
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_matching_and_wrong_details_and_mails_only_a_match() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let mut answers = Vec::new();
    for (username, email) in [
        ("niemand", "niemand@demo.kring.nl"),
        ("marieke", "iemand-anders@demo.kring.nl"),
        ("marieke", "marieke@demo.kring.nl"),
    ] {
        let response = app
            .post_json(
                "/api/auth/forgot-password",
                None,
                json!({"username": username, "email": email}),
            )
            .await;
        answers.push((response.status().as_u16(), response.text().await.unwrap()));
    }
    assert!(
        answers.iter().all(|answer| *answer == answers[0]),
        "{answers:?}"
    );
    let mail = smtp.wait_for_message(1).await;
    assert!(mail.to.contains("marieke@demo.kring.nl"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn an_english_speaking_user_gets_the_reset_mail_in_english() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let mut active: user::ActiveModel = app.user("sandra").await.into();
    active.language = Set(kring_shared::me::Language::En);
    active.update(&app.db).await.unwrap();
    app.post_json(
        "/api/auth/forgot-password",
        None,
        json!({"username": "sandra", "email": "sandra@demo.kring.nl"}),
    )
    .await;
    let mail = smtp.wait_for_message(1).await;
    assert_eq!(mail.subject, "Reset your password for Zorggroep De Linde");
    assert!(mail.text.contains("within 10 minutes"));
}

#[tokio::test]
async fn without_smtp_the_reset_mail_goes_to_the_outbox() {
    let app = spawn_app().await;
    app.post_json(
        "/api/auth/forgot-password",
        None,
        json!({"username": "daan", "email": "daan@demo.kring.nl"}),
    )
    .await;
    let outbox = app.data_dir.path().join("outbox");
    let mut found = None;
    for _ in 0..100 {
        if let Ok(mut entries) = std::fs::read_dir(&outbox)
            && let Some(Ok(entry)) = entries.next()
        {
            found = Some(std::fs::read_to_string(entry.path()).unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let content = found.expect("a message in the outbox");
    assert!(content.contains("To: Daan Smit <daan@demo.kring.nl>"));
    assert!(content.contains("/wachtwoord-herstellen?token="));
}

// ---------------------------------------------------------------- refresh tokens and sessions

#[tokio::test]
async fn the_refresh_cookie_is_httponly_strict_secure_and_limited_to_the_auth_path() {
    let app = spawn_app().await;
    let response = app.post_login("marieke", DEMO_PASSWORD).await;
    let (value, attributes) = refresh_cookie(&response).expect("cookie");
    assert!(value.len() >= 43);
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
    let body: Value = response.json().await.unwrap();
    assert!(
        !body.to_string().contains(&value),
        "the refresh token never appears in the body"
    );
}

#[tokio::test]
async fn refreshing_rotates_the_token_and_reusing_an_old_one_ends_the_session() {
    let app = spawn_app().await;
    let (_, first) = app.login_with_refresh("marieke", DEMO_PASSWORD).await;
    let response = app.post_refresh(&first).await;
    assert_eq!(response.status(), 200);
    let (second, _) = refresh_cookie(&response).expect("a new cookie");
    assert_ne!(first, second);
    let access = access_token_of(json_as(response).await);
    assert_eq!(app.get_me(&access).await.status(), 200);

    // The first token again, after the few seconds in which a racing renewal may bring it
    // back: theft. The whole family ends, also the newest token.
    let used = refresh_token::Entity::find()
        .filter(refresh_token::Column::UsedAt.is_not_null())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut aged: refresh_token::ActiveModel = used.into();
    aged.used_at = Set(Some(Utc::now() - Duration::seconds(30)));
    aged.update(&app.db).await.unwrap();
    let reuse = app.post_refresh(&first).await;
    let (cleared, _) = refresh_cookie(&reuse).expect("the cookie is cleared");
    assert!(cleared.is_empty());
    assert_problem(reuse, 401, "authentication_required").await;
    assert_problem(
        app.post_refresh(&second).await,
        401,
        "authentication_required",
    )
    .await;
    assert_problem(app.get_me(&access).await, 401, "authentication_required").await;
    assert!(
        app.events_of("marieke")
            .await
            .contains(&"refresh_reuse_detected".to_owned())
    );
}

#[tokio::test]
async fn logging_out_revokes_the_refresh_token_and_clears_the_cookie() {
    let app = spawn_app().await;
    let (access, refresh) = app.login_with_refresh("marieke", DEMO_PASSWORD).await;
    let response = app
        .post_json("/api/auth/logout", Some(&access), json!({}))
        .await;
    assert_eq!(response.status(), 204);
    let (cleared, attributes) = refresh_cookie(&response).expect("removal cookie");
    assert!(cleared.is_empty());
    assert!(attributes.contains("Max-Age=0") || attributes.contains("1970"));
    assert_problem(
        app.post_refresh(&refresh).await,
        401,
        "authentication_required",
    )
    .await;
    assert!(
        app.events_of("marieke")
            .await
            .contains(&"logout".to_owned())
    );
}

#[tokio::test]
async fn a_session_idle_longer_than_the_organisation_allows_has_ended() {
    let app = spawn_app().await;
    let (access, refresh) = app.login_with_refresh("marieke", DEMO_PASSWORD).await;
    let stored = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut active: session::ActiveModel = stored.clone().into();
    active.last_seen_at = Set(Some(Utc::now() - Duration::minutes(29)));
    active.update(&app.db).await.unwrap();
    assert_eq!(
        app.get_me(&access).await.status(),
        200,
        "29 minutes idle is fine"
    );
    let mut active: session::ActiveModel = stored.into();
    active.last_seen_at = Set(Some(Utc::now() - Duration::minutes(31)));
    active.update(&app.db).await.unwrap();
    assert_problem(app.get_me(&access).await, 401, "authentication_required").await;
    assert_problem(
        app.post_refresh(&refresh).await,
        401,
        "authentication_required",
    )
    .await;
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_even_when_active() {
    let app = spawn_app().await;
    let (access, refresh) = app.login_with_refresh("marieke", DEMO_PASSWORD).await;
    let stored = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(stored.expires_at - stored.created_at, Duration::hours(12));
    let mut active: session::ActiveModel = stored.into();
    active.expires_at = Set(Utc::now() - Duration::seconds(1));
    active.update(&app.db).await.unwrap();
    assert_problem(app.get_me(&access).await, 401, "authentication_required").await;
    assert_problem(
        app.post_refresh(&refresh).await,
        401,
        "authentication_required",
    )
    .await;
}

#[tokio::test]
async fn a_refresh_without_cookie_or_with_a_made_up_one_is_refused() {
    let app = spawn_app().await;
    let none = app
        .http
        .post(app.url("/api/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_problem(none, 401, "authentication_required").await;
    assert_problem(
        app.post_refresh("made-up").await,
        401,
        "authentication_required",
    )
    .await;
}

#[tokio::test]
async fn a_user_sees_their_sessions_and_can_end_one_but_not_someone_elses() {
    let app = spawn_app().await;
    let (phone, _) = app.login_with_refresh("marieke", DEMO_PASSWORD).await;
    let (desk, _) = app.login_with_refresh("marieke", DEMO_PASSWORD).await;
    let list: Vec<SessionSummary> = json_as(app.get_as(&desk, "/api/me/sessions").await).await;
    assert_eq!(list.len(), 2);
    assert!(list[0].current);
    let other_id = list[1].id;

    let sandra = app.login_as("sandra").await;
    let foreign = app
        .http
        .delete(app.url(&format!("/api/me/sessions/{other_id}")))
        .bearer_auth(&sandra)
        .send()
        .await
        .unwrap();
    assert_problem(foreign, 404, "not_found").await;
    assert_eq!(app.get_me(&phone).await.status(), 200);

    let ended = app
        .http
        .delete(app.url(&format!("/api/me/sessions/{other_id}")))
        .bearer_auth(&desk)
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 204);
    assert_problem(app.get_me(&phone).await, 401, "authentication_required").await;
    let list: Vec<SessionSummary> = json_as(app.get_as(&desk, "/api/me/sessions").await).await;
    assert_eq!(list.len(), 1);
}

// ---------------------------------------------------------------- the security log

#[tokio::test]
async fn the_security_log_has_time_ip_and_agent_but_never_a_secret() {
    let app = spawn_app().await;
    app.http
        .post(app.url("/api/auth/login"))
        .header("user-agent", "KringTest/1.0")
        .json(&json!({"username": "daan", "password": "Geheim-Fout-1"}))
        .send()
        .await
        .unwrap();
    let (access, refresh) = app.login_with_refresh("daan", DEMO_PASSWORD).await;
    app.post_json("/api/auth/logout", Some(&access), json!({}))
        .await;
    let user_id = app.user("daan").await.id;
    let events = kring_api::entities::auth_event::Entity::find()
        .filter(kring_api::entities::auth_event::Column::UserId.eq(user_id))
        .all(&app.db)
        .await
        .unwrap();
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        names,
        [
            "login_failed",
            "code_sent",
            "code_verified",
            "login_succeeded",
            "logout"
        ]
    );
    assert_eq!(events[0].user_agent.as_deref(), Some("KringTest/1.0"));
    assert_eq!(events[0].ip_address.as_deref(), Some("127.0.0.1"));
    assert!(events[3].session_id.is_some());
    let everything = format!("{events:?}");
    for secret in [
        "Geheim-Fout-1",
        DEMO_PASSWORD,
        access.as_str(),
        refresh.as_str(),
    ] {
        assert!(!everything.contains(secret));
    }
}

// ---------------------------------------------------------------- throttling

#[tokio::test]
async fn one_address_is_throttled_across_accounts_with_a_429_problem() {
    let app = spawn_app_with(|config| config.auth_requests_per_minute = 3).await;
    for username in ["marieke", "pieter", "sandra"] {
        assert_problem(
            app.post_login(username, "Verkeerd-1").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    let throttled = app.post_login("daan", DEMO_PASSWORD).await;
    let retry: u64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=61).contains(&retry), "{retry}");
    assert_problem(throttled, 429, "rate_limited").await;
    let forgot = app
        .post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "daan", "email": "daan@demo.kring.nl"}),
        )
        .await;
    assert_problem(forgot, 429, "rate_limited").await;
    // Signed-in work is not throttled.
    assert_eq!(
        app.http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

// ---------------------------------------------------------------- contact details

#[tokio::test]
async fn contact_details_change_only_with_the_password_and_the_mobile_is_stored_in_e164() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    let put = |body: Value| {
        app.http
            .put(app.url("/api/me/contact"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let wrong = put(
        json!({"current_password": "Verkeerd-1", "email": "m@example.nl", "mobile": "0612345699"}),
    )
    .await
    .unwrap();
    assert_problem(wrong, 422, "reauthentication_failed").await;
    assert!(
        app.events_of("marieke")
            .await
            .contains(&"reauthentication_failed".to_owned())
    );
    let invalid = put(
        json!({"current_password": DEMO_PASSWORD, "email": "geen-adres", "mobile": "020-5551234"}),
    )
    .await
    .unwrap();
    let body = assert_problem_dto(invalid, 422, "validation_failed").await;
    assert_eq!(
        field_errors(&body),
        [("email", "invalid"), ("mobile", "not_mobile")]
    );
    assert_eq!(
        app.user("marieke").await.email,
        "marieke@demo.kring.nl",
        "nothing half-saved"
    );

    let saved = put(json!({"current_password": DEMO_PASSWORD, "email": " Marieke.deVries@Example.nl ", "mobile": "06-1234 5699"}))
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let saved: ContactDetailsSaved = json_as(saved).await;
    assert_eq!(
        saved.mobile_verification.unwrap().phone_hint,
        "•• ••• •• 99"
    );
    let me: Me = json_as(app.get_me(&token).await).await;
    assert_eq!(me.user.email, "marieke.devries@example.nl");
    assert_eq!(
        me.user.mobile.as_deref(),
        Some("+31612345601"),
        "the new number waits for its code"
    );
    assert!(
        app.events_of("marieke")
            .await
            .contains(&"contact_details_changed".to_owned())
    );
}

#[tokio::test]
async fn a_new_mobile_number_is_saved_only_with_the_code_sent_to_it() {
    let app = spawn_app().await;
    let token = app.login_as("pieter").await;
    let old_mobile = app.user("pieter").await.mobile.unwrap();
    let confirm = |code: String| {
        app.post_json(
            "/api/me/contact/mobile/confirm",
            Some(&token),
            json!({"code": code}),
        )
    };
    assert_problem(confirm("123456".into()).await, 422, "invalid_code").await;
    let saved = app
        .http
        .put(app.url("/api/me/contact"))
        .bearer_auth(&token)
        .json(&json!({"current_password": DEMO_PASSWORD, "email": "pieter@demo.kring.nl", "mobile": "+31 6 1234 5698"}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let first_code = app.latest_code_to("+31612345698");
    assert_eq!(app.user("pieter").await.mobile.unwrap(), old_mobile);

    // Asking again too soon is refused; the code already sent stays valid.
    let resend = app
        .post_json("/api/me/contact/mobile/resend", Some(&token), json!({}))
        .await;
    assert_eq!(resend.status(), 429);
    assert!(resend.headers().contains_key("retry-after"));

    let wrong = if first_code == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_problem(confirm(wrong.into()).await, 422, "invalid_code").await;
    assert_eq!(app.user("pieter").await.mobile.unwrap(), old_mobile);
    assert_eq!(confirm(first_code.clone()).await.status(), 204);
    assert_eq!(
        app.user("pieter").await.mobile.as_deref(),
        Some("+31612345698")
    );
    assert_problem(confirm(first_code).await, 422, "invalid_code").await;
    let events = app.events_of("pieter").await;
    for event in ["mobile_code_sent", "mobile_code_failed", "mobile_changed"] {
        assert!(events.contains(&event.to_owned()), "{event}");
    }
    // The next login code goes to the new number.
    let attempt = json_as(app.post_password("pieter", DEMO_PASSWORD).await).await;
    let LoginResponse::VerificationRequired(attempt) = attempt else {
        panic!("no code asked: {attempt:?}");
    };
    assert_eq!(attempt.phone_hint, "•• ••• •• 98");
    let login_code = app.latest_code_to("+31612345698");
    let verified = app
        .post_json(
            "/api/auth/verify",
            None,
            json!({"attempt_token": attempt.attempt_token, "code": login_code}),
        )
        .await;
    assert_eq!(verified.status(), 200);
}

#[tokio::test]
async fn a_wrong_mobile_code_five_times_needs_a_new_code() {
    let app = spawn_app().await;
    let token = app.login_as("kees").await;
    app.http
        .put(app.url("/api/me/contact"))
        .bearer_auth(&token)
        .json(&json!({"current_password": DEMO_PASSWORD, "email": "kees@demo.kring.nl", "mobile": "0612345697"}))
        .send()
        .await
        .unwrap();
    let code = app.latest_code_to("+31612345697");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let response = app
            .post_json(
                "/api/me/contact/mobile/confirm",
                Some(&token),
                json!({"code": wrong}),
            )
            .await;
        assert_problem(response, 422, "invalid_code").await;
    }
    let late = app
        .post_json(
            "/api/me/contact/mobile/confirm",
            Some(&token),
            json!({"code": code}),
        )
        .await;
    assert_problem(late, 422, "invalid_code").await;
    assert_eq!(
        app.user("kees").await.mobile.as_deref(),
        Some("+31612345603")
    );
}

// ---------------------------------------------------------------- temporary password by an administrator

#[tokio::test]
async fn an_organisation_admin_mails_a_temporary_password_that_must_be_replaced_at_login() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let pieter = app.user("pieter").await;
    let old_session = app.login_as("pieter").await;
    let path = format!("/api/admin/users/{}/temporary-password", pieter.id);

    let marieke = app.login_as("marieke").await;
    assert_problem(
        app.post_json(&path, Some(&marieke), json!({})).await,
        403,
        "permission_denied",
    )
    .await;
    let admin = app.login_as("beheer").await;
    let unknown = format!(
        "/api/admin/users/{}/temporary-password",
        uuid::Uuid::new_v4()
    );
    assert_problem(
        app.post_json(&unknown, Some(&admin), json!({})).await,
        404,
        "not_found",
    )
    .await;

    assert_eq!(
        app.post_json(&path, Some(&admin), json!({})).await.status(),
        204
    );
    let mail = smtp.wait_for_message(1).await;
    assert_eq!(mail.subject, "Tijdelijk wachtwoord voor Zorggroep De Linde");
    assert!(mail.text.contains("Gebruikersnaam: pieter"));
    let temporary = mail
        .text
        .lines()
        .find_map(|line| line.strip_prefix("Tijdelijk wachtwoord: "))
        .expect("the password in the mail")
        .trim()
        .to_owned();
    assert_problem(
        app.get_me(&old_session).await,
        401,
        "authentication_required",
    )
    .await;
    assert_problem(
        app.post_login("pieter", DEMO_PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    let step = json_as(app.post_login("pieter", &temporary).await).await;
    let LoginResponse::PasswordChangeRequired(step) = step else {
        panic!("no password change asked: {step:?}");
    };
    let done = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": step.attempt_token, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(done.status(), 200);
    assert!(
        app.events_of("pieter")
            .await
            .contains(&"temporary_password_issued".to_owned())
    );
}

#[tokio::test]
async fn the_organisation_admin_lists_and_searches_the_organisations_accounts() {
    let app = spawn_app().await;
    let admin = app.login_as("beheer").await;
    let all: Vec<AdminUserSummary> = json_as(app.get_as(&admin, "/api/admin/users").await).await;
    let names: Vec<&str> = all.iter().map(|user| user.username.as_str()).collect();
    assert!(names.contains(&"marieke") && names.contains(&"beheer"));
    // Raw JSON on purpose: no password hash may be on the wire at all.
    let raw: Value = app
        .get_as(&admin, "/api/admin/users?q=DE%20VRIES")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        raw.as_array()
            .unwrap()
            .iter()
            .all(|user| user.get("password_hash").is_none())
    );
    let found: Vec<AdminUserSummary> = serde_json::from_value(raw).unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|user| user.last_name.contains("de Vries")));
    let none: Vec<AdminUserSummary> =
        json_as(app.get_as(&admin, "/api/admin/users?q=%25").await).await;
    assert!(none.is_empty(), "a % is searched for, not a wildcard");

    let marieke = app.login_as("marieke").await;
    assert_problem(
        app.get_as(&marieke, "/api/admin/users").await,
        403,
        "permission_denied",
    )
    .await;
    let anonymous = app
        .http
        .get(app.url("/api/admin/users"))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "authentication_required").await;
}

#[tokio::test]
async fn a_reset_request_states_what_is_wrong_with_its_fields() {
    let app = spawn_app().await;
    let too_long = app
        .post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "a".repeat(65), "email": "daan@demo.kring.nl"}),
        )
        .await;
    let problem = assert_problem_dto(too_long, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("username", "too_long")]);
    let not_an_address = app
        .post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "daan", "email": "daan@demo"}),
        )
        .await;
    let problem = assert_problem_dto(not_an_address, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("email", "invalid")]);
}
