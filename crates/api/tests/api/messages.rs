//! Berichten: who may write to whom (per organisation setting), team visibility and the care
//! worker's inbox, absence routing, the raising of unread messages to care with a controllable
//! clock, read receipts, attachments, archive, search, live events, e-mails without content,
//! the integration feed and the ECD's answers — and the refusals.

use std::time::Duration;

use chrono::{Days, Utc};
use kring_api::{
    entities::{access_log, conversation, conversation_archive, message, notification},
    events::EventBus,
    services::messages::escalate_overdue,
};
use kring_shared::{
    contacts::Notifications,
    home::HomeView,
    messages::{
        Attachment, CareMessaging, Conversation, ConversationPage, Message, RecipientOptions,
        UnreadCount,
    },
};
use reqwest::{StatusCode, header};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    dossier::{open_stream, read_until},
    helpers::{ReceivedMail, SmtpServer, TestApp, json_as, set_org, spawn_app, spawn_app_with},
    pinboard::{contains, invalid, jpeg_with_exif},
};

async fn start(app: &TestApp, token: &str, client: Uuid, body: Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/clients/{client}/conversations"),
        Some(token),
        body,
    )
    .await
}

async fn started(app: &TestApp, token: &str, client: Uuid, body: Value) -> Conversation {
    let response = start(app, token, client, body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "new conversation");
    json_as(response).await
}

