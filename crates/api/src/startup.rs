//! Builds the application: connects and migrates the database, loads keys and the SPA, binds
//! the listener (port 0 in tests) and assembles the actix app.

use std::{net::TcpListener, sync::Arc};

use actix_cors::Cors;
use actix_web::{App, HttpServer, dev::Server, middleware::from_fn, web};
use actix_web_prom::PrometheusMetricsBuilder;
use anyhow::Context;
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::{TokenService, keys, seal::Sealer},
    config::Config,
    db,
    error::{json_error_handler, path_error_handler, query_error_handler},
    events::EventBus,
    mail::Mailer,
    openapi,
    proxy::TrustedProxies,
    routes,
    security::{self, RouteTable, SecurityPolicy},
    sms::SmsSender,
    spa::Spa,
    state::AppState,
    throttle::AuthThrottle,
};

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    metrics_port: Option<u16>,
    server: Server,
    db: DatabaseConnection,
}

impl Application {
    /// Connects, migrates and binds according to `config`.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create data dir {}", config.data_dir.display()))?;
        let db = db::connect(&config.database_url())
            .await
            .context("cannot connect to the database")?;
        db::migrate(&db).await.context("migrations failed")?;
        if config.dev_outbox && !config.listens_on_loopback() {
            anyhow::bail!(
                "KRING_DEV_OUTBOX shows every code and link: it is refused unless Kring listens \
                 on a loopback address (KRING_LISTEN={})",
                config.listen
            );
        }
        let trusted_proxies = TrustedProxies::parse(&config.trusted_proxies.items())?;
        if db.get_database_backend() == sea_orm::DbBackend::Postgres
            && (config.jwt_secret.is_none() || config.data_key.is_none())
        {
            tracing::warn!(
                "on PostgreSQL several instances may share this database: set KRING_JWT_SECRET \
                 and KRING_DATA_KEY to the same values on every instance, or tokens and sealed \
                 secrets of one will not work on another"
            );
        }
        let secret = keys::load_or_create(config.jwt_secret.as_deref(), &config.data_dir)?;
        let sealer = Sealer::new(&keys::load_or_create_data_key(
            config.data_key.as_deref(),
            &config.data_dir,
        )?);
        crate::services::totp::seal_plain_secrets(&db, &sealer)
            .await
            .context("sealing authenticator secrets failed")?;
        let tokens = TokenService::new(&secret, config.access_token_seconds());
        let listener = TcpListener::bind(&config.listen)
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let port = listener.local_addr()?.port();
        let mailer = Mailer::from_config(&config)?;
        let sms = SmsSender::from_config(&config)?;
        let media = crate::services::media::MediaStore::from_config(&config)?;
        crate::services::media::adopt_legacy_photos(&db, &media)
            .await
            .map_err(|error| anyhow::anyhow!("moving client photos to the media store: {error}"))?;
        let events = EventBus::for_database(&db)
            .await
            .context("cannot listen for live events")?;
        let state = AppState {
            access_log: crate::services::access_log::GroupCommit::start(db.clone()),
            db: db.clone(),
            tokens,
            mailer,
            sms,
            media,
            config: Arc::new(config),
            events,
            sealer,
        };
        let metrics_listener = match &state.config.metrics_listen {
            Some(address) if !address.trim().is_empty() => Some(
                TcpListener::bind(address.trim())
                    .with_context(|| format!("cannot listen on {address} for metrics"))?,
            ),
            _ => None,
        };
        let metrics_port = match &metrics_listener {
            Some(listener) => Some(listener.local_addr()?.port()),
            None => None,
        };
        spawn_housekeeping(&state);
        crate::services::outbox::spawn_worker(
            state.db.clone(),
            state.mailer.clone(),
            state.config.mail_retry_seconds,
        );
        crate::services::agenda::reminders::spawn_worker(state.db.clone());
        crate::services::messages::spawn_worker(state.db.clone(), state.events.clone());
        crate::services::export::spawn_worker(
            state.db.clone(),
            state.media.clone(),
            state.config.data_dir.clone(),
        );
        let server = run(listener, metrics_listener, trusted_proxies, state)?;
        Ok(Application {
            port,
            metrics_port,
            server,
            db,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the metrics listener, when one is configured.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_port
    }

    /// The database connection (tests use it to arrange data).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until the process is stopped.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Hourly chores: outbox files older than 7 days, ended rate-limit windows, photos never
/// posted and files without a row go.
fn spawn_housekeeping(state: &AppState) {
    let outbox = state.config.data_dir.join("outbox");
    let db = state.db.clone();
    let media = state.media.clone();
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
        loop {
            every_hour.tick().await;
            if let Err(error) = crate::mail::prune_outbox(&outbox, OUTBOX_DAYS).await {
                tracing::warn!(error = %error, "cleaning the outbox failed");
            }
            if let Err(error) = crate::services::limits::prune(&db).await {
                tracing::warn!(error = %error, "cleaning the rate limits failed");
            }
            if let Err(error) = media.sweep(&db).await {
                tracing::warn!(error = %error, "sweeping the media store failed");
            }
        }
    });
}

