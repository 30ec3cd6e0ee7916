//! The daily contracts pass: auto-renewing contracts roll into their next
//! term once (the old term kept), reminders go once per contract,
//! deadline and offset — also with two processes racing and after a
//! two-week outage — and changed dates re-arm them.

use chrono::{NaiveDate, NaiveDateTime};
use itdesk::auth::Role;
use itdesk::vendors::service::{self, Pass};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app_with};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn noon(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(12, 0, 0).unwrap()
}

async fn pass(app: &TestApp, day: &str) -> Pass {
    let (state, day) = (app.state.clone(), d(day));
    tokio::task::spawn_blocking(move || service::run_pass(&state.vendors, day, noon(day)))
        .await
        .unwrap()
        .unwrap()
}

async fn app() -> (TestApp, String) {
    let app = spawn_app_with(vec![(
        "vendors.contract_managers".into(),
        json!(["Contracts@Example.org"]),
    )])
    .await;
    let token = app.token("olga@example.org", Role::Coordinator).await;
    (app, token)
}

async fn new_contract(app: &TestApp, token: &str, body: Value) -> String {
    let v: Value = app
        .post_json(
            token,
            "/api/v1/vendors",
            &json!({"name": format!("Vendor {}", itdesk::ids::new_id()), "kind": "software"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut body = body;
    body["vendor_id"] = v["id"].clone();
    let resp = app.post_json(token, "/api/v1/contracts", &body).await;
    let status = resp.status();
    let c: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{c}");
    c["id"].as_str().unwrap().to_owned()
}

/// Subjects and recipients of the reminder mails in the outbox.
async fn reminder_mails(app: &TestApp) -> Vec<(String, String, String)> {
    let db = app.state.db.clone();
    let rows = tokio::task::spawn_blocking(move || db.read(|c| itdesk::outbox::list(c, None, 500)))
        .await
        .unwrap()
        .unwrap();
    rows.into_iter()
        .filter(|r| r.kind == "contract_reminders")
        .map(|r| {
            (
                r.subject,
                r.recipients,
                String::from_utf8_lossy(&r.raw).into_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn each_reminder_goes_once_and_after_an_outage_only_the_latest_naming_the_missed() {
    let (app, token) = app().await;
    let id = new_contract(
        &app,
        &token,
        json!({"title": "Backup service", "kind": "subscription", "owner": "olga@example.org",
            "starts_on": "2026-07-01", "ends_on": "2027-06-30", "auto_renew": true,
            "renewal_months": 12, "notice_months": 3}),
    )
    .await;
    // The notice deadline is 2027-03-31; 90 days before is 2026-12-31.
    assert!(pass(&app, "2026-12-30").await.reminders.is_empty());
    let first = pass(&app, "2026-12-31").await;
    assert_eq!(first.reminders.len(), 1, "{first:?}");
    let r = &first.reminders[0];
    assert_eq!(
        (r.deadline.as_str(), r.on, r.offset_days, r.missed.clone()),
        ("notice", d("2027-03-31"), 90, vec![])
    );
    assert_eq!(
        r.to,
        vec!["contracts@example.org", "olga@example.org"],
        "the owner and the contract managers"
    );
    assert_eq!(first.mails, 2, "one digest each");
    let mails = reminder_mails(&app).await;
    assert_eq!(mails.len(), 2);
    assert!(mails[0].0.contains("1 notice deadline"), "{}", mails[0].0);
    assert!(mails[0].2.contains("Backup service"), "{}", mails[0].2);
    assert!(
        mails[0].2.contains(&format!("/contracts/{id}")),
        "links to the contract"
    );

    // The same day again, and the next day: nothing new.
    assert!(pass(&app, "2026-12-31").await.reminders.is_empty());
    assert_eq!(pass(&app, "2027-01-01").await.mails, 0);
    assert_eq!(reminder_mails(&app).await.len(), 2);

    // Down from 2027-01-02 to 2027-03-26: the 60- and 30-day reminders
    // never went. One reminder now, at 7 days, naming them.
    let late = pass(&app, "2027-03-26").await;
    assert_eq!(late.reminders.len(), 1, "{late:?}");
    assert_eq!(
        (
            late.reminders[0].offset_days,
            late.reminders[0].missed.clone()
        ),
        (7, vec![60, 30])
    );
    let mails = reminder_mails(&app).await;
    assert_eq!(mails.len(), 4);
    assert!(
        mails.iter().any(|m| m.2.contains("60, 30 days before")),
        "the digest says which were missed"
    );
    assert!(pass(&app, "2027-03-27").await.reminders.is_empty());

    // The end date has its own reminders: 90 days before 2027-06-30.
    let end = pass(&app, "2027-04-01").await;
    assert_eq!(
        end.reminders
            .iter()
            .map(|r| (r.deadline.as_str(), r.offset_days))
            .collect::<Vec<_>>(),
        vec![("end", 90)]
    );

    let sent: Vec<Value> = app
        .get(&token, &format!("/api/v1/contracts/{id}/reminders"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(
        sent.iter()
            .any(|r| r["offset_days"] == 7 && r["missed"] == json!([60, 30]))
    );
    assert_eq!(sent[0]["deadline"], "end", "latest first");
}

#[tokio::test]
async fn changed_dates_re_arm_the_reminders_for_the_new_deadline() {
    let (app, token) = app().await;
    let id = new_contract(
        &app,
        &token,
        json!({"title": "Firewall support", "kind": "support", "owner": "olga@example.org",
            "starts_on": "2026-01-01", "ends_on": "2027-03-31", "notice_days": 30}),
    )
    .await;
    // Not auto-renewing: only the end counts; 90 days before 2027-03-31.
    let first = pass(&app, "2026-12-31").await;
    assert_eq!(first.reminders.len(), 1);
    assert_eq!(first.reminders[0].deadline.as_str(), "end");
    // Extended by three months: the new end's reminders come again.
    let resp = app
        .patch_json(
            &token,
            &format!("/api/v1/contracts/{id}"),
            &json!({"ends_on": "2027-06-30"}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert!(pass(&app, "2027-01-05").await.reminders.is_empty());
    let again = pass(&app, "2027-04-01").await;
    assert_eq!(
        again
            .reminders
            .iter()
            .map(|r| (r.on, r.offset_days))
            .collect::<Vec<_>>(),
        vec![(d("2027-06-30"), 90)]
    );
    // A draft, or a contract nobody owns with no managers to tell, is
    // not reminded.
    let quiet = spawn_app_with(vec![]).await;
    let t = quiet.token("olga@example.org", Role::Coordinator).await;
    new_contract(
        &quiet,
        &t,
        json!({"title": "Unowned", "kind": "other", "ends_on": "2027-03-31"}),
    )
    .await;
    new_contract(
        &quiet,
        &t,
        json!({"title": "Draft", "kind": "other", "draft": true, "owner": "olga@example.org", "ends_on": "2027-03-31"}),
    )
    .await;
    let p = pass(&quiet, "2027-03-30").await;
    assert!(p.reminders.is_empty(), "{p:?}");
    assert_eq!(p.unaddressed, 1);
}

#[tokio::test]
async fn auto_renewing_contracts_roll_forward_once_keeping_each_term() {
    let (app, token) = app().await;
    let id = new_contract(
        &app,
        &token,
        json!({"title": "Office suite", "kind": "subscription", "starts_on": "2026-03-01",
            "ends_on": "2027-02-28", "auto_renew": true, "renewal_months": 12, "notice_months": 1,
            "amount_minor": 120000, "currency": "EUR", "billing": "annual"}),
    )
    .await;
    let fixed = new_contract(
        &app,
        &token,
        json!({"title": "Fixed term", "kind": "lease", "ends_on": "2027-02-28",
            "renewal_months": 12, "notice_months": 1}),
    )
    .await;
    let ended = new_contract(
        &app,
        &token,
        json!({"title": "Given notice", "kind": "support", "ends_on": "2027-02-28",
            "auto_renew": true, "renewal_months": 12, "notice_months": 1}),
    )
    .await;
    let resp = app
        .post_json(
            &token,
            &format!("/api/v1/contracts/{ended}/terminate"),
            &json!({"effective_on": "2027-02-28", "reason": "moving to another vendor"}),
        )
        .await;
    assert_eq!(resp.status(), 200);

    assert!(
        pass(&app, "2027-02-28").await.renewed.is_empty(),
        "its last day is still served"
    );
    let p = pass(&app, "2027-03-01").await;
    assert_eq!(p.renewed.len(), 1, "{p:?}");
    assert_eq!(
        (
            p.renewed[0].contract_id.as_str(),
            p.renewed[0].starts_on,
            p.renewed[0].ends_on
        ),
        (id.as_str(), d("2027-03-01"), d("2028-02-29")),
        "a month-end stays a month-end into a leap year"
    );
    assert!(pass(&app, "2027-03-01").await.renewed.is_empty(), "once");

    let c: Value = app
        .get(&token, &format!("/api/v1/contracts/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["ends_on"], "2028-02-29");
    assert_eq!(c["renewed_on"], "2027-03-01");
    assert_eq!(c["notice_deadline"], "2028-01-31", "the deadline follows");

    // Two years of downtime: one renewal per term, in order.
    let p = pass(&app, "2029-03-05").await;
    assert_eq!(
        p.renewed.iter().map(|r| r.ends_on).collect::<Vec<_>>(),
        vec![d("2029-02-28"), d("2030-02-28")]
    );
    let terms: Vec<Value> = app
        .get(&token, &format!("/api/v1/contracts/{id}/terms"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        terms
            .iter()
            .map(|t| (
                t["starts_on"].clone(),
                t["ends_on"].clone(),
                t["automatic"].clone()
            ))
            .collect::<Vec<_>>(),
        vec![
            (json!("2026-03-01"), json!("2027-02-28"), json!(true)),
            (json!("2027-03-01"), json!("2028-02-29"), json!(true)),
            (json!("2028-03-01"), json!("2029-02-28"), json!(true)),
        ]
    );
    assert_eq!(terms[0]["amount_minor"], 120000, "the term keeps its cost");
    for other in [&fixed, &ended] {
        let c: Value = app
            .get(&token, &format!("/api/v1/contracts/{other}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(c["ends_on"], "2027-02-28", "{} does not renew", c["title"]);
    }
    let (db, cid) = (app.state.db.clone(), id.clone());
    let history = tokio::task::spawn_blocking(move || {
        db.read(|c| Ok::<_, itdesk::error::AppError>(itdesk::audit::history(c, "contract", &cid)?))
    })
    .await
    .unwrap()
    .unwrap();
    let renewals: Vec<_> = history.iter().filter(|e| e.action == "renewed").collect();
    assert_eq!(renewals.len(), 3, "each renewal in the history");
    assert!(renewals.iter().all(|e| e.actor_id.is_none()), "by the pass");
}

#[tokio::test]
async fn a_renewal_by_hand_happens_once_even_when_clicked_twice() {
    let (app, token) = app().await;
    let id = new_contract(
        &app,
        &token,
        json!({"title": "Phones", "kind": "msp", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "auto_renew": true, "renewal_months": 12, "notice_months": 2}),
    )
    .await;
    let path = format!("/api/v1/contracts/{id}/renew?ends_on=2026-12-31");
    let first = app.post_json(&token, &path, &json!({})).await;
    assert_eq!(first.status(), 200);
    let c: Value = first.json().await.unwrap();
    assert_eq!(c["ends_on"], "2027-12-31");
    let p = assert_problem(app.post_json(&token, &path, &json!({})).await, 409, "stale").await;
    assert!(p["detail"].as_str().unwrap().contains("2027-12-31"), "{p}");
    // Without the guard, it renews again (the caller asked for it).
    let again = app
        .post_json(&token, &format!("/api/v1/contracts/{id}/renew"), &json!({}))
        .await;
    assert_eq!(again.status(), 200);
    let terms: Vec<Value> = app
        .get(&token, &format!("/api/v1/contracts/{id}/terms"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(terms.len(), 2);
    assert_eq!(terms[0]["automatic"], false);
    assert!(terms[0]["renewed_by"].is_string());
    // The daily pass after a manual renewal finds nothing to roll.
    assert!(pass(&app, "2027-01-15").await.renewed.is_empty());
}

fn remind_process(app: &TestApp, at: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args([
            "--database-url",
            &app.db.url,
            "contracts",
            "remind",
            "--at",
            at,
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("itdesk runs")
}

#[tokio::test]
async fn two_processes_racing_send_each_reminder_once() {
    let (app, token) = app().await;
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(
            new_contract(
                &app,
                &token,
                json!({"title": format!("Contract {n}"), "kind": "support", "owner": "olga@example.org",
                    "ends_on": "2027-03-31", "auto_renew": true, "renewal_months": 12, "notice_days": 30}),
            )
            .await,
        );
    }
    // 2027-01-01 is 90 days before the end and 60 before the notice
    // deadline (2027-03-01): two reminders per contract.
    let (a, b) = (
        remind_process(&app, "2027-01-01"),
        remind_process(&app, "2027-01-01"),
    );
    let mut seen = Vec::new();
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let p: Value = serde_json::from_slice(&out.stdout).unwrap();
        for r in p["reminders"].as_array().unwrap() {
            seen.push((
                r["contract_id"].as_str().unwrap().to_owned(),
                r["deadline"].as_str().unwrap().to_owned(),
            ));
        }
    }
    seen.sort();
    let mut want: Vec<(String, String)> = ids
        .iter()
        .flat_map(|id| {
            [
                (id.clone(), "end".to_owned()),
                (id.clone(), "notice".to_owned()),
            ]
        })
        .collect();
    want.sort();
    assert_eq!(
        seen, want,
        "every reminder once, by one process or the other"
    );
    assert_eq!(app.count("contract_reminders").await, 24);
    let mails = reminder_mails(&app).await;
    let olga = mails
        .iter()
        .filter(|m| m.1.contains("olga@example.org"))
        .count();
    assert!(
        (1..=2).contains(&olga),
        "one digest per process that sent something, not one per reminder: {olga}"
    );
    // A later run the same day sends nothing.
    let out = remind_process(&app, "2027-01-01")
        .wait_with_output()
        .unwrap();
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["reminders"], json!([]));
    assert_eq!(p["mails"], 0);
}

#[tokio::test]
async fn the_remind_command_explains_a_bad_instant_and_exports_list_contracts() {
    let (app, token) = app().await;
    new_contract(
        &app,
        &token,
        json!({"title": "Printers, \"managed\"", "kind": "msp", "owner": "olga@example.org",
            "starts_on": "2026-01-01", "ends_on": "2027-12-31", "amount_minor": 99950, "currency": "EUR",
            "billing": "monthly"}),
    )
    .await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .env_remove("ITDESK_DATABASE_URL")
        .args([
            "--database-url",
            &app.db.url,
            "contracts",
            "remind",
            "--at",
            "yesterday",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("YYYY-MM-DD"), "{err}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .env_remove("ITDESK_DATABASE_URL")
        .args([
            "--database-url",
            &app.db.url,
            "export",
            "contracts",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,reference,title,vendor,kind,owner,status")
    );
    let row = lines.next().unwrap();
    assert!(row.contains("\"Printers, \"\"managed\"\"\""), "{row}");
    assert!(
        row.contains(",999.50,EUR,11994.00,"),
        "monthly 999.50 is 11,994.00 a year: {row}"
    );
    assert!(row.contains("olga@example.org"));
}

#[tokio::test]
async fn an_end_set_back_by_hand_renews_again_without_stopping_the_pass() {
    let (app, token) = app().await;
    let id = new_contract(
        &app,
        &token,
        json!({"title": "Rolled back", "kind": "support", "owner": "olga@example.org",
            "ends_on": "2027-01-31", "auto_renew": true, "renewal_months": 12, "notice_days": 30}),
    )
    .await;
    let other = new_contract(
        &app,
        &token,
        json!({"title": "Another", "kind": "support", "owner": "olga@example.org", "ends_on": "2027-05-31"}),
    )
    .await;
    assert_eq!(pass(&app, "2027-02-01").await.renewed.len(), 1);
    // Someone saves the old end again (a form opened before the pass).
    let resp = app
        .patch_json(
            &token,
            &format!("/api/v1/contracts/{id}"),
            &json!({"ends_on": "2027-01-31"}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    // The pass renews it again (the kept term stays once) and still sends
    // the other contract's reminder: 90 days before 2027-05-31.
    let p = pass(&app, "2027-03-02").await;
    assert_eq!(p.renewed.len(), 1, "{p:?}");
    assert!(p.reminders.iter().any(|r| r.contract_id == other), "{p:?}");
    let terms: Vec<Value> = app
        .get(&token, &format!("/api/v1/contracts/{id}/terms"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(terms.len(), 1);
}
