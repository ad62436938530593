//! Probes and metrics.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn liveness_and_readiness_answer_ok() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.clone().close().await.unwrap();
    let response = app.http.get(app.url("/readyz")).send().await.unwrap();
    crate::helpers::assert_problem(response, 503, "service_unavailable").await;
    let response = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the process itself is still up"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_in_prometheus_format() {
    let app = spawn_app().await;
    app.login_as("marieke").await;
    let response = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(text.contains("# TYPE kring_http_requests_total counter"));
    assert!(text.contains(
        "kring_http_requests_total{endpoint=\"/api/auth/login\",method=\"POST\",status=\"200\"} 1"
    ));
}
