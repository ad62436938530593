//! The audit log: every administrative change is written with actor, on whose behalf, target,
//! time and address, in the same transaction as the change; the organisation admin reads it
//! all, a portal administrator the changes to their own client's network; each row is chained
//! to the one before by a hash, so tampering shows.

use kring_api::services::audit;
use kring_shared::{
    admin::OrganisationSettings,
    audit::{AuditAction, AuditLogPage},
    contacts::ContactRow,
    integration::ServiceAccountCreated,
};
use sea_orm::ConnectionTrait;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{SmtpServer, TestApp, assert_problem, json_as, spawn_app, spawn_app_with};

async fn log(app: &TestApp, token: &str, query: &str) -> AuditLogPage {
    let response = app
        .get_as(token, &format!("/api/admin/audit-log{query}"))
        .await;
    assert_eq!(response.status(), 200);
    json_as(response).await
}

fn actions(page: &AuditLogPage) -> Vec<AuditAction> {
    page.entries.iter().map(|entry| entry.action).collect()
}

/// Marieke adds Sanne, ticks Agenda and Dossier, sends her login details, removes her.
async fn network_changes(app: &TestApp, marieke: &str, johanna: Uuid) {
    let path = format!("/api/clients/{johanna}/contacts");
    let row: ContactRow = json_as(
        app.post_json(
            &path,
            Some(marieke),
            json!({"first_name": "Sanne", "last_name": "de Vries", "email": "sanne@example.nl", "gender": "female", "relationship": "grandchild", "mobile": "06 1234 5677"}),
        )
        .await,
    )
    .await;
    let id = row.id;
    let ticked = app
        .put_json(
            &format!("{path}/{id}/permissions"),
            marieke,
            json!({"permissions": ["agenda", "dossier"]}),
        )
        .await;
    assert_eq!(ticked.status(), 200);
    let invited = app
        .post_json(&format!("{path}/{id}/invitation"), Some(marieke), json!({}))
        .await;
    assert_eq!(invited.status(), 200);
    let removed = app.delete_as(marieke, &format!("{path}/{id}")).await;
    assert_eq!(removed.status(), 204);
}

#[tokio::test]
async fn changes_to_a_network_are_logged_with_who_whom_before_and_after() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    network_changes(&app, &marieke, johanna).await;

    let admin = app.login_as("beheer").await;
    let page = log(&app, &admin, &format!("?client_id={johanna}")).await;
    assert_eq!(
        actions(&page),
        [
            AuditAction::ContactRemoved,
            AuditAction::InvitationSent,
            AuditAction::PermissionsChanged,
            AuditAction::ContactAdded
        ]
    );
    let ticks = &page.entries[2];
    assert_eq!(ticks.actor_name, "Marieke de Vries");
    assert_eq!(ticks.on_behalf_of.as_deref(), Some("child"));
    assert_eq!(ticks.target_name.as_deref(), Some("Sanne de Vries"));
    assert_eq!(ticks.client_id, Some(johanna));
    assert_eq!(ticks.ip_address.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        ticks.details,
        json!({"before": [], "after": ["agenda", "dossier"]})
    );
    assert_eq!(page.chain_intact, Some(true));

    // The portal administrator sees the same changes to her own client's network, without
    // client addresses; someone without Instellingen does not.
    let own: AuditLogPage = json_as(
        app.get_as(&marieke, &format!("/api/clients/{johanna}/network-changes"))
            .await,
    )
    .await;
    assert_eq!(actions(&own), actions(&page));
    assert!(own.entries[0].ip_address.is_none());
    assert!(own.chain_intact.is_none());
    let pieter = app.login_as("pieter").await;
    assert_problem(
        app.get_as(&pieter, &format!("/api/clients/{johanna}/network-changes"))
            .await,
        403,
        "permission_denied",
    )
    .await;
    // A portal administrator of another client cannot read this one's.
    let sandra = app.login_as("sandra").await;
    let gerrit = app.client_id("Gerrit").await;
    let theirs: AuditLogPage = json_as(
        app.get_as(&sandra, &format!("/api/clients/{gerrit}/network-changes"))
            .await,
    )
    .await;
    assert!(actions(&theirs).is_empty());
}

