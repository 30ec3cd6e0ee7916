//! What each subcommand does, given loaded settings. `main.rs` parses the
//! command line and calls these.

use std::io::Read;

use anyhow::Context;

use crate::auth::{Role, service as people};
use crate::config::Settings;
use crate::db::{Db, migrations};
use crate::demo;
use crate::startup::{Application, prepare};

/// `itdesk serve`: migrate, optionally load demo data into an empty
/// database, then serve until stopped.
pub async fn serve(settings: Settings, with_demo: bool) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    let state = app.state().clone();
    if with_demo {
        let loaded = tokio::task::spawn_blocking(move || {
            let opts = demo::Options {
                progress: false,
                ..demo::Options::default()
            };
            demo::load(
                &state.db,
                &state.settings.tickets.priority_matrix,
                &opts,
                crate::ids::now(),
            )
        })
        .await?;
        match loaded {
            Ok(summary) => tracing::info!(
                tickets = summary.tickets,
                "loaded demo data; log in as admin@example.org / {}",
                demo::DEMO_PASSWORD
            ),
            Err(crate::error::AppError::Conflict {
                code: "not_empty", ..
            }) => {
                tracing::info!("database already has tickets; demo data not loaded again")
            }
            Err(e) => return Err(anyhow::anyhow!("loading demo data: {e}")),
        }
    }
    actix_web::rt::spawn(crate::jobs::runner::run(
        app.state().clone(),
        crate::jobs::handlers(),
        crate::jobs::periodic(chrono::Duration::seconds(
            app.state().settings.sla.scan_every_seconds as i64,
        )),
        std::time::Duration::from_millis(app.state().settings.jobs.poll_ms),
    ));
    tracing::info!(
        port = app.port(),
        backend = app.state().db.backend().name(),
        "itdesk listening on {}",
        app.state().settings.server.bind
    );
    app.run_until_stopped().await?;
    Ok(())
}

/// `itdesk migrate`: applies pending migrations and names them.
pub fn migrate(settings: &Settings) -> anyhow::Result<Vec<String>> {
    let db = Db::connect(&settings.database)?;
    Ok(migrations::run(&db)?)
}

/// `itdesk admin create-token`: prints the token as the last line.
pub fn create_token(
    settings: Settings,
    email: &str,
    role: Role,
    label: &str,
) -> anyhow::Result<()> {
    let state = prepare(settings)?;
    let issued = people::create_token(&state.db, email, role, label)?;
    if issued.user_created {
        eprintln!(
            "created user {} with role {}",
            issued.user.email, issued.user.role
        );
    }
    if let Some(previous) = issued.previous_role {
        eprintln!(
            "changed the role of {} from {previous} to {}",
            issued.user.email, issued.user.role
        );
    }
    eprintln!(
        "API token for {} (shown once; only its hash is stored):",
        issued.user.email
    );
    println!("{}", issued.token);
    Ok(())
}

/// `itdesk admin create-user`: the password comes from stdin (first line).
pub fn create_user(
    settings: Settings,
    email: &str,
    role: Role,
    name: Option<&str>,
    mut stdin: impl Read,
) -> anyhow::Result<()> {
    let mut input = String::new();
    stdin
        .read_to_string(&mut input)
        .context("reading the password from stdin")?;
    let password = input.lines().next().unwrap_or("").to_owned();
    let state = prepare(settings)?;
    let user = people::create_user(&state.db, email, name, role, &password)?;
    println!(
        "created user {} ({}) with role {}",
        user.email, user.id, user.role
    );
    Ok(())
}

/// `itdesk demo`.
pub fn load_demo(settings: Settings, opts: &demo::Options) -> anyhow::Result<()> {
    let state = prepare(settings)?;
    let started = std::time::Instant::now();
    let summary = demo::load(
        &state.db,
        &state.settings.tickets.priority_matrix,
        opts,
        crate::ids::now(),
    )?;
    println!(
        "loaded {} tickets, {} comments, {} history events and {} new people in {:.1} s",
        summary.tickets,
        summary.comments,
        summary.history_events,
        summary.people_created,
        started.elapsed().as_secs_f64()
    );
    println!(
        "log in at {} as admin@example.org, coordinator@example.org, agent@example.org or user@example.org; password: {}",
        state.settings.server.public_url,
        demo::DEMO_PASSWORD
    );
    Ok(())
}
