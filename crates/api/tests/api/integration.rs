//! The integration API: API keys and scopes, idempotent upserts, retraction, batches with a
//! bad item, care plan notifications, clients and care workers, and the ECD feed with its
//! cursor and acknowledgement.

use kring_api::entities::{care_team_member, client, client_detail, notification};
use kring_shared::{
    FieldError,
    contacts::{NotificationKind, Notifications},
    integration::{
        BatchResponse, FeedKind, FeedPage, FeedPosition, Scope, ServiceAccountCreated,
        ServiceAccountSummary, UpsertOutcome, UpsertResult,
    },
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, assert_problem_dto, json_as, report_body, spawn_app};

#[tokio::test]
async fn the_same_report_twice_is_stored_once_and_a_change_updates_it() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;

    let first = app
        .put_report(
            &key,
            "ECD-1001",
            "R-NEW-1",
            report_body("Goed geslapen.", 0),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: UpsertOutcome = json_as(first).await;
    assert_eq!(first.result, UpsertResult::Created);
    assert_eq!(first.external_id, "R-NEW-1");

    let body = report_body("Goed geslapen.", 0);
    let again = app
        .put_report(&key, "ECD-1001", "R-NEW-1", body.clone())
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    // Seconds are what counts: the same report sent again is unchanged.
    let again: UpsertOutcome = json_as(
        app.put_report(&key, "ECD-1001", "R-NEW-1", body.clone())
            .await,
    )
    .await;
    assert_eq!(again.result, UpsertResult::Unchanged);
    assert_eq!(again.id, first.id);

    let mut changed = body;
    changed["text"] = json!("Goed geslapen en ontbeten.");
    let updated: UpsertOutcome =
        json_as(app.put_report(&key, "ECD-1001", "R-NEW-1", changed).await).await;
    assert_eq!(updated.result, UpsertResult::Updated);

    let page = app.timeline(&marieke, johanna, "?limit=100").await;
    let ours: Vec<_> = page
        .entries
        .iter()
        .filter(|entry| entry.id == first.id)
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].excerpt, "Goed geslapen en ontbeten.");
}

#[tokio::test]
async fn a_retracted_report_leaves_the_dossier_and_comes_back_when_sent_again() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let created: UpsertOutcome = json_as(
        app.put_report(&key, "ECD-1001", "R-GONE", report_body("Per ongeluk.", 0))
            .await,
    )
    .await;
    let id = created.id;

    let retracted = app
        .delete_as(&key, "/api/integration/clients/ECD-1001/reports/R-GONE")
        .await;
    assert_eq!(retracted.status(), StatusCode::OK);
    let retracted: UpsertOutcome = json_as(retracted).await;
    assert_eq!(retracted.result, UpsertResult::Removed);

    let page = app.timeline(&marieke, johanna, "?limit=100").await;
    assert!(!page.entries.iter().any(|entry| entry.id == id));
    let gone = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/dossier/entries/{id}"),
        )
        .await;
    assert_problem(gone, 404, "not_found").await;
    // Retracting again is fine; an unknown report is 404.
    let twice = app
        .delete_as(&key, "/api/integration/clients/ECD-1001/reports/R-GONE")
        .await;
    assert_eq!(twice.status(), StatusCode::OK);
    let unknown = app
        .delete_as(&key, "/api/integration/clients/ECD-1001/reports/R-NEVER")
        .await;
    assert_problem(unknown, 404, "not_found").await;

    app.put_report(&key, "ECD-1001", "R-GONE", report_body("Per ongeluk.", 0))
        .await;
    let page = app.timeline(&marieke, johanna, "?limit=100").await;
    assert!(page.entries.iter().any(|entry| entry.id == id));
}

