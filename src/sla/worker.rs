//! The SLA timer worker, as jobs: `sla.scan` (every `sla.scan_every_seconds`)
//! refreshes the open tickets whose next warning or deadline has passed;
//! `sla.recompute` (after a change of policies or calendars) refreshes every
//! open ticket. Both are safe to run twice or in several processes at once:
//! a threshold fires only if its marker row could be inserted.

use std::time::Instant;

use super::repo;
use super::service::{load, refresh};
use crate::error::AppError;
use crate::jobs::queue::Job;
use crate::state::AppState;

pub const SCAN_JOB: &str = "sla.scan";
pub const RECOMPUTE_JOB: &str = "sla.recompute";

/// Tickets refreshed per transaction.
const BATCH: i64 = 250;

/// Reloads this process's registry when the stored version moved (another
/// process or the API changed policies).
pub fn ensure_current(state: &AppState) -> Result<(), AppError> {
    let mine = state.sla.get().version;
    let stored = state
        .db
        .read(|conn| Ok::<_, AppError>(repo::version(conn)?))?;
    if stored != mine {
        let registry = state.db.read(load)?;
        tracing::info!(version = registry.version, "reloaded SLA policies");
        state.sla.replace(registry);
    }
    Ok(())
}

/// What a scan did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub tickets: usize,
    pub batches: usize,
    pub millis: u128,
}

/// Refreshes every open ticket whose SLA may have changed by `now`.
pub fn scan(state: &AppState, now: chrono::NaiveDateTime) -> Result<ScanStats, AppError> {
    ensure_current(state)?;
    let started = Instant::now();
    let registry = state.sla.get();
    let mut stats = ScanStats::default();
    loop {
        let n = state.db.write(|conn| {
            let due = repo::due_for_check(conn, now, BATCH)?;
            for t in &due {
                refresh(conn, &registry, t, now)?;
            }
            Ok::<_, AppError>(due.len())
        })?;
        stats.tickets += n;
        stats.batches += 1;
        if (n as i64) < BATCH {
            break;
        }
    }
    stats.millis = started.elapsed().as_millis();
    Ok(stats)
}

/// Job handler of `sla.scan`.
pub fn scan_job(state: &AppState, _job: &Job) -> Result<(), AppError> {
    let stats = scan(state, crate::ids::now())?;
    if stats.tickets > 0 {
        tracing::info!(
            tickets = stats.tickets,
            ms = stats.millis as u64,
            "SLA scan"
        );
    }
    Ok(())
}

/// Refreshes every open ticket under the policies in force.
pub fn recompute_all(state: &AppState, now: chrono::NaiveDateTime) -> Result<usize, AppError> {
    ensure_current(state)?;
    let registry = state.sla.get();
    let mut after = String::new();
    let mut total = 0;
    loop {
        let page = state.db.write(|conn| {
            let page = repo::open_after(conn, &after, BATCH)?;
            for t in &page {
                refresh(conn, &registry, t, now)?;
            }
            Ok::<_, AppError>(
                page.last()
                    .map(|t| t.id.clone())
                    .map(|last| (last, page.len())),
            )
        })?;
        match page {
            Some((last, n)) => {
                total += n;
                after = last;
            }
            None => break,
        }
    }
    Ok(total)
}

/// Job handler of `sla.recompute`.
pub fn recompute_job(state: &AppState, _job: &Job) -> Result<(), AppError> {
    let n = recompute_all(state, crate::ids::now())?;
    tracing::info!(tickets = n, "recomputed SLAs of open tickets");
    Ok(())
}
