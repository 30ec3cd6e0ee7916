//! `itdesk report monthly` and `itdesk report freeze`.

use clap::Subcommand;

use super::Metrics;
use super::month::Month;
use super::render::{ReportFormat, render};
use crate::export::Output;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Print or write a month's report: every ticket, service-level and
    /// workload figure, with the twelve-month trend.
    ///
    /// A frozen month gives its frozen figures (`"frozen": true`) unless
    /// --live. Months are calendar months in reports.time_zone.
    Monthly {
        /// The month, YYYY-MM (default: the month before this one).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// html (the printable page), json, csv (one row per figure:
        /// section,metric,dimension,value,unit) or xlsx (a sheet per
        /// section and Definitions).
        #[arg(long, default_value = "json")]
        format: String,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
        /// Compute the figures now even when the month is frozen.
        #[arg(long)]
        live: bool,
    },
    /// Freeze a month that has ended: store its figures as computed now;
    /// later reads of the month serve them. The service does this itself on
    /// the first business day of the next month at 00:30 (reports.calendar).
    ///
    /// Exit status 3 when the month is frozen already (give --refreeze to
    /// replace its figures; recorded in the month's history).
    Freeze {
        /// The month, YYYY-MM (default: the month before this one).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// Replace the figures of a month frozen already.
        #[arg(long)]
        refreeze: bool,
    },
}

fn month_or_last(metrics: &Metrics, month: Option<String>) -> anyhow::Result<Month> {
    match month {
        Some(m) => Month::parse(&m).map_err(|e| anyhow::anyhow!("--month: {e}")),
        None => Ok(metrics.current_month(crate::ids::now()).previous()),
    }
}

/// Runs a report command; the exit status.
pub fn run(command: ReportCommand, metrics: &Metrics) -> anyhow::Result<i32> {
    match command {
        ReportCommand::Monthly {
            month,
            format,
            output,
            live,
        } => {
            let month = month_or_last(metrics, month)?;
            let format = ReportFormat::parse_name(&format).map_err(|e| anyhow::anyhow!(e))?;
            let report = metrics.report(month, live, crate::ids::now())?;
            let mut out = Output::file_or_stdout(output.as_deref())?;
            std::io::Write::write_all(&mut out, &render(&report, format)?)?;
            out.commit()?;
            if let Some(path) = output {
                eprintln!("the report of {month} written to {}", path.display());
            }
            Ok(0)
        }
        ReportCommand::Freeze { month, refreeze } => {
            let month = month_or_last(metrics, month)?;
            match metrics.freeze(None, month, refreeze, crate::ids::now()) {
                Ok(r) => {
                    println!(
                        "{month} frozen: {} created, {} resolved, backlog {} at its end",
                        r.tickets.created.total, r.tickets.resolved, r.tickets.backlog_end
                    );
                    Ok(0)
                }
                Err(e) if e.code() == "already_frozen" => {
                    eprintln!("{e}");
                    Ok(3)
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// One row per ticket with what recomputes the monthly figures:
    /// number, type, status, priority, channel, queue, category, requester,
    /// assignee, created_at, first_public_reply_at, resolved_at (last),
    /// closed_at, cancelled_at, reopen_count, first response and resolution
    /// business seconds, each SLA clock's outcome, the status history and
    /// public replies (see schema/tickets-export.md).
    ///
    /// Rows are the tickets the period touches (filed in it, or filed
    /// before and open or changed in it); derived columns are as they stood
    /// at its end. Days are in reports.time_zone.
    Tickets {
        /// The first day, YYYY-MM-DD (default: the first ticket).
        #[arg(long, value_name = "DATE")]
        from: Option<chrono::NaiveDate>,
        /// The last day, YYYY-MM-DD, included (default: now).
        #[arg(long, value_name = "DATE")]
        to: Option<chrono::NaiveDate>,
        /// csv, json or xlsx.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

/// `itdesk export tickets`.
pub fn export(command: Export, metrics: &Metrics) -> anyhow::Result<()> {
    let Export::Tickets {
        from,
        to,
        format,
        output,
    } = command;
    let format = crate::export::Format::parse_name(&format).map_err(|e| anyhow::anyhow!(e))?;
    let period = metrics
        .period(from, to, crate::ids::now())
        .map_err(|e| anyhow::anyhow!("--from: {e}"))?;
    let mut out = Output::file_or_stdout(output.as_deref())?;
    let progress = crate::export::Progress::new(out.is_file(), "tickets");
    let written = metrics.export_tickets(period, format, &mut out, &progress)?;
    out.commit()?;
    if let Some(path) = output {
        eprintln!("{written} tickets written to {}", path.display());
    }
    Ok(())
}
