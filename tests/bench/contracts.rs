//! The daily contracts pass at the size the issue names: 10,000 contracts
//! (50 vendors, 200 owners; ends spread over three years, most
//! auto-renewing with a notice period, some terminated, some drafts).
//!
//!     cargo bench --bench contracts                      # SQLite, a temporary file
//!     BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/itdesk_bench \
//!         cargo bench --bench contracts                  # an empty PostgreSQL database
//!
//! `tests/bench/contracts.sh` runs both. With `BENCH_LOAD_ONLY=1` it only
//! loads the contracts and stops (`tests/bench/contracts_listing.sh` then
//! serves them and measures the listing with wrk). Prints the load time, the first
//! pass (the catch-up of a fresh install: every deadline inside its window
//! owes one reminder), then 30 daily passes — renewals, reminders and their
//! digests queued in the outbox — with their median and slowest time
//! (target: a daily pass under 200 ms).

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use diesel::RunQueryDsl;
use itdesk::config::Sources;
use itdesk::db::{Db, DbConn};
use itdesk::outbox::MailFrom;
use itdesk::settings::Settings;
use itdesk::sla::registry::{InForce, Registry};
use itdesk::vendors::Vendors;
use itdesk::vendors::service;
use itdesk::vendors::terms::{Notice, notice_deadline};

const CONTRACTS: usize = 10_000;
const VENDORS: usize = 50;
const OWNERS: usize = 200;
const AT: &str = "2026-11-01 09:00:00";

fn exec(conn: &mut DbConn, sql: &str) {
    diesel::sql_query(sql).execute(conn).unwrap();
}

/// Inserts `rows` (SQL value tuples) in statements of 1,000.
fn insert(conn: &mut DbConn, head: &str, rows: impl Iterator<Item = String>) {
    let rows: Vec<String> = rows.collect();
    for chunk in rows.chunks(1000) {
        exec(conn, &format!("{head} VALUES {}", chunk.join(",")));
    }
}

/// Inserts the contracts; with `deadlines` their stored notice deadline
/// too (else the first pass fills it in, as for rows written before
/// migration 000027).
fn load(db: &Db, today: NaiveDate, deadlines: bool) {
    db.write(|conn| {
        insert(conn, "INSERT INTO users (id, email, display_name, role, is_active, created_at, updated_at, is_vip)",
            (0..OWNERS).map(|u| format!("('o{u:04}', 'owner{u:04}@example.org', 'Owner {u}', 'coordinator', TRUE, '{AT}', '{AT}', FALSE)")));
        insert(conn, "INSERT INTO vendors (id, name, kind, notes, created_at, updated_at)",
            (0..VENDORS).map(|v| format!("('v{v:03}', 'Vendor {v:03}', 'msp', '', '{AT}', '{AT}')")));
        insert(conn, "INSERT INTO contracts (id, vendor_id, kind, title, owner_id, draft, starts_on, ends_on, auto_renew, \
            renewal_months, notice_months, notice_days, amount_minor, currency, billing, terminates_on, notes, created_at, updated_at, \
            notice_deadline)",
            (0..CONTRACTS).map(|c| {
                // Ends from 100 days ago to 1,000 days ahead.
                let ends = today + Duration::days((c as i64 * 7919) % 1100 - 100);
                let starts = ends - Duration::days(365);
                let auto = c % 10 < 7;
                let draft = c % 50 == 0;
                let (months, days, notice) = match c % 3 {
                    0 => ("1", "NULL".to_owned(), Notice::Months(1)),
                    1 => ("3", "NULL".to_owned(), Notice::Months(3)),
                    _ => ("NULL", "60".to_owned(), Notice::Days(60)),
                };
                let deadline = if deadlines {
                    format!("'{}'", notice_deadline(ends, notice))
                } else {
                    "NULL".into()
                };
                let terminated = if c % 20 == 1 { format!("'{ends}'") } else { "NULL".into() };
                format!("('k{c:05}', 'v{:03}', 'support', 'Contract {c}', 'o{:04}', {draft}, '{starts}', '{ends}', {auto}, 12, {months}, {days}, 100000, 'EUR', 'annual', {terminated}, '', '{AT}', '{AT}', {deadline})",
                    c % VENDORS, c % OWNERS)
            }));
        Ok::<_, itdesk::error::AppError>(())
    })
    .unwrap();
    if db.backend() == itdesk::db::Backend::Postgres {
        // What autovacuum leaves behind on a live database: statistics and
        // the visibility map (index-only counts). Outside a transaction.
        db.with_writer(|conn| exec(conn, "VACUUM ANALYZE")).unwrap();
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let settings = Settings::load(&Sources {
        database_url: Some(url),
        ..Sources::default()
    })
    .unwrap();
    let db = Db::connect(&settings.database).unwrap();
    itdesk::db::migrations::run(&db).unwrap();
    let registry = Registry::compile(&settings.calendars, &settings.sla_policies, 0).unwrap();
    let vendors = Vendors {
        db: db.clone(),
        settings: Arc::new(settings.vendors.clone()),
        mail_from: Arc::new(MailFrom {
            address: "helpdesk@bench.example".into(),
            display_name: "Bench helpdesk".into(),
            public_url: "http://localhost:8080".into(),
        }),
        calendars: Arc::new(InForce::new(registry)),
        files: Arc::new(settings.attachments.clone()),
    };
    println!("backend: {:?}", db.backend());
    let load_only = std::env::var_os("BENCH_LOAD_ONLY").is_some();
    // Loaded for a server to list, the dates are around the real today.
    let today = if load_only {
        chrono::Utc::now().date_naive()
    } else {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    };
    let t = Instant::now();
    load(&db, today, load_only);
    println!(
        "loaded {CONTRACTS} contracts ({VENDORS} vendors, {OWNERS} owners) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    if load_only {
        return;
    }

    let noon = |d: NaiveDate| d.and_hms_opt(7, 0, 0).unwrap();
    let t = Instant::now();
    let first = service::run_pass(&vendors, today, noon(today)).unwrap();
    println!(
        "first pass (catch-up): {} renewed, {} reminders in {} mails: {:.0} ms",
        first.renewed.len(),
        first.reminders.len(),
        first.mails,
        ms(t)
    );
    let mut times = Vec::new();
    let (mut renewed, mut reminders, mut mails) = (0, 0, 0);
    for n in 1..=30 {
        let day = today + Duration::days(n);
        let t = Instant::now();
        let p = service::run_pass(&vendors, day, noon(day)).unwrap();
        times.push(ms(t));
        renewed += p.renewed.len();
        reminders += p.reminders.len();
        mails += p.mails;
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "30 daily passes ({renewed} renewed, {reminders} reminders in {mails} mails): median {:.0} ms, slowest {:.0} ms (target < 200)",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    let t = Instant::now();
    let again = service::run_pass(
        &vendors,
        today + Duration::days(30),
        noon(today + Duration::days(30)),
    )
    .unwrap();
    assert!(
        again.reminders.is_empty(),
        "a second pass the same day sends nothing"
    );
    println!("the same day again (nothing to send): {:.0} ms", ms(t));
}