#[tokio::test]
async fn a_bad_item_in_a_batch_is_reported_by_field_and_loses_nothing_else() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let response = app
        .post_json(
            "/api/integration/batch",
            Some(&key),
            json!({"items": [
                {"action": "upsert", "resource": "report", "client_id": "ECD-1001", "id": "B-1",
                 "data": report_body("Eerste uit de batch.", 1)},
                {"action": "upsert", "resource": "report", "client_id": "ECD-1001", "id": "B-2",
                 "data": {"category": "Dag", "author": "A", "written_at": "gisteren", "text": "x"}},
                {"action": "upsert", "resource": "report", "client_id": "ECD-1001", "id": "B-3",
                 "data": {"category": "Dag", "author": "A", "written_at": "2026-11-20T10:00:00Z", "text": "  "}},
                {"action": "upsert", "resource": "report", "client_id": "ECD-9999", "id": "B-4",
                 "data": report_body("Onbekende cliënt.", 1)},
                {"action": "upsert", "resource": "report", "client_id": "ECD-1001", "id": "B-5",
                 "data": report_body("Laatste uit de batch.", 2)},
            ]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: BatchResponse = json_as(response).await;
    assert_eq!(body.succeeded, 2);
    assert_eq!(body.failed, 3);
    let results = &body.results;
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [201, 422, 422, 422, 201]);
    let first_error =
        |index: usize| -> &FieldError { &results[index].problem.as_ref().unwrap().errors[0] };
    assert_eq!(first_error(1).field, "data.written_at");
    assert_eq!(first_error(2).field, "text");
    assert_eq!(first_error(2).code, "required");
    assert_eq!(first_error(3).code, "unknown_client");

    let page = app.timeline(&marieke, johanna, "?limit=100").await;
    let excerpts: Vec<&str> = page
        .entries
        .iter()
        .map(|entry| entry.excerpt.as_str())
        .collect();
    assert!(excerpts.contains(&"Eerste uit de batch."));
    assert!(excerpts.contains(&"Laatste uit de batch."));
    assert!(!excerpts.contains(&"x"));
}

#[tokio::test]
async fn single_endpoints_name_the_offending_field() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let mut body = report_body("", 0);
    body["author"] = json!("");
    let problem = assert_problem_dto(
        app.put_report(&key, "ECD-1001", "R-1", body).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem
        .errors
        .iter()
        .map(|error| error.field.as_str())
        .collect();
    assert_eq!(fields, ["author", "text"]);

    let problem = assert_problem_dto(
        app.put_report(&key, "ECD-0000", "R-1", report_body("Tekst", 0))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem.errors[0].field, "client_id");

    let plan = app
        .put_json(
            "/api/integration/clients/ECD-1001/care-plans/ZP-X",
            &key,
            json!({"title": "Plan", "established_at": "2026-11-01T10:00:00Z",
                   "valid_from": "2026-11-01", "valid_until": "2026-10-01",
                   "goals": [{"title": "", "actions": [{"description": ""}]}]}),
        )
        .await;
    let problem = assert_problem_dto(plan, 422, "validation_failed").await;
    let fields: Vec<&str> = problem
        .errors
        .iter()
        .map(|error| error.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "valid_until",
            "goals[0].actions[0].description",
            "goals[0].title"
        ]
    );
}

