//! The dossier: timeline ordering and keyset paging across days, kinds and neighbours, care
//! plans, notes, who may read (403 on every dossier endpoint without the permission), the
//! access log, and the live event stream.

use std::time::{Duration, Instant};

use chrono::Utc;
use kring_api::entities::access_log;
use kring_shared::{
    dossier::{
        AccessLogPage, CarePlans, DossierEntry, DossierGroups, DossierKind, EventTicket,
        TimelinePage,
    },
    integration::{BatchResponse, UpsertOutcome},
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_problem, assert_problem_dto, json_as, report_body, spawn_app,
};

fn ids(page: &TimelinePage) -> Vec<Uuid> {
    page.entries.iter().map(|entry| entry.id).collect()
}

/// Sends `count` reports, one every `spacing_hours`, starting `start_hours` ago, in one batch.
async fn push_reports(app: &TestApp, key: &str, prefix: &str, count: i64, start_hours: i64) {
    let items: Vec<Value> = (0..count)
        .map(|n| {
            json!({"action": "upsert", "resource": "report", "client_id": "ECD-1001",
                   "id": format!("{prefix}-{n}"),
                   "data": report_body(&format!("{prefix} {n}"), start_hours + n)})
        })
        .collect();
    let response: BatchResponse = json_as(
        app.post_json("/api/integration/batch", Some(key), json!({"items": items}))
            .await,
    )
    .await;
    assert_eq!(response.failed, 0, "{response:?}");
}

#[tokio::test]
async fn the_timeline_pages_newest_first_across_days_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    // 60 reports an hour apart: two and a half days, plus the demo's entries.
    push_reports(&app, &key, "P", 60, 1).await;
    // Two reports in the same second: the id breaks the tie, and paging keeps both.
    let same = Utc::now() - chrono::Duration::hours(30);
    for id in ["TIE-A", "TIE-B"] {
        let mut body = report_body(id, 0);
        body["written_at"] = json!(same);
        app.put_report(&key, "ECD-1001", id, body).await;
    }
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let everything = app.timeline(&marieke, johanna, "?limit=100").await;
    let all = ids(&everything);

    let mut paged = Vec::new();
    let mut query = "?limit=7".to_owned();
    let mut times = Vec::new();
    loop {
        let page = app.timeline(&marieke, johanna, &query).await;
        for entry in &page.entries {
            times.push(entry.occurred_at);
        }
        paged.extend(ids(&page));
        match &page.next_cursor {
            Some(cursor) => query = format!("?limit=7&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, all, "paging gives the same order as one page");
    let unique: std::collections::HashSet<_> = paged.iter().collect();
    assert_eq!(unique.len(), paged.len(), "no entry twice");
    assert!(paged.len() >= 62 + 10);
    assert!(
        times.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first"
    );

    // The date bar: everything before a moment, starting with the newest before it.
    let before = (Utc::now() - chrono::Duration::hours(48)).to_rfc3339();
    let jumped = app
        .timeline(
            &marieke,
            johanna,
            &format!("?limit=5&before={}", urlencode(&before)),
        )
        .await;
    let first = jumped.entries[0].occurred_at;
    assert!(first < before.parse::<chrono::DateTime<Utc>>().unwrap());
    assert!(first > Utc::now() - chrono::Duration::hours(50));

    let bad = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/dossier/timeline?cursor=nonsense"),
        )
        .await;
    assert_problem(bad, 400, "malformed_request").await;
    for limit in [0, 101] {
        let refused = app
            .get_as(
                &marieke,
                &format!("/api/clients/{johanna}/dossier/timeline?limit={limit}"),
            )
            .await;
        assert_problem(refused, 400, "malformed_request").await;
    }
}

fn urlencode(value: &str) -> String {
    value.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn lezen_counts_each_kind_and_an_entry_knows_its_neighbours_in_its_kind() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let groups: DossierGroups = json_as(
        app.get_as(&marieke, &format!("/api/clients/{johanna}/dossier/groups"))
            .await,
    )
    .await;
    let counts: Vec<(DossierKind, u64)> = groups.groups.iter().map(|g| (g.kind, g.count)).collect();
    assert_eq!(
        counts,
        [
            (DossierKind::CarePlan, 2),
            (DossierKind::Note, 0),
            (DossierKind::Questionnaire, 1),
            (DossierKind::Report, 8)
        ]
    );
    let reports = app
        .timeline(&marieke, johanna, "?kind=report&limit=100")
        .await;
    let reports = ids(&reports);
    assert_eq!(reports.len(), 8);
    let middle: DossierEntry = json_as(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/dossier/entries/{}", reports[3]),
        )
        .await,
    )
    .await;
    assert_eq!(middle.kind, DossierKind::Report);
    assert_eq!(middle.next_id, Some(reports[2]));
    assert_eq!(middle.previous_id, Some(reports[4]));
    let newest: DossierEntry = json_as(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/dossier/entries/{}", reports[0]),
        )
        .await,
    )
    .await;
    assert_eq!(newest.next_id, None);
    assert!(newest.text.starts_with("Mevrouw heeft goed geslapen"));

    let questionnaire = app.timeline(&marieke, johanna, "?kind=questionnaire").await;
    let id = questionnaire.entries[0].id;
    let full: DossierEntry = json_as(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/dossier/entries/{id}"),
        )
        .await,
    )
    .await;
    assert_eq!(full.answers.len(), 3);
    assert_eq!(
        full.answers[0].question,
        "Voelt u zich thuis op de afdeling?"
    );

    // Another client's entry is not found through this client.
    let gerrit = app.client_id("Gerrit").await;
    let sandra = app.login_as("sandra").await;
    let gerrit_reports = app.timeline(&sandra, gerrit, "").await;
    let foreign = gerrit_reports.entries[0].id;
    let crossed = app
        .get_as(
            &sandra,
            &format!("/api/clients/{johanna}/dossier/entries/{foreign}"),
        )
        .await;
    assert_problem(crossed, 404, "not_found").await;
}

