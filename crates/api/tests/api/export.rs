//! Download, FHIR `$everything`, *Wie heeft mijn dossier bekeken* and one's own data: the ZIP's
//! contents for a range (entries outside it absent), the FHIR bundle checked by an independent
//! implementation (`fhir.resources`) with every reference resolving, private appointments
//! marked, the job's progress and expiry, one-time links, the access log's page in words, its
//! filters, paging and CSV, tiered disclosure, retention, and the refusals.

use std::{collections::HashSet, io::Read, time::Duration};

use chrono::{Datelike, Utc};
use kring_api::{
    config::Config,
    entities::{access_log, audit_entry, client_contact, export},
    services::{
        audit::verify_chain,
        export::{tidy, viewed::purge},
        media::MediaStore,
    },
};
use kring_shared::{
    dossier::AccessAction,
    export::{
        DownloadLink, ExportList, ExportState, ExportStatus, StaffDisclosure, ViewLogPage,
        ViewedItem, Viewer,
    },
};
use reqwest::{StatusCode, header};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Statement,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_problem, assert_problem_dto, field_errors, json_as, report_body, set_org,
    spawn_app,
};

/// `YYYY-MM` of `months` before this month.
fn month_ago(months: u32) -> String {
    let today = crate::helpers::dutch_today();
    let first = today.with_day(1).unwrap();
    let month = first
        .checked_sub_months(chrono::Months::new(months))
        .unwrap();
    format!("{:04}-{:02}", month.year(), month.month())
}

async fn request_export(
    app: &TestApp,
    token: &str,
    client: Uuid,
    from: &str,
    until: &str,
) -> reqwest::Response {
    app.post_json(
        &format!("/api/clients/{client}/exports"),
        Some(token),
        json!({"from": from, "until": until}),
    )
    .await
}

/// Polls until the export is no longer queued or running; the progress seen on the way.
async fn wait_ready(app: &TestApp, token: &str, client: Uuid, id: Uuid) -> (ExportStatus, Vec<u8>) {
    let mut seen = Vec::new();
    for _ in 0..600 {
        let status: ExportStatus = json_as(
            app.get_as(token, &format!("/api/clients/{client}/exports/{id}"))
                .await,
        )
        .await;
        seen.push(status.progress);
        if !matches!(status.state, ExportState::Queued | ExportState::Running) {
            return (status, seen);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the export did not finish within a minute");
}

async fn download(app: &TestApp, token: &str, client: Uuid, id: Uuid) -> Vec<u8> {
    let response = app
        .post_json(
            &format!("/api/clients/{client}/exports/{id}/link"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "download link");
    let link: DownloadLink = json_as(response).await;
    // The link works without a bearer token, once.
    let response = app.http.get(app.url(&link.url)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "download");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
    assert!(
        response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("kring-johanna-de-vries")
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let again = app.http.get(app.url(&link.url)).send().await.unwrap();
    assert_problem(again, 404, "not_found").await;
    bytes
}

fn entry(zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
    let mut file = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the ZIP"));
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    bytes
}

/// Runs `scripts/fhir_validate.py` (fhir.resources' R4B models, every reference resolving).
pub fn validate_fhir(bundle: &[u8]) -> Value {
    let python = std::env::var("KRING_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/fhir_validate.py");
    let mut child = std::process::Command::new(&python)
        .arg(&script)
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {python} (run scripts/setup): {error}"));
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), bundle).unwrap();
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    let verdict: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "validator output: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    assert_eq!(verdict["valid"], true, "FHIR validation: {verdict:#}");
    verdict
}

/// Every reference in the bundle resolves to an entry's fullUrl (checked here too, so the test
/// says which one does not).
fn assert_references_resolve(bundle: &Value) {
    let urls: HashSet<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["fullUrl"].as_str().unwrap())
        .collect();
    fn walk<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("reference", Value::String(reference)) => found.push(reference),
                        _ => walk(value, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
            _ => {}
        }
    }
    let mut references = Vec::new();
    walk(bundle, &mut references);
    assert!(references.len() > 10);
    for reference in references {
        assert!(urls.contains(reference), "{reference} resolves");
    }
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["resource"])
        .filter(|resource| resource["resourceType"] == kind)
        .collect()
}

