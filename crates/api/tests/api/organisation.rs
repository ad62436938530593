//! The organisation settings in the admin console: only the organisation admin reads and
//! changes them, a bad value saves nothing, and a change is what users notice next.

use kring_api::services::demo::DEMO_PASSWORD;
use kring_shared::{
    PanelKind, Permission,
    admin::{AdminClientSummary, CareRole, CareTeamPlace, CareWorkerSummary, OrganisationSettings},
    auth::LoginResponse,
    contacts::{ContactRow, Notifications},
    home::HomeView,
    me::{Me, Relationship},
};
use serde_json::json;

use crate::helpers::{
    ReceivedMail, access_token_of, assert_problem, assert_problem_dto, field_errors, json_as,
    spawn_app,
};

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
    let settings: OrganisationSettings =
        json_as(app.get_as(&admin, "/api/admin/organisation").await).await;
    assert_eq!(settings.lockout_threshold, 5);
    assert_problem(
        app.put_json("/api/admin/organisation", &marieke, json!(settings))
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
    let mut settings: OrganisationSettings =
        json_as(app.get_as(&admin, "/api/admin/organisation").await).await;
    settings.name = "Nieuwe naam".to_owned();
    settings.primary_colour = "#ffcc00".to_owned();
    settings.help_url = Some("http://onveilig.example".to_owned());
    settings.lockout_threshold = 1;
    settings.verification_code_minutes = 30;
    let refused = app
        .put_json("/api/admin/organisation", &admin, json!(settings))
        .await;
    let body = assert_problem_dto(refused, 422, "validation_failed").await;
    assert_eq!(
        field_errors(&body),
        [
            ("primary_colour", "low_contrast"),
            ("help_url", "invalid"),
            ("lockout_threshold", "out_of_range"),
            ("verification_code_minutes", "out_of_range"),
        ]
    );
    let me: Me = json_as(app.get_me(&admin).await).await;
    assert_eq!(me.organisation.name, "Zorggroep De Linde", "nothing saved");
}

