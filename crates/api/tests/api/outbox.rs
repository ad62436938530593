//! The durable mail outbox: mail is written with the change that causes it, delivered with
//! retries when the mail server comes back, exactly once, and a message that keeps failing is
//! visible to the organisation admin with "send again".

use kring_api::{
    config::SmtpTls,
    entities::outbox_mail,
    mail::Mailer,
    services::outbox::{self, MAX_ATTEMPTS},
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

use crate::helpers::{SmtpServer, TestApp, spawn_app_with};

async fn mail_rows(app: &TestApp) -> Vec<outbox_mail::Model> {
    outbox_mail::Entity::find().all(&app.db).await.unwrap()
}

async fn wait_until(mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..100 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out");
}

#[tokio::test]
async fn an_invitation_made_while_smtp_is_down_arrives_once_when_it_is_back() {
    let port = SmtpServer::free_port();
    let app = spawn_app_with(|config| {
        config.smtp_host = Some("127.0.0.1".to_owned());
        config.smtp_port = port;
        config.smtp_tls = SmtpTls::None;
        config.mail_from = "Zorggroep De Linde <portaal@delinde.example>".to_owned();
        config.mail_retry_seconds = 1;
    })
    .await;
    let johanna = app.client_id("Johanna").await;
    let path = format!("/api/clients/{johanna}/contacts");
    let marieke = app.login_as("marieke").await;
    let row: Value = app
        .post_json(
            &path,
            Some(&marieke),
            json!({"first_name": "Sanne", "last_name": "de Vries", "email": "sanne@example.nl", "gender": "female", "relationship": "grandchild", "mobile": "06 1234 5677"}),
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
    // The mail server is down: the invitation is made all the same, its mail waits.
    let invited = app
        .post_json(
            &format!("{path}/{id}/invitation"),
            Some(&marieke),
            json!({}),
        )
        .await;
    assert_eq!(invited.status(), 200);
    wait_until(async || {
        mail_rows(&app)
            .await
            .iter()
            .any(|row| row.attempts >= 1 && row.last_error.is_some())
    })
    .await;
    let admin = app.login_as("beheer").await;
    let waiting: Value = app
        .get_as(&admin, "/api/admin/mail-outbox")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting[0]["to_address"], "sanne@example.nl");
    assert_eq!(waiting[0]["purpose"], "invitation");
    assert!(waiting[0]["last_error"].as_str().is_some());

    // Back up: it arrives, once, and the login details in it work.
    let smtp = SmtpServer::start_on(port).await;
    let mail = smtp.wait_for_message(1).await;
    assert!(mail.to.contains("sanne@example.nl"));
    let username = mail
        .text
        .lines()
        .find_map(|line| line.strip_prefix("Gebruikersnaam: "))
        .unwrap()
        .trim()
        .to_owned();
    let temporary = mail
        .text
        .lines()
        .find_map(|line| line.strip_prefix("Tijdelijk wachtwoord: "))
        .unwrap()
        .trim()
        .to_owned();
    let login: Value = app
        .post_login(&username, &temporary)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(login["status"], "password_change_required");
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(smtp.messages().len(), 1, "delivered exactly once");
    assert!(
        mail_rows(&app)
            .await
            .iter()
            .all(|row| row.sent_at.is_some())
    );
    let empty: Value = app
        .get_as(&admin, "/api/admin/mail-outbox")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty, json!([]));
}

/// An app whose mail server is down, with pieter's reset mail tried once and failed (the next
/// try an hour away); the port to start the mail server on.
async fn a_reset_mail_that_failed() -> (TestApp, u16) {
    let port = SmtpServer::free_port();
    let app = spawn_app_with(|config| {
        config.smtp_host = Some("127.0.0.1".to_owned());
        config.smtp_port = port;
        config.smtp_tls = SmtpTls::None;
        config.mail_retry_seconds = 3600;
    })
    .await;
    let response = app
        .post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "pieter", "email": "pieter@demo.kring.nl"}),
        )
        .await;
    assert_eq!(response.status(), 202);
    wait_until(async || mail_rows(&app).await.iter().any(|row| row.attempts >= 1)).await;
    (app, port)
}