#[tokio::test]
async fn plannen_shows_the_plan_in_force_with_goals_and_every_version() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let plans: CarePlans = json_as(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/dossier/care-plans"),
        )
        .await,
    )
    .await;
    let current = plans.current.unwrap();
    assert_eq!(current.title, "Zorgplan najaar 2026");
    let goals = &current.care_plan.unwrap().goals;
    assert_eq!(goals[0].title, "Veilig blijven lopen");
    assert_eq!(
        goals[0].actions[1].description,
        "Fysiotherapie voor de knie"
    );
    let versions = &plans.versions;
    assert_eq!(versions.len(), 2);
    assert!(versions[0].current);
    assert_eq!(versions[1].title, "Zorgplan voorjaar 2026");
    assert!(!versions[1].current);
}

#[tokio::test]
async fn a_note_shows_at_the_top_of_the_timeline_and_an_empty_one_is_refused() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let path = format!("/api/clients/{johanna}/dossier/notes");
    let note = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"text": "Moeder vond het bezoek fijn.\nTot zondag."}),
        )
        .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    let note: DossierEntry = json_as(note).await;
    assert_eq!(note.kind, DossierKind::Note);
    assert_eq!(note.title, "Moeder vond het bezoek fijn.");
    assert_eq!(note.author.as_deref(), Some("Marieke de Vries"));
    let page = app.timeline(&marieke, johanna, "?limit=1").await;
    assert_eq!(page.entries[0].id, note.id);

    let empty = app
        .post_json(&path, Some(&marieke), json!({"text": "   "}))
        .await;
    let problem = assert_problem_dto(empty, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].field, "text");
    let long = app
        .post_json(&path, Some(&marieke), json!({"text": "x".repeat(4001)}))
        .await;
    assert_problem(long, 422, "validation_failed").await;
}

#[tokio::test]
async fn without_the_dossier_permission_every_dossier_endpoint_answers_403() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let entry = {
        let marieke = app.login_as("marieke").await;
        let page = app.timeline(&marieke, johanna, "").await;
        page.entries[0].id
    };
    // Pieter has Agenda and Berichten, Kees nothing, Fatima is in the care team only,
    // Gerrit's mentor Sandra has no link to Daan.
    for (username, client) in [
        ("pieter", johanna),
        ("kees", johanna),
        ("fatima", johanna),
        ("sandra", app.client_id("Daan").await),
    ] {
        let token = app.login_as(username).await;
        let base = format!("/api/clients/{client}/dossier");
        for path in [
            format!("{base}/timeline"),
            format!("{base}/timeline?kind=report"),
            format!("{base}/groups"),
            format!("{base}/care-plans"),
            format!("{base}/entries/{entry}"),
        ] {
            assert_problem(app.get_as(&token, &path).await, 403, "permission_denied").await;
        }
        let note = app
            .post_json(
                &format!("{base}/notes"),
                Some(&token),
                json!({"text": "Hallo"}),
            )
            .await;
        assert_problem(note, 403, "permission_denied").await;
        // A user's token is never an integration key.
        assert_problem(
            app.get_as(&token, "/api/integration/feed").await,
            401,
            "authentication_required",
        )
        .await;
    }
    // When the organisation switches the dossier off, even Marieke is refused.
    let marieke = app.login_as("marieke").await;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let org = kring_api::entities::organisation::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: kring_api::entities::organisation::ActiveModel = org.into();
    active.panel_dossier_enabled = Set(false);
    active.update(&app.db).await.unwrap();
    assert_problem(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/dossier/timeline"),
        )
        .await,
        403,
        "permission_denied",
    )
    .await;
}