async fn list(app: &TestApp, token: &str, client: Uuid, query: &str) -> ConversationPage {
    let response = app
        .get_as(
            token,
            &format!("/api/clients/{client}/conversations?{query}"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "conversations {query}");
    json_as(response).await
}

async fn inbox(app: &TestApp, token: &str, query: &str) -> ConversationPage {
    let response = app.get_as(token, &format!("/api/care/inbox?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK, "inbox {query}");
    json_as(response).await
}

async fn open(app: &TestApp, token: &str, client: Uuid, id: Uuid) -> reqwest::Response {
    app.get_as(token, &format!("/api/clients/{client}/conversations/{id}"))
        .await
}

async fn opened(app: &TestApp, token: &str, client: Uuid, id: Uuid) -> Conversation {
    let response = open(app, token, client, id).await;
    assert_eq!(response.status(), StatusCode::OK, "open conversation");
    json_as(response).await
}

/// Archives conversation `id` for the user of `token`.
async fn archive(app: &TestApp, token: &str, client: Uuid, id: Uuid) {
    let response = app
        .put_json(
            &format!("/api/clients/{client}/conversations/{id}/archive"),
            token,
            json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn answer(
    app: &TestApp,
    token: &str,
    client: Uuid,
    id: Uuid,
    body: Value,
) -> reqwest::Response {
    app.post_json(
        &format!("/api/clients/{client}/conversations/{id}/messages"),
        Some(token),
        body,
    )
    .await
}

async fn unread(app: &TestApp, token: &str) -> u32 {
    let count: UnreadCount = json_as(app.get_as(token, "/api/me/messages/unread").await).await;
    count.unread
}

async fn upload(
    app: &TestApp,
    token: &str,
    client: Uuid,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!(
            "/api/clients/{client}/messages/attachments?name={name}"
        )))
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

async fn conversations_stored(app: &TestApp) -> u64 {
    conversation::Entity::find().count(&app.db).await.unwrap()
}

// ---------------------------------------------------------------- within the network

#[tokio::test]
async fn a_conversation_reaches_only_its_people_with_unread_counts_replies_and_the_start_panel() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let pieter_id = app.user("pieter").await.id;

    // Whom Marieke may write to: Pieter (Berichten), not Sandra or Kees (no Berichten).
    let options: RecipientOptions = json_as(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/messages/recipients"),
        )
        .await,
    )
    .await;
    let names: Vec<&str> = options
        .network
        .iter()
        .map(|recipient| recipient.person.first_name.as_str())
        .collect();
    assert_eq!(names, ["Pieter"]);
    assert!(options.care_allowed);
    assert_eq!(options.care.len(), 3, "the care team of three");
    assert_eq!(options.reply_days, 2);

    let before = unread(&app, &pieter).await;
    let created = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [pieter_id], "subject": "Kerst", "text": "Wie haalt mama op?\nIk kan niet."}),
    )
    .await;
    assert_eq!(created.summary.subject, "Kerst");
    assert!(!created.summary.with_care);
    assert_eq!(created.messages.len(), 1);
    assert!(created.messages[0].mine);
    assert_eq!(created.messages[0].text, "Wie haalt mama op?\nIk kan niet.");
    let people: Vec<&str> = created
        .summary
        .people
        .iter()
        .map(|person| person.first_name.as_str())
        .collect();
    assert_eq!(people, ["Marieke", "Pieter"]);

    // Pieter: one more unread, bold in his list, a notification; reading it clears the count.
    assert_eq!(unread(&app, &pieter).await, before + 1);
    let his = list(&app, &pieter, johanna, "").await;
    let row = his
        .conversations
        .iter()
        .find(|row| row.id == created.summary.id)
        .unwrap();
    assert_eq!(row.unread, 1);
    assert_eq!(row.preview, "Wie haalt mama op? Ik kan niet.");
    let notes: Notifications = json_as(app.get_as(&pieter, "/api/me/notifications").await).await;
    assert!(
        notes
            .items
            .iter()
            .any(|note| note.entry_id == Some(created.summary.id))
    );
    let read = opened(&app, &pieter, johanna, created.summary.id).await;
    assert!(!read.messages[0].mine);
    assert_eq!(read.summary.unread, 0);
    assert_eq!(unread(&app, &pieter).await, before);

    // His answer goes to Marieke; her start panel shows it with the unread count.
    let reply = answer(
        &app,
        &pieter,
        johanna,
        created.summary.id,
        json!({"text": "Ik haal haar op."}),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    let home: HomeView = json_as(app.get_home(&marieke, johanna).await).await;
    let panel = home
        .panels
        .iter()
        .find(|panel| panel.kind == kring_shared::PanelKind::Messages)
        .unwrap();
    let latest = panel.latest_message.as_ref().unwrap();
    assert_eq!(latest.conversation_id, created.summary.id);
    assert_eq!(latest.preview, "Ik haal haar op.");
    assert_eq!(latest.author.first_name, "Pieter");
    assert!(latest.unread >= 1);

    // Nobody else sees it: Sandra and Kees have no Berichten (403), Daan is another client's,
    // a care worker is not in it (404), and another client's id does not find it.
    for user in ["sandra", "kees"] {
        let token = app.login_as(user).await;
        let response = open(&app, &token, johanna, created.summary.id).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{user}");
    }
    let fatima = app.login_as("fatima").await;
    assert_eq!(
        open(&app, &fatima, johanna, created.summary.id)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let daan = app.login_as("daan").await;
    let daan_client = app.client_id("Daan").await;
    assert_eq!(
        open(&app, &daan, daan_client, created.summary.id)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !inbox(&app, &fatima, "box=team")
            .await
            .conversations
            .iter()
            .any(|row| row.id == created.summary.id)
    );
}

#[tokio::test]
async fn someone_who_lost_berichten_hears_nothing_more_of_a_conversation() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let pieter_id = app.user("pieter").await.id;
    let created = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [pieter_id], "subject": "Voor later", "text": "Eerste"}),
    )
    .await;
    let notes_before = notification::Entity::find()
        .filter(notification::Column::UserId.eq(pieter_id))
        .count(&app.db)
        .await
        .unwrap();
    // Marieke takes Pieter's Berichten tick away.
    let mut link: kring_api::entities::client_contact::ActiveModel =
        app.link("pieter", "Johanna").await.into();
    link.perm_messages = sea_orm::ActiveValue::Set(false);
    sea_orm::ActiveModelTrait::update(link, &app.db)
        .await
        .unwrap();
    let reply = answer(
        &app,
        &marieke,
        johanna,
        created.summary.id,
        json!({"text": "Tweede, niet meer voor Pieter"}),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    assert_eq!(
        notification::Entity::find()
            .filter(notification::Column::UserId.eq(pieter_id))
            .count(&app.db)
            .await
            .unwrap(),
        notes_before,
        "no notification"
    );
    assert_eq!(
        open(&app, &pieter, johanna, created.summary.id)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(unread(&app, &pieter).await, 0);
}

#[tokio::test]
async fn bad_messages_name_their_field_and_store_nothing() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.user("pieter").await.id;
    let sandra = app.user("sandra").await.id;
    let anouk = app.user("anouk").await.id;
    let marieke_id = app.user("marieke").await.id;
    let before = conversations_stored(&app).await;
    let cases = [
        (
            json!({"people": [], "subject": "Hoi", "text": "Hallo"}),
            vec!["recipients/required"],
        ),
        (
            json!({"people": [sandra], "subject": "Hoi", "text": "Hallo"}),
            vec!["recipients/not_allowed"],
        ),
        (
            json!({"people": [anouk, marieke_id], "subject": "Hoi", "text": "Hallo"}),
            vec!["recipients/not_allowed"],
        ),
        (
            json!({"people": [pieter], "subject": " ", "text": ""}),
            vec!["subject/required", "text/required"],
        ),
        (
            json!({"people": [pieter], "subject": "x".repeat(151), "text": "y".repeat(5001)}),
            vec!["subject/too_long", "text/too_long"],
        ),
        (
            json!({"people": [pieter], "subject": "Hoi", "text": "Hallo",
                   "attachments": (0..6).map(|_| Uuid::new_v4()).collect::<Vec<_>>()}),
            vec!["attachments/too_many"],
        ),
        (
            json!({"people": [pieter], "subject": "Hoi", "text": "Hallo",
                   "attachments": [Uuid::new_v4()]}),
            vec!["attachments/unknown_attachment"],
        ),
    ];
    for (body, expected) in cases {
        let errors = invalid(start(&app, &marieke, johanna, body.clone()).await).await;
        assert_eq!(errors, expected, "{body}");
    }
    assert_eq!(
        conversations_stored(&app).await,
        before,
        "nothing half-sent"
    );
    assert_eq!(
        message::Entity::find()
            .filter(message::Column::Body.eq("Hallo"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

// ---------------------------------------------------------------- with care

#[tokio::test]
async fn who_may_write_to_care_follows_the_organisation_setting() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let daan_client = app.client_id("Daan").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let daan = app.login_as("daan").await;
    let to_team = |subject: &str| json!({"care_team": true, "subject": subject, "text": "Vraag"});

    // 's Heeren Loo: everyone with Berichten — Pieter (a son) too.
    let his = started(&app, &pieter, johanna, to_team("Van Pieter")).await;
    assert!(his.summary.with_care && his.summary.care_team);

    // Zuyderland: the client and legal representatives only.
    set_org(&app, |org| {
        org.care_messages = sea_orm::ActiveValue::Set(CareMessaging::Representatives)
    })
    .await;
    assert_eq!(
        invalid(start(&app, &pieter, johanna, to_team("Nee")).await).await,
        ["recipients/care_not_allowed"]
    );
    let options: RecipientOptions = json_as(
        app.get_as(
            &pieter,
            &format!("/api/clients/{johanna}/messages/recipients"),
        )
        .await,
    )
    .await;
    assert!(!options.care_allowed && options.care.is_empty());
    // Nor may he answer in his earlier conversation with care.
    let refused = answer(
        &app,
        &pieter,
        johanna,
        his.summary.id,
        json!({"text": "En?"}),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        !opened(&app, &pieter, johanna, his.summary.id)
            .await
            .may_reply
    );
    // The client himself may.
    started(&app, &daan, daan_client, to_team("Van Daan")).await;

    // Laurens and Amaris: nobody, not even Marieke (the primary contact).
    set_org(&app, |org| {
        org.care_messages = sea_orm::ActiveValue::Set(CareMessaging::Nobody)
    })
    .await;
    let fatima = app.user("fatima").await.id;
    assert_eq!(
        invalid(
            start(
                &app,
                &marieke,
                johanna,
                json!({"people": [fatima], "subject": "Hoi", "text": "Vraag"})
            )
            .await
        )
        .await,
        ["recipients/care_not_allowed"]
    );
    // Writing within the family still works.
    let pieter_id = app.user("pieter").await.id;
    started(
        &app,
        &marieke,
        johanna,
        json!({"people": [pieter_id], "subject": "Familie", "text": "Hoi"}),
    )
    .await;
    // The setting is the administrator's, with the answer time next to it.
    let admin = app.login_as("beheer").await;
    let settings: Value = json_as(app.get_as(&admin, "/api/admin/organisation").await).await;
    assert_eq!(settings["care_messages"], "nobody");
    assert_eq!(settings["care_reply_days"], 2);
}

#[tokio::test]
async fn the_care_team_reads_and_answers_and_the_writer_sees_who_read_it() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let fatima = app.login_as("fatima").await;
    let lotte = app.login_as("lotte").await;
    let created = started(
        &app,
        &marieke,
        johanna,
        json!({"care_team": true, "subject": "Medicijnen", "text": "Krijgt mama haar nieuwe pillen al?"}),
    )
    .await;
    let id = created.summary.id;
    assert!(created.messages[0].read_by.is_empty());

    // Every team member has it in the team inbox (unread, with the client's name), not in
    // their personal one.
    for token in [&fatima, &lotte] {
        let team = inbox(&app, token, "box=team").await;
        let row = team.conversations.iter().find(|row| row.id == id).unwrap();
        assert_eq!(row.unread, 1);
        assert_eq!(row.client_name, "Johanna de Vries");
        assert!(team.unread >= 1);
        assert!(
            !inbox(&app, token, "box=personal")
                .await
                .conversations
                .iter()
                .any(|row| row.id == id)
        );
    }

    // Lotte reads it: Marieke sees the receipt; the reading is in the access log.
    let read = opened(&app, &lotte, johanna, id).await;
    assert!(read.may_reply);
    let seen = opened(&app, &marieke, johanna, id).await;
    let receipts = &seen.messages[0].read_by;
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].reader.first_name, "Lotte");
    assert!(receipts[0].reader.care_role.is_some());
    let logged = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(johanna))
        .filter(access_log::Column::Object.eq("messages"))
        .filter(access_log::Column::ObjectId.eq(id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(logged.iter().any(|row| row.user_name == "Lotte de Jong"));
    assert!(logged.iter().any(|row| row.user_name == "Marieke de Vries"));

    // Lotte answers: she joins the conversation and Marieke sees who answered.
    let reply = answer(
        &app,
        &lotte,
        johanna,
        id,
        json!({"text": "Ja, vanaf morgen. Groet, Lotte"}),
    )
    .await;
    assert_eq!(reply.status(), StatusCode::CREATED);
    let seen = opened(&app, &marieke, johanna, id).await;
    let last = seen.messages.last().unwrap();
    assert_eq!(last.author.first_name, "Lotte");
    assert!(last.author.care_role.is_some());
    assert!(
        seen.summary
            .people
            .iter()
            .any(|person| person.first_name == "Lotte")
    );
    assert!(
        inbox(&app, &lotte, "box=personal")
            .await
            .conversations
            .iter()
            .any(|row| row.id == id)
    );

    // A document sent to care, opened by Lotte, is in the access log as her reading it.
    let document: Attachment =
        json_as(upload(&app, &marieke, johanna, "recept.pdf", pdf()).await).await;
    let with_file = answer(
        &app,
        &marieke,
        johanna,
        id,
        json!({"text": "Hier is het recept.", "attachments": [document.id]}),
    )
    .await;
    assert_eq!(with_file.status(), StatusCode::CREATED);
    let lotte_reads = || async {
        access_log::Entity::find()
            .filter(access_log::Column::ObjectId.eq(id))
            .filter(access_log::Column::UserName.eq("Lotte de Jong"))
            .count(&app.db)
            .await
            .unwrap()
    };
    let before = lotte_reads().await;
    assert_eq!(
        app.get_as(&lotte, &document.url).await.status(),
        StatusCode::OK
    );
    assert_eq!(lotte_reads().await, before + 1);

    // A care worker outside the client's team gets nothing: Lotte is not in Daan's team.
    let daan_client = app.client_id("Daan").await;
    let response = app
        .get_as(&lotte, &format!("/api/clients/{daan_client}/conversations"))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Care workers answer; they do not start conversations, and have no recipients list.
    let refused = start(
        &app,
        &lotte,
        johanna,
        json!({"care_team": true, "subject": "x", "text": "y"}),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // Family members have no inbox or absence.
    assert_eq!(
        app.get_as(&marieke, "/api/care/inbox").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_message_to_an_absent_care_worker_goes_to_the_team_too() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let fatima = app.login_as("fatima").await;
    let thomas = app.login_as("thomas").await;
    let fatima_id = app.user("fatima").await.id;
    let today = crate::helpers::dutch_today();
    let until = today + Days::new(12);

    // Bad absences are refused; family members have none.
    let bad = app
        .put_json(
            "/api/me/absence",
            &fatima,
            json!({"from": until, "until": today}),
        )
        .await;
    assert_eq!(invalid(bad).await, ["until/before_from"]);
    let not_care = app
        .put_json(
            "/api/me/absence",
            &marieke,
            json!({"from": today, "until": until}),
        )
        .await;
    assert_eq!(not_care.status(), StatusCode::FORBIDDEN);
    let saved = app
        .put_json(
            "/api/me/absence",
            &fatima,
            json!({"from": today, "until": until, "note": "Vakantie"}),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);

    // The writer sees it before sending.
    let options: RecipientOptions = json_as(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/messages/recipients"),
        )
        .await,
    )
    .await;
    let her = options
        .care
        .iter()
        .find(|recipient| recipient.person.user_id == fatima_id)
        .unwrap();
    let absence = her.absence.as_ref().unwrap();
    assert_eq!(absence.until, until);
    assert_eq!(absence.note.as_deref(), Some("Vakantie"));

    // Written to Fatima alone, it lands in the team inbox too.
    let created = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [fatima_id], "subject": "Voor Fatima", "text": "Belt u mij terug?"}),
    )
    .await;
    assert!(created.summary.care_team);
    assert!(
        inbox(&app, &thomas, "box=team")
            .await
            .conversations
            .iter()
            .any(|row| row.id == created.summary.id)
    );
    assert!(
        inbox(&app, &fatima, "box=personal")
            .await
            .conversations
            .iter()
            .any(|row| row.id == created.summary.id)
    );

    // Back at work: a new message to her stays personal.
    let ended = app.delete_as(&fatima, "/api/me/absence").await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        json_as::<Value>(app.get_as(&fatima, "/api/me/absence").await).await,
        Value::Null
    );
    let personal = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [fatima_id], "subject": "Nog iets", "text": "Hoi"}),
    )
    .await;
    assert!(!personal.summary.care_team);
    assert!(
        !inbox(&app, &thomas, "box=team")
            .await
            .conversations
            .iter()
            .any(|row| row.id == personal.summary.id)
    );
}

