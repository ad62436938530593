//! The agenda: who may see, add, change and delete; private as busy time for the care team and
//! the ECD feed; the organisation's switches; series with exceptions across daylight saving;
//! the conflict warning; the calendar subscription; live events; paging; the access log.

use std::time::{Duration, Instant};

use kring_api::entities::{access_log, client_contact, organisation, own_appointment};
use kring_shared::{
    agenda::{AgendaItem, AgendaPage, AppointmentSource, CalendarFeedCreated, ConflictReport},
    home::HomeView,
    integration::{FeedPage, UpsertOutcome},
};
use reqwest::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    dossier::{open_stream, read_until},
    helpers::{
        TestApp, assert_problem, assert_problem_dto, field_errors, json_as, set_org, spawn_app,
    },
};

async fn page(app: &TestApp, token: &str, client: Uuid, query: &str) -> AgendaPage {
    let response = app
        .get_as(token, &format!("/api/clients/{client}/agenda?{query}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "agenda {query}");
    json_as(response).await
}

fn visit(title: &str, start: &str, end: &str, visibility: &str) -> Value {
    json!({"title": title, "start": start, "end": end, "visibility": visibility})
}

async fn add(app: &TestApp, token: &str, client: Uuid, body: Value) -> AgendaItem {
    let response = app
        .post_json(
            &format!("/api/clients/{client}/agenda/appointments"),
            Some(token),
            body,
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "add");
    json_as(response).await
}

fn titles(page: &AgendaPage) -> Vec<String> {
    page.items
        .iter()
        .map(|item| item.title.clone().unwrap_or_else(|| "(busy)".to_owned()))
        .collect()
}

#[tokio::test]
async fn a_contact_sees_care_and_own_appointments_with_the_care_worker_and_a_logged_read() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let today = chrono::Utc::now().date_naive();
    let month = page(
        &app,
        &marieke,
        johanna,
        &format!("from={}&to={}", today, today + chrono::Duration::days(28)),
    )
    .await;
    let care: Vec<&AgendaItem> = month
        .items
        .iter()
        .filter(|item| item.source == AppointmentSource::Care)
        .collect();
    assert!(care.len() >= 15, "a month of care: {}", care.len());
    let physio = care
        .iter()
        .find(|item| item.title.as_deref() == Some("Fysiotherapie: oefenen met lopen"))
        .expect("physiotherapy");
    let worker = physio.care_worker.as_ref().expect("care worker");
    assert_eq!(worker.name, "Thomas Mulder");
    assert_eq!(
        worker.role,
        Some(kring_shared::admin::CareRole::PersonalSupervisor)
    );
    assert!(!physio.can_change);
    // The weekly private visit shows in full to a contact with Afspraken.
    let visits: Vec<&AgendaItem> = month
        .items
        .iter()
        .filter(|item| item.title.as_deref() == Some("Bezoek van Pieter"))
        .collect();
    assert_eq!(visits.len(), 4, "{:?}", titles(&month));
    assert!(
        visits
            .iter()
            .all(|visit| !visit.busy && visit.series.is_some())
    );
    assert_eq!(visits[0].location.as_deref(), Some("Kamer 12"));
    // Marieke administers the portal: she may change Pieter's visit; the order is by start.
    assert!(visits[0].can_change);
    assert!(
        month
            .items
            .windows(2)
            .all(|pair| pair[0].starts_at <= pair[1].starts_at)
    );
    // Reading care appointments is in the access log.
    let logged = access_log::Entity::find()
        .filter(access_log::Column::ClientId.eq(johanna))
        .all(&app.db)
        .await
        .unwrap();
    assert!(
        logged.iter().any(|row| row.object.to_string() == "agenda"),
        "access log: {:?}",
        logged
            .iter()
            .map(|row| row.object.to_string())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_care_worker_of_the_team_sees_a_private_appointment_only_as_busy() {
    let app = spawn_app().await;
    let fatima = app.login_as("fatima").await;
    let johanna = app.client_id("Johanna").await;
    let today = chrono::Utc::now().date_naive();
    let query = format!("from={}&to={}", today, today + chrono::Duration::days(28));
    let seen = page(&app, &fatima, johanna, &query).await;
    let busy: Vec<&AgendaItem> = seen.items.iter().filter(|item| item.busy).collect();
    assert_eq!(busy.len(), 4);
    for item in &busy {
        assert_eq!(item.title, None);
        assert_eq!(item.location, None);
        assert_eq!(item.description, None);
        assert_eq!(item.made_by, None);
        assert!(!item.can_change);
    }
    // Public appointments are seen in full; nothing can be changed by the care team.
    assert!(titles(&seen).contains(&"Samen naar de markt".to_owned()));
    let raw = app
        .get_as(&fatima, &format!("/api/clients/{johanna}/agenda?{query}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !raw.contains("Bezoek van Pieter") && !raw.contains("krant"),
        "{raw}"
    );
    let one = &busy[0];
    let series = one.series.as_ref().unwrap();
    let single: AgendaItem = json_as(
        app.get_as(
            &fatima,
            &format!(
                "/api/clients/{johanna}/agenda/appointments/{}?occurrence={}",
                series.id,
                series.occurrence.to_rfc3339().replace('+', "%2B")
            ),
        )
        .await,
    )
    .await;
    assert!(single.busy && single.title.is_none());
    let refused = app
        .delete_as(
            &fatima,
            &format!("/api/clients/{johanna}/agenda/appointments/{}", series.id),
        )
        .await;
    assert_problem(refused, 403, "permission_denied").await;
    // A care worker outside the team sees nothing.
    let lotte = app.login_as("lotte").await;
    let gerrit = app.client_id("Gerrit").await;
    let outside = app
        .get_as(&lotte, &format!("/api/clients/{gerrit}/agenda?{query}"))
        .await;
    assert_problem(outside, 403, "permission_denied").await;
}

#[tokio::test]
async fn without_afspraken_every_agenda_operation_answers_403() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let made = add(
        &app,
        &marieke,
        johanna,
        visit(
            "Koffie",
            "2027-02-02T10:00:00",
            "2027-02-02T11:00:00",
            "public",
        ),
    )
    .await;
    for username in ["sandra", "kees"] {
        let token = app.login_as(username).await;
        let base = format!("/api/clients/{johanna}/agenda");
        let body = visit("X", "2027-02-03T10:00:00", "2027-02-03T11:00:00", "public");
        let responses = [
            app.get_as(&token, &format!("{base}?from=2027-02-01&to=2027-02-08"))
                .await,
            app.get_as(&token, &format!("{base}/appointments/{}", made.id))
                .await,
            app.post_json(&format!("{base}/appointments"), Some(&token), body.clone())
                .await,
            app.put_json(
                &format!("{base}/appointments/{}", made.id),
                &token,
                body.clone(),
            )
            .await,
            app.delete_as(&token, &format!("{base}/appointments/{}", made.id))
                .await,
            app.post_json(&format!("{base}/conflicts"), Some(&token), body)
                .await,
        ];
        for response in responses {
            assert_problem(response, 403, "permission_denied").await;
        }
    }
    // Nothing was changed by the refusals.
    let still: AgendaItem = json_as(
        app.get_as(
            &marieke,
            &format!("/api/clients/{johanna}/agenda/appointments/{}", made.id),
        )
        .await,
    )
    .await;
    assert_eq!(still.title.as_deref(), Some("Koffie"));
}

#[tokio::test]
async fn who_may_add_is_an_organisation_setting_and_only_the_maker_or_an_administrator_changes() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let pieter = app.login_as("pieter").await;
    let marieke = app.login_as("marieke").await;
    // Kees gets Afspraken too: a contact who neither made it nor administers the portal.
    let mut link: client_contact::ActiveModel =
        app.link("kees", "Johanna").await.into_active_model();
    link.perm_agenda = Set(true);
    link.update(&app.db).await.unwrap();
    let kees = app.login_as("kees").await;

    let made = add(
        &app,
        &pieter,
        johanna,
        visit(
            "Wandelen",
            "2027-03-02T14:00:00",
            "2027-03-02T15:00:00",
            "public",
        ),
    )
    .await;
    assert!(made.can_change);
    let path = format!("/api/clients/{johanna}/agenda/appointments/{}", made.id);
    let change = visit(
        "Wandelen in het park",
        "2027-03-02T14:00:00",
        "2027-03-02T15:30:00",
        "public",
    );
    assert_problem(
        app.put_json(&path, &kees, change.clone()).await,
        403,
        "permission_denied",
    )
    .await;
    assert_problem(app.delete_as(&kees, &path).await, 403, "permission_denied").await;
    let by_admin: AgendaItem = json_as(app.put_json(&path, &marieke, change).await).await;
    assert_eq!(by_admin.title.as_deref(), Some("Wandelen in het park"));
    assert_eq!(by_admin.local_end.to_string(), "2027-03-02 15:30:00");

    // Zuyderland: only the client and portal administrators add.
    set_org(&app, |org: &mut organisation::ActiveModel| {
        org.agenda_contacts_may_add = Set(false);
    })
    .await;
    let body = visit(
        "Nog een",
        "2027-03-03T14:00:00",
        "2027-03-03T15:00:00",
        "public",
    );
    let refused = app
        .post_json(
            &format!("/api/clients/{johanna}/agenda/appointments"),
            Some(&pieter),
            body.clone(),
        )
        .await;
    assert_problem(refused, 403, "permission_denied").await;
    let listed = page(&app, &pieter, johanna, "from=2027-03-01&to=2027-03-08").await;
    assert!(!listed.may_add);
    assert_eq!(titles(&listed), ["Wandelen in het park"]);
    // ... nor can he make more by making his own one repeat.
    let mut repeating = visit(
        "Wandelen in het park",
        "2027-03-02T14:00:00",
        "2027-03-02T15:30:00",
        "public",
    );
    repeating["recurrence"] = json!({"frequency": "weekly", "count": 10});
    assert_problem(
        app.put_json(&path, &pieter, repeating).await,
        403,
        "permission_denied",
    )
    .await;
    // ... but Pieter still changes what he made.
    assert_eq!(
        app.delete_as(&pieter, &path).await.status(),
        StatusCode::NO_CONTENT
    );
    add(&app, &marieke, johanna, body).await;
    let daan = app.login_as("daan").await;
    let own_client = app.client_id("Daan").await;
    add(
        &app,
        &daan,
        own_client,
        visit(
            "Voetbal",
            "2027-03-03T19:00:00",
            "2027-03-03T20:30:00",
            "public",
        ),
    )
    .await;
}

#[tokio::test]
async fn care_appointments_are_read_only_and_the_organisation_can_hide_them() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let today = chrono::Utc::now().date_naive();
    let query = format!("from={}&to={}", today, today + chrono::Duration::days(14));
    let before = page(&app, &marieke, johanna, &query).await;
    let care = before
        .items
        .iter()
        .find(|item| item.source == AppointmentSource::Care)
        .expect("a care appointment");
    let path = format!("/api/clients/{johanna}/agenda/appointments/{}", care.id);
    let body = visit(
        "Anders",
        "2027-03-02T14:00:00",
        "2027-03-02T15:00:00",
        "public",
    );
    assert_problem(app.put_json(&path, &marieke, body).await, 404, "not_found").await;
    assert_problem(app.delete_as(&marieke, &path).await, 404, "not_found").await;

    set_org(&app, |org: &mut organisation::ActiveModel| {
        org.agenda_care_shown = Set(false);
    })
    .await;
    let after = page(&app, &marieke, johanna, &query).await;
    assert!(!after.care_appointments_shown);
    assert!(
        after
            .items
            .iter()
            .all(|item| item.source == AppointmentSource::Own)
    );
    assert!(!after.items.is_empty());
}

fn occurrence_query(item: &AgendaItem, scope: &str) -> String {
    let series = item.series.as_ref().expect("in a series");
    format!(
        "/appointments/{}?scope={scope}&occurrence={}",
        series.id,
        series.occurrence.to_rfc3339().replace('+', "%2B")
    )
}

#[tokio::test]
async fn a_series_keeps_its_hour_across_daylight_saving_and_takes_exceptions() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let pieter = app.login_as("pieter").await;
    let base = format!("/api/clients/{johanna}/agenda");
    // Every Tuesday at 14:00 from 19 October 2027, six times: the clocks go back on 31 October.
    let mut body = visit(
        "Bezoek",
        "2027-10-19T14:00:00",
        "2027-10-19T15:00:00",
        "private",
    );
    body["recurrence"] = json!({"frequency": "weekly", "count": 6});
    add(&app, &pieter, johanna, body).await;
    let listed = page(&app, &pieter, johanna, "from=2027-10-18&to=2027-12-01").await;
    let visits: Vec<&AgendaItem> = listed
        .items
        .iter()
        .filter(|item| item.source == AppointmentSource::Own)
        .collect();
    assert_eq!(visits.len(), 6);
    for visit in &visits {
        assert_eq!(visit.local_start.time().to_string(), "14:00:00");
    }
    assert_eq!(
        visits[0].starts_at.to_rfc3339(),
        "2027-10-19T12:00:00+00:00"
    );
    assert_eq!(
        visits[2].starts_at.to_rfc3339(),
        "2027-11-02T13:00:00+00:00"
    );
    // The week of the change has its visit at 14:00 too.
    let dst_week = page(&app, &pieter, johanna, "from=2027-10-25&to=2027-11-01").await;
    assert_eq!(dst_week.items.len(), 1);
    assert_eq!(
        dst_week.items[0].local_start.to_string(),
        "2027-10-26 14:00:00"
    );

    // Only this one: the second visit moves to 16:00.
    let moved: AgendaItem = json_as(
        app.put_json(
            &format!("{base}{}", occurrence_query(visits[1], "this")),
            &pieter,
            visit(
                "Bezoek (later)",
                "2027-10-26T16:00:00",
                "2027-10-26T17:00:00",
                "private",
            ),
        )
        .await,
    )
    .await;
    assert_eq!(moved.local_start.to_string(), "2027-10-26 16:00:00");
    // Only this one: the third is cancelled.
    let cancelled = app
        .delete_as(
            &pieter,
            &format!("{base}{}", occurrence_query(visits[2], "this")),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);
    // This and the following: from the fifth on the visit is called something else.
    let following = app
        .put_json(
            &format!("{base}{}", occurrence_query(visits[4], "following")),
            &pieter,
            json!({
                "title": "Bezoek met Kees", "start": "2027-11-16T14:00:00",
                "end": "2027-11-16T15:00:00", "visibility": "private",
                "recurrence": {"frequency": "weekly", "count": 2}
            }),
        )
        .await;
    assert_eq!(following.status(), StatusCode::OK);
    let after = page(&app, &pieter, johanna, "from=2027-10-18&to=2027-12-01").await;
    let own: Vec<String> = after
        .items
        .iter()
        .filter(|item| item.source == AppointmentSource::Own)
        .map(|item| {
            format!(
                "{} {}",
                item.local_start,
                item.title.clone().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        own,
        [
            "2027-10-19 14:00:00 Bezoek",
            "2027-10-26 16:00:00 Bezoek (later)",
            "2027-11-09 14:00:00 Bezoek",
            "2027-11-16 14:00:00 Bezoek met Kees",
            "2027-11-23 14:00:00 Bezoek met Kees",
        ]
    );
    // All: the first series is deleted, with its changed occurrence.
    let first = after
        .items
        .iter()
        .find(|item| item.title.as_deref() == Some("Bezoek"))
        .unwrap();
    let all = app
        .delete_as(
            &pieter,
            &format!("{base}{}", occurrence_query(first, "all")),
        )
        .await;
    assert_eq!(all.status(), StatusCode::NO_CONTENT);
    let last = page(&app, &pieter, johanna, "from=2027-10-18&to=2027-12-01").await;
    assert_eq!(titles(&last), ["Bezoek met Kees", "Bezoek met Kees"]);
    // An occurrence that is not in the series is refused.
    let series = last.items[0].series.as_ref().unwrap();
    let wrong = app
        .delete_as(
            &pieter,
            &format!(
                "{base}/appointments/{}?scope=this&occurrence=2027-11-17T13:00:00Z",
                series.id
            ),
        )
        .await;
    let problem = assert_problem_dto(wrong, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("occurrence", "not_in_series")]);
}

#[tokio::test]
async fn an_all_day_appointment_is_dates_and_moving_all_moves_every_occurrence() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let base = format!("/api/clients/{johanna}/agenda");
    let day = add(
        &app,
        &marieke,
        johanna,
        json!({"title": "Logeren", "all_day": true, "start_date": "2027-03-27",
               "end_date": "2027-03-28", "visibility": "public"}),
    )
    .await;
    // Two days over the change to summer time: midnight to midnight, 47 hours.
    assert!(day.all_day);
    assert_eq!(day.local_start.to_string(), "2027-03-27 00:00:00");
    assert_eq!(day.local_end.to_string(), "2027-03-29 00:00:00");
    assert_eq!((day.ends_at - day.starts_at).num_hours(), 47);

    let mut weekly = visit(
        "Zingen",
        "2027-05-04T10:00:00",
        "2027-05-04T11:00:00",
        "public",
    );
    weekly["recurrence"] = json!({"frequency": "weekly", "until": "2027-05-25"});
    let first = add(&app, &marieke, johanna, weekly).await;
    // Editing "all" from the second occurrence, now on Wednesday at 10:30.
    let listed = page(&app, &marieke, johanna, "from=2027-05-01&to=2027-06-01").await;
    assert_eq!(listed.items.len(), 4);
    let mut changed = visit(
        "Zingen",
        "2027-05-12T10:30:00",
        "2027-05-12T11:30:00",
        "public",
    );
    changed["recurrence"] = json!({"frequency": "weekly", "until": "2027-05-26"});
    let response = app
        .put_json(
            &format!("{base}{}", occurrence_query(&listed.items[1], "all")),
            &marieke,
            changed,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after = page(&app, &marieke, johanna, "from=2027-05-01&to=2027-06-01").await;
    let starts: Vec<String> = after
        .items
        .iter()
        .map(|item| item.local_start.to_string())
        .collect();
    assert_eq!(
        starts,
        [
            "2027-05-05 10:30:00",
            "2027-05-12 10:30:00",
            "2027-05-19 10:30:00",
            "2027-05-26 10:30:00",
        ]
    );
    assert!(
        after
            .items
            .iter()
            .all(|item| item.series.as_ref().unwrap().id == first.id)
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let path = format!("/api/clients/{johanna}/agenda/appointments");
    let count = || async {
        own_appointment::Entity::find()
            .filter(own_appointment::Column::ClientId.eq(johanna))
            .all(&app.db)
            .await
            .unwrap()
            .len()
    };
    let before = count().await;
    let long_title = "x".repeat(201);
    let cases = [
        (
            visit(
                "Te laat",
                "2027-01-05T15:00:00",
                "2027-01-05T14:00:00",
                "public",
            ),
            "end",
            "not_after_start",
        ),
        (
            visit(
                &long_title,
                "2027-01-05T14:00:00",
                "2027-01-05T15:00:00",
                "public",
            ),
            "title",
            "too_long",
        ),
        (
            visit(" ", "2027-01-05T14:00:00", "2027-01-05T15:00:00", "public"),
            "title",
            "required",
        ),
        (
            json!({"title": "Geen eind", "start": "2027-01-05T14:00:00", "end": "2027-01-05T15:00:00",
                "visibility": "public", "recurrence": {"frequency": "weekly"}}),
            "recurrence",
            "no_end",
        ),
        (
            json!({"title": "Te lang", "start": "2027-01-05T14:00:00", "end": "2027-01-05T15:00:00",
                "visibility": "public", "recurrence": {"frequency": "weekly", "until": "2029-01-06"}}),
            "recurrence.until",
            "over_two_years",
        ),
        (
            json!({"title": "Te vaak", "start": "2027-01-05T14:00:00", "end": "2027-01-05T15:00:00",
                "visibility": "public", "recurrence": {"frequency": "weekly", "count": 200}}),
            "recurrence.count",
            "over_two_years",
        ),
        (
            json!({"title": "Dag", "all_day": true, "start_date": "2027-01-05", "end_date": "2027-01-04",
                "visibility": "public"}),
            "end_date",
            "before_start",
        ),
    ];
    for (body, field, code) in cases {
        let response = app.post_json(&path, Some(&marieke), body).await;
        let problem = assert_problem_dto(response, 422, "validation_failed").await;
        assert_eq!(field_errors(&problem), [(field, code)], "{field}");
    }
    let unknown = app
        .post_json(
            &path,
            Some(&marieke),
            visit(
                "Geheim",
                "2027-01-05T14:00:00",
                "2027-01-05T15:00:00",
                "secret",
            ),
        )
        .await;
    let problem = assert_problem_dto(unknown, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("visibility", "invalid")]);
    assert_eq!(count().await, before);
}

#[tokio::test]
async fn an_appointment_over_a_care_appointment_is_reported_before_saving() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let pushed = app
        .put_json(
            "/api/integration/clients/ECD-1001/appointments/AF-TEST-1",
            &key,
            json!({"title": "Tandarts", "starts_at": "2027-06-08T08:00:00Z",
                   "ends_at": "2027-06-08T09:00:00Z", "care_worker_id": "MW-2001"}),
        )
        .await;
    assert_eq!(pushed.status(), StatusCode::CREATED);
    let path = format!("/api/clients/{johanna}/agenda/conflicts");
    // 10:30 local is 08:30 UTC in summer: overlaps.
    let report: ConflictReport = json_as(
        app.post_json(
            &path,
            Some(&marieke),
            visit(
                "Winkelen",
                "2027-06-08T10:30:00",
                "2027-06-08T12:00:00",
                "public",
            ),
        )
        .await,
    )
    .await;
    assert_eq!(report.conflicts.len(), 1);
    assert_eq!(report.conflicts[0].title.as_deref(), Some("Tandarts"));
    // A weekly series that starts a week earlier meets it in its second occurrence.
    let mut weekly = visit(
        "Winkelen",
        "2027-06-01T10:30:00",
        "2027-06-01T12:00:00",
        "public",
    );
    weekly["recurrence"] = json!({"frequency": "weekly", "count": 3});
    let report: ConflictReport = json_as(app.post_json(&path, Some(&marieke), weekly).await).await;
    assert_eq!(report.conflicts.len(), 1);
    let clear: ConflictReport = json_as(
        app.post_json(
            &path,
            Some(&marieke),
            visit(
                "Winkelen",
                "2027-06-08T11:00:00",
                "2027-06-08T12:00:00",
                "public",
            ),
        )
        .await,
    )
    .await;
    assert!(clear.conflicts.is_empty());
}

