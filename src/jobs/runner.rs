//! Running the queue: every `itdesk serve` process enqueues the periodic
//! jobs (one per period, whoever is first — the dedupe key is the period) and
//! works whatever is ready. Handlers must be idempotent: a job whose worker
//! died mid-way is run again once its lease expires.

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};

use super::queue::{self, Job, NewJob};
use crate::error::AppError;
use crate::state::AppState;

/// A job handler; runs on a blocking thread.
pub type Handler = fn(&AppState, &Job) -> Result<(), AppError>;

/// A job kind enqueued every `every`.
#[derive(Debug, Clone, Copy)]
pub struct Periodic {
    pub kind: &'static str,
    pub every: Duration,
}

/// How long a claimed job is reserved before another worker may take it.
pub const LEASE: Duration = Duration::minutes(5);

/// Enqueues each periodic kind once for the period `now` falls in.
pub fn schedule(
    state: &AppState,
    periodic: &[Periodic],
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    state.db.write(|conn| {
        let mut added = 0;
        for p in periodic {
            let every = p.every.num_seconds().max(1);
            let bucket = now.and_utc().timestamp() / every;
            let job = NewJob::now(p.kind, serde_json::json!({}), now)
                .dedupe(format!("{}:{bucket}", p.kind));
            if queue::enqueue(conn, job, now)? {
                added += 1;
            }
        }
        Ok(added)
    })
}

/// Claims and runs up to `limit` ready jobs; returns how many ran.
pub fn run_ready(
    state: &AppState,
    handlers: &[(&'static str, Handler)],
    worker: &str,
    limit: i64,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let kinds: Vec<&str> = handlers.iter().map(|(k, _)| *k).collect();
    let claimed = queue::claim(&state.db, worker, &kinds, limit, LEASE, now)?;
    for job in &claimed {
        let handler = handlers
            .iter()
            .find(|(k, _)| *k == job.kind)
            .map(|(_, h)| *h);
        let result = match handler {
            Some(h) => h(state, job),
            None => Err(AppError::Internal(anyhow::anyhow!(
                "no handler for job kind {}",
                job.kind
            ))),
        };
        let finished = now.max(crate::ids::now());
        match result {
            Ok(()) => queue::complete(&state.db, job, worker, finished)?,
            Err(e) => {
                tracing::warn!(kind = %job.kind, job = %job.id, attempt = job.attempts, error = %e, "job failed");
                queue::fail(&state.db, job, worker, &e.to_string(), finished)?;
            }
        }
    }
    Ok(claimed.len())
}

/// The worker loop of one process, until the process ends.
pub async fn run(
    state: AppState,
    handlers: Vec<(&'static str, Handler)>,
    periodic: Vec<Periodic>,
    poll: StdDuration,
) {
    let worker = format!("{}-{}", std::process::id(), &crate::ids::new_id()[24..]);
    loop {
        let st = state.clone();
        let hs = handlers.clone();
        let ps = periodic.clone();
        let w = worker.clone();
        let ran = actix_web::web::block(move || {
            let now = crate::ids::now();
            schedule(&st, &ps, now)?;
            run_ready(&st, &hs, &w, 16, now)
        })
        .await;
        let busy = match ran {
            Ok(Ok(n)) => n > 0,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "job runner: will retry");
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, "job runner task failed; will retry");
                false
            }
        };
        if !busy {
            tokio::time::sleep(poll).await;
        }
    }
}
