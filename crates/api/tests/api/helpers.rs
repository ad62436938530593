//! `spawn_app()` and typed helpers for the tests.

use std::path::PathBuf;

use kring_api::{
    Application, Config,
    config::StringList,
    entities::{client, client_contact, organisation, user},
    services::demo::{self, DEMO_PASSWORD},
};
use kring_shared::{Problem, auth::LoginResponse, dossier::TimelinePage, home::HomeView};
use reqwest::{Response, StatusCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tempfile::TempDir;
use uuid::Uuid;

/// The inline bootstrap script of the fake SPA, whose hash must appear in the CSP.
pub const INLINE_SCRIPT: &str = "import init from '/app-0123456789abcdef.js'; init();";
/// The staff tools' page's bootstrap script.
pub const STAFF_INLINE_SCRIPT: &str =
    "import init from '/staff/staff-0123456789abcdef.js'; init();";

/// A running server with demo data.
pub struct TestApp {
    pub address: String,
    /// The metrics listener's base URL, when the test configured one.
    pub metrics_address: Option<String>,
    pub http: reqwest::Client,
    pub db: DatabaseConnection,
    pub data_dir: TempDir,
    /// The configuration it was built with (a sibling instance shares it).
    pub config: Config,
}

/// Spawns the app with demo data and default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app after `adjust` has changed the config.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let web_dir = data_dir.path().join("web");
    std::fs::create_dir_all(&web_dir).expect("web dir");
    std::fs::write(
        web_dir.join("index.html"),
        format!(
            "<!DOCTYPE html><html lang=\"nl\"><head><title>Kring</title></head><body>\
             <script type=\"module\">{INLINE_SCRIPT}</script></body></html>"
        ),
    )
    .expect("index.html");
    std::fs::write(
        web_dir.join("app-0123456789abcdef.js"),
        "export default function init() {}",
    )
    .expect("asset");
    // The copies `scripts/build-web` makes; their bytes only need to be told apart here.
    std::fs::write(web_dir.join("app-0123456789abcdef.js.br"), "brotli bytes").expect("br");
    std::fs::write(web_dir.join("app-0123456789abcdef.js.gz"), "gzip bytes").expect("gz");
    std::fs::create_dir_all(web_dir.join("staff")).expect("staff dir");
    std::fs::write(
        web_dir.join("staff/index.html"),
        format!(
            "<!DOCTYPE html><html lang=\"nl\"><head><title>Kring – Beheer</title></head><body>\
             <script type=\"module\">{STAFF_INLINE_SCRIPT}</script></body></html>"
        ),
    )
    .expect("staff/index.html");

    let mut config = Config {
        listen: "127.0.0.1:0".to_owned(),
        data_dir: data_dir.path().to_path_buf(),
        database_url: fresh_postgres_database().await,
        web_dir: PathBuf::from(&web_dir),
        cors_allowed_origins: StringList::Empty,
        // Tests log in many times from 127.0.0.1; the throttling test sets its own limit.
        auth_requests_per_minute: 100_000,
        ..Config::default()
    };
    adjust(&mut config);
    let app = Application::build(config.clone())
        .await
        .expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    let db = app.db().clone();
    demo::load(&db).await.expect("demo data loads");
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        metrics_address,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client"),
        db,
        data_dir,
        config,
    }
}

impl TestApp {
    /// A second instance of this deployment: its own process state and port, the same database,
    /// data dir (keys, outbox) and settings — as two instances behind a load balancer.
    pub async fn spawn_sibling(&self) -> TestApp {
        let config = Config {
            listen: "127.0.0.1:0".to_owned(),
            ..self.config.clone()
        };
        let app = Application::build(config.clone())
            .await
            .expect("sibling builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.db().clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            metrics_address: None,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            db,
            // Unused: the sibling writes into the first instance's data dir.
            data_dir: tempfile::tempdir().expect("temp dir"),
            config,
        }
    }

    /// Whether this deployment runs on PostgreSQL (where events cross instances).
    pub fn on_postgres(&self) -> bool {
        self.config
            .database_url
            .as_deref()
            .is_some_and(|url| url.starts_with("postgres"))
    }
}

/// Changes the demo organisation's settings in the database.
pub async fn set_org(app: &TestApp, change: impl FnOnce(&mut organisation::ActiveModel)) {
    let org = organisation::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("the demo organisation");
    let mut active: organisation::ActiveModel = org.into();
    change(&mut active);
    active.update(&app.db).await.expect("organisation saved");
}

