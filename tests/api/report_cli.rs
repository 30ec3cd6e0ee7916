//! `itdesk report` on the demo: every demo month has a living report, the
//! register sections agree with the registers' own exports, the formats
//! are what they say, and a month freezes once.

use std::process::Command;

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::Value;

use crate::helpers::TestDb;

fn itdesk(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itdesk"));
    cmd.env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args(["--database-url", &db.url]);
    cmd
}

fn run(db: &TestDb, args: &[&str]) -> (i32, String, String) {
    let out = itdesk(db).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(db: &TestDb, args: &[&str]) -> Value {
    let (code, out, err) = run(db, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// The months the demo's tickets span, oldest first (in Berlin, the
/// report's zone; the demo ends now).
fn demo_months() -> Vec<String> {
    let today = chrono::Utc::now().date_naive();
    let mut m = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap();
    let mut out = Vec::new();
    for _ in 0..6 {
        out.push(m.format("%Y-%m").to_string());
        m = (m - Duration::days(1)).with_day(1).unwrap();
    }
    out.reverse();
    out
}

#[test]
fn the_demo_has_a_living_report_for_each_month_that_agrees_with_its_registers() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (code, _, err) = run(&db, &["demo"]);
    assert_eq!(code, 0, "{err}");
    let months = demo_months();
    // The first month is partly before the demo's six months began.
    for m in &months[1..] {
        let r = json(
            &db,
            &["report", "monthly", "--month", m, "--format", "json"],
        );
        let t = &r["tickets"];
        assert!(t["created"]["total"].as_u64().unwrap() > 0, "{m}: {t}");
        if m != months.last().unwrap() {
            assert!(t["resolved"].as_u64().unwrap() > 0, "{m}: {t}");
            assert!(r["sla"]["attainment"].as_f64().is_some(), "{m}");
        }
    }
    let this = months.last().unwrap();
    let r = json(&db, &["report", "monthly", "--month", this]);
    // This month's end is ahead: assets stand as they are now.
    let assets = json(&db, &["export", "assets", "--format", "json"]);
    let mut by_status = std::collections::BTreeMap::<String, u64>::new();
    for a in assets.as_array().unwrap() {
        *by_status
            .entry(a["status"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let reported: std::collections::BTreeMap<String, u64> =
        serde_json::from_value(r["assets"]["by_status"].clone()).unwrap();
    assert_eq!(
        reported, by_status,
        "assets by status, as the register exports them"
    );
    let contracts = json(&db, &["export", "contracts", "--format", "json"]);
    let last_day = NaiveDate::parse_from_str(&format!("{this}-01"), "%Y-%m-%d").unwrap()
        + chrono::Months::new(1)
        - Duration::days(1);
    let ahead = |d: &Value| {
        d.as_str()
            .and_then(|s| s.parse::<NaiveDate>().ok())
            .is_some_and(|d| d > last_day && d <= last_day + Duration::days(90))
    };
    let notices = contracts
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["status"] != "terminated" && c["status"] != "expired" && ahead(&c["notice_deadline"])
        })
        .count();
    assert_eq!(
        r["contracts"]["notice_deadlines_90d"]
            .as_array()
            .unwrap()
            .len(),
        notices,
        "{}",
        r["contracts"]
    );
    assert!(
        r["licenses"]["positions"].as_u64().unwrap() > 0,
        "{}",
        r["licenses"]
    );
    // The demo's orders were placed this month; the laptops are half in.
    let p = &r["purchasing"];
    assert!(p["orders_placed"].as_u64().unwrap() > 0, "{p}");
    assert!(p["open_orders"].as_u64().unwrap() > 0, "{p}");
    assert_ne!(p["open_commitment"], "0.00", "{p}");

    let previous = &months[months.len() - 2];
    let (code, said, err) = run(&db, &["report", "freeze", "--month", previous]);
    assert_eq!(code, 0, "{err}");
    assert!(said.contains("frozen"), "{said}");
    let (code, _, err) = run(&db, &["report", "freeze", "--month", previous]);
    assert_eq!(code, 3, "frozen already: {err}");
    assert!(err.contains("an admin may refreeze"), "{err}");
    let frozen = json(&db, &["report", "monthly", "--month", previous]);
    assert_eq!(frozen["frozen"], true);

    let csv = run(
        &db,
        &["report", "monthly", "--month", previous, "--format", "csv"],
    )
    .1;
    assert!(
        csv.starts_with("section,metric,dimension,value,unit\r\n"),
        "{csv}"
    );
    // Every row has the five columns (quoted where a name has a comma), and
    // the rows say what the frozen JSON says.
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    assert!(rows.iter().all(|r| r.len() == 5), "{csv}");
    let value = |section: &str, metric: &str| {
        rows.iter()
            .find(|r| r[0] == *section && r[1] == *metric && r[2].is_empty())
            .map(|r| r[3].to_owned())
            .unwrap_or_else(|| panic!("no {section}.{metric} row in {csv}"))
    };
    assert_eq!(
        value("tickets", "created"),
        frozen["tickets"]["created"]["total"].to_string()
    );
    assert_eq!(
        value("tickets", "backlog_end"),
        frozen["tickets"]["backlog_end"].to_string()
    );
    assert_eq!(
        value("purchasing", "open_orders"),
        frozen["purchasing"]["open_orders"].to_string()
    );
    let sections: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[0]).collect();
    for s in itdesk::metrics::figures::SECTIONS {
        assert!(sections.contains(s), "no {s} rows in {csv}");
    }
    let file = dir.path().join("report.xlsx");
    let (code, _, err) = run(
        &db,
        &[
            "report",
            "monthly",
            "--month",
            previous,
            "--format",
            "xlsx",
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let book = crate::zip::member(&std::fs::read(&file).unwrap(), "xl/workbook.xml").unwrap();
    for sheet in [
        "About",
        "Tickets",
        "SLA",
        "Workload",
        "Trend",
        "Assets",
        "Licenses",
        "Contracts",
        "Onboarding",
        "Vendors",
        "Purchasing",
        "Definitions",
    ] {
        assert!(
            book.contains(&format!("name=\"{sheet}\"")),
            "{sheet}: {book}"
        );
    }
    let (code, _, err) = run(&db, &["report", "monthly", "--month", "2026-13"]);
    assert_eq!(code, 1);
    assert!(err.contains("--month"), "{err}");
}