// ---------------------------------------------------------------- download

#[tokio::test]
async fn an_export_of_three_months_holds_a_readable_overview_a_valid_fhir_bundle_and_the_files() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let key = app.ecd_key().await;
    // One report in the months, one long before them.
    let inside = app
        .put_report(
            &key,
            "ECD-1001",
            "R-IN",
            report_body("Mevrouw wandelde naar de markt.", 24),
        )
        .await;
    assert!(inside.status().is_success());
    let outside = app
        .put_report(
            &key,
            "ECD-1001",
            "R-OUT",
            report_body("Een oude rapportage van lang geleden.", 24 * 200),
        )
        .await;
    assert!(outside.status().is_success());

    // A message to Pieter with a photo and a PDF.
    let mut attachments = Vec::new();
    for (name, bytes) in [
        ("foto.jpg", crate::pinboard::jpeg_with_exif(64, 48)),
        (
            "brief.pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
                .to_vec(),
        ),
    ] {
        let uploaded = app
            .http
            .post(app.url(&format!(
                "/api/clients/{johanna}/messages/attachments?name={name}"
            )))
            .bearer_auth(&marieke)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(uploaded.status(), StatusCode::CREATED, "{name}");
        let attachment: kring_shared::messages::Attachment = json_as(uploaded).await;
        attachments.push(attachment.id);
    }
    let pieter_id = app.user("pieter").await.id;
    let sent = app
        .post_json(
            &format!("/api/clients/{johanna}/conversations"),
            Some(&marieke),
            json!({"people": [pieter_id], "subject": "Foto van de markt", "text": "Kijk eens!", "attachments": attachments}),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);

    let response = request_export(&app, &marieke, johanna, &month_ago(2), &month_ago(0)).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let started: ExportStatus = json_as(response).await;
    assert!(started.file_name.starts_with("kring-johanna-de-vries-"));
    let (done, seen) = wait_ready(&app, &marieke, johanna, started.id).await;
    assert_eq!(done.state, ExportState::Ready, "{done:?}");
    assert_eq!(done.progress, 100);
    assert!(
        seen.windows(2).all(|pair| pair[0] <= pair[1]),
        "progress only goes up: {seen:?}"
    );
    let expires = done.expires_at.unwrap();
    let hours = (expires - done.finished_at.unwrap()).num_hours();
    assert_eq!(hours, 24, "kept for the organisation's 24 hours");

    // It is listed for her, and the request is in the access log with its months.
    let list: ExportList = json_as(
        app.get_as(&marieke, &format!("/api/clients/{johanna}/exports"))
            .await,
    )
    .await;
    assert_eq!(list.exports[0].id, started.id);
    assert_eq!(list.keep_hours, 24);
    let logged = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(johanna))
        .filter(access_log::Column::Object.eq("export"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the export is in the access log");
    assert_eq!(logged.object_id, Some(started.id));
    assert_eq!(
        logged.detail.as_deref(),
        Some(format!("{}..{}", month_ago(2), month_ago(0)).as_str())
    );

    let bytes = download(&app, &marieke, johanna, started.id).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let html = String::from_utf8(entry(&mut zip, "overzicht.html")).unwrap();
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("Gegevens van Johanna de Vries"));
    assert!(html.contains("Mevrouw wandelde naar de markt."));
    assert!(
        !html.contains("Een oude rapportage"),
        "a report outside the months is not in it"
    );
    for section in [
        "Rapportages",
        "Zorgplannen",
        "Agenda: afspraken van het zorgteam",
        "Agenda: eigen afspraken",
        "Berichten",
        "Prikbord",
        "Contactpersonen",
        "Zorgteam",
    ] {
        assert!(html.contains(&format!("<h2>{section}</h2>")), "{section}");
    }
    assert!(
        html.contains("Verjaardag van mama"),
        "the conversation of the demo"
    );
    let pdf = entry(&mut zip, "overzicht.pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(!entry(&mut zip, "LEESMIJ.txt").is_empty());
    // The message's files are in it, and the overview shows them.
    let photos: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|name| name.starts_with("bestanden/"))
        .map(|name| name.into_owned())
        .collect();
    assert_eq!(photos.len(), 2, "the message's photo and PDF: {photos:?}");
    assert!(photos.iter().any(|name| name.ends_with(".pdf")));
    assert!(html.contains("brief.pdf"));
    for photo in &photos {
        assert!(
            html.contains(&format!("src=\"{photo}\""))
                || html.contains(&format!("href=\"{photo}\""))
        );
        assert!(!entry(&mut zip, photo).is_empty());
    }

    let fhir = entry(&mut zip, "fhir.json");
    let verdict = validate_fhir(&fhir);
    let bundle: Value = serde_json::from_slice(&fhir).unwrap();
    assert_eq!(bundle["type"], "collection");
    assert_references_resolve(&bundle);
    for kind in [
        "Patient",
        "RelatedPerson",
        "Consent",
        "CareTeam",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Coverage",
        "Appointment",
        "Communication",
        "CarePlan",
        "Goal",
        "QuestionnaireResponse",
        "DocumentReference",
    ] {
        assert!(
            verdict["resources"][kind].as_u64().unwrap_or(0) > 0,
            "a {kind} in {verdict}"
        );
    }
    // The ECD's ids are identifiers; the report outside the months is absent.
    let reports = resources(&bundle, "DocumentReference");
    assert!(reports.iter().any(|report| {
        report["identifier"]
            .as_array()
            .unwrap()
            .iter()
            .any(|id| id["value"] == "R-IN")
    }));
    assert!(!fhir.windows(5).any(|window| window == b"R-OUT"));
    // Private own appointments are marked restricted; public ones are not.
    let appointments = resources(&bundle, "Appointment");
    let restricted = appointments
        .iter()
        .filter(|appointment| appointment["meta"]["security"][0]["code"] == "R")
        .count();
    assert!(
        restricted > 0 && restricted < appointments.len(),
        "{restricted} of {}",
        appointments.len()
    );
    // A Consent per contact says what they may see.
    let consents = resources(&bundle, "Consent");
    let related = resources(&bundle, "RelatedPerson");
    assert_eq!(
        consents.len(),
        related
            .iter()
            .filter(|person| person["active"] == true)
            .count()
    );
    let patient = &resources(&bundle, "Patient")[0];
    assert_eq!(patient["id"], johanna.to_string());
    assert_eq!(patient["birthDate"].as_str().unwrap().len(), 10);
}