#[tokio::test]
async fn a_message_care_does_not_read_in_time_is_raised_once_and_the_writer_is_told() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let thomas = app.login_as("thomas").await;
    let fatima_id = app.user("fatima").await.id;
    let marieke_id = app.user("marieke").await.id;
    let events = EventBus::new();
    let unanswered = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [fatima_id], "subject": "Dringend?", "text": "Graag antwoord"}),
    )
    .await;
    let read_in_time = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [fatima_id], "subject": "Gelezen", "text": "Dit leest Fatima"}),
    )
    .await;
    let fatima = app.login_as("fatima").await;
    opened(&app, &fatima, johanna, read_in_time.summary.id).await;

    // Within two working days nothing happens; after five calendar days it is raised.
    let now = Utc::now();
    assert_eq!(
        escalate_overdue(&app.db, &events, now + chrono::Duration::hours(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        escalate_overdue(&app.db, &events, now + chrono::Duration::days(5))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        escalate_overdue(&app.db, &events, now + chrono::Duration::days(6))
            .await
            .unwrap(),
        0,
        "raised once"
    );
    // In every team member's team inbox, flagged and unread.
    let team = inbox(&app, &thomas, "box=team").await;
    let row = team
        .conversations
        .iter()
        .find(|row| row.id == unanswered.summary.id)
        .unwrap();
    assert!(row.overdue && row.care_team);
    assert_eq!(row.unread, 1);
    assert!(
        !team
            .conversations
            .iter()
            .any(|row| row.id == read_in_time.summary.id)
    );
    // The writer is told to call the department if it is urgent.
    let told = notification::Entity::find()
        .filter(notification::Column::UserId.eq(marieke_id))
        .filter(notification::Column::EntryId.eq(unanswered.summary.id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        told.iter().any(|note| note.kind.known()
            == Some(kring_shared::contacts::NotificationKind::MessageOverdue))
    );
    let seen = opened(&app, &marieke, johanna, unanswered.summary.id).await;
    assert!(seen.messages[0].overdue);
    // Once someone of the team reads it, it is no longer overdue.
    opened(&app, &thomas, johanna, unanswered.summary.id).await;
    let seen = opened(&app, &marieke, johanna, unanswered.summary.id).await;
    assert!(!seen.messages[0].overdue);
    assert_eq!(seen.messages[0].read_by[0].reader.first_name, "Thomas");
}

// ---------------------------------------------------------------- archive and search

#[tokio::test]
async fn archived_conversations_return_with_a_new_message_and_search_finds_only_ones_own() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let inbox_ids = |page: ConversationPage| {
        page.conversations
            .iter()
            .map(|row| row.subject.clone())
            .collect::<Vec<_>>()
    };
    // The demo: "Verjaardag van mama" (with Pieter, newest) and "Nieuwe bril" (with care).
    assert_eq!(
        inbox_ids(list(&app, &marieke, johanna, "").await),
        ["Verjaardag van mama", "Nieuwe bril"]
    );
    let birthday = list(&app, &marieke, johanna, "").await.conversations[0].id;
    archive(&app, &marieke, johanna, birthday).await;
    assert_eq!(
        inbox_ids(list(&app, &marieke, johanna, "").await),
        ["Nieuwe bril"]
    );
    assert_eq!(
        inbox_ids(list(&app, &marieke, johanna, "archived=true").await),
        ["Verjaardag van mama"]
    );
    // Only for her: Pieter still has it in his inbox.
    assert_eq!(
        inbox_ids(list(&app, &pieter, johanna, "").await),
        ["Verjaardag van mama"]
    );
    // An answer brings it back.
    answer(
        &app,
        &pieter,
        johanna,
        birthday,
        json!({"text": "Nog iets"}),
    )
    .await;
    assert_eq!(
        inbox_ids(list(&app, &marieke, johanna, "").await),
        ["Verjaardag van mama", "Nieuwe bril"]
    );

    // Search: in the text ("taart"), in the subject ("BRIL"), literally ("100%"); never in
    // conversations one is not in.
    assert_eq!(
        inbox_ids(list(&app, &marieke, johanna, "q=taart").await),
        ["Verjaardag van mama"]
    );
    assert_eq!(
        inbox_ids(list(&app, &marieke, johanna, "q=BRIL").await),
        ["Nieuwe bril"]
    );
    assert!(
        list(&app, &marieke, johanna, "q=100%25")
            .await
            .conversations
            .is_empty()
    );
    assert!(
        list(&app, &pieter, johanna, "q=bril")
            .await
            .conversations
            .is_empty()
    );
}

// On PostgreSQL a new message deletes the archive rows of its conversation in its own
// transaction; an archive by someone who had not seen that message can commit just after the
// delete. What she archived is the conversation up to the message she saw, so the new one
// still brings it back — and archiving again after it archives it.
#[tokio::test]
async fn an_archive_that_lands_after_a_new_message_does_not_hide_that_message() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let marieke_id = app.user("marieke").await.id;
    let before = list(&app, &marieke, johanna, "").await.conversations[0].clone();
    let birthday = before.id;
    let seen_by_marieke = conversation::Entity::find_by_id(birthday)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .last_message_at;
    answer(
        &app,
        &pieter,
        johanna,
        birthday,
        json!({"text": "Nog iets"}),
    )
    .await;
    // Her archive, written after Pieter's answer had cleared the archive rows.
    conversation_archive::Entity::insert(conversation_archive::ActiveModel {
        conversation_id: Set(birthday),
        user_id: Set(marieke_id),
        archived_at: Set(seen_by_marieke),
    })
    .exec_without_returning(&app.db)
    .await
    .unwrap();
    let inbox = list(&app, &marieke, johanna, "").await;
    let row = inbox
        .conversations
        .iter()
        .find(|row| row.id == birthday)
        .expect("the new answer keeps the conversation in her inbox");
    assert!(!row.archived);
    assert_eq!(row.unread, before.unread + 1);
    assert!(
        list(&app, &marieke, johanna, "archived=true")
            .await
            .conversations
            .is_empty()
    );
    // Having seen it, she archives it again: now it goes, archived up to Pieter's answer.
    archive(&app, &marieke, johanna, birthday).await;
    let newest = conversation::Entity::find_by_id(birthday)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .last_message_at;
    assert!(newest > seen_by_marieke);
    let stored = conversation_archive::Entity::find_by_id((birthday, marieke_id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.archived_at, newest);
    assert!(
        list(&app, &marieke, johanna, "")
            .await
            .conversations
            .iter()
            .all(|row| row.id != birthday)
    );
    let archive = list(&app, &marieke, johanna, "archived=true").await;
    assert_eq!(archive.conversations.len(), 1);
    assert!(archive.conversations[0].archived);
}

#[tokio::test]
async fn conversations_page_newest_first_without_gaps() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.user("pieter").await.id;
    for n in 0..5 {
        started(
            &app,
            &marieke,
            johanna,
            json!({"people": [pieter], "subject": format!("Nummer {n}"), "text": "Hoi"}),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("limit=3&cursor={cursor}"),
            None => "limit=3".to_owned(),
        };
        let page = list(&app, &marieke, johanna, &query).await;
        seen.extend(page.conversations.iter().map(|row| row.subject.clone()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "Nummer 4",
            "Nummer 3",
            "Nummer 2",
            "Nummer 1",
            "Nummer 0",
            "Verjaardag van mama",
            "Nieuwe bril"
        ]
    );
    let bad = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/conversations?cursor=nonsense"),
        )
        .await;
    assert_eq!(invalid(bad).await, ["cursor/invalid_cursor"]);
    for limit in ["0", "101"] {
        let bad = app
            .get_as(
                &marieke,
                &format!("/api/clients/{johanna}/conversations?limit={limit}"),
            )
            .await;
        assert_eq!(invalid(bad).await, ["limit/out_of_range"], "{limit}");
    }
}

