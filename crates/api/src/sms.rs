//! Text messages (the device-verification code) go through one interface with two
//! implementations: the outbox — a file per message in the data dir, the default, listed at
//! `/dev/outbox` when `KRING_DEV_OUTBOX` is on — and an HTTP SMS provider configured by URL,
//! authorization header and a JSON body template with `{to}` and `{message}`.

use std::path::PathBuf;

use anyhow::Context;

use crate::{config::Config, mail::write_outbox};

/// Where text messages go.
#[derive(Clone)]
pub enum SmsSender {
    /// Files in the outbox folder.
    Outbox(PathBuf),
    /// An HTTP provider.
    Http {
        client: reqwest::Client,
        url: String,
        auth_header: Option<String>,
        body_template: String,
    },
}

impl SmsSender {
    /// The sender `config` asks for.
    pub fn from_config(config: &Config) -> anyhow::Result<SmsSender> {
        match config
            .sms_provider_url
            .as_deref()
            .filter(|url| !url.is_empty())
        {
            None => Ok(SmsSender::Outbox(config.data_dir.join("outbox"))),
            Some(url) => Ok(SmsSender::Http {
                client: reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(10))
                    .build()?,
                url: url.to_owned(),
                auth_header: config.sms_provider_auth_header.clone(),
                body_template: config.sms_provider_body_template.clone(),
            }),
        }
    }

    /// Sends `message` to `to` (E.164).
    pub async fn send(&self, to: &str, message: &str) -> anyhow::Result<()> {
        match self {
            SmsSender::Outbox(folder) => {
                write_outbox(folder, "sms", &format!("To: {to}\n\n{message}\n")).await
            }
            SmsSender::Http {
                client,
                url,
                auth_header,
                body_template,
            } => {
                let body = fill_template(body_template, to, message);
                let mut request = client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(body);
                if let Some(value) = auth_header {
                    request = request.header("authorization", value);
                }
                let response = request.send().await.context("SMS provider unreachable")?;
                anyhow::ensure!(
                    response.status().is_success(),
                    "SMS provider answered {}",
                    response.status()
                );
                Ok(())
            }
        }
    }
}

/// Fills `{to}` and `{message}` in a JSON template, escaped as JSON string content.
pub fn fill_template(template: &str, to: &str, message: &str) -> String {
    let escape = |value: &str| {
        let quoted = serde_json::to_string(value).unwrap_or_default();
        quoted[1..quoted.len().saturating_sub(1).max(1)].to_owned()
    };
    template
        .replace("{to}", &escape(to))
        .replace("{message}", &escape(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_gets_json_escaped_values() {
        let body = fill_template(
            r#"{"recipient":"{to}","text":"{message}"}"#,
            "+31612345678",
            "Code \"123456\"\nniet delen",
        );
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["recipient"], "+31612345678");
        assert_eq!(parsed["text"], "Code \"123456\"\nniet delen");
    }
}