#[tokio::test]
async fn an_export_holds_only_what_its_maker_sees_in_the_portal() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let key = app.ecd_key().await;
    let report = app
        .put_report(
            &key,
            "ECD-1001",
            "R-TICK",
            report_body("Alleen met het vinkje Dossier.", 2),
        )
        .await;
    assert!(report.status().is_success());
    // Pieter and Kees write to each other; Marieke is not in that conversation.
    for (username, ticks) in [
        ("pieter", vec!["messages", "agenda"]),
        ("kees", vec!["messages"]),
    ] {
        let mut link: client_contact::ActiveModel = app.link(username, "Johanna").await.into();
        link.perm_messages = Set(ticks.contains(&"messages"));
        link.perm_agenda = Set(ticks.contains(&"agenda"));
        link.update(&app.db).await.unwrap();
    }
    let pieter = app.login_as("pieter").await;
    let kees_id = app.user("kees").await.id;
    let secret = app
        .post_json(
            &format!("/api/clients/{johanna}/conversations"),
            Some(&pieter),
            json!({"people": [kees_id], "subject": "Cadeau voor mama", "text": "Niet verder vertellen!"}),
        )
        .await;
    assert_eq!(secret.status(), StatusCode::CREATED);

    // Marieke holds every tick: the dossier is in hers, the brothers' conversation is not.
    // Last month and this one: the demo's conversations are from the last days, which on the
    // first of a month are last month's.
    let marieke = app.login_as("marieke").await;
    let started: ExportStatus =
        json_as(request_export(&app, &marieke, johanna, &month_ago(1), &month_ago(0)).await).await;
    wait_ready(&app, &marieke, johanna, started.id).await;
    let bytes = download(&app, &marieke, johanna, started.id).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let html = String::from_utf8(entry(&mut zip, "overzicht.html")).unwrap();
    assert!(html.contains("Alleen met het vinkje Dossier."));
    assert!(html.contains("Verjaardag van mama"), "her own conversation");
    assert!(
        !html.contains("Cadeau voor mama"),
        "not others' conversations"
    );
    assert!(
        !entry(&mut zip, "fhir.json")
            .windows(16)
            .any(|w| w == b"Cadeau voor mama")
    );

    // Pieter, made portal administrator with Afspraken and Berichten only: no dossier, no
    // details; his own conversation is in it.
    let mut link: client_contact::ActiveModel = app.link("pieter", "Johanna").await.into();
    link.perm_settings = Set(true);
    link.update(&app.db).await.unwrap();
    let started: ExportStatus =
        json_as(request_export(&app, &pieter, johanna, &month_ago(1), &month_ago(0)).await).await;
    let (done, _) = wait_ready(&app, &pieter, johanna, started.id).await;
    assert_eq!(done.state, ExportState::Ready);
    let bytes = download(&app, &pieter, johanna, started.id).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let html = String::from_utf8(entry(&mut zip, "overzicht.html")).unwrap();
    assert!(!html.contains("Alleen met het vinkje Dossier."));
    assert!(html.contains("Niet in deze download: hiervoor heeft u het vinkje Dossier niet"));
    assert!(html.contains("Cadeau voor mama"));
    let fhir = entry(&mut zip, "fhir.json");
    validate_fhir(&fhir);
    let bundle: Value = serde_json::from_slice(&fhir).unwrap();
    assert!(resources(&bundle, "DocumentReference").is_empty());
    assert!(resources(&bundle, "Coverage").is_empty());
    assert_references_resolve(&bundle);
}

