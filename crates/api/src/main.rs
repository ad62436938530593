//! `kring`: serve the portal, migrate the database, load demo data, or write the OpenAPI spec.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kring_api::{
    Application, Config,
    config::LogFormat,
    db, openapi,
    services::demo::{self, DEMO_LOGINS, DEMO_PASSWORD, DemoOutcome},
    telemetry,
};

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
    Demo,
    /// Write the OpenAPI document.
    Openapi {
        /// Where to write it; `-` for standard output.
        #[arg(long, default_value = "openapi/openapi.json")]
        output: PathBuf,
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
        Command::Demo => {
            std::fs::create_dir_all(&config.data_dir)?;
            let connection = db::connect(&config.database_url()).await?;
            db::migrate(&connection).await?;
            match demo::load(&connection).await? {
                DemoOutcome::Loaded => writeln!(out, "Demo data loaded.")?,
                DemoOutcome::AlreadyPresent => writeln!(out, "Demo data was already loaded.")?,
            }
            writeln!(out, "Demo logins (password for all: {DEMO_PASSWORD}):")?;
            for login in DEMO_LOGINS {
                writeln!(out, "  {:<8} {}", login.username, login.who)?;
            }
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
