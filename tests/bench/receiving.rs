//! Receiving a 200-unit order with serials, the size the issue names:
//! each receipt creates 200 assets (tags from `assets.tag_pattern`,
//! serials checked against the register, supplier links, one history
//! entry each), its receipt rows and the order's move, in one
//! transaction. The register already holds the units of the rounds
//! before, so serial and tag checks run against a growing book.
//!
//!     cargo bench --bench receiving                      # SQLite, a temporary file
//!     BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/itdesk_bench \
//!         cargo bench --bench receiving                  # an empty PostgreSQL database
//!
//! `tests/bench/receiving.sh` runs both. Prints each round's receipt time,
//! the median and the slowest (target: under 1 s).

use std::sync::Arc;
use std::time::Instant;

use diesel::RunQueryDsl;
use itdesk::assets::import::tags::TagPattern;
use itdesk::config::Sources;
use itdesk::db::{Db, DbConn};
use itdesk::purchasing::dto::{OrderInput, ReceiptInput, TransitionInput};
use itdesk::purchasing::{Purchasing, service};
use itdesk::settings::Settings;
use serde_json::json;

const UNITS: usize = 200;
const ROUNDS: usize = 10;
const AT: &str = "2026-11-01 09:00:00";

fn exec(conn: &mut DbConn, sql: &str) {
    diesel::sql_query(sql).execute(conn).unwrap();
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
    println!("backend: {:?}", db.backend());
    db.write(|conn| {
        exec(conn, &format!("INSERT INTO users (id, email, display_name, role, is_active, created_at, updated_at, is_vip) VALUES ('admin0', 'admin@bench.example', 'Bench admin', 'admin', TRUE, '{AT}', '{AT}', FALSE)"));
        exec(conn, &format!("INSERT INTO users (id, email, display_name, role, is_active, created_at, updated_at, is_vip) VALUES ('buyer0', 'buyer@bench.example', 'Bench buyer', 'coordinator', TRUE, '{AT}', '{AT}', FALSE)"));
        exec(conn, &format!("INSERT INTO vendors (id, name, kind, notes, created_at, updated_at) VALUES ('v1', 'Bench Supply', 'reseller', '', '{AT}', '{AT}')"));
        exec(conn, &format!("INSERT INTO manufacturers (id, name, created_at) VALUES ('m1', 'Lenovo', '{AT}')"));
        exec(conn, &format!("INSERT INTO asset_models (id, manufacturer_id, name, category, depreciation_months, created_at, warranty_months) VALUES ('model1', 'm1', 'ThinkPad T14', 'laptop', 36, '{AT}', 36)"));
        exec(conn, &format!("INSERT INTO locations (id, name, created_at) VALUES ('loc1', 'Store room', '{AT}')"));
        Ok::<_, itdesk::error::AppError>(())
    })
    .unwrap();
    let person = |id: &'static str| {
        db.read(|conn| Ok::<_, itdesk::error::AppError>(itdesk::auth::people::find_user(conn, id)?))
            .unwrap()
            .unwrap()
    };
    // Four eyes: the buyer raises and receives, the admin approves.
    let (admin, buyer) = (person("admin0"), person("buyer0"));
    let p = Purchasing {
        db: db.clone(),
        settings: Arc::new(settings.purchasing.clone()),
        tag_pattern: Arc::new(
            TagPattern::parse_setting(&settings.assets.tag_pattern, "assets.tag_pattern").unwrap(),
        ),
    };
    let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let mut times = Vec::new();
    for round in 0..ROUNDS {
        let order: OrderInput =
            serde_json::from_value(json!({"vendor_id": "v1", "tax_percent": 19,
            "lines": [{"model_id": "model1", "quantity": UNITS, "unit_cost_minor": 139_900}]}))
            .unwrap();
        let id = service::create_order(&p, &buyer, &order, now).unwrap().id;
        for (who, to) in [
            (&buyer, "submitted"),
            (&admin, "approved"),
            (&buyer, "ordered"),
        ] {
            let t: TransitionInput = serde_json::from_value(json!({"to": to})).unwrap();
            service::transition(&p, who, &id, &t, now).unwrap();
        }
        let serials: Vec<String> = (0..UNITS).map(|u| format!("SN{round:02}{u:05}")).collect();
        let receipt: ReceiptInput = serde_json::from_value(json!({"location_id": "loc1",
            "lines": [{"line": 1, "quantity": UNITS, "serials": serials}]}))
        .unwrap();
        let t = Instant::now();
        let (o, fresh) = service::receive(&p, &buyer, &id, &receipt, None, now).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert!(fresh && o.status.as_str() == "received");
        println!("round {}: received {UNITS} units in {ms:.0} ms", round + 1);
        times.push(ms);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{ROUNDS} receipts of {UNITS} units with serials: median {:.0} ms, slowest {:.0} ms (target < 1000)",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