#[tokio::test]
async fn a_care_plan_version_is_in_the_months_it_was_in_force_by_dutch_dates() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let key = app.ecd_key().await;
    // The months asked for: the month before last through last month.
    let first = crate::helpers::dutch_today().with_day(1).unwrap();
    let from = first.checked_sub_months(chrono::Months::new(2)).unwrap();
    let after = first;
    let day = chrono::Days::new(1);
    // Established long before; in force: ending on the day before, on the first day, starting on
    // the last day, starting on the day after.
    for (id, title, valid_from, valid_until) in [
        (
            "ZP-EDGE-1",
            "Eindigde de dag ervoor",
            from - chrono::Days::new(90),
            Some(from - day),
        ),
        (
            "ZP-EDGE-2",
            "Eindigde op de eerste dag",
            from - chrono::Days::new(90),
            Some(from),
        ),
        ("ZP-EDGE-3", "Begon op de laatste dag", after - day, None),
        ("ZP-EDGE-4", "Begon de dag erna", after, None),
    ] {
        let stored = app
            .put_json(
                &format!("/api/integration/clients/ECD-1001/care-plans/{id}"),
                &key,
                json!({"title": title, "established_at": Utc::now() - chrono::Duration::days(400),
                       "valid_from": valid_from, "valid_until": valid_until,
                       "goals": [{"title": "Zelf eten", "actions": []}]}),
            )
            .await;
        assert!(stored.status().is_success(), "{id}: {}", stored.status());
    }
    let started: ExportStatus =
        json_as(request_export(&app, &marieke, johanna, &month_ago(2), &month_ago(1)).await).await;
    wait_ready(&app, &marieke, johanna, started.id).await;
    let bytes = download(&app, &marieke, johanna, started.id).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let html = String::from_utf8(entry(&mut zip, "overzicht.html")).unwrap();
    assert!(!html.contains("Eindigde de dag ervoor"));
    assert!(html.contains("Eindigde op de eerste dag"));
    assert!(html.contains("Begon op de laatste dag"));
    assert!(!html.contains("Begon de dag erna"));
}

