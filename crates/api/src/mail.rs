//! Outgoing e-mail: real SMTP through lettre when `smtp_host` is set, otherwise the outbox — a
//! folder in the data dir with one file per message, for development and demos.

use std::path::{Path, PathBuf};

use anyhow::Context;
use askama::Template;
use chrono::Utc;
use kring_shared::me::Language;
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

/// One paragraph of a composed e-mail.
#[derive(Debug, Clone)]
pub enum Paragraph {
    /// Text; line breaks are kept.
    Text(String),
    /// A link, shown as its address in the text part and clickable in HTML.
    Link(String),
}

impl Paragraph {
    /// What the paragraph says; a link says its address.
    pub fn text(&self) -> &str {
        match self {
            Paragraph::Text(text) | Paragraph::Link(text) => text,
        }
    }

    /// The address, when the paragraph is a link.
    pub fn link(&self) -> Option<&str> {
        match self {
            Paragraph::Link(url) => Some(url),
            Paragraph::Text(_) => None,
        }
    }
}

/// The HTML part (`templates/mail.html`); askama escapes every value.
#[derive(Template)]
#[template(path = "mail.html")]
struct MailHtml<'a> {
    language: &'a str,
    paragraphs: &'a [Paragraph],
    signature: &'a str,
}

/// The plain-text part (`templates/mail.txt`).
#[derive(Template)]
#[template(path = "mail.txt")]
struct MailText<'a> {
    paragraphs: &'a [Paragraph],
    signature: &'a str,
}

impl Email {
    /// An e-mail in plain text and simple, readable HTML from the same paragraphs, signed
    /// with the organisation's name.
    pub fn compose(
        to_name: String,
        to_address: String,
        subject: String,
        language: Language,
        paragraphs: &[Paragraph],
        signature: &str,
    ) -> anyhow::Result<Email> {
        let mut text = MailText {
            paragraphs,
            signature,
        }
        .render()?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let html = MailHtml {
            language: language.as_str(),
            paragraphs,
            signature,
        }
        .render()?;
        Ok(Email {
            to_name,
            to_address,
            subject,
            text,
            html,
        })
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server.
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
        /// The whole send: lettre's own timeout covers connecting, not a server that takes
        /// the connection and then says nothing (that hung the outbox worker for good).
        timeout: std::time::Duration,
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
            timeout: std::time::Duration::from_secs(config.smtp_timeout_seconds.clamp(1, 90)),
        })
    }

    /// Sends `email`.
    pub async fn send(&self, email: &Email) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp {
                transport,
                from,
                timeout,
            } => {
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
                tokio::time::timeout(*timeout, transport.send(message))
                    .await
                    .map_err(|_| anyhow::anyhow!("the mail server did not answer in time"))?
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
pub async fn write_outbox(folder: &Path, kind: &str, content: &str) -> anyhow::Result<()> {
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

/// Removes outbox files older than `days` (the outbox holds codes and links: it is no archive).
pub async fn prune_outbox(folder: &Path, days: u64) -> anyhow::Result<()> {
    let Ok(mut entries) = tokio::fs::read_dir(folder).await else {
        return Ok(());
    };
    let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 24 * 60 * 60);
    while let Some(entry) = entries.next_entry().await? {
        let modified = entry.metadata().await?.modified()?;
        if modified < cutoff {
            tokio::fs::remove_file(entry.path()).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_mail_has_the_same_content_as_text_and_escaped_html() {
        let email = Email::compose(
            "Jan <Jansen>".to_owned(),
            "jan@example.nl".to_owned(),
            "Onderwerp".to_owned(),
            Language::Nl,
            &[
                Paragraph::Text("Beste Jan,\nregel twee & meer".to_owned()),
                Paragraph::Link("https://kring.example/x?token=a&b=c".to_owned()),
            ],
            "Zorggroep <De Linde>",
        )
        .unwrap();
        assert_eq!(
            email.text,
            "Beste Jan,\nregel twee & meer\n\nhttps://kring.example/x?token=a&b=c\n\nZorggroep <De Linde>\n"
        );
        assert!(
            email
                .html
                .contains("<p>Beste Jan,<br>regel twee &#38; meer</p>"),
            "{}",
            email.html
        );
        assert!(email.html.contains(
            "<a href=\"https://kring.example/x?token=a&#38;b=c\">https://kring.example/x?token=a&#38;b=c</a>"
        ));
        assert!(email.html.contains("<p>Zorggroep &#60;De Linde&#62;</p>"));
    }
}
