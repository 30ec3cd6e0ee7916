//! `itdesk demo`: a living helpdesk for newcomers (people, queues,
//! categories, months of tickets with conversations and history), and the
//! bulk loader the benchmarks use for a million tickets. Deterministic for a
//! given seed; writes in batches of a thousand tickets per transaction.

pub mod assets;
mod catalog;
mod generate;
pub mod licenses;
pub mod onboarding;
mod people;
pub mod purchasing;
mod turns;
pub mod vendors;

use generate::{Batch, World, generate_ticket};
use people::{ensure_catalog, ensure_requesters, ensure_staff};

use chrono::{Duration, NaiveDateTime};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::auth::{Role, User, password};
use crate::db::Db;
use crate::error::AppError;
use crate::tickets::domain::PriorityMatrix;
use crate::tickets::service::bulk;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "itdesk-demo";

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub tickets: usize,
    pub months: u32,
    pub requesters: usize,
    pub seed: u64,
    /// Add tickets even if the database already has some.
    pub append: bool,
    /// Leave every ticket open (load tests of the queue and the SLA timers).
    pub all_open: bool,
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            tickets: 400,
            months: 6,
            requesters: 60,
            seed: 2026,
            append: false,
            all_open: false,
            progress: true,
        }
    }
}

/// How far back the demo's service levels are worked out in full (closed
/// tickets too, with their breaches dated when they happened).
pub const SLA_HISTORY_DAYS: i64 = 90;

/// Works out the service levels of the demo's tickets: every open one,
/// and the closed ones of the last [`SLA_HISTORY_DAYS`] days. Returns how
/// many tickets are open.
pub fn settle_service_levels(
    sla: &crate::sla::Sla,
    opts: &Options,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let open = crate::sla::worker::recompute_all(sla, now)?;
    if !opts.all_open {
        let from = now - Duration::days(SLA_HISTORY_DAYS);
        crate::sla::worker::recompute_filed_since(sla, from, now)?;
    }
    Ok(open)
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub people_created: usize,
    pub tickets: usize,
    pub comments: usize,
    pub history_events: usize,
}

const BATCH: usize = 1000;

/// Loads the demo data.
pub fn load(
    db: &Db,
    matrix: &PriorityMatrix,
    opts: &Options,
    now: NaiveDateTime,
) -> Result<Summary, AppError> {
    let existing = bulk::count(db)?;
    if existing > 0 && !opts.append {
        return Err(AppError::conflict(
            "not_empty",
            format!(
                "the database already holds {existing} tickets; demo data is meant for an empty database (add --append to add tickets anyway)"
            ),
        ));
    }
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut summary = Summary::default();
    let hash = password::hash(DEMO_PASSWORD)?;
    let (staff, requesters, queues, categories) = db.write(|conn| {
        let mut created = 0;
        let staff = ensure_staff(conn, &hash, now, &mut created)?;
        let requesters =
            ensure_requesters(conn, &hash, opts.requesters, now, &mut created, &mut rng)?;
        let (queues, categories) = ensure_catalog(conn, now)?;
        summary.people_created = created;
        Ok::<_, AppError>((staff, requesters, queues, categories))
    })?;
    let agents: Vec<&User> = staff
        .iter()
        .filter(|u| matches!(u.role, Role::Agent | Role::Coordinator))
        .collect();
    let span = Duration::days(30 * i64::from(opts.months.max(1)));
    let start = now - span;
    let bar = progress_bar(opts);
    let mut done = 0usize;
    while done < opts.tickets {
        let n = BATCH.min(opts.tickets - done);
        let world = World {
            agents: &agents,
            requesters: &requesters,
            queues: &queues,
            categories: &categories,
            matrix,
            now,
            all_open: opts.all_open,
        };
        let batch = db.write(|conn| {
            let first_number = bulk::reserve_numbers(conn, n as i64)?;
            let mut batch = Batch::default();
            for i in 0..n {
                let position = (done + i) as f64 / opts.tickets.max(1) as f64;
                let created = start
                    + Duration::seconds((span.num_seconds() as f64 * position) as i64)
                    + Duration::seconds(rng.random_range(0..600));
                generate_ticket(
                    &world,
                    &mut rng,
                    first_number + i as i64,
                    created.min(now),
                    &mut batch,
                );
            }
            batch.write(conn)?;
            Ok::<_, AppError>(batch)
        })?;
        summary.tickets += batch.tickets.len();
        summary.comments += batch.comments.len();
        summary.history_events += batch.events.len();
        done += n;
        bar.set_position(done as u64);
    }
    bar.finish_and_clear();
    Ok(summary)
}

fn progress_bar(opts: &Options) -> ProgressBar {
    if !opts.progress || opts.tickets < 5 * BATCH {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(opts.tickets as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} tickets ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