/// Outbox files (the dev mail and SMS) are kept this many days.
const OUTBOX_DAYS: u64 = 7;

fn run(
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    trusted_proxies: TrustedProxies,
    state: AppState,
) -> anyhow::Result<Server> {
    let spec = openapi::openapi();
    let routes = web::Data::new(RouteTable::from_openapi(&spec));
    let spa = Spa::load(&state.config.web_dir);
    let policy = web::Data::new(SecurityPolicy::new(&spa.inline_script_hashes())?);
    let spa = web::Data::new(spa);
    let origins = state.config.cors_allowed_origins.items();
    // Metrics are counted here and served only on their own listener, never to the public.
    let metrics = PrometheusMetricsBuilder::new("kring")
        .mask_unmatched_patterns("UNMATCHED")
        .exclude_regex("^/docs")
        .build()
        .map_err(|error| anyhow::anyhow!("metrics setup failed: {error}"))?;
    let throttle = AuthThrottle::new(state.config.auth_requests_per_minute);
    let throttle = web::Data::new(throttle);
    let dev_outbox = state.config.dev_outbox;
    if dev_outbox {
        tracing::warn!(
            "KRING_DEV_OUTBOX is on: /dev/outbox shows every code and link; never in production"
        );
    }
    if let Some(listener) = metrics_listener {
        let registry = metrics.registry.clone();
        let metrics_server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(registry.clone()))
                .route("/metrics", web::get().to(serve_metrics))
        })
        .workers(1)
        .listen(listener)?
        .run();
        tokio::spawn(metrics_server);
    }
    let trusted_proxies = web::Data::new(trusted_proxies);
    let hsts = state.config.served_over_https();
    let state = web::Data::new(state);

    let server = HttpServer::new(move || {
        let cors = origins.iter().fold(
            Cors::default()
                .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
                .allowed_headers(["authorization", "content-type"])
                .max_age(3600),
            |cors, origin| cors.allowed_origin(origin),
        );
        App::new()
            .wrap(cors)
            .wrap(from_fn(security::headers))
            .wrap(from_fn(group_commit))
            .wrap(metrics.clone())
            .wrap(TracingLogger::default())
            .app_data(state.clone())
            .app_data(routes.clone())
            .app_data(spa.clone())
            .app_data(policy.clone())
            .app_data(throttle.clone())
            .app_data(trusted_proxies.clone())
            .app_data(web::Data::new(security::Hsts(hsts)))
            .app_data(
                web::JsonConfig::default()
                    .limit(256 * 1024)
                    .error_handler(json_error_handler),
            )
            .app_data(web::PathConfig::default().error_handler(path_error_handler))
            .app_data(web::QueryConfig::default().error_handler(query_error_handler))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/api/openapi.json", spec.clone()))
            .route("/docs", web::get().to(redirect_to_docs))
            .configure(|cfg| {
                if dev_outbox {
                    cfg.route("/dev/outbox", web::get().to(routes::dev::outbox));
                }
            })
            .into_utoipa_app()
            .configure(routes::health::configure)
            .service(scope("/api").configure(routes::api))
            .into_app()
            .default_service(web::to(security::fallback))
    })
    .listen(listener)?
    .run();
    Ok(server)
}

async fn serve_metrics(registry: web::Data<prometheus::Registry>) -> actix_web::HttpResponse {
    use prometheus::Encoder;
    let mut buffer = Vec::new();
    match prometheus::TextEncoder::new().encode(&registry.gather(), &mut buffer) {
        Ok(()) => actix_web::HttpResponse::Ok()
            .content_type(prometheus::TEXT_FORMAT)
            .body(buffer),
        Err(error) => {
            tracing::error!(error = %error, "metrics could not be encoded");
            actix_web::HttpResponse::InternalServerError().finish()
        }
    }
}

/// Handles the request with the access log's group commit at hand (see `access_log`).
async fn group_commit(
    request: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    match request.app_data::<web::Data<AppState>>() {
        Some(state) => {
            let writer = state.access_log.clone();
            crate::services::access_log::with_group_commit(writer, next.call(request)).await
        }
        None => next.call(request).await,
    }
}

async fn redirect_to_docs() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}