#[tokio::test]
async fn settings_keys_primary_contact_discharge_and_temporary_passwords_are_logged() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let admin = app.login_as("beheer").await;
    let mut settings: OrganisationSettings =
        json_as(app.get_as(&admin, "/api/admin/organisation").await).await;
    settings.lockout_threshold = 3;
    assert_eq!(
        app.put_json("/api/admin/organisation", &admin, json!(settings))
            .await
            .status(),
        200
    );
    let created: ServiceAccountCreated = json_as(
        app.post_json(
            "/api/admin/service-accounts",
            Some(&admin),
            json!({"name": "ECD Nedap", "scopes": ["feed:read"]}),
        )
        .await,
    )
    .await;
    let account = created.account.id;
    app.post_json(
        &format!("/api/admin/service-accounts/{account}/revoke"),
        Some(&admin),
        json!({}),
    )
    .await;
    let pieter = app.user("pieter").await;
    app.post_json(
        &format!("/api/admin/users/{}/temporary-password", pieter.id),
        Some(&admin),
        json!({}),
    )
    .await;
    let johanna = app.client_id("Johanna").await;
    app.put_json(
        &format!("/api/admin/clients/{johanna}/discharge"),
        &admin,
        json!({"discharged_on": "2026-12-31"}),
    )
    .await;
    let pieter_link = app.link("pieter", "Johanna").await.id;
    let appointed = app
        .put_json(
            &format!("/api/admin/clients/{johanna}/primary-contact"),
            &admin,
            json!({"contact_id": pieter_link}),
        )
        .await;
    assert_eq!(appointed.status(), 200);

    let page = log(&app, &admin, "").await;
    assert_eq!(
        actions(&page),
        [
            AuditAction::PrimaryContactAppointed,
            AuditAction::DischargeDateSet,
            AuditAction::TemporaryPasswordSent,
            AuditAction::ServiceAccountRevoked,
            AuditAction::ServiceAccountCreated,
            AuditAction::OrganisationSettingsChanged
        ]
    );
    let settings_change = &page.entries[5];
    assert_eq!(
        settings_change.details,
        json!({"lockout_threshold": {"before": 5, "after": 3}})
    );
    // `details` is free-form JSON in the DTO itself.
    assert_eq!(page.entries[1].details["after"], "2026-12-31");
    // Filtered by person: what was done to Pieter.
    let about_pieter = log(&app, &admin, &format!("?user_id={}", pieter.id)).await;
    assert_eq!(
        actions(&about_pieter),
        [
            AuditAction::PrimaryContactAppointed,
            AuditAction::TemporaryPasswordSent
        ]
    );
    // Only the organisation admin reads the whole log.
    let marieke = app.login_as("marieke").await;
    assert_problem(
        app.get_as(&marieke, "/api/admin/audit-log").await,
        403,
        "permission_denied",
    )
    .await;
}

#[tokio::test]
async fn a_changed_or_removed_row_breaks_the_chain() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    network_changes(&app, &marieke, johanna).await;
    assert_eq!(audit::verify_chain(&app.db).await.unwrap(), None);

    // Someone with database access makes a tick look different …
    app.db
        .execute_unprepared(
            "UPDATE audit_log SET details = '{\"before\":[],\"after\":[\"agenda\"]}' WHERE seq = 2",
        )
        .await
        .unwrap();
    assert_eq!(audit::verify_chain(&app.db).await.unwrap(), Some(2));
    let admin = app.login_as("beheer").await;
    assert_eq!(log(&app, &admin, "").await.chain_intact, Some(false));

    // … or removes a row: the chain breaks at the gap too.
    let fresh = spawn_app().await;
    let johanna = fresh.client_id("Johanna").await;
    let path = format!("/api/clients/{johanna}/contacts");
    let marieke = fresh.login_as("marieke").await;
    let kees = fresh.link("kees", "Johanna").await.id;
    for ticks in [json!(["agenda"]), json!(["agenda", "dossier"]), json!([])] {
        fresh
            .put_json(
                &format!("{path}/{kees}/permissions"),
                &marieke,
                json!({"permissions": ticks}),
            )
            .await;
    }
    assert_eq!(audit::verify_chain(&fresh.db).await.unwrap(), None);
    fresh
        .db
        .execute_unprepared("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    assert_eq!(audit::verify_chain(&fresh.db).await.unwrap(), Some(2));
}