#[tokio::test]
async fn exports_are_for_the_client_and_portal_administrators_only_one_at_a_time_and_expire() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let daan = app.client_id("Daan").await;
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let daan_token = app.login_as("daan").await;

    // Pieter has no Instellingen: nothing of it, not even whether an export exists.
    let started: ExportStatus =
        json_as(request_export(&app, &marieke, johanna, &month_ago(1), &month_ago(0)).await).await;
    for response in [
        app.get_as(&pieter, &format!("/api/clients/{johanna}/exports"))
            .await,
        request_export(&app, &pieter, johanna, &month_ago(1), &month_ago(0)).await,
        app.get_as(
            &pieter,
            &format!("/api/clients/{johanna}/exports/{}", started.id),
        )
        .await,
        app.post_json(
            &format!("/api/clients/{johanna}/exports/{}/link", started.id),
            Some(&pieter),
            json!({}),
        )
        .await,
        app.get_as(&pieter, &format!("/api/clients/{johanna}/fhir/$everything"))
            .await,
        app.get_as(&pieter, &format!("/api/clients/{johanna}/access-log"))
            .await,
        app.get_as(&pieter, &format!("/api/clients/{johanna}/access-log/csv"))
            .await,
    ] {
        assert_problem(response, 403, "permission_denied").await;
    }
    // Daan is a client himself: his own export works, Johanna's does not exist for him.
    let own = request_export(&app, &daan_token, daan, &month_ago(0), &month_ago(0)).await;
    assert_eq!(own.status(), StatusCode::ACCEPTED);
    let other = app
        .get_as(
            &daan_token,
            &format!("/api/clients/{johanna}/exports/{}", started.id),
        )
        .await;
    assert_problem(other, 403, "permission_denied").await;
    // Someone else's export id under one's own client is not found.
    let foreign = app
        .get_as(
            &daan_token,
            &format!("/api/clients/{daan}/exports/{}", started.id),
        )
        .await;
    assert_problem(foreign, 404, "not_found").await;

    // A backwards or too long range is refused, and nothing is queued.
    let before = export::Entity::find().count(&app.db).await.unwrap();
    let backwards = request_export(&app, &marieke, johanna, &month_ago(0), &month_ago(3)).await;
    let problem = assert_problem_dto(backwards, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("until", "before_from")]);
    let long = request_export(&app, &marieke, johanna, "2001-01", &month_ago(0)).await;
    let problem = assert_problem_dto(long, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("until", "too_long")]);
    assert_eq!(export::Entity::find().count(&app.db).await.unwrap(), before);

    // One at a time per person. While one is running, five more at once are all refused.
    wait_ready(&app, &marieke, johanna, started.id).await;
    let marieke_id = app.user("marieke").await.id;
    let org = app.user("marieke").await.organisation_id;
    let row = |state: ExportState| export::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org),
        client_id: Set(johanna),
        requested_by: Set(marieke_id),
        from_month: Set(month_ago(0)),
        until_month: Set(month_ago(0)),
        language: Set("nl".into()),
        state: Set(state),
        progress: Set(0),
        created_at: Set(Utc::now()),
        started_at: Set(None),
        finished_at: Set(None),
        expires_at: Set(None),
        size_bytes: Set(None),
        file_name: Set("x.zip".into()),
        error: Set(None),
        ticket_hash: Set(None),
        ticket_expires_at: Set(None),
    };
    let running = row(ExportState::Running).insert(&app.db).await.unwrap();
    let this_month = month_ago(0);
    let attempts = futures_util::future::join_all(
        (0..5).map(|_| request_export(&app, &marieke, johanna, &this_month, &this_month)),
    )
    .await;
    for attempt in attempts {
        assert_problem(attempt, 429, "rate_limited").await;
    }
    export::Entity::delete_by_id(running.id)
        .exec(&app.db)
        .await
        .unwrap();
    // The database decides it: of five queued at the same moment, one is stored.
    let inserts =
        futures_util::future::join_all((0..5).map(|_| row(ExportState::Queued).insert(&app.db)))
            .await;
    assert_eq!(inserts.iter().filter(|insert| insert.is_ok()).count(), 1);
    export::Entity::delete_many()
        .filter(export::Column::State.eq(ExportState::Queued))
        .exec(&app.db)
        .await
        .unwrap();

    // After its time the file is removed and no link is given.
    let (done, _) = wait_ready(&app, &marieke, johanna, started.id).await;
    assert_eq!(done.state, ExportState::Ready);
    let media = MediaStore::from_config(&Config {
        data_dir: app.data_dir.path().to_path_buf(),
        ..Config::default()
    })
    .unwrap();
    let later = Utc::now() + chrono::Duration::hours(25);
    assert!(
        tidy(&app.db, &media, app.data_dir.path(), later)
            .await
            .unwrap()
            >= 1
    );
    let status: ExportStatus = json_as(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/exports/{}", started.id),
        )
        .await,
    )
    .await;
    assert_eq!(status.state, ExportState::Expired);
    assert_eq!(status.expires_at, None);
    let link = app
        .post_json(
            &format!("/api/clients/{johanna}/exports/{}/link", started.id),
            Some(&marieke),
            json!({}),
        )
        .await;
    assert_problem(link, 409, "export_not_ready").await;
    assert!(
        !app.data_dir
            .path()
            .join(format!("exports/{}.zip", started.id))
            .exists()
    );
}