#[tokio::test]
async fn keys_are_checked_for_existence_scope_and_revocation() {
    let app = spawn_app().await;
    let feed_only = app.api_key(&[Scope::FeedRead]).await;
    let body = report_body("Tekst", 0);
    assert_problem(
        app.put_report(&feed_only, "ECD-1001", "R-1", body.clone())
            .await,
        403,
        "permission_denied",
    )
    .await;
    // In a batch, the item without its scope fails on its own.
    let batch: BatchResponse = json_as(
        app.post_json(
            "/api/integration/batch",
            Some(&feed_only),
            json!({"items": [{"action": "upsert", "resource": "report", "client_id": "ECD-1001", "id": "R-1", "data": body.clone()}]}),
        )
        .await,
    )
    .await;
    assert_eq!(batch.results[0].status, 403);

    let writer = app.api_key(&[Scope::DossierWrite]).await;
    assert_problem(
        app.get_as(&writer, "/api/integration/feed").await,
        403,
        "permission_denied",
    )
    .await;
    assert_problem(
        app.put_json(
            "/api/integration/clients/ECD-1001",
            &writer,
            json!({"first_name": "Johanna", "last_name": "de Vries"}),
        )
        .await,
        403,
        "permission_denied",
    )
    .await;

    assert_problem(
        app.put_report("kring_made-up-key", "ECD-1001", "R-1", body.clone())
            .await,
        401,
        "authentication_required",
    )
    .await;
    let marieke = app.login_as("marieke").await;
    assert_problem(
        app.put_report(&marieke, "ECD-1001", "R-1", body.clone())
            .await,
        401,
        "authentication_required",
    )
    .await;

    // Revoked in the console: the key stops working at once.
    let admin = app.login_as("beheer").await;
    let created: ServiceAccountCreated = json_as(
        app.post_json(
            "/api/admin/service-accounts",
            Some(&admin),
            json!({"name": "ECD Ons", "scopes": ["dossier:write"]}),
        )
        .await,
    )
    .await;
    let key = created.api_key;
    assert!(key.starts_with("kring_"));
    assert_eq!(
        app.put_report(&key, "ECD-1001", "R-2", body.clone())
            .await
            .status(),
        StatusCode::CREATED
    );
    // Raw JSON on purpose: the key must not be on the wire at all.
    let raw: Value = app
        .get_as(&admin, "/api/admin/service-accounts")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        raw.as_array()
            .unwrap()
            .iter()
            .all(|account| account.get("api_key").is_none())
    );
    let listed: Vec<ServiceAccountSummary> = serde_json::from_value(raw).unwrap();
    assert!(
        listed
            .iter()
            .any(|account| account.name == "ECD Ons" && account.last_used_at.is_some())
    );
    let id = created.account.id;
    let revoked = app
        .post_json(
            &format!("/api/admin/service-accounts/{id}/revoke"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_problem(
        app.put_report(&key, "ECD-1001", "R-3", body).await,
        401,
        "authentication_required",
    )
    .await;
}

#[tokio::test]
async fn a_new_care_plan_version_notifies_everyone_with_the_dossier_permission_once() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let plan = json!({
        "title": "Zorgplan winter", "established_at": "2026-11-22T10:00:00Z",
        "valid_from": "2026-11-22", "goals": [{"title": "Warm blijven", "actions": []}]
    });
    let path = "/api/integration/clients/ECD-1001/care-plans/ZP-WINTER";
    assert_eq!(
        app.put_json(path, &key, plan.clone()).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.put_json(path, &key, plan).await.status(),
        StatusCode::OK
    );
    let count = |username: &'static str| {
        let app = &app;
        async move {
            let user = app.user(username).await;
            notification::Entity::find()
                .filter(notification::Column::UserId.eq(user.id))
                .filter(notification::Column::Kind.eq("care_plan"))
                .count(&app.db)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("marieke").await, 1);
    assert_eq!(count("sandra").await, 1);
    assert_eq!(count("pieter").await, 0);
    assert_eq!(count("kees").await, 0);

    let marieke = app.login_as("marieke").await;
    let list: Notifications = json_as(app.get_as(&marieke, "/api/me/notifications").await).await;
    let item = &list.items[0];
    assert_eq!(item.kind, NotificationKind::CarePlan);
    assert_eq!(item.client_name.as_deref(), Some("Johanna de Vries"));
    assert!(item.entry_id.is_some());
}

