//! The web app is served from the same port, with deep links falling back to index.html.

use reqwest::StatusCode;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn deep_links_get_the_web_app_so_the_router_can_show_them() {
    let app = spawn_app().await;
    for path in ["/", "/start", "/inloggen", "/bestaat/niet"] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(response.headers().get("cache-control").unwrap(), "no-cache");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("<title>Kring</title>")
        );
    }
}

#[tokio::test]
async fn built_assets_are_served_and_cached_for_good() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(app.url("/app-0123456789abcdef.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get("cache-control").unwrap(),
        "public, max-age=31536000, immutable"
    );
    assert!(response.text().await.unwrap().contains("export default"));
}

#[tokio::test]
async fn a_missing_asset_is_a_404_not_the_web_app() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(app.url("/missing-0123456789abcdef.js"))
        .send()
        .await
        .unwrap();
    assert_problem(response, 404, "not_found").await;
}

#[tokio::test]
async fn files_outside_the_web_dir_cannot_be_reached() {
    let app = spawn_app().await;
    let key = std::fs::read_to_string(app.data_dir.path().join("keys/jwt-hs256.key")).unwrap();
    for path in [
        "/..%2fkeys%2fjwt-hs256.key",
        "/%2e%2e/keys/jwt-hs256.key",
        "/.%2e/keys/jwt-hs256.key",
        "/..%2fkring.db",
    ] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert!(matches!(status, 200 | 404), "{path}: {status}");
        assert!(!body.contains(key.trim()), "{path} leaked the signing key");
        assert!(
            !body.contains("SQLite format"),
            "{path} leaked the database"
        );
    }
}

#[tokio::test]
async fn the_staff_tools_have_their_own_page_and_every_other_path_the_family_portal() {
    let app = spawn_app().await;
    for (path, title) in [
        ("/beheer", "<title>Kring – Beheer</title>"),
        ("/beheer/koppelingen", "<title>Kring – Beheer</title>"),
        ("/zorg", "<title>Kring – Beheer</title>"),
        ("/zorg/gesprek/1/2", "<title>Kring – Beheer</title>"),
        // The client's data rights, opened now and then, are in the second bundle too.
        ("/download", "<title>Kring – Beheer</title>"),
        ("/bekeken", "<title>Kring – Beheer</title>"),
        ("/downloads", "<title>Kring</title>"),
        ("/zorgen", "<title>Kring</title>"),
        ("/beheerder", "<title>Kring</title>"),
        ("/start", "<title>Kring</title>"),
    ] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.text().await.unwrap().contains(title), "{path}");
    }
}

#[tokio::test]
async fn assets_go_out_precompressed_as_the_browser_accepts_them() {
    let app = spawn_app().await;
    let fetch = |accept: &'static str| {
        app.http
            .get(app.url("/app-0123456789abcdef.js"))
            .header("accept-encoding", accept)
            .send()
    };
    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("br;q=0.5, gzip;q=0.9", Some("gzip"), "gzip bytes"),
        ("identity", None, "export default function init() {}"),
        (
            "br;q=0, gzip;q=0",
            None,
            "export default function init() {}",
        ),
    ] {
        let response = fetch(accept).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        let headers = response.headers();
        assert_eq!(
            headers
                .get("content-encoding")
                .map(|value| value.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        // The type of the file itself, whichever copy is sent; caches keep one per encoding.
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/javascript"),
            "{accept}"
        );
        assert!(
            headers["vary"]
                .to_str()
                .unwrap()
                .to_lowercase()
                .split(", ")
                .any(|name| name == "accept-encoding"),
            "{accept}"
        );
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.text().await.unwrap(), body, "{accept}");
    }
}
