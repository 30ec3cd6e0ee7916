//! Periodic clean-up, run as a job: forgets idempotency keys after a day,
//! login attempts once they can no longer count against a rate limit, and
//! finished jobs and sessions a week after they ended, and removes attachment files no row refers
//! to (stored, then their transaction refused). All are idempotent deletes.

use chrono::NaiveDateTime;

use crate::db::Db;
use crate::error::AppError;

/// How long a client may retry a POST with the same `Idempotency-Key`.
pub const IDEMPOTENCY_KEY_TTL_HOURS: i64 = 24;

/// What one sweep removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Swept {
    pub idempotency_keys: usize,
    pub login_attempts: usize,
    pub finished_jobs: usize,
    pub ended_sessions: usize,
}

/// Finished jobs are kept this long for inspection.
pub const FINISHED_JOB_TTL_DAYS: i64 = 7;

/// One sweep, as of `now`.
pub fn sweep(db: &Db, login_window_minutes: i64, now: NaiveDateTime) -> Result<Swept, AppError> {
    let keys_before = now - chrono::Duration::hours(IDEMPOTENCY_KEY_TTL_HOURS);
    let attempts_before = now - chrono::Duration::minutes(login_window_minutes.max(1) * 2);
    let jobs_before = now - chrono::Duration::days(FINISHED_JOB_TTL_DAYS);
    db.write(|conn| {
        let (login_attempts, ended_sessions) =
            crate::auth::people::purge(conn, attempts_before, jobs_before)?;
        Ok(Swept {
            idempotency_keys: crate::tickets::service::purge_idempotency_keys(conn, keys_before)?,
            login_attempts,
            finished_jobs: crate::jobs::queue::purge_finished(conn, jobs_before)?,
            ended_sessions,
        })
    })
}

/// How old an unreferenced attachment file must be before it is removed:
/// far longer than any transaction that could still record it.
pub const ORPHAN_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

/// The job kind that runs [`sweep`] (every ten minutes, see `crate::jobs`).
pub const JOB: &str = "housekeeping";

/// `housekeeping` every ten minutes.
pub fn jobs(state: &crate::state::AppState) -> crate::jobs::Jobs {
    let me = state.clone();
    crate::jobs::Jobs::default()
        .kind(JOB, move |_| run_job(&me))
        .every(JOB, chrono::Duration::minutes(10))
}

/// One sweep.
fn run_job(state: &crate::state::AppState) -> Result<(), AppError> {
    let swept = sweep(
        &state.db,
        state.settings.login.window_minutes,
        crate::ids::now(),
    )?;
    if swept != Swept::default() {
        tracing::info!(?swept, "housekeeping");
    }
    let files = collect_files(state, ORPHAN_GRACE)?;
    if files > 0 {
        tracing::info!(files, "removed unreferenced attachment files");
    }
    Ok(())
}

/// Removes stored files that neither a ticket nor a contract refers to,
/// once older than `grace`; returns how many.
pub fn collect_files(
    state: &crate::state::AppState,
    grace: std::time::Duration,
) -> Result<usize, AppError> {
    let vendors = &state.vendors;
    crate::tickets::service::collect_orphans(
        &state.db,
        &state.settings.attachments,
        grace,
        &|digests| crate::vendors::service::document_digests(vendors, digests),
    )
}
