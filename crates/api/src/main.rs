//! `kring`: serve the portal, migrate the database, load demo data, create integration keys,
//! or write the OpenAPI spec.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kring_api::{
    Application, Config,
    config::LogFormat,
    db, openapi,
    services::{
        demo::{self, DEMO_LOGINS, DEMO_PASSWORD, DemoOutcome},
        service_accounts,
    },
    telemetry,
};
use kring_shared::integration::{NewServiceAccountRequest, Scope};

/// mimalloc instead of glibc's malloc: a request makes many small, short-lived allocations
/// (query text, rows, JSON), and under load glibc spent a sixth of the server's time in
/// malloc, free and consolidation (`scripts/bench` with `perf`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kring",
    version,
    about = "Kring, the client portal for care organisations"
)]
struct Cli {
    /// A TOML config file (default: ./kring.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Log line format (overrides KRING_LOG_FORMAT).
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API and serve the web app from the same port (migrates first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo organisation, people and clients (does nothing when already loaded).
    Demo {
        /// Also add this many generated reports to Johanna de Vries's dossier, through the
        /// integration batch (for benchmarks).
        #[arg(long)]
        scale: Option<u64>,
        /// Also add this many messages between Marieke, Pieter and the care team about
        /// Johanna, ten per conversation, half of them unread (for benchmarks).
        #[arg(long, conflicts_with = "copy")]
        messages: Option<u64>,
        /// Instead, load a new copy of the demo (own slug, usernames and mobile numbers) under
        /// the first free copy number from this one (1–9999), and print it as JSON. The browser
        /// tests give each test its own copy.
        #[arg(long, conflicts_with = "scale", value_parser = clap::value_parser!(u32).range(1..=9999))]
        copy: Option<u32>,
    },
    /// Manage integrations (service accounts with API keys).
    Integrator {
        #[command(subcommand)]
        command: IntegratorCommand,
    },
    /// Write the OpenAPI document.
    Openapi {
        /// Where to write it; `-` for standard output.
        #[arg(long, default_value = "openapi/openapi.json")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum IntegratorCommand {
    /// Create a service account and print its API key (shown only this once).
    Create {
        /// The organisation's slug, e.g. `demo`.
        #[arg(long)]
        organisation: String,
        /// A name to recognise the integration by, e.g. `ECD`.
        #[arg(long)]
        name: String,
        /// A scope (repeat for more): clients:write, dossier:write, feed:read. Default: all.
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config =
        Config::load(cli.config.as_deref()).map_err(|error| anyhow::anyhow!("{error}"))?;
    if let Some(format) = cli.log_format {
        config.log_format = format;
    }
    telemetry::init(config.log_format);
    // Writes go through `writeln!` so that a closed pipe (`kring demo | head`) ends the
    // command with an error instead of a panic.
    let mut out = std::io::stdout();
    match cli.command {
        Command::Serve => {
            let listen = config.listen.clone();
            let app = Application::build(config).await?;
            tracing::info!(listen = %listen, port = app.port(), "Kring is running");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            std::fs::create_dir_all(&config.data_dir)?;
            let connection = db::connect(&config.database_url()).await?;
            db::migrate(&connection).await?;
            writeln!(out, "Migrations applied.")?;
        }
        Command::Demo {
            scale,
            copy,
            messages,
        } => {
            std::fs::create_dir_all(&config.data_dir)?;
            let connection = db::connect(&config.database_url()).await?;
            db::migrate(&connection).await?;
            if let Some(first) = copy {
                let variant = demo::load_copy(&connection, first).await?;
                let people: serde_json::Map<String, serde_json::Value> = variant
                    .people()
                    .into_iter()
                    .map(|(base, username, mobile)| {
                        let person = serde_json::json!({ "username": username, "mobile": mobile });
                        (base.to_owned(), person)
                    })
                    .collect();
                let described = serde_json::json!({
                    "organisation": variant.slug(),
                    "password": DEMO_PASSWORD,
                    "people": people,
                });
                writeln!(out, "{described}")?;
                return Ok(());
            }
            match demo::load(&connection).await? {
                DemoOutcome::Loaded => writeln!(out, "Demo data loaded.")?,
                DemoOutcome::AlreadyPresent => writeln!(out, "Demo data was already loaded.")?,
            }
            if let Some(count) = scale {
                let started = std::time::Instant::now();
                let media = kring_api::services::media::MediaStore::from_config(&config)?;
                demo::scale(&connection, &media, count, |done| {
                    if done % 100_000 == 0 || done == count {
                        eprintln!("{done} of {count} reports");
                    }
                })
                .await?;
                writeln!(
                    out,
                    "Added {count} reports in {:.1} s.",
                    started.elapsed().as_secs_f64()
                )?;
            }
            if let Some(count) = messages {
                let started = std::time::Instant::now();
                demo::scale_messages(&connection, count).await?;
                writeln!(
                    out,
                    "Added {count} messages in {:.1} s.",
                    started.elapsed().as_secs_f64()
                )?;
            }
            db::analyze(&connection).await?;
            writeln!(out, "Demo logins (password for all: {DEMO_PASSWORD}):")?;
            for login in DEMO_LOGINS {
                writeln!(out, "  {:<8} {}", login.username, login.who)?;
            }
        }
        Command::Integrator {
            command:
                IntegratorCommand::Create {
                    organisation,
                    name,
                    scopes,
                },
        } => {
            let scopes = if scopes.is_empty() {
                Scope::ALL.to_vec()
            } else {
                scopes
                    .iter()
                    .map(|name| {
                        Scope::parse(name).ok_or_else(|| anyhow::anyhow!("unknown scope {name}"))
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?
            };
            let connection = db::connect(&config.database_url()).await?;
            db::migrate(&connection).await?;
            let created = service_accounts::create_for_slug(
                &connection,
                &organisation,
                &NewServiceAccountRequest { name, scopes },
            )
            .await?;
            writeln!(out, "{}", created.api_key)?;
            eprintln!(
                "Service account {} created. Store the key above now: it is not shown again.",
                created.account.id
            );
        }
        Command::Openapi { output } => {
            let json = openapi::openapi_json()?;
            if output.as_os_str() == "-" {
                write!(out, "{json}")?;
            } else {
                std::fs::write(&output, json)
                    .with_context(|| format!("cannot write {}", output.display()))?;
                writeln!(out, "Wrote {}", output.display())?;
            }
        }
    }
    Ok(())
}
