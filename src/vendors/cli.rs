//! `itdesk contracts remind` (the daily pass, now) and `itdesk export
//! contracts`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use clap::Subcommand;

use super::Vendors;
use super::service::{self, ContractFilter, Pass};
use crate::export::{Format, Output};

#[derive(Debug, Subcommand)]
pub enum ContractsCommand {
    /// Run the daily contracts pass now: roll auto-renewing contracts whose
    /// end has passed into their next term, then queue the reminders due
    /// (one digest mail per person, through the outbox) and print what it
    /// did.
    ///
    /// Each reminder goes once per contract, deadline and offset, whichever
    /// process or command sends it first: running this twice, or while the
    /// service runs, sends nothing twice. After downtime each deadline gets
    /// one reminder for the latest offset due, naming the ones missed.
    Remind {
        /// Run as if it were this instant: YYYY-MM-DD (that day in
        /// vendors.time_zone) or an RFC 3339 time such as
        /// 2027-03-01T07:00:00Z.
        #[arg(long, value_name = "INSTANT")]
        at: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// Every contract, the nearest decision first: vendor, kind, owner,
    /// status, dates, notice deadline, billing, amount, annual cost and
    /// total value (decimals in the contract's currency).
    Contracts {
        /// csv, json or xlsx.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Only contracts in this status (draft, active, notice_due,
        /// expiring, expired, renewed, terminated).
        #[arg(long)]
        status: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

/// The instant `--at` names; `None` when it is not one.
pub fn parse_instant(s: &str, vendors: &Vendors) -> Option<(NaiveDate, NaiveDateTime)> {
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        let at = at.with_timezone(&Utc);
        return Some((vendors.settings.day_of(at), at.naive_utc()));
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some((day, day.and_hms_opt(12, 0, 0)?))
}

fn print(pass: &Pass) {
    println!("contracts pass for {}", pass.today);
    for r in &pass.renewed {
        println!(
            "renewed  {} ({}): {} → {}",
            r.title, r.contract_id, r.starts_on, r.ends_on
        );
    }
    for s in &pass.reminders {
        println!(
            "reminder {} to {}",
            service::describe(s, pass.today),
            s.to.join(", ")
        );
    }
    println!(
        "{} renewed, {} reminders queued in {} mails",
        pass.renewed.len(),
        pass.reminders.len(),
        pass.mails
    );
    if pass.unaddressed > 0 {
        println!(
            "{} reminders have nobody to go to: give those contracts an owner or set vendors.contract_managers",
            pass.unaddressed
        );
    }
}

pub fn run(command: ContractsCommand, vendors: &Vendors) -> anyhow::Result<()> {
    let ContractsCommand::Remind { at, json } = command;
    let (today, now) = match at {
        Some(s) => parse_instant(&s, vendors).ok_or_else(|| {
            anyhow::anyhow!(
                "--at {s:?}: give YYYY-MM-DD or an RFC 3339 time such as 2027-03-01T07:00:00Z"
            )
        })?,
        None => {
            let now = crate::ids::now();
            (vendors.settings.day_of(now.and_utc()), now)
        }
    };
    let pass = service::run_pass(vendors, today, now)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&pass)?);
    } else {
        print(&pass);
    }
    Ok(())
}

pub fn export(command: Export, vendors: &Vendors) -> anyhow::Result<()> {
    let Export::Contracts {
        format,
        status,
        output,
    } = command;
    let format = Format::parse_name(&format).map_err(|e| anyhow::anyhow!(e))?;
    let status = match status {
        Some(s) => Some(s.parse().map_err(|e| anyhow::anyhow!("--status: {e}"))?),
        None => None,
    };
    let filter = ContractFilter {
        status,
        ..ContractFilter::default()
    };
    let mut out = Output::file_or_stdout(output.as_deref())?;
    let written = super::export::export(vendors, &filter, format, &mut out)?;
    out.commit()?;
    if let Some(path) = output {
        eprintln!("{written} contracts written to {}", path.display());
    }
    Ok(())
}