#[tokio::test]
async fn pages_of_a_period_follow_each_other_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let today = chrono::Utc::now().date_naive();
    let period = format!("from={}&to={}", today, today + chrono::Duration::days(28));
    let whole = page(&app, &marieke, johanna, &period).await;
    let mut keys = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("{period}&limit=3&cursor={}", urlencode(cursor)),
            None => format!("{period}&limit=3"),
        };
        let part = page(&app, &marieke, johanna, &query).await;
        assert!(part.items.len() <= 3);
        keys.extend(part.items.iter().map(|item| item.key.clone()));
        match part.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let all: Vec<String> = whole.items.iter().map(|item| item.key.clone()).collect();
    assert_eq!(keys, all);
    let bad = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/agenda?{period}&cursor=nonsense"),
        )
        .await;
    assert_problem(bad, 422, "validation_failed").await;
    let long = app
        .get_as(
            &marieke,
            &format!("/api/clients/{johanna}/agenda?from=2027-01-01&to=2028-06-01"),
        )
        .await;
    let problem = assert_problem_dto(long, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("to", "period_too_long")]);
}

fn urlencode(text: &str) -> String {
    text.replace('%', "%25")
        .replace('+', "%2B")
        .replace(':', "%3A")
        .replace('@', "%40")
        .replace('~', "%7E")
}

