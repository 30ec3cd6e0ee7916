//! What each subcommand does, given loaded settings. `main.rs` parses the
//! command line and calls these.

use std::io::Read;

use crate::db::{Db, migrations};
use crate::demo;
use crate::settings::Settings;
use crate::startup::{Application, prepare_for_command, prepare_light};

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
            let summary = demo::load(
                &state.db,
                &state.settings.tickets.priority_matrix,
                &opts,
                crate::ids::now(),
            )?;
            crate::sla::worker::recompute_all(&state, crate::ids::now())?;
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
    if let Some(path) = crate::mail::gate::socket_path(&app.state().settings) {
        tokio::spawn(crate::mail::gate::listen(app.state().clone(), path));
    }
    actix_web::rt::spawn(crate::jobs::runner::run(
        app.state().clone(),
        crate::jobs::handlers(),
        crate::jobs::periodic(
            chrono::Duration::seconds(app.state().settings.sla.scan_every_seconds as i64),
            app.state().settings.mail.imap.enabled.then(|| {
                chrono::Duration::seconds(app.state().settings.mail.imap.poll_seconds as i64)
            }),
        ),
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
    let summary = demo::load(
        &state.db,
        &state.settings.tickets.priority_matrix,
        opts,
        crate::ids::now(),
    )?;
    let open = crate::sla::worker::recompute_all(&state, crate::ids::now())?;
    println!(
        "loaded {} tickets, {} comments, {} history events and {} new people, and computed the SLA of {open} open tickets, in {:.1} s",
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

/// Output formats of `itdesk sla simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimulateFormat {
    Table,
    Json,
}

/// `itdesk sla simulate`.
pub fn sla_simulate(
    settings: Settings,
    file: &std::path::Path,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    format: SimulateFormat,
) -> anyhow::Result<()> {
    use crate::sla::simulate;
    use figment::providers::Format;
    if to < from {
        anyhow::bail!("--to ({to}) is before --from ({from})");
    }
    if !file.is_file() {
        anyhow::bail!("policy file {} does not exist", file.display());
    }
    let proposal: simulate::Proposal = figment::Figment::from(figment::providers::Toml::file(file))
        .extract()
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let state = prepare_for_command(settings)?;
    let (stored, _) = crate::sla::service::stored(&state.db)?;
    let calendars = stored
        .iter()
        .map(|r| serde_json::from_str(&r.spec))
        .collect::<Result<Vec<_>, _>>()?;
    let proposed = simulate::proposed_registry(&calendars, &proposal).map_err(|e| match e {
        crate::error::AppError::Validation(fields) => anyhow::anyhow!(
            "{}: {}",
            file.display(),
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!(other),
    })?;
    let start = from.and_time(chrono::NaiveTime::MIN);
    let end = (to + chrono::Duration::days(1)).and_time(chrono::NaiveTime::MIN);
    let bar = if format == SimulateFormat::Table {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} tickets replayed ({per_sec})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let current = state.sla.get();
    let outcome = simulate::run(
        &state.db,
        &current,
        &proposed,
        start,
        end,
        crate::ids::now(),
        |n| bar.inc(n),
    )?;
    bar.finish_and_clear();
    match format {
        SimulateFormat::Table => {
            println!(
                "tickets filed {from} to {to}, replayed as of now; breached = any clock missed its target"
            );
            print!("{}", simulate::table(&outcome));
        }
        SimulateFormat::Json => println!("{}", serde_json::to_string_pretty(&outcome)?),
    }
    Ok(())
}

/// `itdesk sla scan`: one pass of the timer worker, timed.
pub fn sla_scan(
    settings: Settings,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<()> {
    let state = prepare_for_command(settings)?;
    let now = at.map(|t| t.naive_utc()).unwrap_or_else(crate::ids::now);
    let open = crate::tickets::service::service_level::open_count(&state.db)?;
    let stats = crate::sla::worker::scan(&state, now)?;
    println!(
        "refreshed {} tickets ({} from their stored schedule) in {} batches in {} ms ({open} open tickets)",
        stats.tickets, stats.from_schedule, stats.batches, stats.millis
    );
    Ok(())
}

/// `itdesk sla recompute`: every open ticket under the policies in force.
pub fn sla_recompute(settings: Settings) -> anyhow::Result<()> {
    let state = prepare_for_command(settings)?;
    let started = std::time::Instant::now();
    let n = crate::sla::worker::recompute_all(&state, crate::ids::now())?;
    println!(
        "recomputed {n} open tickets in {} ms",
        started.elapsed().as_millis()
    );
    Ok(())
}

/// `itdesk mail poll`: polls the IMAP mailbox once and prints what it did
/// as one JSON line (with the seconds it took).
pub fn mail_poll(settings: Settings) -> anyhow::Result<()> {
    if settings.mail.imap.user.is_empty() {
        anyhow::bail!(
            "mail.imap.user is empty: configure [mail.imap] (host, port, user, password) first"
        );
    }
    let state = prepare_light(settings, false)?;
    let started = std::time::Instant::now();
    let stats = crate::mail::imap::poll(&state)?;
    let mut line = serde_json::to_value(stats)?;
    line["seconds"] =
        serde_json::json!((started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0);
    println!("{line}");
    Ok(())
}

/// `itdesk mailgate`: one message on stdin. Handed to a running `itdesk
/// serve` over its local socket when one listens (see `crate::mail::gate`),
/// taken in here otherwise; prints one JSON line and returns the exit code.
pub fn mailgate(settings: Settings, mut stdin: impl Read) -> u8 {
    use crate::mail::gate::{self, HandOver, exit};
    let limit = settings.mail.max_message_bytes;
    let mut raw = Vec::new();
    if let Err(e) = (&mut stdin).take(limit as u64 + 1).read_to_end(&mut raw) {
        eprintln!("mailgate: cannot read the message: {e}");
        return exit::TEMPFAIL;
    }
    if let Some(path) = gate::socket_path(&settings) {
        match gate::hand_over(&path, &raw, std::time::Duration::from_secs(120)) {
            Ok(verdict) => return verdict.emit(),
            Err(HandOver::NoService) => {}
            Err(HandOver::Lost(why)) => {
                eprintln!(
                    "mailgate: the service did not answer ({why}); taking the message in here"
                );
            }
        }
    }
    let state = match prepare_light(settings, true) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mailgate: the database is not reachable, try again later: {e:#}");
            return exit::TEMPFAIL;
        }
    };
    let sqlite = state.db.backend() == crate::db::Backend::Sqlite;
    if sqlite {
        // Mail the MTA hands over is ours once we exit 0: make the commit durable.
        let _ = state.db.with_writer(|c| {
            diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA synchronous = FULL")
        });
    }
    let code = gate::take_in(&state, &raw, limit).emit();
    if let Some(path) = state.settings.database.url.strip_prefix("sqlite://") {
        // Closing the last connection to a SQLite file checkpoints the whole
        // WAL into the database, syncs it and deletes the WAL: per message,
        // when an MTA starts one process for each. Every commit is already
        // synced to the WAL, so exit without closing and let the next
        // process read the WAL back; only once it has grown past
        // WAL_LIMIT, fold it into the database and empty it here. Reading
        // the WAL back costs every process time in proportion to its size
        // (the first connection rebuilds the WAL index from it), a
        // checkpoint costs the one that makes it: 256 KB is the better
        // balance here (tests/bench/mailgate.sh).
        const WAL_LIMIT: u64 = 256 << 10;
        let wal = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
        if wal > WAL_LIMIT {
            let _ = state.db.with_writer(|c| {
                diesel::connection::SimpleConnection::batch_execute(
                    c,
                    "PRAGMA wal_checkpoint(TRUNCATE)",
                )
            });
        }
        std::mem::forget(state);
    }
    code
}

/// `itdesk export assets`: every asset as CSV or JSON.
pub fn export_assets(
    settings: Settings,
    format: &str,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use crate::export::{Format, Output, Progress};
    let format = Format::parse_name(format).map_err(|e| anyhow::anyhow!(e))?;
    let state = prepare_light(settings, false)?;
    let mut out = Output::file_or_stdout(output)?;
    let bar = Progress::new(out.is_file(), "assets");
    let written = crate::assets::export::export(&state.db, format, &mut out, &mut |n| bar.set(n))?;
    out.commit()?;
    bar.finish();
    if let Some(path) = output {
        eprintln!("{written} assets written to {}", path.display());
    }
    Ok(())
}

/// What `itdesk import assets` was asked to do.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: std::path::PathBuf,
    /// intune, intune-apps, snipeit or generic.
    #[arg(long)]
    pub profile: String,
    /// The TOML header mapping of the generic profile.
    #[arg(long, value_name = "FILE.toml")]
    pub mapping: Option<std::path::PathBuf>,
    /// Show what would be created and changed; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows even when others are rejected.
    #[arg(long)]
    pub partial: bool,
    /// Currency of costs written without one (default: [assets]
    /// default_currency).
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// How slashed dates read: mdy (3/31/2024), dmy (31/03/2024) or ymd;
    /// ISO dates are always read.
    #[arg(long, value_name = "ORDER")]
    pub date_order: Option<String>,
    /// text (a summary, then every rejected row and the changes) or json
    /// (the whole report).
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// `itdesk import assets`: returns the exit status (0, or 65 when rows were
/// rejected); whole-file problems are errors (exit 1).
pub fn import_assets(settings: Settings, args: &ImportArgs) -> anyhow::Result<i32> {
    use crate::assets::import::{self, Stage};
    let json = match args.format.as_str() {
        "text" => false,
        "json" => true,
        other => anyhow::bail!("unknown format {other:?}: use text or json"),
    };
    let mapping = match &args.mapping {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| anyhow::anyhow!("cannot read the mapping {}: {e}", p.display()))?,
        ),
        None => None,
    };
    let request = import::Request {
        profile: args.profile.clone(),
        mapping,
        currency: args.currency.clone(),
        date_order: args.date_order.clone(),
        dry_run: args.dry_run,
        partial: args.partial,
        file_name: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let opts = request
        .options(&settings)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let state = prepare_light(settings, false)?;
    let big = bytes.len() > 256 * 1024;
    let bar = if big {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let reading =
        indicatif::ProgressStyle::with_template("{spinner} reading: {pos} rows ({per_sec})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    let applying = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} rows checked and planned ({eta} left)",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(reading);
    let mut in_apply = false;
    let report = import::run(
        &state.db,
        None,
        &bytes,
        &opts,
        crate::ids::now(),
        &mut |stage, n| match stage {
            Stage::Reading => bar.set_position(n),
            Stage::Applying { total } => {
                if !in_apply {
                    in_apply = true;
                    bar.set_style(applying.clone());
                    bar.set_length(total);
                }
                bar.set_position(n);
            }
        },
    );
    bar.finish_and_clear();
    let report = match report {
        Ok(r) => r,
        Err(import::ImportError::File(msg)) => {
            anyhow::bail!("{}: {msg}; nothing was imported", args.file.display())
        }
        Err(import::ImportError::App(e)) => return Err(anyhow::anyhow!("{e}")),
    };
    // Write errors (a closed pipe) end the listing, not the import.
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&report)?);
    } else {
        let _ = print_import_report(&mut out, &report);
    }
    Ok(if report.rejected > 0 { 65 } else { 0 })
}

/// The text report: the summary, new models and locations, every rejected
/// row, warnings, and the changes (the first 200 of them).
fn print_import_report(
    out: &mut impl std::io::Write,
    report: &crate::assets::import::Report,
) -> std::io::Result<()> {
    const SHOWN: usize = 200;
    writeln!(out, "{}", report.summary())?;
    for m in &report.new_models {
        writeln!(out, "new model: {m}")?;
    }
    for l in &report.new_locations {
        writeln!(out, "new location: {l}")?;
    }
    for e in &report.errors {
        writeln!(out, "rejected: {e}")?;
    }
    for w in &report.warnings {
        writeln!(out, "warning: {w}")?;
    }
    let changes: Vec<_> = report
        .changes
        .iter()
        .filter(|c| c.action != "unchanged")
        .collect();
    for c in changes.iter().take(SHOWN) {
        if c.fields.is_empty() {
            writeln!(out, "line {}: {} {}", c.line, c.action, c.asset_tag)?;
        } else {
            writeln!(
                out,
                "line {}: {} {} ({})",
                c.line,
                c.action,
                c.asset_tag,
                c.fields.join(", ")
            )?;
        }
    }
    if changes.len() > SHOWN {
        writeln!(
            out,
            "… and {} more changes (--format json lists every one)",
            changes.len() - SHOWN
        )?;
    }
    Ok(())
}
