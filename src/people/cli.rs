//! `itdesk directory sync [--dry-run]`.

use clap::Subcommand;

use super::People;
use super::sync::{self, Trigger};
use super::sync_report::SyncReport;
use crate::error::AppError;

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Sync people from the directory now: every entry under
    /// directory.people_base is matched to its person by its stable key
    /// (entryUUID, objectGUID), else by employee id, else by address, so
    /// renames and OU moves update the same person. Names, mail,
    /// department, title and manager are copied; a disabled entry, and a
    /// person whose entry is gone from people_base, is deactivated (every
    /// session and token ends). Prints what it did: created, updated,
    /// deactivated, unchanged, skipped.
    ///
    /// Exit codes: 0 done; 69 the directory did not answer (nothing was
    /// changed that the run did not report; run it again); 78 the
    /// directory is not configured or refused the service account.
    Sync {
        /// Say what would change, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the run as JSON.
        #[arg(long)]
        json: bool,
        /// List every person touched, not only the counts.
        #[arg(long, short)]
        verbose: bool,
    },
}

/// Runs the command; the process's exit code.
pub fn run(cmd: DirectoryCommand, people: &People) -> anyhow::Result<i32> {
    let DirectoryCommand::Sync {
        dry_run,
        json,
        verbose,
    } = cmd;
    let trigger = Trigger {
        started_by: "cli",
        actor_id: None,
        dry_run,
    };
    match sync::run(people, trigger) {
        Ok(report) if json => {
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(0)
        }
        Ok(report) => {
            print(&report, verbose);
            Ok(0)
        }
        Err(e) => {
            eprintln!("itdesk directory sync: {e}");
            Ok(match e {
                AppError::Upstream(_) => 69,
                AppError::Conflict { .. } => 78,
                _ => 1,
            })
        }
    }
}

fn print(r: &SyncReport, verbose: bool) {
    let took = (r.finished_at - r.started_at).num_milliseconds();
    if verbose {
        for l in &r.lines {
            let who = l.email.as_deref().unwrap_or(l.dn.as_deref().unwrap_or(""));
            println!("{:<11} {} <{who}>: {}", l.action, l.name, l.detail);
        }
    } else {
        for l in r.lines.iter().filter(|l| l.action == "note") {
            println!("note: {} ({})", l.detail, l.dn.as_deref().unwrap_or(""));
        }
    }
    println!(
        "{}{} created, {} updated, {} deactivated, {} unchanged, {} skipped in {:.1} s",
        if r.dry_run {
            "dry run, nothing changed: "
        } else {
            ""
        },
        r.created,
        r.updated,
        r.deactivated,
        r.unchanged,
        r.skipped,
        took as f64 / 1000.0
    );
}
