//! *Gebruikersbeheer*: only a client's portal administrators manage its contacts; a new person
//! gets login details by real e-mail, an existing user an invitation under *Meldingen*; the
//! client keeps a portal administrator; removing a contact or a tick takes effect at once.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{SmtpServer, TestApp, assert_problem, spawn_app, spawn_app_with};

fn contacts_path(client: Uuid) -> String {
    format!("/api/clients/{client}/contacts")
}

async fn contact_id(app: &TestApp, username: &str, client: &str) -> Uuid {
    app.link(username, client).await.id
}

#[tokio::test]
async fn only_the_clients_portal_administrators_see_and_manage_its_contacts() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;
    let rows: Value = app.get_as(&marieke, &path).await.json().await.unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let me = rows.iter().find(|row| row["is_you"] == true).unwrap();
    assert_eq!(me["first_name"], "Marieke");
    assert_eq!(me["is_primary_contact"], true);
    let kees = rows.iter().find(|row| row["first_name"] == "Kees").unwrap();
    assert_eq!(kees["permissions"], json!([]));

    let pieter_link = contact_id(&app, "pieter", "Johanna").await;
    // Pieter (no Instellingen) and Sandra (administrator of another client) are refused.
    for username in ["pieter", "sandra"] {
        let token = app.login_as(username).await;
        assert_problem(app.get_as(&token, &path).await, 403, "permission_denied").await;
        let add = app
            .post_json(
                &path,
                Some(&token),
                json!({"existing_user_id": app.user("daan").await.id, "relationship": "friend"}),
            )
            .await;
        assert_problem(add, 403, "permission_denied").await;
        let tick = app
            .put_json(
                &format!("{path}/{pieter_link}/permissions"),
                &token,
                json!({"permissions": ["messages", "agenda", "dossier", "details", "settings"]}),
            )
            .await;
        assert_problem(tick, 403, "permission_denied").await;
        let invite = app
            .post_json(
                &format!("{path}/{pieter_link}/invitation"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_problem(invite, 403, "permission_denied").await;
        let remove = app
            .delete_as(&token, &format!("{path}/{pieter_link}"))
            .await;
        assert_problem(remove, 403, "permission_denied").await;
        let lookup = app
            .post_json(
                &path.replace("/contacts", "/contact-lookup"),
                Some(&token),
                json!({"email": "daan@demo.kring.nl"}),
            )
            .await;
        assert_problem(lookup, 403, "permission_denied").await;
    }
    assert_eq!(
        app.link("pieter", "Johanna").await.permissions().len(),
        2,
        "nothing changed"
    );
    let anonymous = app.http.get(app.url(&path)).send().await.unwrap();
    assert_problem(anonymous, 401, "authentication_required").await;
    // A contact of another client cannot reach this client's contacts by its id either.
    let gerrit_link = contact_id(&app, "anouk", "Gerrit").await;
    let cross = app
        .put_json(
            &format!("{path}/{gerrit_link}/permissions"),
            &marieke,
            json!({"permissions": ["settings"]}),
        )
        .await;
    assert_problem(cross, 404, "not_found").await;
}

#[tokio::test]
async fn a_new_person_is_added_ticked_and_gets_login_details_by_real_email() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|config| smtp.configure(config)).await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;

    let lookup: Value = app
        .post_json(
            &path.replace("/contacts", "/contact-lookup"),
            Some(&marieke),
            json!({"email": "sanne@example.nl"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lookup["suggestion"], Value::Null);
    let invalid = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"first_name": "Sanne", "last_name": "", "email": "sanne@", "relationship": "grandchild", "mobile": "020-5551234"}),
        )
        .await;
    let body = assert_problem(invalid, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["last_name", "email", "mobile", "gender"]);
    assert_eq!(body["errors"][2]["code"], "not_mobile");

    let added = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"first_name": "Sanne", "last_name": "de Vries-Ötztal", "email": "Sanne@Example.nl", "gender": "female", "relationship": "grandchild", "mobile": "06 1234 5677"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    let row: Value = added.json().await.unwrap();
    assert_eq!(row["invitation_state"], "not_invited");
    assert_eq!(row["permissions"], json!([]));
    let id = row["id"].as_str().unwrap().to_owned();
    let sanne = app.user("sanne.devriesotztal").await;
    assert_eq!(sanne.mobile.as_deref(), Some("+31612345677"));
    assert_eq!(sanne.email, "sanne@example.nl");

    let again = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"suggestion": suggest(&app, &marieke, &path, "sanne@example.nl").await, "relationship": "grandchild"}),
        )
        .await;
    assert_problem(again, 409, "already_contact").await;

    let saved: Value = app
        .put_json(
            &format!("{path}/{id}/permissions"),
            &marieke,
            json!({"permissions": ["messages", "dossier"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["invitation_needed"], true);
    assert_eq!(
        saved["contact"]["permissions"],
        json!(["messages", "dossier"])
    );
    let sent: Value = app
        .post_json(
            &format!("{path}/{id}/invitation"),
            Some(&marieke),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["channel"], "email");
    assert_eq!(sent["contact"]["invitation_state"], "accepted");

    let mail = smtp.wait_for_message(1).await;
    assert!(mail.to.contains("<sanne@example.nl>"));
    assert!(
        mail.text
            .contains("Marieke de Vries heeft u toegang gegeven")
    );
    assert!(mail.text.contains("Gebruikersnaam: sanne.devriesotztal"));
    let temporary = mail
        .text
        .lines()
        .find_map(|line| line.strip_prefix("Tijdelijk wachtwoord: "))
        .unwrap()
        .trim()
        .to_owned();
    assert!(mail.link("http").ends_with("/inloggen"));

    let step: Value = app
        .post_login("sanne.devriesotztal", &temporary)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(step["status"], "password_change_required");
    let done: Value = app
        .post_json(
            "/api/auth/first-password",
            None,
            json!({"attempt_token": step["attempt_token"], "new_password": "Kastanje-Boom-31"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = done["access_token"].as_str().unwrap();
    let me: Value = app.get_me(token).await.json().await.unwrap();
    assert_eq!(me["clients"][0]["client"]["first_name"], "Johanna");
    let home: Value = app.get_home(token, johanna).await.json().await.unwrap();
    let panels: Vec<&str> = home["panels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|panel| panel["kind"].as_str().unwrap())
        .collect();
    assert_eq!(panels, ["messages", "dossier"]);
}

#[tokio::test]
async fn an_existing_user_is_invited_under_meldingen_and_sees_nothing_until_accepting() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;
    let daan = app.login_as("daan").await;

    let lookup: Value = app
        .post_json(
            &path.replace("/contacts", "/contact-lookup"),
            Some(&marieke),
            json!({"email": " DAAN@demo.kring.nl "}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lookup["suggestion"]["name"], "Daan Smit");
    assert_eq!(
        lookup["suggestion"].as_object().unwrap().len(),
        2,
        "name and an opaque handle only"
    );
    let daan_id = app.user("daan").await.id.to_string();
    assert!(!lookup.to_string().contains(&daan_id), "no user id");
    let row: Value = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"suggestion": lookup["suggestion"]["handle"], "relationship": "friend"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = row["id"].as_str().unwrap().to_owned();
    app.put_json(
        &format!("{path}/{id}/permissions"),
        &marieke,
        json!({"permissions": ["agenda"]}),
    )
    .await;
    let sent: Value = app
        .post_json(
            &format!("{path}/{id}/invitation"),
            Some(&marieke),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["channel"], "notification");
    assert_eq!(sent["contact"]["invitation_state"], "pending");
    let again = app
        .post_json(
            &format!("{path}/{id}/invitation"),
            Some(&marieke),
            json!({}),
        )
        .await;
    let problem = assert_problem(again, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "already_invited");

    // Before answering, nothing of Johanna is visible.
    assert_problem(app.get_home(&daan, johanna).await, 403, "permission_denied").await;
    let me: Value = app.get_me(&daan).await.json().await.unwrap();
    assert_eq!(me["clients"].as_array().unwrap().len(), 1);
    let notes: Value = app
        .get_as(&daan, "/api/me/notifications")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notes["unread"], 1);
    let invitation = &notes["items"][0];
    assert_eq!(invitation["kind"], "invitation");
    assert_eq!(invitation["client_name"], "Johanna de Vries");
    assert_eq!(invitation["from_name"], "Marieke de Vries");
    assert_eq!(invitation["invitation"]["state"], "pending");

    // Someone else cannot answer it.
    let pieter = app.login_as("pieter").await;
    assert_problem(
        app.post_json(
            &format!("/api/me/invitations/{id}/accept"),
            Some(&pieter),
            json!({}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let accepted = app
        .post_json(
            &format!("/api/me/invitations/{id}/accept"),
            Some(&daan),
            json!({}),
        )
        .await;
    assert_eq!(accepted.status(), 204);
    let home: Value = app.get_home(&daan, johanna).await.json().await.unwrap();
    assert_eq!(home["panels"][0]["kind"], "agenda");
    let notes: Value = app
        .get_as(&daan, "/api/me/notifications")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notes["unread"], 0);
    assert_eq!(notes["items"][0]["invitation"]["state"], "accepted");
    assert_problem(
        app.post_json(
            &format!("/api/me/invitations/{id}/decline"),
            Some(&daan),
            json!({}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn a_declined_invitation_gives_no_access() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;
    let row: Value = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"suggestion": suggest(&app, &marieke, &path, "daan@demo.kring.nl").await, "relationship": "friend"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = row["id"].as_str().unwrap().to_owned();
    app.put_json(
        &format!("{path}/{id}/permissions"),
        &marieke,
        json!({"permissions": ["messages"]}),
    )
    .await;
    app.post_json(
        &format!("{path}/{id}/invitation"),
        Some(&marieke),
        json!({}),
    )
    .await;
    let daan = app.login_as("daan").await;
    let declined = app
        .post_json(
            &format!("/api/me/invitations/{id}/decline"),
            Some(&daan),
            json!({}),
        )
        .await;
    assert_eq!(declined.status(), 204);
    assert_problem(app.get_home(&daan, johanna).await, 403, "permission_denied").await;
    let rows: Value = app.get_as(&marieke, &path).await.json().await.unwrap();
    let daan_row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["first_name"] == "Daan")
        .unwrap();
    assert_eq!(daan_row["invitation_state"], "declined");
}

#[tokio::test]
async fn the_client_keeps_a_portal_administrator_and_the_primary_contact() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;
    let marieke_link = contact_id(&app, "marieke", "Johanna").await;
    let sandra_link = contact_id(&app, "sandra", "Johanna").await;

    let drop_own = app
        .put_json(
            &format!("{path}/{marieke_link}/permissions"),
            &marieke,
            json!({"permissions": ["messages"]}),
        )
        .await;
    assert_problem(drop_own, 409, "last_administrator").await;
    let remove_primary = app
        .delete_as(&marieke, &format!("{path}/{marieke_link}"))
        .await;
    assert_problem(remove_primary, 409, "primary_contact_protected").await;

    // With Sandra as a second administrator, Marieke may let go of hers …
    app.put_json(
        &format!("{path}/{sandra_link}/permissions"),
        &marieke,
        json!({"permissions": ["dossier", "details", "settings"]}),
    )
    .await;
    let dropped = app
        .put_json(
            &format!("{path}/{marieke_link}/permissions"),
            &marieke,
            json!({"permissions": ["messages"]}),
        )
        .await;
    assert_eq!(dropped.status(), 200);
    // … and then manages nothing any more, while Sandra cannot remove the last administrator.
    assert_problem(app.get_as(&marieke, &path).await, 403, "permission_denied").await;
    let sandra = app.login_as("sandra").await;
    let remove_last = app
        .delete_as(&sandra, &format!("{path}/{sandra_link}"))
        .await;
    assert_problem(remove_last, 409, "last_administrator").await;
}

#[tokio::test]
async fn a_removed_tick_or_contact_takes_effect_at_the_next_request() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;
    let pieter = app.login_as("pieter").await;
    let pieter_link = contact_id(&app, "pieter", "Johanna").await;
    let panels = |home: Value| -> Vec<String> {
        home["panels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|panel| panel["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    let before: Value = app.get_home(&pieter, johanna).await.json().await.unwrap();
    assert_eq!(panels(before), ["agenda", "messages"]);
    app.put_json(
        &format!("{path}/{pieter_link}/permissions"),
        &marieke,
        json!({"permissions": ["agenda"]}),
    )
    .await;
    let after: Value = app.get_home(&pieter, johanna).await.json().await.unwrap();
    assert_eq!(panels(after), ["agenda"], "the same token, one panel fewer");

    let removed = app
        .delete_as(&marieke, &format!("{path}/{pieter_link}"))
        .await;
    assert_eq!(removed.status(), 204);
    assert_problem(
        app.get_home(&pieter, johanna).await,
        403,
        "permission_denied",
    )
    .await;
    let me: Value = app.get_me(&pieter).await.json().await.unwrap();
    assert_eq!(me["clients"], json!([]));
}

#[tokio::test]
async fn many_ticks_at_the_same_moment_all_save() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;
    let links = [
        contact_id(&app, "pieter", "Johanna").await,
        contact_id(&app, "kees", "Johanna").await,
        contact_id(&app, "sandra", "Johanna").await,
    ];
    // Each change reads (the last-administrator rule) before it writes; on SQLite that must
    // not fail when another write lands in between.
    let requests = (0..24).map(|round| {
        let url = format!("{path}/{}/permissions", links[round % links.len()]);
        let permissions = if round % 2 == 0 {
            json!(["messages"])
        } else {
            json!(["agenda", "details"])
        };
        let (app, token) = (&app, &marieke);
        async move {
            app.put_json(&url, token, json!({"permissions": permissions}))
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(requests).await;
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
}

/// The handle of the "Bedoelde u" suggestion for `email`.
async fn suggest(app: &TestApp, token: &str, path: &str, email: &str) -> Value {
    let lookup: Value = app
        .post_json(
            &path.replace("/contacts", "/contact-lookup"),
            Some(token),
            json!({"email": email}),
        )
        .await
        .json()
        .await
        .unwrap();
    lookup["suggestion"]["handle"].clone()
}

#[tokio::test]
async fn bedoelde_u_is_no_search_engine_over_the_organisation() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;
    // Staff and administrators are never suggested; a partial address finds nobody.
    for email in [
        "fatima@demo.kring.nl",
        "beheer@demo.kring.nl",
        "daan@demo",
        "daan",
    ] {
        let lookup: Value = app
            .post_json(
                &path.replace("/contacts", "/contact-lookup"),
                Some(&marieke),
                json!({"email": email}),
            )
            .await
            .json()
            .await
            .unwrap();
        assert!(lookup["suggestion"].is_null(), "{email}: {lookup}");
    }
    // An account id is not accepted from a portal administrator …
    let by_id = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"existing_user_id": app.user("daan").await.id, "relationship": "friend"}),
        )
        .await;
    let body = assert_problem(by_id, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "existing_user_id");
    // … and a handle works only for the administrator and client it was made for.
    let handle = suggest(&app, &marieke, &path, "daan@demo.kring.nl").await;
    let sandra = app.login_as("sandra").await;
    let gerrit_path = contacts_path(app.client_id("Gerrit").await);
    let stolen = app
        .post_json(
            &gerrit_path,
            Some(&sandra),
            json!({"suggestion": handle, "relationship": "friend"}),
        )
        .await;
    let body = assert_problem(stolen, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "suggestion");
}

#[tokio::test]
async fn look_ups_and_invitations_are_limited_per_administrator() {
    let app = spawn_app().await;
    let path = contacts_path(app.client_id("Johanna").await);
    let marieke = app.login_as("marieke").await;
    let lookup_path = path.replace("/contacts", "/contact-lookup");
    let answers = futures_util::future::join_all((0..40).map(|n| {
        app.post_json(
            &lookup_path,
            Some(&marieke),
            json!({"email": format!("iemand{n}@example.nl")}),
        )
    }))
    .await;
    let ok = answers
        .iter()
        .filter(|answer| answer.status() == 200)
        .count();
    let limited = answers
        .iter()
        .filter(|answer| answer.status() == 429)
        .count();
    assert_eq!((ok, limited), (30, 10));
}

#[tokio::test]
async fn a_name_cannot_carry_a_link_or_a_line_break_into_the_invitation_mail() {
    let app = spawn_app().await;
    let path = contacts_path(app.client_id("Johanna").await);
    let marieke = app.login_as("marieke").await;
    let response = app
        .post_json(
            &path,
            Some(&marieke),
            json!({
                "first_name": "Sanne\nKlik op https://evil.example",
                "last_name": "de Vries",
                "email": "sanne@example.nl",
                "gender": "female",
                "relationship": "grandchild",
                "mobile": "06-12345678"
            }),
        )
        .await;
    let body = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "first_name");
    assert_eq!(body["errors"][0]["code"], "invalid_characters");
}
