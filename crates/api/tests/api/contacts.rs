//! *Gebruikersbeheer*: only a client's portal administrators manage its contacts; a new person
//! gets login details by real e-mail, an existing user an invitation under *Meldingen*; the
//! client keeps a portal administrator; removing a contact or a tick takes effect at once.

use kring_shared::{
    PanelKind, Permission,
    auth::LoginResponse,
    contacts::{
        ContactLookup, ContactRow, InvitationChannel, InvitationSent, InvitationState,
        NotificationKind, Notifications, PermissionsSaved,
    },
    home::HomeView,
    me::Me,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    SmtpServer, TestApp, access_token_of, assert_problem, assert_problem_dto, json_as, spawn_app,
    spawn_app_with,
};

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
    let rows: Vec<ContactRow> = json_as(app.get_as(&marieke, &path).await).await;
    assert_eq!(rows.len(), 4);
    let me = rows.iter().find(|row| row.is_you).unwrap();
    assert_eq!(me.first_name, "Marieke");
    assert!(me.is_primary_contact);
    let kees = rows.iter().find(|row| row.first_name == "Kees").unwrap();
    assert!(kees.permissions.is_empty());

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

    let lookup: ContactLookup = json_as(
        app.post_json(
            &path.replace("/contacts", "/contact-lookup"),
            Some(&marieke),
            json!({"email": "sanne@example.nl"}),
        )
        .await,
    )
    .await;
    assert_eq!(lookup.suggestion, None);
    let invalid = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"first_name": "Sanne", "last_name": "", "email": "sanne@", "relationship": "grandchild", "mobile": "020-5551234"}),
        )
        .await;
    let body = assert_problem_dto(invalid, 422, "validation_failed").await;
    let fields: Vec<&str> = body
        .errors
        .iter()
        .map(|error| error.field.as_str())
        .collect();
    assert_eq!(fields, ["last_name", "email", "mobile", "gender"]);
    assert_eq!(body.errors[2].code, "not_mobile");

    let added = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"first_name": "Sanne", "last_name": "de Vries-Ötztal", "email": "Sanne@Example.nl", "gender": "female", "relationship": "grandchild", "mobile": "06 1234 5677"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    let row: ContactRow = json_as(added).await;
    assert_eq!(row.invitation_state, InvitationState::NotInvited);
    assert!(row.permissions.is_empty());
    let id = row.id;
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

    let saved: PermissionsSaved = json_as(
        app.put_json(
            &format!("{path}/{id}/permissions"),
            &marieke,
            json!({"permissions": ["messages", "dossier"]}),
        )
        .await,
    )
    .await;
    assert!(saved.invitation_needed);
    assert_eq!(
        saved.contact.permissions,
        [Permission::Messages, Permission::Dossier]
    );
    let sent: InvitationSent = json_as(
        app.post_json(
            &format!("{path}/{id}/invitation"),
            Some(&marieke),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(sent.channel, InvitationChannel::Email);
    assert_eq!(sent.contact.invitation_state, InvitationState::Accepted);

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

    let step = json_as(app.post_login("sanne.devriesotztal", &temporary).await).await;
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
    let token = &access_token_of(done);
    let me: Me = json_as(app.get_me(token).await).await;
    assert_eq!(me.clients[0].client.first_name, "Johanna");
    let home: HomeView = json_as(app.get_home(token, johanna).await).await;
    let panels: Vec<PanelKind> = home.panels.iter().map(|panel| panel.kind).collect();
    assert_eq!(panels, [PanelKind::Messages, PanelKind::Dossier]);
}

#[tokio::test]
async fn an_existing_user_is_invited_under_meldingen_and_sees_nothing_until_accepting() {
    let app = spawn_app().await;
    let johanna = app.client_id("Johanna").await;
    let path = contacts_path(johanna);
    let marieke = app.login_as("marieke").await;
    let daan = app.login_as("daan").await;

    // Raw JSON on purpose: what the wire carries besides the name and handle matters here.
    let raw: Value = app
        .post_json(
            &path.replace("/contacts", "/contact-lookup"),
            Some(&marieke),
            json!({"email": " DAAN@demo.kring.nl "}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        raw["suggestion"].as_object().unwrap().len(),
        2,
        "name and an opaque handle only"
    );
    let daan_id = app.user("daan").await.id.to_string();
    assert!(!raw.to_string().contains(&daan_id), "no user id");
    let lookup: ContactLookup = serde_json::from_value(raw).unwrap();
    let suggestion = lookup.suggestion.unwrap();
    assert_eq!(suggestion.name, "Daan Smit");
    let row: ContactRow = json_as(
        app.post_json(
            &path,
            Some(&marieke),
            json!({"suggestion": suggestion.handle, "relationship": "friend"}),
        )
        .await,
    )
    .await;
    let id = row.id;
    app.put_json(
        &format!("{path}/{id}/permissions"),
        &marieke,
        json!({"permissions": ["agenda"]}),
    )
    .await;
    let sent: InvitationSent = json_as(
        app.post_json(
            &format!("{path}/{id}/invitation"),
            Some(&marieke),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(sent.channel, InvitationChannel::Notification);
    assert_eq!(sent.contact.invitation_state, InvitationState::Pending);
    let again = app
        .post_json(
            &format!("{path}/{id}/invitation"),
            Some(&marieke),
            json!({}),
        )
        .await;
    let problem = assert_problem_dto(again, 422, "validation_failed").await;
    assert_eq!(problem.errors[0].code, "already_invited");

    // Before answering, nothing of Johanna is visible.
    assert_problem(app.get_home(&daan, johanna).await, 403, "permission_denied").await;
    let me: Me = json_as(app.get_me(&daan).await).await;
    assert_eq!(me.clients.len(), 1);
    let notes: Notifications = json_as(app.get_as(&daan, "/api/me/notifications").await).await;
    assert_eq!(notes.unread, 1);
    let invitation = &notes.items[0];
    assert_eq!(invitation.kind, NotificationKind::Invitation);
    assert_eq!(invitation.client_name.as_deref(), Some("Johanna de Vries"));
    assert_eq!(invitation.from_name.as_deref(), Some("Marieke de Vries"));
    assert_eq!(
        invitation.invitation.as_ref().unwrap().state,
        InvitationState::Pending
    );

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
    let home: HomeView = json_as(app.get_home(&daan, johanna).await).await;
    assert_eq!(home.panels[0].kind, PanelKind::Agenda);
    let notes: Notifications = json_as(app.get_as(&daan, "/api/me/notifications").await).await;
    assert_eq!(notes.unread, 0);
    assert_eq!(
        notes.items[0].invitation.as_ref().unwrap().state,
        InvitationState::Accepted
    );
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
    let row: ContactRow = json_as(
        app.post_json(
            &path,
            Some(&marieke),
            json!({"suggestion": suggest(&app, &marieke, &path, "daan@demo.kring.nl").await, "relationship": "friend"}),
        )
        .await,
    )
    .await;
    let id = row.id;
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
    let rows: Vec<ContactRow> = json_as(app.get_as(&marieke, &path).await).await;
    let daan_row = rows.iter().find(|row| row.first_name == "Daan").unwrap();
    assert_eq!(daan_row.invitation_state, InvitationState::Declined);
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
    let panels =
        |home: HomeView| -> Vec<PanelKind> { home.panels.iter().map(|panel| panel.kind).collect() };
    let before: HomeView = json_as(app.get_home(&pieter, johanna).await).await;
    assert_eq!(panels(before), [PanelKind::Agenda, PanelKind::Messages]);
    app.put_json(
        &format!("{path}/{pieter_link}/permissions"),
        &marieke,
        json!({"permissions": ["agenda"]}),
    )
    .await;
    let after: HomeView = json_as(app.get_home(&pieter, johanna).await).await;
    assert_eq!(
        panels(after),
        [PanelKind::Agenda],
        "the same token, one panel fewer"
    );

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
    let me: Me = json_as(app.get_me(&pieter).await).await;
    assert!(me.clients.is_empty());
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
async fn suggest(app: &TestApp, token: &str, path: &str, email: &str) -> Option<String> {
    let lookup: ContactLookup = json_as(
        app.post_json(
            &path.replace("/contacts", "/contact-lookup"),
            Some(token),
            json!({"email": email}),
        )
        .await,
    )
    .await;
    lookup.suggestion.map(|suggestion| suggestion.handle)
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
        let lookup: ContactLookup = json_as(
            app.post_json(
                &path.replace("/contacts", "/contact-lookup"),
                Some(&marieke),
                json!({"email": email}),
            )
            .await,
        )
        .await;
        assert!(lookup.suggestion.is_none(), "{email}: {lookup:?}");
    }
    // An account id is not accepted from a portal administrator …
    let by_id = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"existing_user_id": app.user("daan").await.id, "relationship": "friend"}),
        )
        .await;
    let body = assert_problem_dto(by_id, 422, "validation_failed").await;
    assert_eq!(body.errors[0].field, "existing_user_id");
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
    let body = assert_problem_dto(stolen, 422, "validation_failed").await;
    assert_eq!(body.errors[0].field, "suggestion");
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
    let body = assert_problem_dto(response, 422, "validation_failed").await;
    assert_eq!(body.errors[0].field, "first_name");
    assert_eq!(body.errors[0].code, "invalid_characters");
}
