//! Layered configuration: built-in defaults, then an optional `kring.toml`, then `KRING_*`
//! environment variables (e.g. `KRING_DATABASE_URL`, `KRING_LISTEN`, `KRING_DATA_DIR`).

use std::path::{Path, PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// A list given either as a TOML array or as one comma-separated string (handy in env vars).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(untagged)]
pub enum StringList {
    /// `["a", "b"]`
    List(Vec<String>),
    /// `"a,b"`
    Joined(String),
    /// Not set.
    #[default]
    Empty,
}

impl StringList {
    /// The non-empty, trimmed items.
    pub fn items(&self) -> Vec<String> {
        let raw: Vec<String> = match self {
            StringList::List(items) => items.clone(),
            StringList::Joined(joined) => joined.split(',').map(str::to_owned).collect(),
            StringList::Empty => Vec::new(),
        };
        raw.into_iter()
            .map(|item| item.trim().to_owned())
            .filter(|item| !item.is_empty())
            .collect()
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address to listen on, `host:port`.
    pub listen: String,
    /// Where the SQLite database, signing keys and outbox live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `$data_dir/kring.db`.
    pub database_url: Option<String>,
    /// The built SPA (trunk's `dist`), served from `/`.
    pub web_dir: PathBuf,
    /// Origins allowed to call the API from a browser on another origin.
    pub cors_allowed_origins: StringList,
    /// Base64 secret for signing access tokens; generated in the data dir when unset. Set the
    /// same value on every instance when running several.
    pub jwt_secret: Option<String>,
    /// Base64 32-byte key that seals secrets at rest (authenticator-app secrets); generated in
    /// the data dir when unset. Set the same value on every instance when running several.
    pub data_key: Option<String>,
    /// Lifetime of an access token in minutes (at most 15).
    pub access_token_minutes: u32,
    /// Log line format.
    pub log_format: LogFormat,
    /// The address people reach Kring on, for links in e-mails; defaults to
    /// `http://{listen}`.
    pub public_url: Option<String>,
    /// Send the refresh cookie with `Secure` (keep on; browsers also accept it on
    /// `http://127.0.0.1` and `http://localhost`).
    pub cookie_secure: bool,
    /// Login, reset and code requests allowed per IP address per minute.
    pub auth_requests_per_minute: u32,
    /// Outgoing mail. Without an SMTP host, mail is written to the outbox in the data dir.
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    /// `starttls`, `tls` or `none` (only for a server on the same machine).
    pub smtp_tls: SmtpTls,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// The sender, e.g. `Kring <noreply@zorggroep.nl>`.
    pub mail_from: String,
    /// An HTTP SMS provider; without it, text messages go to the outbox in the data dir.
    pub sms_provider_url: Option<String>,
    /// The provider's `Authorization` header value.
    pub sms_provider_auth_header: Option<String>,
    /// The JSON body, with `{to}` and `{message}` filled in.
    pub sms_provider_body_template: String,
    /// Development only: list the outbox (mail and SMS) at `/dev/outbox`. Refused unless
    /// Kring listens on a loopback address.
    pub dev_outbox: bool,
    /// Reverse proxies (addresses or CIDR networks) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: StringList,
    /// Where Prometheus metrics are served (`host:port`); off when unset.
    pub metrics_listen: Option<String>,
    /// Seconds before a failed e-mail is tried again (doubling each time, at most an hour).
    pub mail_retry_seconds: u64,
    /// Seconds one e-mail may take to send (connecting, the server's greeting, every step)
    /// before the try counts as failed; at most 90, well inside the outbox's 2-minute lease.
    pub smtp_timeout_seconds: u64,
    /// Largest photo upload in bytes (default 15 MB).
    pub media_max_upload_bytes: usize,
    /// Largest photo in pixels (width × height) before it is decoded (default 50 million).
    pub media_max_pixels: u64,
    /// Store photos in this S3-compatible bucket instead of `$data_dir/media` (needed when
    /// several instances serve one portal).
    pub media_s3_bucket: Option<String>,
    /// The object store's address, e.g. `https://s3.eu-central-1.amazonaws.com` or a MinIO.
    pub media_s3_endpoint: Option<String>,
    pub media_s3_region: String,
    pub media_s3_access_key_id: Option<String>,
    pub media_s3_secret_access_key: Option<String>,
}

/// How to talk to the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Upgrade a plain connection (port 587).
    #[default]
    Starttls,
    /// TLS from the start (port 465).
    Tls,
    /// No encryption; only for a relay on the same host.
    None,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            web_dir: PathBuf::from("crates/web/dist"),
            cors_allowed_origins: StringList::Empty,
            jwt_secret: None,
            data_key: None,
            access_token_minutes: 15,
            log_format: LogFormat::Text,
            public_url: None,
            cookie_secure: true,
            auth_requests_per_minute: 20,
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: None,
            smtp_password: None,
            mail_from: "Kring <noreply@kring.local>".to_owned(),
            sms_provider_url: None,
            sms_provider_auth_header: None,
            sms_provider_body_template: r#"{"to":"{to}","message":"{message}"}"#.to_owned(),
            dev_outbox: false,
            trusted_proxies: StringList::Empty,
            metrics_listen: None,
            mail_retry_seconds: 30,
            smtp_timeout_seconds: 30,
            media_max_upload_bytes: 15 * 1024 * 1024,
            media_max_pixels: 50_000_000,
            media_s3_bucket: None,
            media_s3_endpoint: None,
            media_s3_region: "us-east-1".to_owned(),
            media_s3_access_key_id: None,
            media_s3_secret_access_key: None,
        }
    }
}