#[tokio::test]
async fn changed_settings_change_what_users_get() {
    let app = spawn_app().await;
    let admin = app.login_as("beheer").await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let mut settings: OrganisationSettings =
        json_as(app.get_as(&admin, "/api/admin/organisation").await).await;
    settings.name = "Zorggroep De Eik".to_owned();
    settings.primary_colour = "#1F5F3A".to_owned();
    settings.panel_agenda_enabled = false;
    settings.lockout_threshold = 2;
    let saved: OrganisationSettings = json_as(
        app.put_json("/api/admin/organisation", &admin, json!(settings))
            .await,
    )
    .await;
    assert_eq!(saved.primary_colour, "#1f5f3a");

    let me: Me = json_as(app.get_me(&marieke).await).await;
    assert_eq!(me.organisation.name, "Zorggroep De Eik");
    assert_eq!(me.organisation.primary_colour, "#1f5f3a");
    let home: HomeView = json_as(app.get_home(&marieke, johanna).await).await;
    let panels: Vec<PanelKind> = home.panels.iter().map(|panel| panel.kind).collect();
    assert_eq!(
        panels,
        [PanelKind::Messages, PanelKind::Dossier, PanelKind::Details]
    );

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

#[tokio::test]
async fn the_organisation_admin_creates_a_client_portal_and_both_get_login_details() {
    let smtp = crate::helpers::SmtpServer::start().await;
    let app = crate::helpers::spawn_app_with(|config| smtp.configure(config)).await;
    let admin = app.login_as("beheer").await;
    let before: Vec<AdminClientSummary> =
        json_as(app.get_as(&admin, "/api/admin/clients").await).await;
    assert_eq!(before.len(), 3);

    let marieke = app.login_as("marieke").await;
    let body = json!({
        "first_name": "Willem", "last_name": "Jansen", "birth_date": "1940-05-17",
        "primary_contact": {"first_name": "Els", "last_name": "Jansen", "email": "els.jansen@example.nl",
            "gender": "female", "relationship": "child", "mobile": "06-12345670"},
        "client_account": {"email": "willem.jansen@example.nl", "gender": "male", "mobile": "020-5551234"}
    });
    assert_problem(
        app.post_json("/api/admin/clients", Some(&marieke), body.clone())
            .await,
        403,
        "permission_denied",
    )
    .await;
    let refused = app
        .post_json("/api/admin/clients", Some(&admin), body.clone())
        .await;
    let problem = assert_problem_dto(refused, 422, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        [("client_account.mobile", "not_mobile")]
    );
    let unchanged: Vec<AdminClientSummary> =
        json_as(app.get_as(&admin, "/api/admin/clients").await).await;
    assert_eq!(unchanged.len(), 3, "nothing half-created");

    let mut body = body;
    body["client_account"]["mobile"] = json!("06-12345671");
    let created = app
        .post_json("/api/admin/clients", Some(&admin), body)
        .await;
    assert_eq!(created.status(), 201);
    let created: AdminClientSummary = json_as(created).await;
    assert_eq!(created.primary_contact.as_deref(), Some("Els Jansen"));
    assert_eq!(created.contacts, 2);
    let willem = created.id;

    // Both mails go out from the outbox at about the same moment: take them as a pair.
    smtp.wait_for_message(2).await;
    let mut both: Vec<ReceivedMail> = smtp
        .messages()
        .iter()
        .map(|raw| ReceivedMail::parse(raw))
        .collect();
    let second = both.pop().unwrap();
    let first = both.pop().unwrap();
    let mut to: Vec<String> = vec![first.to.clone(), second.to.clone()];
    to.sort();
    assert!(to[0].contains("els.jansen@example.nl") && to[1].contains("willem.jansen@example.nl"));
    let password_in = |text: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix("Tijdelijk wachtwoord: "))
            .unwrap()
            .trim()
            .to_owned()
    };
    let (els_mail, willem_mail) = if first.to.contains("els") {
        (first, second)
    } else {
        (second, first)
    };
    let sign_in = |username: &'static str, temporary: String| {
        let app = &app;
        async move {
            let step = json_as(app.post_login(username, &temporary).await).await;
            let LoginResponse::PasswordChangeRequired(step) = step else {
                panic!("no password change asked: {step:?}");
            };
            let done = json_as(
                app.post_json(
                    "/api/auth/first-password",
                    None,
                    json!({"attempt_token": step.attempt_token, "new_password": "Kastanje-Boom-31"}),
                )
                .await,
            )
            .await;
            access_token_of(done)
        }
    };
    let els = sign_in("els.jansen", password_in(&els_mail.text)).await;
    let own = sign_in("willem.jansen", password_in(&willem_mail.text)).await;
    let contacts_path = format!("/api/clients/{willem}/contacts");
    assert_eq!(
        app.get_as(&els, &contacts_path).await.status(),
        200,
        "Els manages"
    );
    assert_problem(
        app.get_as(&own, &contacts_path).await,
        403,
        "permission_denied",
    )
    .await;
    let me: Me = json_as(app.get_me(&own).await).await;
    assert_eq!(me.clients[0].relationship, Relationship::Client);
    assert_eq!(
        me.clients[0].permissions,
        [
            Permission::Messages,
            Permission::Agenda,
            Permission::Dossier,
            Permission::Details
        ]
    );
}

