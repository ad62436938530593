//! Login and logout.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn the_right_password_returns_a_short_lived_bearer_token() {
    let app = spawn_app().await;
    let response = app.post_login("marieke", "Kring-Demo-2026").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "authenticated");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3);
}

#[tokio::test]
async fn usernames_are_not_case_sensitive() {
    let app = spawn_app().await;
    let response = app.post_login("  Marieke ", "Kring-Demo-2026").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn passwords_are_case_sensitive() {
    let app = spawn_app().await;
    let response = app.post_login("marieke", "kring-demo-2026").await;
    assert_problem(response, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_exactly_the_same_answer() {
    let app = spawn_app().await;
    let wrong_password = app.post_login("marieke", "Niet-Goed-123").await;
    let unknown_user = app.post_login("onbekend", "Niet-Goed-123").await;
    assert_eq!(wrong_password.status(), unknown_user.status());
    assert_eq!(
        wrong_password.headers().get("www-authenticate"),
        unknown_user.headers().get("www-authenticate")
    );
    let a = assert_problem(wrong_password, 401, "invalid_credentials").await;
    let b = assert_problem(unknown_user, 401, "invalid_credentials").await;
    assert_eq!(a, b);
}

#[tokio::test]
async fn empty_fields_are_named_in_a_validation_problem() {
    let app = spawn_app().await;
    let body = assert_problem(app.post_login(" ", "").await, 422, "validation_failed").await;
    let fields: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| {
            (
                error["field"].as_str().unwrap(),
                error["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![("username", "required"), ("password", "required")]
    );
}

#[tokio::test]
async fn a_password_longer_than_128_characters_is_refused_not_truncated() {
    let app = spawn_app().await;
    let long = format!("Kring-Demo-2026{}", "x".repeat(114));
    assert_eq!(long.chars().count(), 129);
    let body = assert_problem(
        app.post_login("marieke", &long).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["code"], "too_long");
}

#[tokio::test]
async fn logging_out_ends_the_session_so_its_token_stops_working() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    let other_session = app.login_as("marieke").await;
    assert_eq!(app.get_me(&token).await.status(), StatusCode::OK);

    let response = app
        .http
        .post(app.url("/api/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_problem(app.get_me(&token).await, 401, "authentication_required").await;
    assert_eq!(
        app.get_me(&other_session).await.status(),
        StatusCode::OK,
        "only the session that logged out ends"
    );
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    let anonymous = app.http.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(
        anonymous.headers().get("www-authenticate").unwrap(),
        "Bearer"
    );
    assert_problem(anonymous, 401, "authentication_required").await;

    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert_problem(app.get_me(&tampered).await, 401, "authentication_required").await;

    let basic = app
        .http
        .get(app.url("/api/me"))
        .header("authorization", format!("Basic {token}"))
        .send()
        .await
        .unwrap();
    assert_problem(basic, 401, "authentication_required").await;
}

#[tokio::test]
async fn a_token_from_another_server_key_is_refused() {
    let app = spawn_app().await;
    let other = spawn_app().await;
    let foreign = other.login_as("marieke").await;
    assert_problem(app.get_me(&foreign).await, 401, "authentication_required").await;
}
