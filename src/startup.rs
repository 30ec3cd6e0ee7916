//! Building the running service: one function that `itdesk serve` and the
//! integration tests share, so tests exercise exactly what ships.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::cookie::Key;
use actix_web::dev::Server;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::auth::token_cache::TokenCache;
use crate::db::{Db, migrations};
use crate::settings::Settings;
use crate::state::AppState;
use crate::{auth, health, http, openapi, tickets};

/// Connects to the database, applies pending migrations and loads the
/// session key: everything a command needs before it can work.
pub fn prepare(settings: Settings) -> anyhow::Result<AppState> {
    let db = Db::connect(&settings.database)?;
    prepare_with(settings, db)
}

/// [`prepare`] for a command that does its work and exits: connections
/// only on demand (see [`Db::connect_for_command`]).
pub fn prepare_for_command(settings: Settings) -> anyhow::Result<AppState> {
    let db = Db::connect_for_command(&settings.database)?;
    prepare_with(settings, db)
}

fn prepare_with(settings: Settings, db: Db) -> anyhow::Result<AppState> {
    let applied = migrations::run(&db)?;
    for name in &applied {
        tracing::info!(migration = %name, "applied migration");
    }
    if !applied.is_empty() {
        let filled = crate::vendors::service::fill_notice_deadlines(&db)
            .map_err(|e| anyhow::anyhow!("storing contracts' notice deadlines: {e}"))?;
        if filled > 0 {
            tracing::info!(filled, "stored the notice deadlines of older contracts");
        }
    }
    let key_bytes = auth::service::session_key(&db, &settings.web.session_key)
        .map_err(|e| anyhow::anyhow!("loading the session key: {e}"))?;
    let session_key = Key::try_from(key_bytes.as_slice())
        .map_err(|e| anyhow::anyhow!("the session key is unusable: {e}"))?;
    let registry =
        crate::sla::service::sync_config(&db, &settings.calendars, &settings.sla_policies)
            .map_err(|e| match e {
                crate::error::AppError::Validation(fields) => anyhow::anyhow!(
                    "the SLA configuration is invalid: {}",
                    fields
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                other => anyhow::anyhow!("loading the SLA configuration: {other}"),
            })?;
    crate::onboarding::templates::sync_config(&db, &settings.onboarding_templates)
        .map_err(|e| anyhow::anyhow!("loading the onboarding templates: {e}"))?;
    let reply_secret = auth::service::reply_key_secret(&db)
        .map_err(|e| anyhow::anyhow!("loading the reply key secret: {e}"))?;
    let tokens = Arc::new(TokenCache::new(std::time::Duration::from_secs(
        settings.api.token_cache_seconds,
    )));
    Ok(AppState::new(
        settings,
        db,
        session_key,
        tokens,
        registry,
        reply_secret,
    ))
}

/// A lighter [`prepare`] for one-shot commands such as `itdesk mailgate`:
/// connect, migrate if needed, and load the SLA policies without rewriting
/// them (unless the database has never seen them).
/// `one_task`: a process that takes in one message and exits (see
/// [`Db::connect_for_one_task`]).
pub fn prepare_light(settings: Settings, one_task: bool) -> anyhow::Result<AppState> {
    let db = if one_task {
        Db::connect_for_one_task(&settings.database)?
    } else {
        Db::connect_for_command(&settings.database)?
    };
    migrations::run(&db)?;
    // On the connection migrations just used: for SQLite, a reader would be
    // a second file handle and a second parse of the schema.
    let stored = db
        .with_writer(crate::sla::service::stored_version)
        .map_err(|e| anyhow::anyhow!("{e}"))??;
    let registry = if stored == 0 {
        crate::sla::service::sync_config(&db, &settings.calendars, &settings.sla_policies)
    } else {
        db.with_writer(crate::sla::service::load)
            .map_err(|e| crate::error::AppError::Unavailable(e.to_string()))?
    }
    .map_err(|e| anyhow::anyhow!("loading the SLA configuration: {e}"))?;
    let reply_secret = match db
        .with_writer(auth::service::stored_reply_key_secret)
        .map_err(|e| anyhow::anyhow!("{e}"))??
    {
        Some(secret) => secret,
        None => auth::service::reply_key_secret(&db)?,
    };
    Ok(AppState::new(
        settings,
        db,
        Key::generate(),
        Arc::new(TokenCache::new(std::time::Duration::ZERO)),
        registry,
        reply_secret,
    ))
}

/// Every context's job kinds and schedules: the one list a new context's
/// jobs join.
pub fn jobs(state: &AppState) -> crate::jobs::Jobs {
    crate::jobs::Jobs::join([
        crate::housekeeping::jobs(state),
        state.outbox.jobs(),
        state.sla.jobs(),
        state.mail.jobs(),
        state.assets.jobs(),
        state.vendors.jobs(),
        state.people.jobs(),
        state.onboarding.jobs(),
        state.metrics.jobs(),
    ])
}

/// Registers every route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .service(
            web::scope("/api/v1")
                .route("/openapi.json", web::get().to(openapi::serve))
                .configure(crate::auth::handlers::configure)
                // Before the tickets' routes: `/tickets/export` is not a ticket.
                .configure(crate::metrics::handlers::configure)
                .configure(tickets::handlers::configure)
                .configure(crate::sla::handlers::configure)
                .configure(crate::mail::handlers::configure)
                .configure(crate::assets::handlers::configure)
                .configure(crate::licenses::handlers::configure)
                .configure(crate::licenses::book_handlers::configure)
                .configure(crate::licenses::audit_handlers::configure)
                .configure(crate::people::handlers::configure)
                .configure(crate::people::sync_handlers::configure)
                .configure(crate::onboarding::handlers::configure)
                .configure(crate::onboarding::run_handlers::configure)
                .configure(crate::vendors::handlers::configure)
                .configure(crate::vendors::escalation_handlers::configure)
                .configure(crate::vendors::document_handlers::configure)
                .configure(crate::purchasing::handlers::configure)
                .default_service(web::to(http::api_not_found)),
        )
        .configure(crate::web::configure);
}

