//! `GET /api/clients/{id}/home`: panels per permission and organisation setting, and who may
//! open a client's start screen at all.

use chrono::{Duration, NaiveDate, Utc};
use kring_api::entities::{client_contact, organisation};
use kring_shared::{
    PanelKind,
    home::{HomeView, PanelStatus},
    me::Me,
};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::helpers::{assert_problem, json_as, spawn_app};

#[tokio::test]
async fn each_person_sees_exactly_the_panels_their_permissions_allow() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let cases: [(&str, &[&str]); 4] = [
        ("marieke", &["agenda", "messages", "dossier", "details"]),
        ("pieter", &["agenda", "messages"]),
        ("sandra", &["dossier", "details"]),
        ("kees", &[]),
    ];
    for (username, expected) in cases {
        assert_eq!(
            app.panels_of(username, johanna).await,
            expected,
            "{username}"
        );
    }
}

#[tokio::test]
async fn the_home_view_names_the_client_and_fills_every_panel_with_its_latest() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let home: HomeView = json_as(app.get_home(&token, johanna).await).await;
    assert_eq!(home.client.first_name, "Johanna");
    assert_eq!(home.client.last_name, "de Vries");
    assert_eq!(home.client.birth_date, NaiveDate::from_ymd_opt(1938, 4, 12));
    for panel in &home.panels {
        if panel.kind == PanelKind::Dossier {
            // The demo ECD's newest report, from this morning, is first.
            assert_eq!(panel.status, PanelStatus::Ready);
            let items = &panel.items;
            assert_eq!(items.len(), 3);
            assert_eq!(items[0].title, "Dagrapportage");
            assert_eq!(items[0].subtitle.as_deref(), Some("Fatima El Amrani"));
        } else if panel.kind == PanelKind::Agenda {
            // Tested in `agenda.rs`.
            assert_eq!(panel.status, PanelStatus::Ready);
            assert_eq!(panel.appointments.len(), 4);
        } else if panel.kind == PanelKind::Details {
            // The latest pinboard post (tested in `pinboard.rs`).
            assert_eq!(panel.status, PanelStatus::Ready);
            let latest = panel.latest_post.as_ref().expect("the demo's post");
            assert_eq!(latest.author.first_name, "Marieke");
        } else {
            // Berichten: the latest message of the demo (tested in `messages.rs`).
            assert_eq!(panel.kind, PanelKind::Messages);
            assert_eq!(panel.status, PanelStatus::Ready);
            let latest = panel.latest_message.as_ref().expect("the demo's message");
            assert_eq!(latest.author.first_name, "Pieter");
            assert_eq!(latest.unread, 1);
        }
    }
}

#[tokio::test]
async fn a_panel_the_organisation_switched_off_is_not_shown() {
    let app = spawn_app().await;
    let org = organisation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: organisation::ActiveModel = org.into();
    active.panel_agenda_enabled = Set(false);
    active.panel_messages_enabled = Set(false);
    active.update(&app.db).await.unwrap();
    let johanna = app.client_id("Johanna").await;
    assert_eq!(
        app.panels_of("marieke", johanna).await,
        ["dossier", "details"]
    );
}

#[tokio::test]
async fn a_permission_taken_away_is_gone_at_the_next_request() {
    let app = spawn_app().await;
    let token = app.login_as("pieter").await;
    let johanna = app.client_id("Johanna").await;
    let mut link: client_contact::ActiveModel = app.link("pieter", "Johanna").await.into();
    link.perm_agenda = Set(false);
    link.update(&app.db).await.unwrap();
    let home: HomeView = json_as(app.get_home(&token, johanna).await).await;
    assert_eq!(home.panels.len(), 1);
    assert_eq!(home.panels[0].kind, PanelKind::Messages);
}

#[tokio::test]
async fn a_contact_of_another_client_is_refused() {
    let app = spawn_app().await;
    let token = app.login_as("pieter").await;
    let gerrit = app.client_id("Gerrit").await;
    assert_problem(app.get_home(&token, gerrit).await, 403, "permission_denied").await;
}

#[tokio::test]
async fn care_workers_and_organisation_admins_do_not_open_a_client_portal_here() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    for username in ["fatima", "beheer"] {
        let token = app.login_as(username).await;
        assert_problem(
            app.get_home(&token, johanna).await,
            403,
            "permission_denied",
        )
        .await;
    }
}

#[tokio::test]
async fn a_pending_invitation_gives_no_access_yet() {
    let app = spawn_app().await;
    let token = app.login_as("pieter").await;
    let johanna = app.client_id("Johanna").await;
    let mut link: client_contact::ActiveModel = app.link("pieter", "Johanna").await.into();
    link.invitation_state = Set(kring_shared::contacts::InvitationState::Pending);
    link.update(&app.db).await.unwrap();
    assert_problem(
        app.get_home(&token, johanna).await,
        403,
        "permission_denied",
    )
    .await;
}

#[tokio::test]
async fn access_lasts_the_set_days_after_discharge_then_ends() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let today = Utc::now().date_naive();

    app.discharge("Johanna", today - Duration::days(3)).await;
    let response = app.get_home(&token, johanna).await;
    assert_eq!(response.status(), StatusCode::OK);
    let home: HomeView = json_as(response).await;
    assert_eq!(home.client.discharged_on, Some(today - Duration::days(3)));

    app.discharge("Johanna", today - Duration::days(8)).await;
    assert_problem(
        app.get_home(&token, johanna).await,
        403,
        "permission_denied",
    )
    .await;
    let me: Me = json_as(app.get_me(&token).await).await;
    assert!(me.clients.is_empty());
}

#[tokio::test]
async fn an_unknown_client_is_not_found_and_a_malformed_id_is_a_bad_request() {
    let app = spawn_app().await;
    let token = app.login_as("marieke").await;
    assert_problem(
        app.get_home(&token, uuid::Uuid::new_v4()).await,
        404,
        "not_found",
    )
    .await;
    let response = app.get_as(&token, "/api/clients/not-a-uuid/home").await;
    assert_problem(response, 400, "malformed_request").await;
}

#[tokio::test]
async fn the_home_view_needs_a_login() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let response = app
        .http
        .get(app.url(&format!("/api/clients/{johanna}/home")))
        .send()
        .await
        .unwrap();
    assert_problem(response, 401, "authentication_required").await;
}

#[tokio::test]
async fn every_parallel_start_screen_is_in_the_access_log_when_its_answer_arrives() {
    use kring_api::entities::access_log;
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};

    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let logged = || {
        access_log::Entity::find()
            .filter(access_log::Column::ClientId.eq(johanna))
            .filter(access_log::Column::Object.eq("dossier.home"))
            .count(&app.db)
    };
    let before = logged().await.unwrap();
    // Many readers at once share a group commit; each answer waits for its own row.
    let reads =
        futures_util::future::join_all((0..40).map(|_| app.get_home(&marieke, johanna))).await;
    assert!(reads.iter().all(|read| read.status() == StatusCode::OK));
    assert_eq!(logged().await.unwrap() - before, 40);
    let rows = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(johanna))
        .filter(access_log::Column::Object.eq("dossier.home"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        rows.iter()
            .all(|row| row.user_name == "Marieke de Vries" && row.session_id.is_some())
    );
}