/// A new, empty PostgreSQL database when `KRING_TEST_POSTGRES_URL` is set; `None` means
/// SQLite in the data dir.
pub async fn fresh_postgres_database() -> Option<String> {
    let admin_url = std::env::var("KRING_TEST_POSTGRES_URL").ok()?;
    let name = format!("kring_t_{}", Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&admin_url)
        .await
        .expect("postgres reachable");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");
    admin.close().await.expect("close admin connection");
    let (base, _) = admin_url.rsplit_once('/').expect("URL has a database name");
    Some(format!("{base}/{name}"))
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// POSTs username and password only: the raw first answer.
    pub async fn post_password(&self, username: &str, password: &str) -> Response {
        self.http
            .post(self.url("/api/auth/login"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request sent")
    }

    /// Logs in as a person would on a new device: password, then — when asked — the code
    /// from the SMS in the outbox. Returns the last answer.
    pub async fn post_login(&self, username: &str, password: &str) -> Response {
        let response = self.post_password(username, password).await;
        if response.status() != StatusCode::OK {
            return response;
        }
        let headers = response.headers().clone();
        let body: Value = response.json().await.expect("json");
        if body["status"] != "verification_required" {
            // Rebuild an equivalent response for the caller.
            let mut builder = http::Response::builder().status(200);
            for (name, value) in &headers {
                builder = builder.header(name, value);
            }
            return Response::from(builder.body(body.to_string()).expect("response"));
        }
        let code = self.latest_code(username).await;
        self.post_json(
            "/api/auth/verify",
            None,
            json!({"attempt_token": body["attempt_token"], "code": code}),
        )
        .await
    }

    /// The code in the newest SMS to `username`'s mobile number in the outbox.
    pub async fn latest_code(&self, username: &str) -> String {
        let username = username.trim().to_lowercase();
        let mobile = self.user(&username).await.mobile.expect("a mobile number");
        self.latest_code_to(&mobile)
    }

    /// The code in the newest SMS to `mobile` (E.164) in the outbox.
    pub fn latest_code_to(&self, mobile: &str) -> String {
        let outbox = self.data_dir.path().join("outbox");
        let mut names: Vec<_> = std::fs::read_dir(&outbox)
            .expect("outbox")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.to_string_lossy().contains("-sms-"))
            .collect();
        names.sort();
        for path in names.iter().rev() {
            let content = std::fs::read_to_string(path).expect("sms");
            if content.starts_with(&format!("To: {mobile}\n")) {
                return content
                    .split(|c: char| !c.is_ascii_digit())
                    .find(|word| word.len() == 6)
                    .expect("a 6-digit code")
                    .to_owned();
            }
        }
        panic!("no SMS to {mobile}");
    }

    /// Logs in as a demo person and returns the access token.
    pub async fn login_as(&self, username: &str) -> String {
        let response = self.post_login(username, DEMO_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "login as {username}");
        access_token_of(json_as(response).await)
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_me(&self, token: &str) -> Response {
        self.get_as(token, "/api/me").await
    }

    pub async fn get_home(&self, token: &str, client_id: Uuid) -> Response {
        self.get_as(token, &format!("/api/clients/{client_id}/home"))
            .await
    }

    /// The visible panel kinds on `client_id`'s start screen for `username`.
    pub async fn panels_of(&self, username: &str, client_id: Uuid) -> Vec<String> {
        let token = self.login_as(username).await;
        let response = self.get_home(&token, client_id).await;
        assert_eq!(response.status(), StatusCode::OK);
        let home: HomeView = json_as(response).await;
        home.panels
            .iter()
            .map(|panel| panel.kind.as_str().to_owned())
            .collect()
    }

    /// The id of the demo client with this first name.
    pub async fn client_id(&self, first_name: &str) -> Uuid {
        client::Entity::find()
            .filter(client::Column::FirstName.eq(first_name))
            .one(&self.db)
            .await
            .expect("query")
            .expect("demo client exists")
            .id
    }

    /// The link between a demo user and a demo client.
    pub async fn link(&self, username: &str, client_first_name: &str) -> client_contact::Model {
        let user = user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&self.db)
            .await
            .expect("query")
            .expect("demo user exists");
        let client_id = self.client_id(client_first_name).await;
        client_contact::Entity::find()
            .filter(client_contact::Column::UserId.eq(user.id))
            .filter(client_contact::Column::ClientId.eq(client_id))
            .one(&self.db)
            .await
            .expect("query")
            .expect("link exists")
    }

    /// Changes a client's discharge date.
    pub async fn discharge(&self, first_name: &str, on: chrono::NaiveDate) {
        let id = self.client_id(first_name).await;
        let mut active: client::ActiveModel = client::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .expect("query")
            .expect("client")
            .into();
        active.status = Set(client::ClientStatus::Discharged);
        active.discharged_on = Set(Some(on));
        active.update(&self.db).await.expect("update");
    }
}

/// Reads a response's JSON body as the DTO `T`; a body that does not fit fails the test with
/// the status, the type and the body.
pub async fn json_as<T: DeserializeOwned>(response: Response) -> T {
    let status = response.status();
    let text = response.text().await.expect("response body");
    serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!(
            "{status}: the body is not a {}: {error}\n{text}",
            std::any::type_name::<T>()
        )
    })
}

