//! The authorization matrix: every operation in the OpenAPI document, for every kind of actor,
//! allowed or denied as the table below says. A new endpoint without an entry fails the test;
//! so does an endpoint that lets in someone it should not (or shuts out someone it should
//! serve). "Allowed" means the answer is not 401/403; "denied" means 401 for an anonymous
//! caller and 403 for everyone else. Public operations (the login steps) carry their own
//! one-time tokens, so for them only "never 403" is checked.

use kring_api::entities::client_contact;
use kring_shared::Permission;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, spawn_app};

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user (their own account).
    SignedIn,
    /// A user with an accepted link to the client in the path (any permissions, even none).
    ClientMember,
    /// A user holding this permission for the client in the path.
    Client(Permission),
    /// `ClientMember`, or a care worker in the client's care team (the live events).
    MemberOrCareTeam,
    /// Afspraken for the client, or a care worker in its care team (reading the agenda).
    AgendaReader,
    /// Berichten for the client, or a care worker in its care team (reading and answering
    /// conversations).
    MessagesReader,
    /// Any care worker (their inbox and absence).
    CareWorker,
    /// The client themselves, or a contact holding Instellingen (Download, the access log).
    ClientOrAdministrator,
    /// The organisation's functional administrator.
    OrganisationAdmin,
    /// A service-account API key, never a user's token: every user gets 401 (the scopes are
    /// checked in `integration.rs`).
    Integration,
}

/// The table: (method, OpenAPI path) → rule.
fn rule_for(method: &str, path: &str) -> Option<Rule> {
    use Rule::*;
    let rule = match (method, path) {
        ("GET", "/healthz" | "/readyz") => Public,
        ("POST", "/api/auth/logout") => SignedIn,
        (
            "POST",
            "/api/auth/login"
            | "/api/auth/verify"
            | "/api/auth/verify/resend"
            | "/api/auth/second-factor/mobile"
            | "/api/auth/first-password"
            | "/api/auth/forgot-password"
            | "/api/auth/password-reset"
            | "/api/auth/refresh",
        ) => Public,
        ("GET", "/api/auth/password-reset/{token}") => Public,
        ("PUT", "/api/me/clients/{client_id}/notifications") => ClientMember,
        (_, "/api/me/absence") | ("GET", "/api/care/inbox") => CareWorker,
        (_, path) if path.starts_with("/api/me") => SignedIn,
        // Whether the photo may be seen is decided per photo (see `pinboard.rs`): for a photo
        // that is not theirs to see, everyone signed in hears 404.
        ("GET", "/api/media/{photo_id}/{size}") | ("DELETE", "/api/media/{photo_id}") => SignedIn,
        (_, path)
            if path == "/api/clients/{client_id}/details"
                || path == "/api/clients/{client_id}/media"
                || path.starts_with("/api/clients/{client_id}/pinboard") =>
        {
            Client(Permission::Details)
        }
        ("GET", "/api/clients/{client_id}/home") => ClientMember,
        // The ticket in the address is the authorization (see `export.rs`).
        ("GET", "/api/exports/download") => Public,
        (_, path)
            if path.starts_with("/api/clients/{client_id}/exports")
                || path.starts_with("/api/clients/{client_id}/access-log")
                || path == "/api/clients/{client_id}/fhir/$everything" =>
        {
            ClientOrAdministrator
        }
        // Care workers answer conversations; they do not start them.
        ("GET", "/api/clients/{client_id}/messages/recipients")
        | ("POST", "/api/clients/{client_id}/conversations") => Client(Permission::Messages),
        (_, path)
            if path.starts_with("/api/clients/{client_id}/conversations")
                || path == "/api/clients/{client_id}/messages/attachments" =>
        {
            MessagesReader
        }
        ("POST", "/api/clients/{client_id}/events/ticket") => MemberOrCareTeam,
        // The subscription address is its own secret (see `agenda.rs`).
        ("GET", "/api/calendar/{token}.ics") => Public,
        (
            "GET",
            "/api/clients/{client_id}/agenda"
            | "/api/clients/{client_id}/agenda/appointments/{appointment_id}",
        ) => AgendaReader,
        (_, path) if path.starts_with("/api/clients/{client_id}/agenda") => {
            Client(Permission::Agenda)
        }
        // The stream carries its own one-time ticket (see `dossier.rs`).
        ("GET", "/api/clients/{client_id}/events") => Public,
        (_, path) if path.starts_with("/api/clients/{client_id}/dossier") => {
            Client(Permission::Dossier)
        }
        (_, path) if path.starts_with("/api/integration/") => Integration,
        (_, path)
            if path.starts_with("/api/clients/{client_id}/contacts")
                || path == "/api/clients/{client_id}/contact-lookup"
                || path == "/api/clients/{client_id}/network-changes" =>
        {
            Client(Permission::Settings)
        }
        (_, path) if path.starts_with("/api/admin/") => OrganisationAdmin,
        _ => return None,
    };
    Some(rule)
}

