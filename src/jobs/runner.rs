//! Running the queue: every `itdesk serve` process enqueues the periodic
//! jobs (one per period, whoever is first — the dedupe key is the period) and
//! works whatever is ready. Handlers must be idempotent: a job whose worker
//! died mid-way is run again once its lease expires.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};

use super::queue::{self, Job, NewJob};
use super::schedule::Schedule;
use crate::db::Db;
use crate::error::AppError;

/// What runs a job kind; runs on a blocking thread. A context's handler
/// holds what it needs (its own context value).
pub type Handler = Arc<dyn Fn(&Job) -> Result<(), AppError> + Send + Sync>;

/// A job kind and its handler, as a context declares it.
#[derive(Clone)]
pub struct Kind {
    pub name: &'static str,
    pub run: Handler,
}

impl Kind {
    pub fn new(
        name: &'static str,
        run: impl Fn(&Job) -> Result<(), AppError> + Send + Sync + 'static,
    ) -> Kind {
        Kind {
            name,
            run: Arc::new(run),
        }
    }
}

/// A job kind enqueued on a schedule.
#[derive(Debug, Clone)]
pub struct Periodic {
    pub kind: &'static str,
    pub schedule: Schedule,
}

impl Periodic {
    /// `kind` every `every` (at multiples of it since the epoch).
    pub fn every(kind: &'static str, every: Duration) -> Periodic {
        Periodic {
            kind,
            schedule: Schedule::Every(every),
        }
    }
}

/// How long a claimed job is reserved before another worker may take it.
pub const LEASE: Duration = Duration::minutes(5);

/// Enqueues the latest occurrence of each schedule at or before `now`
/// unless it was enqueued before (by this process or another); returns how
/// many were enqueued. The job's payload names the occurrence
/// (`{"occurrence": RFC 3339}`). A schedule seen for the first time runs at
/// once when it is `Every`; a calendar schedule waits for its next
/// occurrence (a fresh install does not run last month's work).
pub fn schedule(db: &Db, periodic: &[Periodic], now: NaiveDateTime) -> Result<usize, AppError> {
    db.write(|conn| {
        let mut added = 0;
        for p in periodic {
            let Some(occurrence) = p.schedule.latest(now.and_utc()) else {
                continue;
            };
            let first_runs = matches!(p.schedule, Schedule::Every(_));
            let at = occurrence.naive_utc();
            if !queue::claim_occurrence(conn, p.kind, at, first_runs, now)? {
                continue;
            }
            let job = NewJob::now(
                p.kind,
                serde_json::json!({ "occurrence": occurrence.to_rfc3339() }),
                now,
            )
            .dedupe(format!("{}:{}", p.kind, occurrence.timestamp()));
            if queue::enqueue(conn, job, now)? {
                added += 1;
            }
        }
        Ok(added)
    })
}

/// Claims and runs up to `limit` ready jobs of the given kinds; returns how
/// many ran.
pub fn run_ready(
    db: &Db,
    kinds: &[Kind],
    worker: &str,
    limit: i64,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let names: Vec<&str> = kinds.iter().map(|k| k.name).collect();
    let claimed = queue::claim(db, worker, &names, limit, LEASE, now)?;
    for job in &claimed {
        let result = match kinds.iter().find(|k| k.name == job.kind) {
            Some(k) => (k.run)(job),
            None => Err(AppError::Internal(anyhow::anyhow!(
                "no handler for job kind {}",
                job.kind
            ))),
        };
        let finished = now.max(crate::ids::now());
        match result {
            Ok(()) => queue::complete(db, job, worker, finished)?,
            Err(e) => {
                tracing::warn!(kind = %job.kind, job = %job.id, attempt = job.attempts, error = %e, "job failed");
                queue::fail(db, job, worker, &e.to_string(), finished)?;
            }
        }
    }
    Ok(claimed.len())
}

/// The worker loop of one process, until the process ends.
pub async fn run(db: Db, kinds: Vec<Kind>, periodic: Vec<Periodic>, poll: StdDuration) {
    let worker = format!("{}-{}", std::process::id(), &crate::ids::new_id()[24..]);
    loop {
        let db = db.clone();
        let ks = kinds.clone();
        let ps = periodic.clone();
        let w = worker.clone();
        let ran = actix_web::web::block(move || {
            let now = crate::ids::now();
            schedule(&db, &ps, now)?;
            run_ready(&db, &ks, &w, 16, now)
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