#[tokio::test]
async fn the_calendar_subscription_is_valid_icalendar_and_revoking_it_answers_404_at_once() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    // A carriage return in a title cannot start a line of its own in the calendar.
    add(
        &app,
        &marieke,
        app.client_id("Johanna").await,
        visit(
            "Koffie\rBEGIN:VEVENT",
            "2026-12-20T10:00:00",
            "2026-12-20T11:00:00",
            "public",
        ),
    )
    .await;
    let created: CalendarFeedCreated = json_as(
        app.post_json("/api/me/calendar-feed", Some(&marieke), json!({}))
            .await,
    )
    .await;
    let path = created
        .url
        .split_once("/api/")
        .map(|(_, rest)| format!("/api/{rest}"))
        .unwrap();
    let response = app.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = response.text().await.unwrap();
    let calendar: icalendar::Calendar = body.parse().expect("parses as iCalendar");
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|component| component.as_event())
        .collect();
    assert!(events.len() > 15, "{} events", events.len());
    use icalendar::Component;
    let summaries: Vec<&str> = events
        .iter()
        .filter_map(|event| event.get_summary())
        .collect();
    assert!(
        summaries.contains(&"Johanna: Bezoek van Pieter"),
        "{summaries:?}"
    );
    assert!(
        summaries
            .iter()
            .any(|summary| summary.contains("Fysiotherapie"))
    );
    assert!(
        body.contains("DTSTART;VALUE=DATE:"),
        "the birthday is a whole day"
    );
    // Every carriage return ends a line; none starts a property of its own.
    assert!(
        !body.replace("\r\n", "").contains('\r'),
        "a lone carriage return"
    );
    assert_eq!(
        body.lines().filter(|line| *line == "BEGIN:VEVENT").count(),
        events.len()
    );

    // A new address replaces the old; turning it off stops the new at once.
    let renewed: CalendarFeedCreated = json_as(
        app.post_json("/api/me/calendar-feed", Some(&marieke), json!({}))
            .await,
    )
    .await;
    assert_ne!(renewed.url, created.url);
    assert_eq!(
        app.http.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let new_path = renewed
        .url
        .split_once("/api/")
        .map(|(_, rest)| format!("/api/{rest}"))
        .unwrap();
    assert_eq!(
        app.http
            .get(app.url(&new_path))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.delete_as(&marieke, "/api/me/calendar-feed")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.http
            .get(app.url(&new_path))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let status: Value = json_as(app.get_as(&marieke, "/api/me/calendar-feed").await).await;
    assert_eq!(status["active"], false);

    // A blocked account's address shows nothing; a new password ends the address.
    let again: CalendarFeedCreated = json_as(
        app.post_json("/api/me/calendar-feed", Some(&marieke), json!({}))
            .await,
    )
    .await;
    let again = again
        .url
        .split_once("/api/")
        .map(|(_, rest)| format!("/api/{rest}"))
        .unwrap();
    let user = app.user("marieke").await;
    let mut blocked: kring_api::entities::user::ActiveModel = user.clone().into();
    blocked.locked_at = Set(Some(chrono::Utc::now()));
    blocked.update(&app.db).await.unwrap();
    assert_eq!(
        app.http.get(app.url(&again)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let mut unblocked: kring_api::entities::user::ActiveModel = user.into();
    unblocked.locked_at = Set(None);
    unblocked.update(&app.db).await.unwrap();
    assert_eq!(
        app.http.get(app.url(&again)).send().await.unwrap().status(),
        StatusCode::OK
    );
    let changed = app
        .post_json(
            "/api/me/password",
            Some(&marieke),
            json!({"current_password": kring_api::services::demo::DEMO_PASSWORD,
                   "new_password": "Nieuw-Wachtwoord-2027"}),
        )
        .await;
    assert!(changed.status().is_success(), "{}", changed.status());
    assert_eq!(
        app.http.get(app.url(&again)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn own_appointments_reach_the_ecd_feed_and_private_ones_only_as_busy_time() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let johanna = app.client_id("Johanna").await;
    let pieter = app.login_as("pieter").await;
    // Skip what the demo put in the feed.
    let start: FeedPage = json_as(app.get_as(&key, "/api/integration/feed?limit=500").await).await;
    let after = start.next_cursor;
    let made = add(
        &app,
        &pieter,
        johanna,
        json!({"title": "Geheim bezoek", "start": "2027-04-06T14:00:00", "end": "2027-04-06T15:00:00",
               "location": "Thuis", "visibility": "private"}),
    )
    .await;
    let response = app
        .delete_as(
            &pieter,
            &format!("/api/clients/{johanna}/agenda/appointments/{}", made.id),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let feed: FeedPage = json_as(
        app.get_as(&key, &format!("/api/integration/feed?after={after}"))
            .await,
    )
    .await;
    let kinds: Vec<String> = feed
        .items
        .iter()
        .map(|item| item.kind.to_string())
        .collect();
    assert_eq!(kinds, ["appointment", "appointment_removed"]);
    for item in &feed.items {
        assert_eq!(item.id, made.id);
        assert_eq!(item.text, "Bezet");
        let appointment = item.appointment.as_ref().unwrap();
        assert!(appointment.busy);
        assert_eq!(appointment.location, None);
        assert_eq!(
            appointment.starts_at.to_rfc3339(),
            "2027-04-06T12:00:00+00:00"
        );
        // Busy time does not say who planned it either.
        assert_eq!(item.author.name, "");
        assert_eq!(item.author.relationship, "other");
    }
    let raw = app
        .get_as(&key, &format!("/api/integration/feed?after={after}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!raw.contains("Geheim") && !raw.contains("Thuis"), "{raw}");
}

#[tokio::test]
async fn an_ecd_push_and_another_contacts_change_reach_an_open_agenda_within_two_seconds() {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let johanna = app.client_id("Johanna").await;
    let pieter = app.login_as("pieter").await;
    let marieke = app.login_as("marieke").await;
    // Pieter holds Afspraken but not Dossier; Sandra the reverse.
    let mut follower = open_stream(&app, &pieter, johanna).await;
    let sandra = app.login_as("sandra").await;
    let mut outsider = open_stream(&app, &sandra, johanna).await;
    let pushed = Instant::now();
    let created: UpsertOutcome = json_as(
        app.put_json(
            "/api/integration/clients/ECD-1001/appointments/AF-LIVE",
            &key,
            json!({"title": "Pedicure", "starts_at": "2027-06-08T08:00:00Z", "ends_at": "2027-06-08T09:00:00Z"}),
        )
        .await,
    )
    .await;
    let seen = read_until(&mut follower, "event: agenda", Duration::from_secs(2)).await;
    assert!(pushed.elapsed() < Duration::from_secs(2));
    assert!(seen.contains("event: agenda"), "{seen}");
    assert!(seen.contains(&johanna.to_string()));
    let nothing = read_until(&mut outsider, "event: agenda", Duration::from_millis(600)).await;
    assert!(!nothing.contains("event: agenda"), "{nothing}");
    let _ = created;
    // A change by another contact.
    add(
        &app,
        &marieke,
        johanna,
        visit(
            "Koffie",
            "2027-06-09T10:00:00",
            "2027-06-09T11:00:00",
            "public",
        ),
    )
    .await;
    let seen = read_until(&mut follower, "event: agenda", Duration::from_secs(2)).await;
    assert!(seen.contains("event: agenda"), "{seen}");
    // A care worker of the team may follow the agenda too.
    let fatima = app.login_as("fatima").await;
    let mut team = open_stream(&app, &fatima, johanna).await;
    let removed = app
        .delete_as(
            &key,
            "/api/integration/clients/ECD-1001/appointments/AF-LIVE",
        )
        .await;
    assert!(removed.status().is_success());
    let seen = read_until(&mut team, "event: agenda", Duration::from_secs(2)).await;
    assert!(seen.contains("event: agenda"), "{seen}");
}

#[tokio::test]
async fn the_start_panel_shows_the_next_appointment_and_the_three_after_it() {
    let app = spawn_app().await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let home: HomeView = json_as(app.get_home(&marieke, johanna).await).await;
    let panel = home
        .panels
        .iter()
        .find(|panel| panel.kind == kring_shared::PanelKind::Agenda)
        .expect("agenda panel");
    assert_eq!(panel.status, kring_shared::home::PanelStatus::Ready);
    assert_eq!(panel.appointments.len(), 4);
    let now = chrono::Utc::now();
    assert!(panel.appointments.iter().all(|item| item.ends_at > now));
    assert!(
        panel
            .appointments
            .windows(2)
            .all(|pair| pair[0].starts_at <= pair[1].starts_at)
    );
    assert!(
        panel
            .appointments
            .iter()
            .any(|item| item.care_worker.is_some()),
        "the care worker is named"
    );
}

#[tokio::test]
async fn reminders_go_out_the_evening_before_once_and_keep_private_details_from_the_care_team() {
    use kring_api::services::agenda::reminders::{at_hour, send_due};

    use crate::helpers::{ReceivedMail, SmtpServer, spawn_app_with};
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let fatima = app.login_as("fatima").await;
    for token in [&marieke, &fatima] {
        let set = app
            .put_json("/api/me/agenda-reminders", token, json!({"enabled": true}))
            .await;
        assert_eq!(set.status(), StatusCode::OK);
    }
    let status: Value = json_as(app.get_as(&marieke, "/api/me/agenda-reminders").await).await;
    assert_eq!(status["enabled"], true);
    add(
        &app,
        &marieke,
        johanna,
        json!({"title": "Geheim bezoek", "start": "2027-03-02T10:00:00", "end": "2027-03-02T11:00:00",
               "location": "Thuis", "visibility": "private"}),
    )
    .await;
    add(
        &app,
        &marieke,
        johanna,
        visit(
            "Koffie met Kees",
            "2027-03-02T15:00:00",
            "2027-03-02T16:00:00",
            "public",
        ),
    )
    .await;
    let day_before = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    // Not before five in the afternoon; then one e-mail each, once.
    assert_eq!(send_due(&app.db, at_hour(day_before, 16)).await.unwrap(), 0);
    assert_eq!(send_due(&app.db, at_hour(day_before, 18)).await.unwrap(), 2);
    assert_eq!(send_due(&app.db, at_hour(day_before, 19)).await.unwrap(), 0);
    smtp.wait_for_message(2).await;
    let received = |smtp: &SmtpServer| -> Vec<ReceivedMail> {
        smtp.messages()
            .iter()
            .map(|raw| ReceivedMail::parse(raw))
            .collect()
    };
    let mails = received(&smtp);
    assert_eq!(mails.len(), 2);
    let to = |username: &str| {
        mails
            .iter()
            .find(|mail| mail.to.contains(&format!("{username}@demo.kring.nl")))
            .unwrap_or_else(|| panic!("a reminder to {username}"))
    };
    let family = to("marieke");
    assert_eq!(family.subject, "Herinnering: afspraken van morgen");
    assert!(family.text.contains("02-03-2027"), "{}", family.text);
    assert!(family.text.contains("10:00 – 11:00: Geheim bezoek (Thuis)"));
    assert!(family.text.contains("15:00 – 16:00: Koffie met Kees"));
    let team = to("fatima");
    assert!(team.text.contains("10:00 – 11:00: Bezet"), "{}", team.text);
    assert!(team.text.contains("Koffie met Kees"));
    for body in [&team.text, &team.html] {
        assert!(
            !body.contains("Geheim") && !body.contains("Thuis"),
            "{body}"
        );
    }
    // Switched off: nothing more, even for a new appointment; the care worker hears of it.
    let off = app
        .put_json(
            "/api/me/agenda-reminders",
            &marieke,
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    add(
        &app,
        &marieke,
        johanna,
        visit(
            "Nog iets",
            "2027-03-02T17:00:00",
            "2027-03-02T18:00:00",
            "public",
        ),
    )
    .await;
    assert_eq!(send_due(&app.db, at_hour(day_before, 20)).await.unwrap(), 1);
    // The third mail, found by what it says: mails sent within one second have the same Date,
    // so their order is not known.
    smtp.wait_for_message(3).await;
    let all = received(&smtp);
    let third: Vec<&ReceivedMail> = all
        .iter()
        .filter(|mail| mail.text.contains("Nog iets"))
        .collect();
    assert_eq!(third.len(), 1, "one reminder of the new appointment");
    assert!(
        third[0].to.contains("fatima@demo.kring.nl"),
        "{}",
        third[0].to
    );
    assert!(!third[0].text.contains("Koffie"), "{}", third[0].text);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(received(&smtp).len(), 3);
}

#[tokio::test]
async fn where_the_organisation_keeps_every_own_appointment_private_the_care_team_sees_only_busy_time()
 {
    let app = spawn_app().await;
    let key = app.ecd_key().await;
    let johanna = app.client_id("Johanna").await;
    set_org(&app, |org: &mut organisation::ActiveModel| {
        org.agenda_always_private = Set(true);
    })
    .await;
    let marieke = app.login_as("marieke").await;
    let start: FeedPage = json_as(app.get_as(&key, "/api/integration/feed?limit=500").await).await;
    add(
        &app,
        &marieke,
        johanna,
        visit(
            "Naar de kapper",
            "2027-04-07T10:00:00",
            "2027-04-07T11:00:00",
            "public",
        ),
    )
    .await;
    let fatima = app.login_as("fatima").await;
    let seen = page(&app, &fatima, johanna, "from=2027-04-05&to=2027-04-12").await;
    assert_eq!(titles(&seen), ["(busy)"]);
    // The family still sees it in full.
    let family = page(&app, &marieke, johanna, "from=2027-04-05&to=2027-04-12").await;
    assert_eq!(titles(&family), ["Naar de kapper"]);
    let feed: FeedPage = json_as(
        app.get_as(
            &key,
            &format!("/api/integration/feed?after={}", start.next_cursor),
        )
        .await,
    )
    .await;
    assert_eq!(feed.items.len(), 1);
    assert_eq!(feed.items[0].text, "Bezet");
    assert!(feed.items[0].appointment.as_ref().unwrap().busy);
}

#[tokio::test]
async fn a_client_has_at_most_fifty_current_series() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let marieke = app.login_as("marieke").await;
    let series = |title: &str| {
        let mut body = visit(
            title,
            "2027-01-04T10:00:00",
            "2027-01-04T11:00:00",
            "public",
        );
        body["recurrence"] = json!({"frequency": "daily", "count": 700});
        body
    };
    // The demo has one series (Pieter's visit); eight at once when four fit: exactly four.
    for n in 0..45 {
        add(&app, &marieke, johanna, series(&format!("Reeks {n}"))).await;
    }
    let path = format!("/api/clients/{johanna}/agenda/appointments");
    let answers = futures_util::future::join_all(
        (0..8).map(|n| app.post_json(&path, Some(&marieke), series(&format!("Tegelijk {n}")))),
    )
    .await;
    let statuses: Vec<u16> = answers
        .iter()
        .map(|answer| answer.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|status| **status == 201).count(),
        4,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|status| *status == 201 || *status == 422),
        "{statuses:?}"
    );
    let refused = app
        .post_json(
            &format!("/api/clients/{johanna}/agenda/appointments"),
            Some(&marieke),
            series("Te veel"),
        )
        .await;
    let problem = assert_problem_dto(refused, 422, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("recurrence", "too_many")]);
    // A single appointment is still fine.
    add(
        &app,
        &marieke,
        johanna,
        visit(
            "Los",
            "2027-01-05T10:00:00",
            "2027-01-05T11:00:00",
            "public",
        ),
    )
    .await;
}