/// One actor: who logs in, which client their calls aim at, and what they hold there.
struct Actor {
    name: &'static str,
    username: Option<&'static str>,
    client: &'static str,
    /// `None`: no accepted link to that client.
    holds: Option<Vec<Permission>>,
    organisation_admin: bool,
    /// A care worker in the client's care team.
    care_team: bool,
    /// A care worker (in the client's team or not).
    care_worker: bool,
    /// The client themselves (their own portal).
    is_client: bool,
}

impl Actor {
    fn expects(&self, rule: Rule) -> bool {
        match rule {
            Rule::Public => true,
            Rule::SignedIn => self.username.is_some(),
            Rule::ClientMember => self.holds.is_some(),
            Rule::MemberOrCareTeam => self.holds.is_some() || self.care_team,
            Rule::AgendaReader => {
                self.care_team
                    || self
                        .holds
                        .as_ref()
                        .is_some_and(|held| held.contains(&Permission::Agenda))
            }
            Rule::Client(permission) => self
                .holds
                .as_ref()
                .is_some_and(|held| held.contains(&permission)),
            Rule::MessagesReader => {
                self.care_team
                    || self
                        .holds
                        .as_ref()
                        .is_some_and(|held| held.contains(&Permission::Messages))
            }
            Rule::CareWorker => self.care_worker,
            Rule::ClientOrAdministrator => {
                self.is_client
                    || self
                        .holds
                        .as_ref()
                        .is_some_and(|held| held.contains(&Permission::Settings))
            }
            Rule::OrganisationAdmin => self.organisation_admin,
            Rule::Integration => false,
        }
    }
}

fn actors() -> Vec<Actor> {
    use Permission::*;
    let contact = |name, username, client, holds: Option<Vec<Permission>>| Actor {
        name,
        username: Some(username),
        client,
        holds,
        organisation_admin: false,
        care_team: false,
        care_worker: false,
        is_client: false,
    };
    let mut list = vec![
        Actor {
            is_client: true,
            ..contact("the client", "daan", "Daan", Some(Permission::ALL.to_vec()))
        },
        contact(
            "an administrator contact",
            "marieke",
            "Johanna",
            Some(Permission::ALL.to_vec()),
        ),
        contact(
            "a contact with no permission",
            "kees",
            "Johanna",
            Some(vec![]),
        ),
        contact("a contact of another client", "sandra", "Daan", None),
        Actor {
            care_team: true,
            care_worker: true,
            ..contact(
                "a care worker in the client's team",
                "fatima",
                "Johanna",
                None,
            )
        },
        Actor {
            care_worker: true,
            ..contact("a care worker outside the team", "lotte", "Gerrit", None)
        },
        Actor {
            name: "the organisation admin",
            username: Some("beheer"),
            client: "Johanna",
            holds: None,
            organisation_admin: true,
            care_team: false,
            care_worker: false,
            is_client: false,
        },
        Actor {
            name: "anonymous",
            username: None,
            client: "Johanna",
            holds: None,
            organisation_admin: false,
            care_team: false,
            care_worker: false,
            is_client: false,
        },
    ];
    for permission in [Messages, Agenda, Dossier, Details, Settings] {
        list.push(contact(
            "a contact holding one permission",
            "pieter",
            "Johanna",
            Some(vec![permission]),
        ));
    }
    list
}

/// The example body of an operation's JSON request, or `{}`.
fn example_body(document: &Value, operation: &Value) -> Value {
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    let Some(reference) = schema["$ref"].as_str() else {
        return json!({});
    };
    let name = reference.rsplit('/').next().unwrap_or_default();
    let example = &document["components"]["schemas"][name]["example"];
    if example.is_null() {
        json!({})
    } else {
        example.clone()
    }
}

