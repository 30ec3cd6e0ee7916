//! The ticket listings of `tests/bench/tickets.sh` without HTTP: the same
//! `list_tickets` the handler calls (names resolved, the page read, the
//! names of its people, queues and categories read), timed in-process on a
//! loaded database — the floor under the listing's HTTP figures.
//!
//!     BENCH_DATABASE_URL=sqlite:///path/to/loaded.db cargo bench --bench ticket_listing
//!     BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/itdesk_bench \
//!         cargo bench --bench ticket_listing
//!
//! `BENCH_SECONDS` (default 10) per listing and concurrency, `BENCH_THREADS`
//! (default 8, the clients of the HTTP run). Prints, for each listing, one
//! `SQL name=… threads=… calls=… duration_us=… p50_us=… p99_us=…` line
//! with 1 thread and with `BENCH_THREADS`.

use std::time::{Duration, Instant};

use itdesk::auth::Role;
use itdesk::config::Sources;
use itdesk::db::Db;
use itdesk::settings::Settings;
use itdesk::tickets::dto::ListParams;
use itdesk::tickets::service::list_tickets;

/// (name, parameters) of each listing, as `tickets.sh` asks for them.
fn listings() -> Vec<(&'static str, ListParams)> {
    vec![
        (
            "queue",
            ListParams {
                status: Some("open".into()),
                queue: Some("network".into()),
                sort: Some("priority".into()),
                limit: Some(50),
                ..ListParams::default()
            },
        ),
        (
            "assignee",
            ListParams {
                status: Some("open".into()),
                assignee: Some("agent@example.org".into()),
                sort: Some("-created_at".into()),
                limit: Some(50),
                ..ListParams::default()
            },
        ),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> u128 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_micros()
}

fn main() {
    let url = std::env::var("BENCH_DATABASE_URL")
        .expect("BENCH_DATABASE_URL: the database tickets.sh loaded");
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let threads: usize = std::env::var("BENCH_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let settings = Settings::load(&Sources {
        database_url: Some(url),
        ..Sources::default()
    })
    .unwrap();
    let db = Db::connect(&settings.database).unwrap();
    let mut actor = db
        .read(|conn| {
            itdesk::auth::people::find_user_by_email(conn, "agent@example.org")
                .map_err(itdesk::error::AppError::from)
        })
        .unwrap()
        .expect("agent@example.org: load the demo data first");
    // A coordinator sees every ticket, as the benchmark's token does.
    actor.role = Role::Coordinator;
    println!("backend: {:?}", db.backend());
    for (name, params) in listings() {
        let page = list_tickets(&db, &settings.api, &actor, &params).unwrap();
        println!("{name}: {} rows on the first page", page.items.len());
        for n in [1, threads] {
            // A second of warm-up, then the measured run.
            run(&db, &settings, &actor, &params, n, Duration::from_secs(1));
            let (calls, took, mut times) = run(
                &db,
                &settings,
                &actor,
                &params,
                n,
                Duration::from_secs(seconds),
            );
            times.sort();
            println!(
                "SQL name={name} threads={n} calls={calls} duration_us={} p50_us={} p99_us={}",
                took.as_micros(),
                percentile(&times, 0.5),
                percentile(&times, 0.99)
            );
        }
    }
}

/// `n` threads listing for `time`: calls, the time taken, each call's time.
fn run(
    db: &Db,
    settings: &Settings,
    actor: &itdesk::auth::User,
    params: &ListParams,
    n: usize,
    time: Duration,
) -> (usize, Duration, Vec<Duration>) {
    let start = Instant::now();
    let all: Vec<Vec<Duration>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    while start.elapsed() < time {
                        let t = Instant::now();
                        list_tickets(db, &settings.api, actor, params).unwrap();
                        mine.push(t.elapsed());
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let took = start.elapsed();
    let times: Vec<Duration> = all.into_iter().flatten().collect();
    (times.len(), took, times)
}