/// Each context as app data, for its handlers: the one list a new
/// context's value joins.
#[derive(Clone)]
struct Contexts {
    auth: web::Data<crate::auth::Auth>,
    tickets: web::Data<crate::tickets::Tickets>,
    sla: web::Data<crate::sla::Sla>,
    mail: web::Data<crate::mail::Mail>,
    assets: web::Data<crate::assets::Assets>,
    licenses: web::Data<crate::licenses::Licenses>,
    people: web::Data<crate::people::People>,
    vendors: web::Data<crate::vendors::Vendors>,
    purchasing: web::Data<crate::purchasing::Purchasing>,
    onboarding: web::Data<crate::onboarding::Onboarding>,
    metrics: web::Data<crate::metrics::Metrics>,
}

impl Contexts {
    fn of(state: &AppState) -> Contexts {
        Contexts {
            auth: web::Data::new(state.auth.clone()),
            tickets: web::Data::new(state.tickets.clone()),
            sla: web::Data::new(state.sla.clone()),
            mail: web::Data::new(state.mail.clone()),
            assets: web::Data::new(state.assets.clone()),
            licenses: web::Data::new(state.licenses.clone()),
            people: web::Data::new(state.people.clone()),
            vendors: web::Data::new(state.vendors.clone()),
            purchasing: web::Data::new(state.purchasing.clone()),
            onboarding: web::Data::new(state.onboarding.clone()),
            metrics: web::Data::new(state.metrics.clone()),
        }
    }

    fn register(&self, cfg: &mut web::ServiceConfig) {
        cfg.app_data(self.auth.clone())
            .app_data(self.tickets.clone())
            .app_data(self.sla.clone())
            .app_data(self.mail.clone())
            .app_data(self.assets.clone())
            .app_data(self.licenses.clone())
            .app_data(self.people.clone())
            .app_data(self.vendors.clone())
            .app_data(self.purchasing.clone())
            .app_data(self.onboarding.clone())
            .app_data(self.metrics.clone());
    }
}

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    /// Prepares the state (on a blocking thread) and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let bind = settings.server.bind.clone();
        let state = tokio::task::spawn_blocking(move || prepare(settings)).await??;
        let listener = TcpListener::bind(&bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
        Self::with_listener(state, listener)
    }

    /// Serves prepared state on a given listener.
    pub fn with_listener(state: AppState, listener: TcpListener) -> anyhow::Result<Application> {
        let port = listener.local_addr()?.port();
        let workers = match state.settings.server.workers {
            0 => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            n => n,
        };
        let data = web::Data::new(state.clone());
        let contexts = Contexts::of(&state);
        let json_limit = web::Data::new(http::JsonLimit(state.settings.api.json_body_limit_bytes));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .configure(|cfg| contexts.register(cfg))
                .app_data(json_limit.clone())
                .app_data(http::path_config())
                .app_data(crate::web::form_config())
                .app_data(crate::web::query_config())
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "same-origin")),
                )
                .wrap(actix_web::middleware::from_fn(http::strip_controls))
                .wrap(TracingLogger::default())
                .configure(routes)
        })
        .workers(workers)
        .worker_max_blocking_threads(state.settings.server.blocking_threads.max(1))
        .listen(listener)?
        .run();
        Ok(Application {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Runs until the server is stopped (Ctrl-C or SIGTERM).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
