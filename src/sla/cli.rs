//! `itdesk sla …`: what-if simulations, the timer scan, recomputing.

use std::path::PathBuf;

use clap::Subcommand;

use super::Sla;

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// Replay the tickets filed between two dates under a proposed policy
    /// file and compare, per priority, how many would have breached against
    /// how many did under the policies in force.
    ///
    /// The file is TOML with `[[sla_policies]]` (and optionally
    /// `[[calendars]]`) in the same shape as the configuration.
    Simulate {
        /// TOML file with the proposed `[[sla_policies]]`.
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
        /// First day (YYYY-MM-DD, UTC) of the period.
        #[arg(long, value_name = "DATE")]
        from: chrono::NaiveDate,
        /// Last day (inclusive).
        #[arg(long, value_name = "DATE")]
        to: chrono::NaiveDate,
        #[arg(long, value_enum, default_value = "table")]
        format: SimulateFormat,
    },
    /// Run the SLA timer worker's scan once and report how long it took.
    Scan {
        /// Scan as if it were this instant (RFC 3339), e.g. to see what a
        /// day of downtime would leave to catch up. Default: now.
        #[arg(long, value_name = "INSTANT")]
        at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Recompute the SLA of every open ticket now.
    Recompute,
}

/// Runs one `itdesk sla` command.
pub fn run(command: SlaCommand, sla: &Sla) -> anyhow::Result<()> {
    match command {
        SlaCommand::Simulate {
            policy,
            from,
            to,
            format,
        } => simulate(sla, &policy, from, to, format),
        SlaCommand::Scan { at } => scan(sla, at),
        SlaCommand::Recompute => recompute(sla),
    }
}

/// Output formats of `itdesk sla simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimulateFormat {
    Table,
    Json,
}

/// `itdesk sla simulate`.
fn simulate(
    sla: &Sla,
    file: &std::path::Path,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    format: SimulateFormat,
) -> anyhow::Result<()> {
    use super::simulate;
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
    let (stored, _) = super::service::stored(&sla.db)?;
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
    let current = sla.registry.get();
    let outcome = simulate::run(
        &sla.db,
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
fn scan(sla: &Sla, at: Option<chrono::DateTime<chrono::Utc>>) -> anyhow::Result<()> {
    let now = at.map(|t| t.naive_utc()).unwrap_or_else(crate::ids::now);
    let open = crate::tickets::service::service_level::open_count(&sla.db)?;
    let stats = super::worker::scan(sla, now)?;
    println!(
        "refreshed {} tickets ({} from their stored schedule) in {} batches in {} ms ({open} open tickets)",
        stats.tickets, stats.from_schedule, stats.batches, stats.millis
    );
    Ok(())
}

/// `itdesk sla recompute`: every open ticket under the policies in force.
fn recompute(sla: &Sla) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let n = super::worker::recompute_all(sla, crate::ids::now())?;
    println!(
        "recomputed {n} open tickets in {} ms",
        started.elapsed().as_millis()
    );
    Ok(())
}
