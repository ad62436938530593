//! Outgoing e-mail: real SMTP through lettre when `smtp_host` is set, otherwise the outbox — a
//! folder in the data dir with one file per message, for development and demos.

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
    transport::smtp::authentication::Credentials,
};
use uuid::Uuid;

use crate::config::{Config, SmtpTls};

/// One e-mail, in plain text and HTML.
#[derive(Debug, Clone)]
pub struct Email {
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// Files in a folder.
    Outbox(PathBuf),
}

impl Mailer {
    /// The mailer `config` asks for.
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        let Some(host) = config.smtp_host.as_deref().filter(|host| !host.is_empty()) else {
            return Ok(Mailer::Outbox(config.data_dir.join("outbox")));
        };
        let builder = match config.smtp_tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder
            .port(config.smtp_port)
            .timeout(Some(std::time::Duration::from_secs(15)));
        if let (Some(user), Some(password)) = (&config.smtp_username, &config.smtp_password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from: Mailbox = config
            .mail_from
            .parse()
            .with_context(|| format!("mail_from is not an address: {}", config.mail_from))?;
        Ok(Mailer::Smtp {
            transport: Box::new(builder.build()),
            from,
        })
    }

    /// Sends `email`.
    pub async fn send(&self, email: &Email) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp { transport, from } => {
                let to = Mailbox::new(
                    Some(email.to_name.clone()),
                    email
                        .to_address
                        .parse()
                        .context("recipient is not an e-mail address")?,
                );
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(email.subject.clone())
                    .multipart(MultiPart::alternative_plain_html(
                        email.text.clone(),
                        email.html.clone(),
                    ))?;
                transport
                    .send(message)
                    .await
                    .context("SMTP delivery failed")?;
                Ok(())
            }
            Mailer::Outbox(folder) => {
                let content = format!(
                    "To: {} <{}>\nSubject: {}\nContent-Type: {}\n\n{}\n",
                    email.to_name,
                    email.to_address,
                    email.subject,
                    "text/plain; charset=utf-8",
                    email.text
                );
                write_outbox(folder, "mail", &content).await
            }
        }
    }
}

/// Writes one outbox message; names sort by time.
pub async fn write_outbox(folder: &PathBuf, kind: &str, content: &str) -> anyhow::Result<()> {
    tokio::fs::create_dir_all(folder).await?;
    let name = format!(
        "{}-{kind}-{}.txt",
        Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
        Uuid::new_v4().simple()
    );
    tokio::fs::write(folder.join(name), content)
        .await
        .context("cannot write to the outbox")
}

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
