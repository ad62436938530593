//! `GET /api/me`.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn me_lists_each_client_with_the_permissions_held_there() {
    let app = spawn_app().await;
    let token = app.login_as("sandra").await;
    let response = app.get_me(&token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["user"]["username"], "sandra");
    assert_eq!(me["user"]["kind"], "person");
    assert_eq!(me["organisation"]["name"], "Zorggroep De Linde");
    let clients = me["clients"].as_array().unwrap();
    let summary: Vec<(String, String, bool, Value)> = clients
        .iter()
        .map(|membership| {
            (
                membership["client"]["last_name"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                membership["relationship"].as_str().unwrap().to_owned(),
                membership["is_primary_contact"].as_bool().unwrap(),
                membership["permissions"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "Bakker".to_owned(),
                "mentor".to_owned(),
                true,
                serde_json::json!(["messages", "agenda", "dossier", "details", "settings"])
            ),
            (
                "de Vries".to_owned(),
                "mentor".to_owned(),
                false,
                serde_json::json!(["dossier", "details"])
            ),
        ]
    );
}

#[tokio::test]
async fn a_client_who_administers_their_own_portal_is_linked_as_self() {
    let app = spawn_app().await;
    let token = app.login_as("daan").await;
    let me: Value = app.get_me(&token).await.json().await.unwrap();
    assert_eq!(me["clients"][0]["relationship"], "self");
    assert_eq!(me["clients"][0]["client"]["first_name"], "Daan");
    assert!(
        me["clients"][0]["permissions"]
            .as_array()
            .unwrap()
            .contains(&Value::from("settings"))
    );
}

#[tokio::test]
async fn a_contact_without_permissions_still_sees_the_client_but_no_permissions() {
    let app = spawn_app().await;
    let token = app.login_as("kees").await;
    let me: Value = app.get_me(&token).await.json().await.unwrap();
    assert_eq!(me["clients"].as_array().unwrap().len(), 1);
    assert_eq!(me["clients"][0]["permissions"], serde_json::json!([]));
}

#[tokio::test]
async fn care_workers_have_no_client_portals_of_their_own() {
    let app = spawn_app().await;
    let token = app.login_as("fatima").await;
    let me: Value = app.get_me(&token).await.json().await.unwrap();
    assert_eq!(me["user"]["kind"], "care_worker");
    assert_eq!(me["clients"], serde_json::json!([]));
}

#[tokio::test]
async fn a_pending_invitation_does_not_list_the_client() {
    use kring_api::entities::client_contact;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let app = spawn_app().await;
    let mut link: client_contact::ActiveModel = app.link("pieter", "Johanna").await.into();
    link.invitation_state = Set(kring_shared::contacts::InvitationState::Pending);
    link.update(&app.db).await.unwrap();
    let token = app.login_as("pieter").await;
    let me: Value = app.get_me(&token).await.json().await.unwrap();
    assert_eq!(me["clients"], serde_json::json!([]));
}