#[tokio::test]
async fn the_organisation_admin_appoints_another_primary_contact() {
    let app = spawn_app().await;
    let admin = app.login_as("beheer").await;
    let johanna = app.client_id("Johanna").await;
    let pieter_link = app.link("pieter", "Johanna").await.id;
    let pieter = app.login_as("pieter").await;
    let contacts_path = format!("/api/clients/{johanna}/contacts");
    assert_problem(
        app.get_as(&pieter, &contacts_path).await,
        403,
        "permission_denied",
    )
    .await;
    let changed: AdminClientSummary = json_as(
        app.put_json(
            &format!("/api/admin/clients/{johanna}/primary-contact"),
            &admin,
            json!({"contact_id": pieter_link}),
        )
        .await,
    )
    .await;
    assert_eq!(changed.primary_contact.as_deref(), Some("Pieter de Vries"));
    assert_eq!(app.get_as(&pieter, &contacts_path).await.status(), 200);
    let rows: Vec<ContactRow> = json_as(app.get_as(&pieter, &contacts_path).await).await;
    let primaries: Vec<&str> = rows
        .iter()
        .filter(|row| row.is_primary_contact)
        .map(|row| row.first_name.as_str())
        .collect();
    assert_eq!(primaries, ["Pieter"]);
    // A contact of another client cannot be appointed here.
    let anouk_link = app.link("anouk", "Gerrit").await.id;
    assert_problem(
        app.put_json(
            &format!("/api/admin/clients/{johanna}/primary-contact"),
            &admin,
            json!({"contact_id": anouk_link}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_discharged_client_shows_a_notice_and_access_ends_after_the_set_days() {
    let app = spawn_app().await;
    let admin = app.login_as("beheer").await;
    let marieke = app.login_as("marieke").await;
    let johanna = app.client_id("Johanna").await;
    let path = format!("/api/admin/clients/{johanna}/discharge");
    let today = chrono::Utc::now().date_naive();
    app.put_json(&path, &admin, json!({"discharged_on": today}))
        .await;
    let home: HomeView = json_as(app.get_home(&marieke, johanna).await).await;
    assert_eq!(home.client.discharged_on, Some(today));
    let long_ago = today - chrono::Duration::days(8);
    app.put_json(&path, &admin, json!({"discharged_on": long_ago}))
        .await;
    assert_problem(
        app.get_home(&marieke, johanna).await,
        403,
        "permission_denied",
    )
    .await;
    let undone = app
        .put_json(&path, &admin, json!({"discharged_on": null}))
        .await;
    assert_eq!(undone.status(), 200);
    assert_eq!(app.get_home(&marieke, johanna).await.status(), 200);
}

#[tokio::test]
async fn the_organisation_admin_adds_a_care_worker_and_manages_care_teams() {
    let smtp = crate::helpers::SmtpServer::start().await;
    let app = crate::helpers::spawn_app_with(|config| smtp.configure(config)).await;
    let admin = app.login_as("beheer").await;
    let marieke = app.login_as("marieke").await;
    assert_problem(
        app.get_as(&marieke, "/api/admin/care-workers").await,
        403,
        "permission_denied",
    )
    .await;
    let workers: Vec<CareWorkerSummary> =
        json_as(app.get_as(&admin, "/api/admin/care-workers").await).await;
    let fatima = workers
        .iter()
        .find(|worker| worker.first_name == "Fatima")
        .unwrap();
    assert_eq!(fatima.teams.len(), 2);
    assert_eq!(fatima.teams[0].care_role, CareRole::Evv);

    let created = app
        .post_json(
            "/api/admin/care-workers",
            Some(&admin),
            json!({"first_name": "Noor", "last_name": "Bakker", "email": "noor.bakker@delinde.example",
                   "gender": "female", "mobile": "06-12345672"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let noor: CareWorkerSummary = json_as(created).await;
    let mail = smtp.wait_for_message(1).await;
    assert!(mail.to.contains("noor.bakker@delinde.example"));
    assert!(mail.text.contains("Gebruikersnaam: noor.bakker"));
    assert_eq!(
        app.user("noor.bakker").await.kind,
        kring_shared::me::AccountKind::CareWorker
    );

    let gerrit = app.client_id("Gerrit").await;
    let member = format!("/api/admin/clients/{gerrit}/care-team/{}", noor.id);
    let put = app
        .put_json(&member, &admin, json!({"care_role": "personal_supervisor"}))
        .await;
    assert_eq!(put.status(), 204);
    let workers: Vec<CareWorkerSummary> =
        json_as(app.get_as(&admin, "/api/admin/care-workers").await).await;
    let noor_now = workers
        .iter()
        .find(|worker| worker.first_name == "Noor")
        .unwrap();
    assert_eq!(
        noor_now.teams,
        [CareTeamPlace {
            client_id: gerrit,
            client_name: "Gerrit Bakker".to_owned(),
            care_role: CareRole::PersonalSupervisor
        }]
    );
    assert_eq!(app.delete_as(&admin, &member).await.status(), 204);
    assert_problem(app.delete_as(&admin, &member).await, 404, "not_found").await;
    // A contact is not a care worker.
    let pieter = app.user("pieter").await.id;
    assert_problem(
        app.put_json(
            &format!("/api/admin/clients/{gerrit}/care-team/{pieter}"),
            &admin,
            json!({"care_role": "evv"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_client_portal_can_get_an_existing_account_as_primary_contact() {
    let app = spawn_app().await;
    let admin = app.login_as("beheer").await;
    let daan = app.user("daan").await;
    let created = app
        .post_json(
            "/api/admin/clients",
            Some(&admin),
            json!({"first_name": "Truus", "last_name": "Smit",
                   "primary_contact": {"existing_user_id": daan.id, "relationship": "child"}}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: AdminClientSummary = json_as(created).await;
    assert_eq!(created.primary_contact.as_deref(), Some("Daan Smit"));
    // Daan has an account, so he is invited under Meldingen and sees Truus only after accepting.
    let token = app.login_as("daan").await;
    let notes: Notifications = json_as(app.get_as(&token, "/api/me/notifications").await).await;
    assert_eq!(notes.items[0].client_name.as_deref(), Some("Truus Smit"));
    let me: Me = json_as(app.get_me(&token).await).await;
    assert_eq!(me.clients.len(), 1);
}
