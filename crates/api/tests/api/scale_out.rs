//! Several instances of one deployment on one database (two `Application`s in this process,
//! each with its own event bus, tickets and throttle as separate processes would have): a
//! ticket from one opens a stream on the other, an ECD push handled by one reaches a stream
//! open on the other (on PostgreSQL, through LISTEN/NOTIFY), a logout on one ends the token on
//! the other, and the sign-in throttle counts across both. `scripts/cluster_test.py` proves the
//! same with separate processes behind nginx.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::{
    dossier::{read_until, stream_ticket as ticket},
    helpers::{TestApp, assert_problem, report_body, spawn_app, spawn_app_with},
};

async fn stream(app: &TestApp, client: Uuid, ticket: &str) -> reqwest::Response {
    app.http
        .get(app.url(&format!("/api/clients/{client}/events?ticket={ticket}")))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_ticket_from_one_instance_opens_a_stream_on_the_other_and_pushes_cross() {
    let first = spawn_app().await;
    let second = first.spawn_sibling().await;
    let johanna = first.client_id("Johanna").await;
    let marieke = first.login_as("marieke").await;

    let issued = ticket(&first, &marieke, johanna).await;
    let mut on_second = stream(&second, johanna, &issued).await;
    assert_eq!(on_second.status(), StatusCode::OK);
    let ready = read_until(&mut on_second, "event: ready", Duration::from_secs(5)).await;
    assert!(ready.contains("event: ready"), "{ready}");
    // Used once, on whichever instance.
    assert_eq!(
        stream(&first, johanna, &issued).await.status(),
        StatusCode::UNAUTHORIZED
    );

    if !first.on_postgres() {
        // SQLite is the one-instance shape: its bus lives in the process.
        return;
    }
    let key = first.ecd_key().await;
    let pushed = Instant::now();
    let created = first
        .put_report(
            &key,
            "ECD-1001",
            "CROSS-1",
            report_body("Via de andere.", 0),
        )
        .await;
    assert!(created.status().is_success(), "{}", created.status());
    let seen = read_until(&mut on_second, "event: dossier", Duration::from_secs(2)).await;
    assert!(seen.contains("event: dossier"), "{seen}");
    assert!(
        pushed.elapsed() < Duration::from_secs(2),
        "{:?}",
        pushed.elapsed()
    );

    // And the other way: a pinboard post written on the second reaches a stream on the first.
    let mut on_first = stream(&first, johanna, &ticket(&second, &marieke, johanna).await).await;
    read_until(&mut on_first, "event: ready", Duration::from_secs(5)).await;
    let posted = second
        .post_json(
            &format!("/api/clients/{johanna}/pinboard"),
            Some(&marieke),
            json!({"text": "Groeten van de tweede.", "photos": []}),
        )
        .await;
    assert!(posted.status().is_success(), "{}", posted.status());
    let seen = read_until(&mut on_first, "event: pinboard", Duration::from_secs(2)).await;
    assert!(seen.contains("event: pinboard"), "{seen}");
}

#[tokio::test]
async fn parallel_redeems_of_one_ticket_on_two_instances_open_one_stream() {
    let first = spawn_app().await;
    let second = first.spawn_sibling().await;
    let johanna = first.client_id("Johanna").await;
    let marieke = first.login_as("marieke").await;
    let issued = ticket(&first, &marieke, johanna).await;
    let tries = (0..8).map(|n| {
        let app = if n % 2 == 0 { &first } else { &second };
        let issued = issued.clone();
        async move { stream(app, johanna, &issued).await.status() }
    });
    let statuses = join_all(tries).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED)
    );
}

#[tokio::test]
async fn a_logout_on_one_instance_ends_the_token_on_the_other() {
    let first = spawn_app().await;
    let second = first.spawn_sibling().await;
    let token = first.login_as("marieke").await;
    assert_eq!(second.get_me(&token).await.status(), StatusCode::OK);
    let out = first
        .http
        .post(first.url("/api/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_problem(second.get_me(&token).await, 401, "authentication_required").await;
}

#[tokio::test]
async fn the_sign_in_throttle_counts_across_instances_under_parallel_requests() {
    let first = spawn_app_with(|config| config.auth_requests_per_minute = 5).await;
    let second = first.spawn_sibling().await;
    let attempts = (0..20).map(|n| {
        let app = if n % 2 == 0 { &first } else { &second };
        async move {
            app.post_login(&format!("niemand-{n}"), "Verkeerd-1")
                .await
                .status()
        }
    });
    let statuses = join_all(attempts).await;
    let passed = statuses
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(passed, 5, "{statuses:?}");
    // The second instance refuses the next one too: it is the deployment's limit.
    assert_problem(
        second.post_login("marieke", "Verkeerd-1").await,
        429,
        "rate_limited",
    )
    .await;
}

#[tokio::test]
async fn instances_starting_at_once_on_a_new_database_all_start() {
    // On PostgreSQL the migrations run under an advisory lock; SQLite is one instance.
    let Some(url) = crate::helpers::fresh_postgres_database().await else {
        return;
    };
    let dirs: Vec<_> = (0..3)
        .map(|_| tempfile::tempdir().expect("temp dir"))
        .collect();
    let builds = dirs.iter().map(|dir| {
        kring_api::Application::build(kring_api::Config {
            listen: "127.0.0.1:0".to_owned(),
            data_dir: dir.path().to_path_buf(),
            database_url: Some(url.clone()),
            web_dir: dir.path().join("web"),
            ..kring_api::Config::default()
        })
    });
    for built in join_all(builds).await {
        let app = built.expect("every instance starts");
        // The schema is whole: a table of the last migration answers.
        let answered = sea_orm::ConnectionTrait::execute_unprepared(
            app.db(),
            "SELECT count(*) FROM sign_in_throttle",
        )
        .await;
        assert!(answered.is_ok(), "{answered:?}");
    }
}
