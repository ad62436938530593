//! The organisation settings in the admin console: only the organisation admin reads and
//! changes them, a bad value saves nothing, and a change is what users notice next.

use kring_api::services::demo::DEMO_PASSWORD;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn only_the_organisation_admin_reads_and_changes_the_settings() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    assert_problem(
        app.get_as(&marieke, "/api/admin/organisation").await,
        403,
        "permission_denied",
    )
    .await;
    let admin = app.login_as("beheer").await;
    let settings: Value = app
        .get_as(&admin, "/api/admin/organisation")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(settings["lockout_threshold"], 5);
    assert_problem(
        app.put_json("/api/admin/organisation", &marieke, settings.clone())
            .await,
        403,
        "permission_denied",
    )
    .await;
}

#[tokio::test]
async fn a_bad_setting_saves_nothing_and_names_every_field() {
    let app = spawn_app().await;
    let admin = app.login_as("beheer").await;
    let mut settings: Value = app
        .get_as(&admin, "/api/admin/organisation")
        .await
        .json()
        .await
        .unwrap();
    settings["name"] = json!("Nieuwe naam");
    settings["primary_colour"] = json!("#ffcc00");
    settings["help_url"] = json!("http://onveilig.example");
    settings["lockout_threshold"] = json!(1);
    settings["verification_code_minutes"] = json!(30);
    let refused = app
        .put_json("/api/admin/organisation", &admin, settings)
        .await;
    let body = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(
        body["errors"],
        json!([
            {"field": "primary_colour", "code": "low_contrast"},
            {"field": "help_url", "code": "invalid"},
            {"field": "lockout_threshold", "code": "out_of_range"},
            {"field": "verification_code_minutes", "code": "out_of_range"},
        ])
    );
    let me: Value = app.get_me(&admin).await.json().await.unwrap();
    assert_eq!(
        me["organisation"]["name"], "Zorggroep De Linde",
        "nothing saved"
    );
}

#[tokio::test]
async fn changed_settings_change_what_users_get() {
    let app = spawn_app().await;
    let admin = app.login_as("beheer").await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let mut settings: Value = app
        .get_as(&admin, "/api/admin/organisation")
        .await
        .json()
        .await
        .unwrap();
    settings["name"] = json!("Zorggroep De Eik");
    settings["primary_colour"] = json!("#1F5F3A");
    settings["panel_agenda_enabled"] = json!(false);
    settings["lockout_threshold"] = json!(2);
    let saved: Value = app
        .put_json("/api/admin/organisation", &admin, settings)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["primary_colour"], "#1f5f3a");

    let me: Value = app.get_me(&marieke).await.json().await.unwrap();
    assert_eq!(me["organisation"]["name"], "Zorggroep De Eik");
    assert_eq!(me["organisation"]["primary_colour"], "#1f5f3a");
    let home: Value = app.get_home(&marieke, johanna).await.json().await.unwrap();
    let panels: Vec<&str> = home["panels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|panel| panel["kind"].as_str().unwrap())
        .collect();
    assert_eq!(panels, ["messages", "dossier", "details"]);

    // Two wrong passwords now block an account.
    for _ in 0..2 {
        app.post_password("pieter", "Verkeerd-1").await;
    }
    assert_problem(
        app.post_password("pieter", DEMO_PASSWORD).await,
        423,
        "account_locked",
    )
    .await;
}
