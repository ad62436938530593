//! Malformed input, unknown paths and wrong methods all answer with problem+json.

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn a_wrong_method_on_a_known_path_gets_405_with_allow() {
    let app = spawn_app().await;
    let response = app.http.delete(app.url("/api/me")).send().await.unwrap();
    assert_eq!(response.headers().get("allow").unwrap(), "GET");
    assert_problem(response, 405, "method_not_allowed").await;

    let response = app
        .http
        .get(app.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("allow").unwrap(), "POST");
    assert_problem(response, 405, "method_not_allowed").await;

    let response = app.http.post(app.url("/healthz")).send().await.unwrap();
    assert_problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn an_unknown_api_path_is_a_404_problem_not_the_web_app() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(app.url("/api/does-not-exist"))
        .send()
        .await
        .unwrap();
    assert_problem(response, 404, "not_found").await;
}

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_problem(response, 400, "malformed_request").await;
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_400_problem() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(app.url("/api/auth/login"))
        .json(&serde_json::json!({ "username": 42 }))
        .send()
        .await
        .unwrap();
    let body = assert_problem(response, 400, "malformed_request").await;
    assert!(body["detail"].as_str().unwrap().contains("shape"));
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415_problem() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(app.url("/api/auth/login"))
        .header("content-type", "text/plain")
        .body("username=marieke")
        .send()
        .await
        .unwrap();
    assert_problem(response, 415, "unsupported_media_type").await;
}
