//! The license register at the size the issue names: 10,000 devices × 150
//! installations (1,500,000 rows, about 6,000 software titles), 500
//! products with 1,500 rules and one entitlement each.
//!
//!     cargo bench --bench licenses                       # SQLite, a temporary file
//!     BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/itdesk_bench \
//!         cargo bench --bench licenses                   # an empty PostgreSQL database
//!
//! `tests/bench/licenses.sh` runs both. Prints the load time, then:
//! a full re-resolution plus all positions (target < 5 s), positions alone
//! (target < 500 ms, median of 5), one new inventory of 150 packages and the
//! affected positions current again (target < 100 ms), and the audit XLSX
//! (target < 10 s) with the process's peak memory (target < 300 MB).

use std::sync::Arc;
use std::time::Instant;

use diesel::RunQueryDsl;
use itdesk::assets::inventory::{self, Report, Software};
use itdesk::config::Sources;
use itdesk::db::{Db, DbConn};
use itdesk::licenses::Licenses;
use itdesk::licenses::dto::{EntitlementInput, NewProduct, NewRule};
use itdesk::licenses::service;
use itdesk::settings::Settings;

const DEVICES: usize = 10_000;
const PER_DEVICE_LICENSED: usize = 20;
const PER_DEVICE_OTHER: usize = 130;
const PRODUCTS: usize = 500;
const PEOPLE: usize = 4_000;
const EDITIONS: [&str; 3] = ["Pro", "Std", "Lite"];
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

/// The titles: (name, version, publisher); the licensed ones first.
fn titles() -> (Vec<(String, String, String)>, usize) {
    let mut out = Vec::new();
    for k in 0..PRODUCTS {
        let editions = if k < 450 { 3 } else { 2 };
        for e in &EDITIONS[..editions] {
            for v in ["2023", "2024"] {
                out.push((
                    format!("Vendor{k:03} Suite {e} {v}"),
                    format!("{v}.1"),
                    format!("Vendor{k:03} Inc."),
                ));
            }
        }
    }
    let licensed = out.len();
    for j in 0..300 {
        for v in ["1.0", "2.0"] {
            out.push((
                format!("Runtime {j:03} (x64)"),
                v.into(),
                "Runtime Makers GmbH".into(),
            ));
        }
    }
    for j in 0..2_500 {
        out.push((format!("Tool {j:04}"), "1.0".into(), "Free Software".into()));
    }
    (out, licensed)
}

fn load(db: &Db) -> usize {
    let (titles, licensed) = titles();
    let others = titles.len() - licensed;
    db.write(|conn| {
        insert(conn, "INSERT INTO users (id, email, display_name, role, is_active, created_at, updated_at, is_vip)",
            (0..PEOPLE).map(|u| format!("('u{u:05}', 'p{u:05}@example.org', 'Person {u}', 'requester', TRUE, '{AT}', '{AT}', FALSE)")));
        insert(conn, "INSERT INTO assets (id, asset_tag, hostname, status, needs_review, assignee_id, notes, custom_fields, created_at, updated_at, cpu_name, cpu_cores, last_inventory_at)",
            (0..DEVICES).map(|d| {
                let who = if d % 10 == 9 { "NULL".to_owned() } else { format!("'u{:05}'", d % PEOPLE) };
                let cpu = if d % 2 == 0 { "Intel(R) Xeon(R) Gold" } else { "AMD EPYC" };
                format!("('a{d:05}', 'IT-{d:05}', 'pc-{d:05}', 'deployed', FALSE, {who}, '', '{{}}', '{AT}', '{AT}', '{cpu}', {}, '{AT}')", 4 + (d % 8) * 4)
            }));
        insert(conn, "INSERT INTO asset_hardware (asset_id, cpu_sockets)",
            (0..DEVICES).map(|d| format!("('a{d:05}', {})", 1 + d % 2)));
        insert(conn, "INSERT INTO software_titles (id, name, version, publisher)",
            titles.iter().enumerate().map(|(i, (n, v, p))| format!("('t{i:05}', '{n}', '{v}', '{p}')")));
        let mut n = 0usize;
        let mut rows = Vec::with_capacity(10_000);
        for d in 0..DEVICES {
            let picks = (0..PER_DEVICE_LICENSED)
                .map(|i| (d * 7 + i * 149) % licensed)
                .chain((0..PER_DEVICE_OTHER).map(|i| licensed + (d * 11 + i * 23) % others));
            for t in picks {
                let (name, version, publisher) = &titles[t];
                rows.push(format!("('i{n:07}', 'a{d:05}', '{name}', '{version}', '{publisher}', '{AT}', '{AT}', 't{t:05}')"));
                n += 1;
            }
            if rows.len() >= 10_000 {
                insert(conn, "INSERT INTO software_installations (id, asset_id, name, version, publisher, first_seen, last_seen, title_id)", rows.drain(..));
            }
        }
        insert(conn, "INSERT INTO software_installations (id, asset_id, name, version, publisher, first_seen, last_seen, title_id)", rows.drain(..));
        Ok::<_, itdesk::error::AppError>(())
    })
    .unwrap();
    if db.backend() == itdesk::db::Backend::Postgres {
        db.write(|conn| {
            exec(conn, "ANALYZE");
            Ok::<_, itdesk::error::AppError>(())
        })
        .unwrap();
    }
    titles.len()
}

