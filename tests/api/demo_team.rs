//! The demo reads like a working team: replies mostly inside their
//! targets, a few breaches recorded when they happened, nothing fired
//! "now" when it loads, and an asset register with models, places,
//! check-outs and timelines.

use std::process::Command;

use chrono::Duration;
use diesel::prelude::*;
use itdesk::config::Sources;
use itdesk::db::Db;
use itdesk::db::schema::{asset_checkouts, assets, audit_events};
use itdesk::settings::Settings;

use crate::helpers::TestDb;

fn itdesk(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itdesk"));
    cmd.env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args(["--database-url", &db.url]);
    cmd
}

#[test]
fn the_demo_team_keeps_its_targets_and_its_history_is_dated_when_it_happened() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let out = itdesk(&db).arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(" 40 assets, 12 licensed products, 6 contracts and 4 purchase orders"),
        "{said}"
    );
    // The license book is alive: some covered, some at risk, some short,
    // one older version covered by a newer one's downgrade rights.
    let audit = itdesk(&db)
        .args([
            "export",
            "license-audit",
            "--format",
            "csv",
            "--sheet",
            "summary",
        ])
        .output()
        .unwrap();
    assert!(
        audit.status.success(),
        "{}",
        String::from_utf8_lossy(&audit.stderr)
    );
    let summary = String::from_utf8_lossy(&audit.stdout);
    let rows: Vec<Vec<&str>> = summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let products: std::collections::HashSet<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(products.len(), 12, "{summary}");
    for status in ["compliant", "at_risk", "non_compliant"] {
        assert!(
            rows.iter().any(|r| r[7] == status),
            "a {status} position: {summary}"
        );
    }
    assert!(
        rows.iter().any(|r| r[8] != "0"),
        "downgrade rights at work: {summary}"
    );

    let settings = Settings::load(&Sources {
        database_url: Some(db.url.clone()),
        ..Sources::default()
    })
    .unwrap();
    let handle = Db::connect(&settings.database).unwrap();
    let now = itdesk::ids::now();
    let (sla_events, recent_sla, open_breached, open, (late_closed, closed)) = handle
        .read(|conn| {
            let sla_events: Vec<(String, chrono::NaiveDateTime)> = audit_events::table
                .filter(audit_events::action.like("sla_%"))
                .select((audit_events::action, audit_events::occurred_at))
                .load(conn)?;
            let recent = sla_events
                .iter()
                .filter(|(_, at)| *at > now - Duration::minutes(10))
                .count();
            use itdesk::db::schema::tickets;
            let open: i64 = tickets::table
                .filter(tickets::is_open.eq(true))
                .count()
                .get_result(conn)?;
            let open_breached: i64 = tickets::table
                .filter(tickets::is_open.eq(true))
                .filter(tickets::sla_state.eq("breached"))
                .count()
                .get_result(conn)?;
            let closed: i64 = tickets::table
                .filter(tickets::is_open.eq(false))
                .count()
                .get_result(conn)?;
            let late_closed: i64 = tickets::table
                .filter(tickets::is_open.eq(false))
                .filter(tickets::sla_state.eq("breached"))
                .count()
                .get_result(conn)?;
            Ok::<_, itdesk::error::AppError>((
                sla_events,
                recent,
                open_breached,
                open,
                (late_closed, closed),
            ))
        })
        .unwrap();
    assert_eq!(recent_sla, 0, "nothing fired now: {sla_events:?}");
    assert!(
        sla_events.iter().any(|(a, _)| a == "sla_breached"),
        "a few breaches, dated in the past: {sla_events:?}"
    );
    // About one ticket in sixteen is late (src/demo/generate.rs, `pace`);
    // how many of those breach depends on where the run's clock falls in
    // the business week, so the bound is a share, not a count.
    assert!(
        late_closed >= 1 && late_closed * 6 <= closed,
        "a few late tickets: {late_closed} of {closed} closed"
    );
    assert!(open > 0, "some work is going on");
    assert!(
        open_breached <= 1,
        "{open_breached} of {open} open tickets breached"
    );

    // A scan afterwards has nothing left to fire.
    let out = itdesk(&db).args(["sla", "scan"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after: i64 = handle
        .read(|conn| {
            audit_events::table
                .filter(audit_events::action.like("sla_%"))
                .count()
                .get_result::<i64>(conn)
                .map_err(itdesk::error::AppError::from)
        })
        .unwrap();
    assert_eq!(after as usize, sla_events.len());

    // The register: devices with people, in stock, retired; timelines over
    // years, not all stamped at load time.
    let (count, out_now, oldest) = handle
        .read(|conn| {
            let count: i64 = assets::table.count().get_result(conn)?;
            let out_now: i64 = asset_checkouts::table
                .filter(asset_checkouts::checked_in_at.is_null())
                .count()
                .get_result(conn)?;
            let oldest: Option<chrono::NaiveDateTime> = audit_events::table
                .filter(audit_events::entity_type.eq("asset"))
                .select(diesel::dsl::min(audit_events::occurred_at))
                .first(conn)?;
            Ok::<_, itdesk::error::AppError>((count, out_now, oldest))
        })
        .unwrap();
    // 40 registered by the demo, 7 received from its purchase orders.
    assert_eq!(count, 47);
    // Vendors at work: a contract inside its notice window, tickets
    // handed to vendors.
    let due = itdesk(&db)
        .args([
            "export",
            "contracts",
            "--format",
            "csv",
            "--status",
            "notice_due",
        ])
        .output()
        .unwrap();
    assert!(
        due.status.success(),
        "{}",
        String::from_utf8_lossy(&due.stderr)
    );
    assert!(
        String::from_utf8_lossy(&due.stdout).lines().count() >= 2,
        "a header and at least one contract to decide on"
    );
    let escalated: i64 = handle
        .read(|conn| {
            itdesk::db::schema::vendor_escalations::table
                .count()
                .get_result::<i64>(conn)
                .map_err(itdesk::error::AppError::from)
        })
        .unwrap();
    assert!(escalated >= 2, "{escalated} tickets handed to vendors");
    assert!(out_now >= 15, "{out_now} devices handed out");
    assert!(oldest.unwrap() < now - Duration::days(365), "{oldest:?}");
}