impl Config {
    /// Reads defaults < `file` (or `kring.toml` when present) < `KRING_*` env vars.
    pub fn load(file: Option<&Path>) -> Result<Config, Box<figment::Error>> {
        let file = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| "kring.toml".into());
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("KRING_"))
            .extract()
            .map_err(Box::new)?;
        Ok(config)
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => url.clone(),
            _ => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("kring.db").display()
            ),
        }
    }

    /// The base URL for links in e-mails, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) if !url.trim().is_empty() => url.trim().trim_end_matches('/').to_owned(),
            _ => format!("http://{}", self.listen),
        }
    }

    /// Whether people reach Kring over https (then browsers are told to keep to it: HSTS).
    pub fn served_over_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }

    /// Whether `listen` is a loopback address (the only place the dev outbox may run).
    pub fn listens_on_loopback(&self) -> bool {
        let host = self
            .listen
            .rsplit_once(':')
            .map_or(self.listen.as_str(), |(host, _)| host)
            .trim_start_matches('[')
            .trim_end_matches(']');
        host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|address| address.is_loopback())
    }

    /// The access-token lifetime, capped at 15 minutes.
    pub fn access_token_seconds(&self) -> u32 {
        self.access_token_minutes.clamp(1, 15) * 60
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_separated_origins_are_split_and_trimmed() {
        let list = StringList::Joined(" https://a.nl, ,https://b.nl ".to_owned());
        assert_eq!(list.items(), vec!["https://a.nl", "https://b.nl"]);
    }

    #[test]
    fn default_database_is_sqlite_in_the_data_dir() {
        let config = Config::default();
        assert_eq!(config.database_url(), "sqlite://./data/kring.db?mode=rwc");
    }

    #[test]
    fn only_loopback_listeners_count_as_local() {
        for listen in [
            "127.0.0.1:8080",
            "[::1]:8080",
            "localhost:8080",
            "127.0.0.2:1",
        ] {
            let config = Config {
                listen: listen.to_owned(),
                ..Config::default()
            };
            assert!(config.listens_on_loopback(), "{listen}");
        }
        for listen in ["0.0.0.0:8080", "192.0.2.4:80", "[::]:8080"] {
            let config = Config {
                listen: listen.to_owned(),
                ..Config::default()
            };
            assert!(!config.listens_on_loopback(), "{listen}");
        }
    }

    #[test]
    fn access_tokens_never_live_longer_than_fifteen_minutes() {
        let config = Config {
            access_token_minutes: 600,
            ..Config::default()
        };
        assert_eq!(config.access_token_seconds(), 900);
    }
}