#[tokio::test]
async fn a_message_that_kept_failing_goes_out_with_send_again() {
    let (app, port) = a_reset_mail_that_failed().await;
    // Kring gave up on it.
    let row = mail_rows(&app).await.remove(0);
    let mut given_up: outbox_mail::ActiveModel = row.into();
    given_up.attempts = Set(MAX_ATTEMPTS);
    let given_up = given_up.update(&app.db).await.unwrap();
    let smtp = SmtpServer::start_on(port).await;
    let admin = app.login_as("beheer").await;
    let listed: Value = app
        .get_as(&admin, "/api/admin/mail-outbox")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["given_up"], true);
    // Someone else's organisation or a made-up id cannot be retried; pieter may not at all.
    let pieter = app.login_as("pieter").await;
    let refused = app
        .post_json(
            &format!("/api/admin/mail-outbox/{}/retry", given_up.id),
            Some(&pieter),
            json!({}),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let retried = app
        .post_json(
            &format!("/api/admin/mail-outbox/{}/retry", given_up.id),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(retried.status(), 204);
    let mail = smtp.wait_for_message(1).await;
    assert!(mail.text.contains("wachtwoord-herstellen"));
}

#[tokio::test]
async fn send_again_during_a_try_lets_no_second_instance_send_it_and_tries_at_once_after() {
    // A mail server that takes the connection and then says nothing: the try hangs until the
    // send's timeout.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let app = spawn_app_with(|config| {
        config.smtp_host = Some("127.0.0.1".to_owned());
        config.smtp_port = port;
        config.smtp_tls = SmtpTls::None;
        config.mail_retry_seconds = 3600;
        config.smtp_timeout_seconds = 6;
    })
    .await;
    let admin = app.login_as("beheer").await;
    let response = app
        .post_json(
            "/api/auth/forgot-password",
            None,
            json!({"username": "pieter", "email": "pieter@demo.kring.nl"}),
        )
        .await;
    assert_eq!(response.status(), 202);
    wait_until(async || mail_rows(&app).await[0].leased_until.is_some()).await;
    let leased = mail_rows(&app).await.remove(0);
    // The admin presses "send again" while the instance is still trying.
    let path = format!("/api/admin/mail-outbox/{}/retry", leased.id);
    let retried = app.post_json(&path, Some(&admin), json!({})).await;
    assert_eq!(retried.status(), 204);
    let row = mail_rows(&app).await.remove(0);
    assert_eq!(row.leased_until, leased.leased_until, "the lease stays");
    assert!(row.next_attempt_at <= chrono::Utc::now());
    // A second instance finds nothing to send while the first holds the lease.
    let second = Mailer::from_config(&app.config).unwrap();
    assert_eq!(
        outbox::deliver_due(&app.db, &second, 3600).await.unwrap(),
        0
    );
    let row = mail_rows(&app).await.remove(0);
    assert_eq!(
        (row.leased_until, row.last_error),
        (leased.leased_until, None),
        "the second instance did not take it (taking it would renew the lease, and its try \
         to the silent server would have failed)"
    );
    // The hanging try fails after its timeout. Because of "send again" it is not put off for
    // an hour: it is due at once and the next try starts within seconds.
    let waiting_since = chrono::Utc::now();
    for _ in 0..300 {
        let row = mail_rows(&app).await.remove(0);
        if row.attempts >= 1
            && row
                .leased_until
                .is_some_and(|lease| lease > leased.leased_until.unwrap())
        {
            assert_eq!(row.attempts, 1);
            assert!(row.last_error.is_some());
            drop(silent);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "no second try within 30 s of {waiting_since}: {:?}",
        mail_rows(&app).await
    );
}