/// The access token of a finished login; any other step fails the test.
pub fn access_token_of(login: LoginResponse) -> String {
    match login {
        LoginResponse::Authenticated(token) => token.access_token,
        other => panic!("the login is not finished: {other:?}"),
    }
}

/// Like `assert_problem`, and returns the body as the shared `Problem`.
pub async fn assert_problem_dto(response: Response, status: u16, code: &str) -> Problem {
    let body = assert_problem(response, status, code).await;
    serde_json::from_value(body.clone())
        .unwrap_or_else(|error| panic!("not a Problem: {error}\n{body}"))
}

/// A problem's invalid fields as (field, code) pairs, in order.
pub fn field_errors(problem: &Problem) -> Vec<(&str, &str)> {
    problem
        .errors
        .iter()
        .map(|error| (error.field.as_str(), error.code.as_str()))
        .collect()
}

/// Asserts an RFC 9457 problem with `status` and `code`, and returns its raw body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(body["status"], status);
    assert_eq!(body["code"], code);
    assert_eq!(body["type"], format!("https://kring.nl/problems/{code}"));
    assert!(
        body["title"]
            .as_str()
            .is_some_and(|title| !title.is_empty())
    );
    body
}

/// A real SMTP server (aiosmtpd) on a free port, storing every message in a maildir.
pub struct SmtpServer {
    pub port: u16,
    maildir: TempDir,
    child: std::process::Child,
}

impl SmtpServer {
    /// Starts aiosmtpd with the Python named by `KRING_TEST_SMTP_PYTHON` (set by
    /// `scripts/test`; `python3` otherwise).
    pub async fn start() -> SmtpServer {
        SmtpServer::start_on(SmtpServer::free_port()).await
    }

    /// A port nothing listens on (yet): mail sent there fails until `start_on` it.
    pub fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("free port")
            .port()
    }

    /// Starts aiosmtpd on `port`.
    pub async fn start_on(port: u16) -> SmtpServer {
        let python =
            std::env::var("KRING_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let maildir = tempfile::tempdir().expect("maildir");
        for folder in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(maildir.path().join(folder)).expect("maildir folder");
        }
        let mut child = std::process::Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot start aiosmtpd with {python} (run scripts/setup): {error}")
            });
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpServer {
                    port,
                    maildir,
                    child,
                };
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start on port {port}");
    }

    /// Points `config` at this server (plain SMTP on loopback).
    pub fn configure(&self, config: &mut Config) {
        config.smtp_host = Some("127.0.0.1".to_owned());
        config.smtp_port = self.port;
        config.smtp_tls = kring_api::config::SmtpTls::None;
        config.mail_from = "Zorggroep De Linde <portaal@delinde.example>".to_owned();
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let folder = self.maildir.path().join("new");
        let Ok(entries) = std::fs::read_dir(folder) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .collect()
    }

    /// Waits up to 10 s for the `n`th message (1-based) and returns it parsed.
    pub async fn wait_for_message(&self, n: usize) -> ReceivedMail {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= n {
                let mut parsed: Vec<ReceivedMail> = messages
                    .iter()
                    .map(|raw| ReceivedMail::parse(raw))
                    .collect();
                parsed.sort_by_key(|mail| mail.date);
                return parsed.swap_remove(n - 1);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no mail number {n} arrived");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A received e-mail, decoded.
#[derive(Debug)]
pub struct ReceivedMail {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub date: i64,
}

impl ReceivedMail {
    pub fn parse(raw: &[u8]) -> ReceivedMail {
        use mailparse::MailHeaderMap;
        let mail = mailparse::parse_mail(raw).expect("a MIME message");
        let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
        let mut text = String::new();
        let mut html = String::new();
        for part in mail.parts() {
            match part.ctype.mimetype.as_str() {
                "text/plain" => text = part.get_body().expect("text body"),
                "text/html" => html = part.get_body().expect("html body"),
                _ => {}
            }
        }
        ReceivedMail {
            to: header("To"),
            from: header("From"),
            subject: header("Subject"),
            date: mailparse::dateparse(&header("Date")).unwrap_or(0),
            text,
            html,
        }
    }

    /// The first link in the text part starting with `prefix`.
    pub fn link(&self, prefix: &str) -> String {
        self.text
            .split_whitespace()
            .find(|word| word.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} link in:\n{}", self.text))
            .to_owned()
    }
}

/// The value of the cookie `name` a response sets, with its attributes.
pub fn set_cookie(response: &Response, name: &str) -> Option<(String, String)> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&prefix))
        .map(|value| {
            let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
            (
                pair.trim_start_matches(&prefix).to_owned(),
                attributes.to_owned(),
            )
        })
}