/// Sets `username`'s link to `client` to exactly `permissions`.
async fn give(app: &TestApp, username: &str, client: &str, permissions: &[Permission]) {
    let mut link = app.link(username, client).await.into_active_model();
    let has = |permission| permissions.contains(&permission);
    link.perm_messages = Set(has(Permission::Messages));
    link.perm_agenda = Set(has(Permission::Agenda));
    link.perm_dossier = Set(has(Permission::Dossier));
    link.perm_details = Set(has(Permission::Details));
    link.perm_settings = Set(has(Permission::Settings));
    let _: client_contact::Model = link.update(&app.db).await.unwrap();
}

#[tokio::test]
async fn every_operation_allows_and_denies_exactly_as_the_matrix_says() {
    let document: Value = serde_json::from_str(include_str!("../../../../openapi/openapi.json"))
        .expect("openapi.json");
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            let rule = rule_for(&method, path)
                .unwrap_or_else(|| panic!("no entry in the matrix for {method} {path}"));
            operations.push((
                method,
                path.clone(),
                rule,
                example_body(&document, operation),
            ));
        }
    }
    // Reading first, removing and logging out last, so one call cannot spoil the next.
    let order = |method: &str, path: &str| match (method, path) {
        (_, "/api/auth/logout") => 3,
        ("DELETE", _) => 2,
        ("GET", _) => 0,
        _ => 1,
    };
    operations.sort_by_key(|(method, path, _, _)| order(method, path));

    let mut failures = Vec::new();
    for actor in actors() {
        let app = spawn_app().await;
        if actor.name == "a contact holding one permission" {
            give(&app, "pieter", "Johanna", actor.holds.as_deref().unwrap()).await;
        }
        let token = match actor.username {
            Some(username) => Some(app.login_as(username).await),
            None => None,
        };
        let client_id = app.client_id(actor.client).await;
        // Someone else's link to the same client, for the contact URLs.
        let other_contact = if actor.client == "Daan" {
            app.link("daan", "Daan").await.id
        } else if actor.client == "Gerrit" {
            app.link("anouk", "Gerrit").await.id
        } else {
            app.link("kees", "Johanna").await.id
        };
        let pieter = app.user("pieter").await.id;
        let fatima = app.user("fatima").await.id;
        for (method, path, rule, body) in &operations {
            let url = path
                .replace("{client_id}", &client_id.to_string())
                .replace("{contact_id}", &other_contact.to_string())
                .replace("{user_id}", &pieter.to_string())
                .replace("{care_worker_id}", &fatima.to_string())
                .replace("{token}", "unknown-token")
                .replace("{id}", &Uuid::new_v4().to_string())
                .replace("{notification_id}", &Uuid::new_v4().to_string())
                .replace("{entry_id}", &Uuid::new_v4().to_string())
                .replace("{appointment_id}", &Uuid::new_v4().to_string())
                .replace("{account_id}", &Uuid::new_v4().to_string())
                .replace("{mail_id}", &Uuid::new_v4().to_string())
                .replace("{post_id}", &Uuid::new_v4().to_string())
                .replace("{reply_id}", &Uuid::new_v4().to_string())
                .replace("{photo_id}", &Uuid::new_v4().to_string())
                .replace("{conversation_id}", &Uuid::new_v4().to_string())
                .replace("{export_id}", &Uuid::new_v4().to_string())
                .replace("{message_id}", "ANS-1")
                .replace("{emoji}", "heart")
                .replace("{size}", "display");
            let mut request = app.http.request(method.parse().unwrap(), app.url(&url));
            if method != "GET" && method != "DELETE" {
                request = request.json(body);
            }
            if let Some(token) = &token {
                request = request.bearer_auth(token);
            }
            let status = request.send().await.unwrap().status().as_u16();
            let allowed = actor.expects(*rule);
            let ok = if *rule == Rule::Public {
                // No token is asked for; a 401 here is about the step's own token or cookie.
                status != 403
            } else if allowed {
                status != 401 && status != 403
            } else if token.is_none() || *rule == Rule::Integration {
                status == 401
            } else {
                status == 403
            };
            if !ok {
                failures.push(format!(
                    "{} ({:?}): {method} {path} answered {status}, expected {}",
                    actor.name,
                    actor.holds,
                    if allowed { "access" } else { "a denial" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