#[tokio::test]
async fn everything_is_a_fhir_bundle_for_the_chosen_days_recorded_in_the_access_log() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let today = crate::helpers::dutch_today();
    let start = today - chrono::Days::new(30);
    let response = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/fhir/$everything?start={start}&end={today}"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/fhir+json"
    );
    let bytes = response.bytes().await.unwrap();
    validate_fhir(&bytes);
    let bundle: Value = serde_json::from_slice(&bytes).unwrap();
    assert_references_resolve(&bundle);
    // Files are not in it: attachments point into the ZIP only in the export.
    assert!(!resources(&bundle, "Communication").is_empty());
    let logged = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(johanna))
        .filter(access_log::Column::Object.eq("fhir"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(logged, 1);
    let backwards = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/fhir/$everything?start={today}&end={start}"),
        )
        .await;
    let problem = assert_problem_dto(backwards, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("end", "before_start")]);
}

// ---------------------------------------------------------------- who viewed my record

async fn viewed(app: &TestApp, token: &str, client: Uuid, query: &str) -> ViewLogPage {
    let response = app
        .get_as(token, &format!("/api/clients/{client}/access-log?{query}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "access log {query}");
    json_as(response).await
}

#[tokio::test]
async fn the_client_sees_who_read_what_by_name_or_role_with_network_changes_filters_paging_and_csv()
{
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let fatima = app.login_as("fatima").await;
    let fatima_id = app.user("fatima").await.id;
    let pieter_id = app.user("pieter").await.id;

    // Fatima reads Johanna's conversations; Marieke changes Pieter's ticks.
    let read = app
        .get_as(&fatima, &format!("/api/clients/{johanna}/conversations"))
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    let pieter_link = app.link("pieter", "Johanna").await;
    let changed = app
        .put_json(
            &format!(
                "/api/clients/{johanna}/contacts/{}/permissions",
                pieter_link.id
            ),
            &marieke,
            json!({"permissions": ["messages", "agenda", "details"]}),
        )
        .await;
    assert!(changed.status().is_success(), "{}", changed.status());

    let page = viewed(&app, &marieke, johanna, "").await;
    let fatima_line = page
        .entries
        .iter()
        .find(|line| line.person_id == Some(fatima_id))
        .expect("Fatima's read");
    match &fatima_line.viewer {
        Viewer::CareWorker {
            name,
            care_role,
            organisation,
        } => {
            assert_eq!(name.as_deref(), Some("Fatima El Amrani"));
            assert!(care_role.is_some(), "her role in Johanna's team");
            assert_eq!(organisation, "Zorggroep De Linde");
        }
        other => panic!("Fatima as {other:?}"),
    }
    assert!(matches!(
        &fatima_line.item,
        ViewedItem::Access { action: AccessAction::Read, object, .. } if object == "messages"
    ));
    assert!(
        page.entries.iter().any(|line| matches!(
            &line.item,
            ViewedItem::Change { target: Some(target), .. } if target == "Pieter de Vries"
        )),
        "the network change from the audit log"
    );
    assert!(
        page.people
            .iter()
            .any(|person| person.person_id == fatima_id)
    );
    assert!(!page.months.is_empty());
    // Newest first.
    assert!(page.entries.windows(2).all(|pair| pair[0].at >= pair[1].at));

    // Filters: by person, by a month without lines.
    let hers = viewed(&app, &marieke, johanna, &format!("person={fatima_id}")).await;
    assert!(!hers.entries.is_empty());
    assert!(
        hers.entries
            .iter()
            .all(|line| line.person_id == Some(fatima_id))
    );
    let empty = viewed(&app, &marieke, johanna, "month=2020-01").await;
    assert!(empty.entries.is_empty());

    // The CSV says it in words.
    let csv = app
        .get_as(&marieke, &format!("/api/clients/{johanna}/access-log/csv"))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap().trim_start_matches('\u{feff}'),
        r#""Datum";"Tijd";"Wie";"Relatie";"Rol";"Organisatie";"Wat""#
    );
    assert!(csv.contains(r#""Fatima El Amrani";"";"#), "{csv}");
    assert!(csv.contains("las de berichten"), "{csv}");
    assert!(
        csv.contains("veranderde de vinkjes: Pieter de Vries"),
        "{csv}"
    );

    // By role only, when the organisation chooses so: no name, no id, no filter on her.
    set_org(&app, |org| {
        org.access_log_staff = Set(StaffDisclosure::Role)
    })
    .await;
    let page = viewed(&app, &marieke, johanna, "").await;
    let line = page
        .entries
        .iter()
        .find(|line| matches!(line.viewer, Viewer::CareWorker { .. }))
        .unwrap();
    assert!(matches!(
        &line.viewer,
        Viewer::CareWorker { name: None, .. }
    ));
    assert_eq!(line.person_id, None);
    assert!(
        page.people
            .iter()
            .all(|person| person.person_id != fatima_id)
    );
    let singled_out = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/access-log?person={fatima_id}"),
        )
        .await;
    let problem = assert_problem_dto(singled_out, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("person", "not_named")]);
    let csv = app
        .get_as(&marieke, &format!("/api/clients/{johanna}/access-log/csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("Fatima"), "{csv}");
    // Family members stay named.
    assert!(page.entries.iter().any(
        |line| matches!(&line.viewer, Viewer::Contact { name, .. } if name == "Marieke de Vries")
    ));
    let _ = pieter_id;
}

/// A read of the timeline by the ECD at `at`, written straight into the access log.
async fn logged_read(app: &TestApp, org: Uuid, client: Uuid, id: Uuid, at: chrono::DateTime<Utc>) {
    access_log::ActiveModel {
        id: Set(id),
        occurred_at: Set(at),
        organisation_id: Set(org),
        client_id: Set(client),
        user_id: Set(None),
        user_name: Set("ECD".into()),
        acting_as: Set(kring_shared::me::Relationship::Other.into()),
        action: Set(AccessAction::Read),
        object: Set(kring_shared::dossier::AccessObject::Timeline.into()),
        object_id: Set(None),
        session_id: Set(None),
        ip_address: Set(None),
        user_agent: Set(None),
        detail: Set(None),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_access_log_pages_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let org = app.user("marieke").await.organisation_id;
    // 230 reads, many at the same instant.
    let at = Utc::now() - chrono::Duration::hours(1);
    for n in 0..230 {
        logged_read(
            &app,
            org,
            johanna,
            Uuid::new_v4(),
            at - chrono::Duration::seconds(n / 3),
        )
        .await;
    }
    let total = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(johanna))
        .count(&app.db)
        .await
        .unwrap();
    let changes = audit_entry::Entity::find()
        .filter(audit_entry::Column::ClientId.eq(johanna))
        .filter(audit_entry::Column::Action.is_in([
            "contact_added",
            "contact_removed",
            "permissions_changed",
            "invitation_sent",
            "primary_contact_appointed",
            "discharge_date_set",
        ]))
        .count(&app.db)
        .await
        .unwrap();
    // Every line exactly once across the pages (reading the log is not itself logged), in
    // order: each page starts where the one before ended.
    let mut lines = 0u64;
    let mut pages = 0;
    let mut last_at = None;
    let mut query = String::new();
    loop {
        let page = viewed(&app, &marieke, johanna, &query).await;
        pages += 1;
        assert!(page.entries.len() <= 100);
        if let (Some(last), Some(first)) = (last_at, page.entries.first()) {
            assert!(first.at <= last, "pages go back in time");
        }
        last_at = page.entries.last().map(|line| line.at);
        lines += page.entries.len() as u64;
        match page.next_cursor {
            Some(cursor) => query = format!("cursor={}", urlencode(&cursor)),
            None => break,
        }
        assert!(pages < 10);
    }
    assert_eq!(lines, total + changes);
    assert!(pages >= 3);
    let made_up = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/access-log?cursor=gisteren"),
        )
        .await;
    assert_problem(made_up, 400, "malformed_request").await;
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn retention_removes_only_rows_past_the_period_and_the_log_cannot_be_changed() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let org = app.user("marieke").await.organisation_id;
    let now = Utc::now();
    let mut ids = Vec::new();
    for years_ago in [7, 6, 4, 1] {
        let id = Uuid::new_v4();
        ids.push(id);
        logged_read(
            &app,
            org,
            johanna,
            id,
            now - chrono::Duration::days(365 * years_ago + 2),
        )
        .await;
    }
    // The app's own daily retention run may take some of these rows at the same moment (it
    // starts with the app): count what both removed, from the audit log each removal writes.
    purge(&app.db, now).await.unwrap();
    let left: Vec<Uuid> = access_log::Entity::find()
        .filter(access_log::Column::Id.is_in(ids.clone()))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    assert_eq!(left.len(), 2);
    assert!(left.contains(&ids[2]) && left.contains(&ids[3]));
    // A longer period keeps more: nothing more goes at seven years.
    set_org(&app, |org| org.access_log_years = Set(7)).await;
    assert_eq!(purge(&app.db, now).await.unwrap(), 0);
    // Every removal is in the audit log, whose chain is whole: two rows in all.
    let purged: u64 = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("access_log_purged"))
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|entry| {
            let details: Value = serde_json::from_str(&entry.details).unwrap();
            details["rows"].as_u64().unwrap()
        })
        .sum();
    assert_eq!(purged, 2);
    assert_eq!(verify_chain(&app.db).await.unwrap(), None);
    // The log is append-only in the database itself.
    let backend = app.db.get_database_backend();
    let changed = app
        .db
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE access_log SET user_name = 'Iemand anders'".to_owned(),
        ))
        .await;
    assert!(changed.is_err(), "an access-log row cannot be changed");
}

// ---------------------------------------------------------------- your own data

#[tokio::test]
async fn everyone_downloads_their_own_data_without_secrets() {
    let app = spawn_app().await;
    for username in ["pieter", "fatima"] {
        let token = app.login_as(username).await;
        let response = app.get_as(&token, "/api/me/data").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("kring-mijn-gegevens.json")
        );
        let text = response.text().await.unwrap();
        let data: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(data["profile"]["username"], username);
        assert!(!data["sessions"].as_array().unwrap().is_empty());
        assert!(!data["security_events"].as_array().unwrap().is_empty());
        assert!(
            !text.contains("argon2")
                && !text.contains("password_hash")
                && !text.contains("totp_secret")
        );
        if username == "pieter" {
            let portals = data["portals"].as_array().unwrap();
            assert!(
                portals
                    .iter()
                    .any(|portal| portal["client"] == "Johanna de Vries"
                        && portal["permissions"] == json!(["messages", "agenda"]))
            );
        }
    }
    let anonymous = app.http.get(app.url("/api/me/data")).send().await.unwrap();
    assert_problem(anonymous, 401, "authentication_required").await;
}