#[tokio::test]
async fn clients_care_workers_and_care_teams_are_upserted_by_ecd_id() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let body = json!({
        "first_name": "Wilma", "last_name": "Jansen", "birth_date": "1940-01-02", "photo": png,
        "gp": {"name": "Huisarts Noord", "phone": "0201234567"},
        "insurance": {"insurer": "VGZ", "policy_number": "998877"}
    });
    let created = app
        .put_json("/api/integration/clients/ECD-2001", &key, body.clone())
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let again: UpsertOutcome = json_as(
        app.put_json("/api/integration/clients/ECD-2001", &key, body)
            .await,
    )
    .await;
    assert_eq!(again.result, UpsertResult::Unchanged);
    let wilma = client::Entity::find()
        .filter(client::Column::ExternalId.eq("ECD-2001"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    // The photo is in the media store (re-encoded; see `pinboard.rs`), not in the row.
    assert_eq!(wilma.photo_url, None);
    assert!(wilma.photo_media_id.is_some());
    let details = client_detail::Entity::find_by_id(wilma.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(details.gp_name.as_deref(), Some("Huisarts Noord"));
    assert_eq!(details.insurer.as_deref(), Some("VGZ"));

    // Without the photo, the photo stays; a GIF is refused by field.
    let kept: UpsertOutcome = json_as(
        app.put_json(
            "/api/integration/clients/ECD-2001",
            &key,
            json!({"first_name": "Wilma", "last_name": "Jansen-de Boer", "birth_date": "1940-01-02"}),
        )
        .await,
    )
    .await;
    assert_eq!(kept.result, UpsertResult::Updated);
    let wilma = client::Entity::find_by_id(wilma.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(wilma.last_name, "Jansen-de Boer");
    assert!(wilma.photo_media_id.is_some());
    let gif = app
        .put_json(
            "/api/integration/clients/ECD-2001",
            &key,
            json!({"first_name": "Wilma", "last_name": "Jansen", "photo": "R0lGODlhAQABAAAAACw="}),
        )
        .await;
    let problem = assert_problem_dto(gif, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "photo");

    let worker = app
        .put_json(
            "/api/integration/care-workers/MW-3001",
            &key,
            json!({"first_name": "Sem", "last_name": "de Wit", "email": "sem@example.nl"}),
        )
        .await;
    assert_eq!(worker.status(), StatusCode::CREATED);
    let team = app
        .put_json(
            "/api/integration/clients/ECD-2001/care-team/MW-3001",
            &key,
            json!({"role": "evv"}),
        )
        .await;
    assert_eq!(team.status(), StatusCode::CREATED);
    let members = care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(wilma.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].care_role, kring_shared::admin::CareRole::Evv);
    let unknown = app
        .put_json(
            "/api/integration/clients/ECD-2001/care-team/MW-0000",
            &key,
            json!({"role": "evv"}),
        )
        .await;
    let problem = assert_problem_dto(unknown, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].code, "unknown_care_worker");

    let removed = app
        .delete_as(&key, "/api/integration/care-workers/MW-3001")
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    let members = care_team_member::Entity::find()
        .filter(care_team_member::Column::ClientId.eq(wilma.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(members, 0);

    let appointment = app
        .put_json(
            "/api/integration/clients/ECD-2001/appointments/AF-1",
            &key,
            json!({"title": "Fysiotherapie", "starts_at": "2026-11-25T09:30:00Z",
                   "ends_at": "2026-11-25T09:00:00Z"}),
        )
        .await;
    let problem = assert_problem_dto(appointment, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "ends_at");
}

#[tokio::test]
async fn notes_reach_the_ecd_feed_which_resumes_after_the_acknowledgement() {
    let app = spawn_app().await;
    let key = app.api_key(&[Scope::FeedRead]).await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let write = |text: &'static str| {
        let app = &app;
        let marieke = &marieke;
        async move {
            let response = app
                .post_json(
                    &format!("/api/clients/{johanna}/dossier/notes"),
                    Some(marieke),
                    json!({"text": text}),
                )
                .await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
    };
    // The demo family's own appointments are in the feed already; the ECD stores them.
    let demo: FeedPage = json_as(app.get_as(&key, "/api/integration/feed").await).await;
    assert_eq!(demo.items.len(), 3);
    assert!(
        demo.items
            .iter()
            .all(|item| item.kind == FeedKind::Appointment)
    );
    let stored = app
        .post_json(
            "/api/integration/feed/ack",
            Some(&key),
            json!({"cursor": demo.next_cursor}),
        )
        .await;
    assert_eq!(stored.status(), StatusCode::OK);
    let empty: FeedPage = json_as(app.get_as(&key, "/api/integration/feed").await).await;
    assert!(empty.items.is_empty());

    write("Moeder wil graag naar de zangmiddag.").await;
    write("Ze heeft een nieuwe bril nodig.").await;
    let page: FeedPage = json_as(app.get_as(&key, "/api/integration/feed").await).await;
    let items = &page.items;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].kind, FeedKind::ClientNote);
    assert_eq!(items[0].text, "Moeder wil graag naar de zangmiddag.");
    assert_eq!(items[0].client_external_id.as_deref(), Some("ECD-1001"));
    assert_eq!(items[0].author.name, "Marieke de Vries");
    assert_eq!(items[0].author.relationship, "child");
    assert!(!page.has_more);

    // Paging with a cursor, then acknowledging the first item only.
    let first: FeedPage = json_as(app.get_as(&key, "/api/integration/feed?limit=1").await).await;
    assert!(first.has_more);
    let cursor = first.next_cursor;
    let second: FeedPage = json_as(
        app.get_as(&key, &format!("/api/integration/feed?after={cursor}"))
            .await,
    )
    .await;
    assert_eq!(second.items[0].text, "Ze heeft een nieuwe bril nodig.");

    let ack = app
        .post_json(
            "/api/integration/feed/ack",
            Some(&key),
            json!({"cursor": cursor}),
        )
        .await;
    assert_eq!(ack.status(), StatusCode::OK);
    let resumed: FeedPage = json_as(app.get_as(&key, "/api/integration/feed").await).await;
    assert_eq!(resumed.items.len(), 1);
    assert_eq!(resumed.items[0].text, "Ze heeft een nieuwe bril nodig.");

    // Acknowledging everything empties the resumed feed; backwards is ignored; beyond is refused.
    let last = resumed.next_cursor;
    app.post_json(
        "/api/integration/feed/ack",
        Some(&key),
        json!({"cursor": last}),
    )
    .await;
    let backwards: FeedPosition = json_as(
        app.post_json(
            "/api/integration/feed/ack",
            Some(&key),
            json!({"cursor": cursor}),
        )
        .await,
    )
    .await;
    assert_eq!(backwards.acknowledged, last);
    let resumed: FeedPage = json_as(app.get_as(&key, "/api/integration/feed").await).await;
    assert!(resumed.items.is_empty());
    let beyond = app
        .post_json(
            "/api/integration/feed/ack",
            Some(&key),
            json!({"cursor": "999999"}),
        )
        .await;
    assert_problem(beyond, 422, "validation_failed").await;
    let bad = app.get_as(&key, "/api/integration/feed?after=abc").await;
    assert_problem(bad, 422, "validation_failed").await;
    // A page size outside 1..=500 is refused, not quietly changed.
    for limit in ["0", "501"] {
        let refused = app
            .get_as(&key, &format!("/api/integration/feed?limit={limit}"))
            .await;
        let problem = assert_problem_dto(refused, 422, "validation_failed").await;
        assert_eq!(problem.errors[0].field, "limit");
        assert_eq!(problem.errors[0].code, "out_of_range");
    }

    // Another key has its own position: the demo's three appointments and the two notes.
    let other = app.api_key(&[Scope::FeedRead]).await;
    let fresh: FeedPage = json_as(app.get_as(&other, "/api/integration/feed").await).await;
    assert_eq!(fresh.items.len(), 5);
}