#[tokio::test]
async fn every_read_of_dossier_data_is_in_the_access_log() {
    let app = spawn_app().await;
    let sandra = app.login_as("sandra").await;
    let johanna = app.client_id("Johanna").await;
    let page = app.timeline(&sandra, johanna, "").await;
    let entry = page.entries[0].id;
    app.get_as(
        &sandra,
        &format!("/api/clients/{johanna}/dossier/entries/{entry}"),
    )
    .await;
    app.get_home(&sandra, johanna).await;
    // A refused read is not a read.
    let pieter = app.login_as("pieter").await;
    app.get_as(&pieter, &format!("/api/clients/{johanna}/dossier/timeline"))
        .await;

    let rows = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(johanna))
        .order_by_asc(access_log::Column::OccurredAt)
        .all(&app.db)
        .await
        .unwrap();
    let sandra_id = app.user("sandra").await.id;
    let objects: Vec<&str> = rows.iter().map(|row| row.object.name()).collect();
    assert_eq!(
        objects,
        ["dossier.timeline", "dossier.entry", "dossier.home"]
    );
    for row in &rows {
        assert_eq!(row.user_id, Some(sandra_id));
        assert_eq!(row.user_name, "Sandra Visser");
        assert_eq!(row.acting_as.name(), "mentor");
        assert_eq!(row.action, kring_shared::dossier::AccessAction::Read);
        assert_eq!(row.ip_address.as_deref(), Some("127.0.0.1"));
        assert!(row.session_id.is_some());
    }
    assert_eq!(rows[1].object_id, Some(entry));

    // The organisation admin can query it per client.
    let admin = app.login_as("beheer").await;
    let log: AccessLogPage = json_as(
        app.get_as(&admin, &format!("/api/admin/clients/{johanna}/access-log"))
            .await,
    )
    .await;
    assert_eq!(log.entries.len(), 3);
    assert_eq!(log.entries[0].object, "dossier.home");
    assert_problem(
        app.get_as(&sandra, &format!("/api/admin/clients/{johanna}/access-log"))
            .await,
        403,
        "permission_denied",
    )
    .await;
}

/// Reads server-sent events until `wanted` appears or `limit` passes; returns what was read.
pub(crate) async fn read_until(
    response: &mut reqwest::Response,
    wanted: &str,
    limit: Duration,
) -> String {
    let mut seen = String::new();
    let deadline = Instant::now() + limit;
    while !seen.contains(wanted) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, response.chunk()).await {
            Ok(Ok(Some(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            _ => break,
        }
    }
    seen
}

/// A one-time ticket for `client`'s event stream.
pub(crate) async fn stream_ticket(app: &TestApp, token: &str, client: Uuid) -> String {
    let ticket: EventTicket = json_as(
        app.post_json(
            &format!("/api/clients/{client}/events/ticket"),
            Some(token),
            json!({}),
        )
        .await,
    )
    .await;
    ticket.ticket
}

pub(crate) async fn open_stream(app: &TestApp, token: &str, client: Uuid) -> reqwest::Response {
    let ticket = stream_ticket(app, token, client).await;
    let mut response = app
        .http
        .get(app.url(&format!("/api/clients/{client}/events?ticket={ticket}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let ready = read_until(&mut response, "event: ready", Duration::from_secs(5)).await;
    assert!(ready.contains("event: ready"));
    // The ticket opened this stream and nothing else.
    let reused = app
        .http
        .get(app.url(&format!("/api/clients/{client}/events?ticket={ticket}")))
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);
    response
}

#[tokio::test]
async fn an_integration_push_reaches_an_open_stream_within_two_seconds_and_only_for_readers() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let mut reader = open_stream(&app, &marieke, johanna).await;
    let mut outsider = open_stream(&app, &pieter, johanna).await;

    let pushed = Instant::now();
    let created: UpsertOutcome = json_as(
        app.put_report(&key, "ECD-1001", "LIVE-1", report_body("Net gebeurd.", 0))
            .await,
    )
    .await;
    let seen = read_until(&mut reader, "event: dossier", Duration::from_secs(2)).await;
    assert!(
        pushed.elapsed() < Duration::from_secs(2),
        "the event took {:?}",
        pushed.elapsed()
    );
    assert!(seen.contains("event: dossier"), "{seen}");
    assert!(seen.contains(&created.id.to_string()));
    assert!(seen.contains("\"change\":\"added\""));

    // Pieter (no Dossier permission) gets nothing about it.
    let nothing = read_until(&mut outsider, "event: dossier", Duration::from_millis(800)).await;
    assert!(!nothing.contains("event: dossier"), "{nothing}");

    // A ticket for one client does not open another's stream; an unknown ticket is refused.
    let gerrit = app.client_id("Gerrit").await;
    let ticket: EventTicket = json_as(
        app.post_json(
            &format!("/api/clients/{johanna}/events/ticket"),
            Some(&marieke),
            json!({}),
        )
        .await,
    )
    .await;
    let crossed = app
        .http
        .get(app.url(&format!(
            "/api/clients/{gerrit}/events?ticket={}",
            ticket.ticket
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(crossed.status(), StatusCode::UNAUTHORIZED);
    let ticket = app
        .post_json(
            &format!("/api/clients/{gerrit}/events/ticket"),
            Some(&marieke),
            json!({}),
        )
        .await;
    assert_problem(ticket, 403, "permission_denied").await;
}