fn catalog(lic: &Licenses, admin: &itdesk::auth::User) {
    let at = itdesk::ids::now();
    for j in 0..50 {
        let rule = NewRule {
            name_pattern: format!("Runtime {j:03}*"),
            exclude: true,
            ..NewRule::default()
        };
        service::create_rule(&lic.db, admin, &rule, at).unwrap();
    }
    for k in 0..PRODUCTS {
        let p = service::create_product(
            &lic.db,
            admin,
            &NewProduct {
                publisher: format!("Vendor{k:03}"),
                name: "Suite".into(),
                ..NewProduct::default()
            },
            at,
        )
        .unwrap();
        let editions = if k < 450 { 3 } else { 2 };
        for e in &EDITIONS[..editions] {
            let rule = NewRule {
                product_id: Some(p.id.clone()),
                name_pattern: format!("Vendor{k:03} Suite {e}*"),
                publisher_pattern: Some(format!("Vendor{k:03}")),
                ..NewRule::default()
            };
            service::create_rule(&lic.db, admin, &rule, at).unwrap();
        }
        let metric = match k % 10 {
            0..=5 => "device",
            6..=8 => "user",
            _ => "core",
        };
        let core = metric == "core";
        let input = EntitlementInput {
            product_id: Some(p.id),
            metric: Some(metric.into()),
            quantity: Some(if core { 2_000 } else { 350 }),
            unit_cost_minor: Some(Some(10_000)),
            currency: Some(Some("EUR".into())),
            min_cores_per_processor: Some(core.then_some(4)),
            core_pack: Some(core.then_some(2)),
            ..EntitlementInput::default()
        };
        service::create_entitlement(&lic.db, admin, &input, at).unwrap();
    }
}

/// A memory line of /proc/self/status (`VmRSS`, `VmHWM`), in MB.
fn memory_mb(line: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(line))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
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
    let lic = Licenses {
        db: db.clone(),
        settings: Arc::new(settings.licenses.clone()),
    };
    db.write(|conn| {
        exec(conn, &format!("INSERT INTO users (id, email, display_name, role, is_active, created_at, updated_at, is_vip) VALUES ('admin0', 'admin@bench.example', 'Bench admin', 'admin', TRUE, '{AT}', '{AT}', FALSE)"));
        Ok::<_, itdesk::error::AppError>(())
    })
    .unwrap();
    let admin = db
        .read(|conn| {
            Ok::<_, itdesk::error::AppError>(itdesk::auth::people::find_user(conn, "admin0")?)
        })
        .unwrap()
        .unwrap();
    println!("backend: {:?}", db.backend());

    let t = Instant::now();
    catalog(&lic, &admin);
    let titles = load(&db);
    println!(
        "loaded {DEVICES} devices × {} installations ({titles} titles), {PRODUCTS} products, 1500 rules in {:.1} s",
        PER_DEVICE_LICENSED + PER_DEVICE_OTHER,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let resolved = service::resolve_all(&db, &admin).unwrap();
    let p = service::positions(&lic, &admin, None).unwrap();
    println!(
        "full re-resolution ({} titles: {} to products) + {} positions: {:.0} ms (target < 5000)",
        resolved.titles,
        resolved.products,
        p.items.len(),
        ms(t)
    );

    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            service::positions(&lic, &admin, None).unwrap();
            ms(t)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    println!(
        "positions alone: median {:.0} ms, worst {:.0} ms (target < 500)",
        runs[2], runs[4]
    );

    // Device 0 reports again: its packages, five of them newer versions
    // never seen before, so five new titles of licensed products.
    let (all, licensed) = self::titles();
    let mut software: Vec<Software> = (0..PER_DEVICE_LICENSED)
        .map(|i| i * 149 % licensed)
        .chain((0..PER_DEVICE_OTHER).map(|i| licensed + i * 23 % (all.len() - licensed)))
        .map(|t| Software {
            name: all[t].0.clone(),
            version: all[t].1.clone(),
            publisher: Some(all[t].2.clone()),
        })
        .collect();
    for s in software.iter_mut().take(5) {
        s.version = "2025.1".into();
    }
    let report = Report {
        device_id: "pc-00000".into(),
        asset_tag: Some("IT-00000".into()),
        software,
        ..Report::default()
    };
    inventory::apply(&db, &report, itdesk::ids::now()).unwrap();
    let t = Instant::now();
    let products = service::products(&db, &admin).unwrap();
    let mut n = 0;
    for s in report.software.iter().take(5) {
        let publisher = s
            .publisher
            .as_deref()
            .unwrap_or("")
            .trim_end_matches(" Inc.");
        if let Some(p) = products.iter().find(|p| p.publisher == publisher) {
            service::position(&lic, &admin, &p.id, None).unwrap();
            n += 1;
        }
    }
    println!(
        "one inventory of 150 packages (5 new titles): the {n} affected positions current in {:.0} ms (target < 100)",
        ms(t)
    );

    // Peak memory from here on: the audit itself, on top of what the
    // process already holds (connection caches included).
    let before = memory_mb("VmRSS:");
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let t = Instant::now();
    let req = service::audit_file::AuditRequest {
        as_of: None,
        products: Vec::new(),
        format: itdesk::export::Format::Xlsx,
        sheet: None,
    };
    let mut out = Vec::new();
    service::audit_file::write_audit(&lic, &admin, &req, &mut out).unwrap();
    println!(
        "audit XLSX: {:.1} MB in {:.1} s (target < 10 s); memory of this process: {before:.0} MB before, {:.0} MB at the peak while writing it (target < 300)",
        out.len() as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        memory_mb("VmHWM:")
    );
}
