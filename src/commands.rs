//! What each subcommand does, given loaded settings. `main.rs` parses the
//! command line and calls these.

use crate::db::{Db, migrations};
use crate::demo;
use crate::settings::Settings;
use crate::startup::{Application, prepare_for_command};

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
            let now = crate::ids::now();
            let summary = demo::load(
                &state.db,
                &state.settings.tickets.priority_matrix,
                &opts,
                now,
            )?;
            demo::settle_service_levels(&state.sla, &opts, now)?;
            demo::assets::load_assets(&state.assets, opts.seed, now)?;
            demo::licenses::load_licenses(&state.licenses, &state.assets, now)?;
            if demo::vendors::load_vendors(&state.vendors, now)? > 0 {
                demo::vendors::escalate_some(&state.vendors, &state.tickets, now)?;
            }
            demo::purchasing::load_orders(
                &state.purchasing,
                &state.assets,
                &state.licenses,
                &state.vendors,
                now,
            )?;
            demo::onboarding::load_people_and_runs(&state.onboarding, now)?;
            Ok::<_, crate::error::AppError>(summary)
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
    let s = &app.state().settings;
    if let Some(path) = crate::mail::gate::socket_path(&s.mail.mailgate_socket, &s.database.url) {
        tokio::spawn(crate::mail::gate::listen(app.state().mail.clone(), path));
    }
    let jobs = crate::startup::jobs(app.state());
    actix_web::rt::spawn(crate::jobs::runner::run(
        app.state().db.clone(),
        jobs.kinds,
        jobs.periodic,
        std::time::Duration::from_millis(s.jobs.poll_ms),
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
    let db = Db::connect_for_command(&settings.database)?;
    Ok(migrations::run(&db)?)
}

/// `itdesk backup --output FILE`.
pub fn backup(settings: Settings, output: &std::path::Path) -> anyhow::Result<()> {
    let db = Db::connect_for_command(&settings.database)?;
    let done = crate::db::backup::backup(&db, output)?;
    println!(
        "backed up the database to {} ({:.1} MB in {:.2} s); now copy the attachments folder {}",
        done.path.display(),
        done.bytes as f64 / 1e6,
        done.took.as_secs_f64(),
        settings.attachments.dir.display()
    );
    Ok(())
}

/// `itdesk demo`.
pub fn load_demo(settings: Settings, opts: &demo::Options) -> anyhow::Result<()> {
    let state = prepare_for_command(settings)?;
    let started = std::time::Instant::now();
    let now = crate::ids::now();
    let summary = demo::load(
        &state.db,
        &state.settings.tickets.priority_matrix,
        opts,
        now,
    )?;
    let open = demo::settle_service_levels(&state.sla, opts, now)?;
    let (devices, products, contracts) = if opts.all_open {
        (0, 0, 0)
    } else {
        (
            demo::assets::load_assets(&state.assets, opts.seed, now)?,
            demo::licenses::load_licenses(&state.licenses, &state.assets, now)?,
            demo::vendors::load_vendors(&state.vendors, now)?,
        )
    };
    if contracts > 0 {
        demo::vendors::escalate_some(&state.vendors, &state.tickets, now)?;
    }
    let orders = if opts.all_open {
        0
    } else {
        demo::purchasing::load_orders(
            &state.purchasing,
            &state.assets,
            &state.licenses,
            &state.vendors,
            now,
        )?
    };
    let people = if opts.all_open {
        0
    } else {
        demo::onboarding::load_people_and_runs(&state.onboarding, now)?
    };
    println!(
        "loaded {} tickets, {} comments, {} history events, {} new accounts, {people} people with departments and managers, {devices} assets, {products} licensed products, {contracts} contracts and {orders} purchase orders, and computed the SLA of {open} open tickets, in {:.1} s",
        summary.tickets,
        summary.comments,
        summary.history_events,
        summary.people_created,
        started.elapsed().as_secs_f64()
    );
    println!(
        "log in at {} as admin@example.org, coordinator@example.org, agent@example.org or user@example.org; password: {}",
        state.settings.base_url(),
        demo::DEMO_PASSWORD
    );
    Ok(())
}