// ---------------------------------------------------------------- attachments

#[tokio::test]
async fn attachments_lose_their_metadata_and_only_the_conversation_sees_them() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let lotte = app.login_as("lotte").await;
    let pieter_id = app.user("pieter").await.id;

    let photo = upload(
        &app,
        &marieke,
        johanna,
        "IMG_0042.HEIC",
        jpeg_with_exif(64, 32),
    )
    .await;
    assert_eq!(photo.status(), StatusCode::CREATED);
    let photo: Attachment = json_as(photo).await;
    assert_eq!(photo.file_name, "IMG_0042.jpg");
    assert_eq!(photo.content_type, "image/jpeg");
    let document = upload(&app, &marieke, johanna, "brief%C3%A9.pdf", pdf()).await;
    assert_eq!(document.status(), StatusCode::CREATED);
    let document: Attachment = json_as(document).await;
    assert_eq!(document.content_type, "application/pdf");
    assert!(document.thumbnail_url.is_none());

    // Not a photo or PDF: refused, whatever it says it is.
    let gif = upload(&app, &marieke, johanna, "a.gif", b"GIF89a\x01\x00".to_vec()).await;
    assert_eq!(gif.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = upload(&app, &marieke, johanna, "big.pdf", {
        let mut bytes = pdf();
        bytes.resize(16 * 1024 * 1024, b' ');
        bytes
    })
    .await;
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Before it is sent, only Marieke sees it; Pieter cannot send it as his.
    assert_eq!(
        app.get_as(&pieter, &photo.url).await.status(),
        StatusCode::NOT_FOUND
    );
    let stolen = app
        .post_json(
            &format!("/api/clients/{johanna}/conversations"),
            Some(&pieter),
            json!({"people": [app.user("marieke").await.id], "subject": "x", "text": "y",
                   "attachments": [photo.id]}),
        )
        .await;
    assert_eq!(invalid(stolen).await, ["attachments/unknown_attachment"]);

    let created = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [pieter_id], "subject": "Foto en brief", "text": "Kijk",
               "attachments": [photo.id, document.id]}),
    )
    .await;
    assert_eq!(created.messages[0].attachments.len(), 2);

    // Pieter (in it) sees both: the photo without EXIF, the PDF as a download.
    let served = app.get_as(&pieter, &photo.url).await;
    assert_eq!(served.status(), StatusCode::OK);
    let bytes = served.bytes().await.unwrap();
    assert!(!contains(&bytes, b"Exif") && !contains(&bytes, b"KRINGSECRETCAMERA"));
    let served = app.get_as(&pieter, &document.url).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "application/pdf");
    let disposition = served.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment")
            && disposition.contains("filename=\"brief_.pdf\"")
            && disposition.contains("filename*=UTF-8''brief%C3%A9.pdf"),
        "{disposition}"
    );
    assert_eq!(served.bytes().await.unwrap().as_ref(), pdf().as_slice());
    // Opening what was sent is recorded only for conversations with care: this one is family.
    assert_eq!(
        access_log::Entity::find()
            .filter(access_log::Column::ObjectId.eq(created.summary.id))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    // A PDF has no display size, a photo no file.
    assert_eq!(
        app.get_as(&pieter, &document.url.replace("/file", "/display"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Not in the conversation: 404.
    for token in [&lotte, &app.login_as("sandra").await] {
        assert_eq!(
            app.get_as(token, &photo.url).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    // A sent attachment cannot be removed as if it were an upload.
    assert_eq!(
        app.delete_as(&marieke, &format!("/api/media/{}", photo.id))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------- live, mail, ECD

#[tokio::test]
async fn a_new_message_is_live_for_its_people_only_and_mailed_without_its_content() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let sandra = app.login_as("sandra").await;
    let pieter_id = app.user("pieter").await.id;

    let mut his = open_stream(&app, &pieter, johanna).await;
    let mut hers = open_stream(&app, &sandra, johanna).await;
    let created = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [pieter_id], "subject": "Geheim onderwerp", "text": "Geheime inhoud"}),
    )
    .await;
    let seen = read_until(&mut his, "event: messages", Duration::from_secs(2)).await;
    assert!(
        seen.contains("event: messages") && seen.contains(&created.summary.id.to_string()),
        "{seen}"
    );
    let seen = read_until(&mut hers, "event: messages", Duration::from_millis(1500)).await;
    assert!(!seen.contains("event: messages"), "{seen}");

    // The e-mail says there is a message, never what it is about or says.
    let mail = smtp.wait_for_message(1).await;
    assert!(mail.to.contains("pieter@"), "{}", mail.to);
    assert_eq!(mail.subject, "Er is een nieuw bericht voor u in Kring");
    for secret in ["Geheim onderwerp", "Geheime inhoud", "Marieke"] {
        assert!(
            !mail.text.contains(secret) && !mail.html.contains(secret),
            "{secret}"
        );
    }
    assert!(
        mail.text
            .contains(&format!("/berichten/{}", created.summary.id))
    );

    // Switched off: the next one sends no e-mail (only Marieke's answer-mail would follow).
    let off = app
        .put_json("/api/me/message-mail", &pieter, json!({"enabled": false}))
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    started(
        &app,
        &marieke,
        johanna,
        json!({"people": [pieter_id], "subject": "Twee", "text": "Hoi"}),
    )
    .await;
    answer(
        &app,
        &pieter,
        johanna,
        created.summary.id,
        json!({"text": "Antwoord"}),
    )
    .await;
    // Found by its address: two mails within one second have the same Date, so their order
    // is not known.
    smtp.wait_for_message(2).await;
    let to: Vec<String> = smtp
        .messages()
        .iter()
        .map(|raw| ReceivedMail::parse(raw).to)
        .collect();
    assert!(to.iter().any(|to| to.contains("marieke@")), "{to:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 2, "no mail to Pieter any more");
}

#[tokio::test]
async fn messages_to_care_reach_the_ecd_feed_and_the_ecd_answers_for_a_care_worker() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let key = app.ecd_key().await;
    let pieter_id = app.user("pieter").await.id;
    let family = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [pieter_id], "subject": "Familie", "text": "Niet voor de zorg"}),
    )
    .await;
    let created = started(
        &app,
        &marieke,
        johanna,
        json!({"care_team": true, "subject": "Pedicure", "text": "Wanneer komt de pedicure?"}),
    )
    .await;
    let feed: Value = app
        .http
        .get(app.url("/api/integration/feed"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items: Vec<&Value> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["kind"] == "message")
        .collect();
    assert_eq!(items.len(), 1, "only the message to care: {feed}");
    assert_eq!(items[0]["text"], "Wanneer komt de pedicure?");
    assert_eq!(items[0]["client_external_id"], "ECD-1001");
    assert_eq!(
        items[0]["message"]["conversation_id"],
        created.summary.id.to_string()
    );
    assert_eq!(items[0]["message"]["care_team"], true);

    let put = |conversation: Uuid, answer_id: &str, body: Value, key: String| {
        let url = app.url(&format!(
            "/api/integration/clients/ECD-1001/conversations/{conversation}/messages/{answer_id}"
        ));
        let http = app.http.clone();
        async move {
            http.put(url)
                .bearer_auth(key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let body = json!({"care_worker_id": "MW-2003", "text": "Donderdag om tien uur."});
    let first = put(created.summary.id, "ANS-1", body.clone(), key.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Message = json_as(first).await;
    let again = put(created.summary.id, "ANS-1", body.clone(), key.clone()).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Message = json_as(again).await;
    assert_eq!(first.id, again.id, "stored once");
    let seen = opened(&app, &marieke, johanna, created.summary.id).await;
    assert_eq!(seen.messages.len(), 2);
    let last = seen.messages.last().unwrap();
    assert!(last.via_ecd);
    assert_eq!(last.author.first_name, "Lotte");

    // Refused: an unknown care worker, one outside the team, a family conversation, a key
    // without messages:write.
    let unknown = put(
        created.summary.id,
        "ANS-2",
        json!({"care_worker_id": "MW-9999", "text": "x"}),
        key.clone(),
    )
    .await;
    assert_eq!(invalid(unknown).await, ["care_worker_id/unknown"]);
    app.put_json(
        "/api/integration/care-workers/MW-2004",
        &key,
        json!({"first_name": "Sam", "last_name": "Nieuw", "email": "sam@example.nl"}),
    )
    .await;
    let outside = put(
        created.summary.id,
        "ANS-3",
        json!({"care_worker_id": "MW-2004", "text": "x"}),
        key.clone(),
    )
    .await;
    assert_eq!(invalid(outside).await, ["care_worker_id/not_in_care_team"]);
    // Only where the care worker could answer in the portal: Thomas in a conversation Marieke
    // wrote to Fatima alone is refused.
    let fatima_id = app.user("fatima").await.id;
    let personal = started(
        &app,
        &marieke,
        johanna,
        json!({"people": [fatima_id], "subject": "Voor Fatima", "text": "Alleen voor haar"}),
    )
    .await;
    let elsewhere = put(
        personal.summary.id,
        "ANS-6",
        json!({"care_worker_id": "MW-2002", "text": "x"}),
        key.clone(),
    )
    .await;
    assert_eq!(
        invalid(elsewhere).await,
        ["care_worker_id/not_in_conversation"]
    );
    let not_care = put(family.summary.id, "ANS-4", body.clone(), key.clone()).await;
    assert_eq!(not_care.status(), StatusCode::NOT_FOUND);
    let feed_only = app
        .api_key(&[kring_shared::integration::Scope::FeedRead])
        .await;
    let refused = put(created.summary.id, "ANS-5", body, feed_only).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