/// The value of the `kring_refresh` cookie a response sets, with its attributes.
pub fn refresh_cookie(response: &Response) -> Option<(String, String)> {
    set_cookie(response, "kring_refresh")
}

impl TestApp {
    /// POSTs to `/api/auth/refresh` with `refresh` as the cookie.
    pub async fn post_refresh(&self, refresh: &str) -> Response {
        self.http
            .post(self.url("/api/auth/refresh"))
            .header("cookie", format!("kring_refresh={refresh}"))
            .send()
            .await
            .expect("request sent")
    }

    /// Logs in and returns (access token, refresh token).
    pub async fn login_with_refresh(&self, username: &str, password: &str) -> (String, String) {
        let response = self.post_login(username, password).await;
        assert_eq!(response.status(), StatusCode::OK, "login as {username}");
        let (refresh, _) = refresh_cookie(&response).expect("refresh cookie");
        match json_as(response).await {
            LoginResponse::Authenticated(token) => (token.access_token, refresh),
            other => panic!("login as {username} did not finish: {other:?}"),
        }
    }

    /// POSTs JSON to `path`, with a bearer token when given.
    pub async fn post_json(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        let mut request = self.http.post(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    /// PUTs JSON to `path` with a bearer token.
    pub async fn put_json(&self, path: &str, token: &str, body: Value) -> Response {
        self.http
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request sent")
    }

    /// DELETEs `path` with a bearer token.
    pub async fn delete_as(&self, token: &str, path: &str) -> Response {
        self.http
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// The demo user with this username.
    pub async fn user(&self, username: &str) -> user::Model {
        user::Entity::find()
            .filter(user::Column::Username.eq(username))
            .one(&self.db)
            .await
            .expect("query")
            .expect("user exists")
    }

    /// The security log's event names for `username`, oldest first.
    pub async fn events_of(&self, username: &str) -> Vec<String> {
        use kring_api::entities::auth_event;
        use sea_orm::QueryOrder;
        let user = self.user(username).await;
        auth_event::Entity::find()
            .filter(auth_event::Column::UserId.eq(user.id))
            .order_by_asc(auth_event::Column::OccurredAt)
            .all(&self.db)
            .await
            .expect("query")
            .into_iter()
            .map(|event| event.event.to_string())
            .collect()
    }
}

impl TestApp {
    /// A new API key of the demo organisation with `scopes`.
    pub async fn api_key(&self, scopes: &[kring_shared::integration::Scope]) -> String {
        kring_api::services::service_accounts::create_for_slug(
            &self.db,
            "demo",
            &kring_shared::integration::NewServiceAccountRequest {
                name: "Test ECD".to_owned(),
                scopes: scopes.to_vec(),
            },
        )
        .await
        .expect("service account")
        .api_key
    }

    /// An API key with every scope.
    pub async fn ecd_key(&self) -> String {
        self.api_key(&kring_shared::integration::Scope::ALL).await
    }

    /// PUTs a report for the demo client with ECD id `client` and returns the response.
    pub async fn put_report(&self, key: &str, client: &str, id: &str, body: Value) -> Response {
        self.put_json(
            &format!("/api/integration/clients/{client}/reports/{id}"),
            key,
            body,
        )
        .await
    }

    /// A page of `client_id`'s timeline as `token` sees it, after `query` (e.g. `?limit=5`).
    pub async fn timeline(&self, token: &str, client_id: Uuid, query: &str) -> TimelinePage {
        let response = self
            .get_as(
                token,
                &format!("/api/clients/{client_id}/dossier/timeline{query}"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "timeline");
        json_as(response).await
    }
}

/// A report body written `hours_ago` hours ago.
pub fn report_body(text: &str, hours_ago: i64) -> Value {
    json!({
        "category": "Dagrapportage",
        "author": "Fatima El Amrani",
        "written_at": chrono::Utc::now() - chrono::Duration::hours(hours_ago),
        "text": text,
    })
}

/// Today in the Netherlands: the date the server's checks and month ranges use
/// (`services::agenda::time::ZONE`). Between 23:00 and 24:00 UTC (22:00 in summer) it is
/// already tomorrow there, so a test that took UTC's date failed in that hour.
pub fn dutch_today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive()
}
