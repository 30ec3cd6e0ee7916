//! `itdesk sla …` on the command line.

use std::process::Command;

use crate::helpers::TestDb;

fn itdesk(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itdesk"));
    cmd.env("ITDESK_DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run itdesk");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const STRICT: &str = r#"
[[sla_policies]]
name = "strict"
calendar = "24x7"
targets.P1 = { first_response = "1m" }
targets.P2 = { first_response = "1m" }
targets.P3 = { first_response = "1m" }
targets.P4 = { first_response = "1m" }
"#;

const LENIENT: &str = r#"
[[calendars]]
name = "always-on"
time_zone = "Asia/Kolkata"
hours = { mon = ["00:00-24:00"], tue = ["00:00-24:00"], wed = ["00:00-24:00"], thu = ["00:00-24:00"], fri = ["00:00-24:00"], sat = ["00:00-24:00"], sun = ["00:00-24:00"] }

[[sla_policies]]
name = "lenient"
calendar = "always-on"
targets.P1 = { resolution = "9000h" }
targets.P2 = { resolution = "9000h" }
targets.P3 = { resolution = "9000h" }
targets.P4 = { resolution = "9000h" }
"#;

#[test]
fn simulate_compares_a_proposed_policy_with_the_current_one_per_priority() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (code, out, err) = run(itdesk(&db).args(["demo", "--tickets", "300", "--months", "2"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("computed the SLA of"), "{out}");
    let strict = dir.path().join("strict.toml");
    std::fs::write(&strict, STRICT).unwrap();
    let lenient = dir.path().join("lenient.toml");
    std::fs::write(&lenient, LENIENT).unwrap();
    let from = (chrono::Utc::now() - chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    let to = chrono::Utc::now().format("%Y-%m-%d").to_string();

    let (code, out, err) = run(itdesk(&db).args([
        "sla",
        "simulate",
        "--policy",
        strict.to_str().unwrap(),
        "--from",
        &from,
        "--to",
        &to,
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let o: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The 300 generated, and the tickets the demo's onboarding raised.
    let filed = o["total"]["tickets"].as_u64().unwrap();
    assert!((300..=310).contains(&filed), "{filed}");
    assert_eq!(o["total"]["covered_proposed"], filed);
    let breached = o["total"]["breached_proposed"].as_u64().unwrap();
    assert!(
        (300..=filed).contains(&breached),
        "a one-minute target is missed by every ticket filed hours ago: {breached}"
    );
    let current = o["total"]["breached_current"].as_u64().unwrap();
    assert!(
        current > 0 && current < filed,
        "the default policy sits between: {current}"
    );
    let per_priority: u64 = ["P1", "P2", "P3", "P4"]
        .iter()
        .map(|p| o["by_priority"][p]["tickets"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(per_priority, filed);

    let (code, out, _) = run(itdesk(&db).args([
        "sla",
        "simulate",
        "--policy",
        lenient.to_str().unwrap(),
        "--from",
        &from,
        "--to",
        &to,
    ]));
    assert_eq!(code, 0);
    assert!(
        out.contains("priority") && out.contains("breached (proposed)"),
        "{out}"
    );
    let total = out.lines().find(|l| l.starts_with("total")).unwrap();
    assert!(
        total.contains("0 (0.0%)"),
        "nothing breaches a 9000 h target: {total}"
    );

    std::fs::write(
        &strict,
        "[[sla_policies]]\nname = \"x\"\ncalendar = \"mars\"\n",
    )
    .unwrap();
    let (code, _, err) = run(itdesk(&db).args([
        "sla",
        "simulate",
        "--policy",
        strict.to_str().unwrap(),
        "--from",
        &from,
        "--to",
        &to,
    ]));
    assert_ne!(code, 0);
    assert!(err.contains("sla_policies[x].calendar"), "{err}");
}

#[test]
fn scan_and_recompute_report_what_they_did() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (code, _, err) = run(itdesk(&db).args(["demo", "--tickets", "200"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(itdesk(&db).args(["sla", "recompute"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("recomputed "), "{out}");
    let (code, out, _) = run(itdesk(&db).args(["sla", "scan"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("refreshed "), "{out}");
}
