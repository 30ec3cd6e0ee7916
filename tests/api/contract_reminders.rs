//! Reminders of contract deadlines: once per contract, deadline and
//! offset — also with two processes racing and after a two-week outage —
//! re-armed by changed dates; the remind command and the contracts export.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::contract_renewals::{app, d, new_contract, pass, reminder_mails};
use crate::helpers::{TestApp, spawn_app_with};

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

/// The notice deadline the contracts table holds for `id`.
async fn stored_deadline(app: &TestApp, id: &str) -> Option<chrono::NaiveDate> {
    let (db, id) = (app.state.db.clone(), id.to_owned());
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use itdesk::db::schema::contracts as c;
        db.read(|conn| {
            Ok::<_, itdesk::error::AppError>(
                c::table
                    .find(id)
                    .select(c::notice_deadline)
                    .first::<Option<chrono::NaiveDate>>(conn)?,
            )
        })
        .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_stored_notice_deadline_follows_every_change_and_is_filled_in_where_missing() {
    let (app, token) = app().await;
    let id = new_contract(
        &app,
        &token,
        json!({"title": "Carrier line", "kind": "support", "owner": "olga@example.org",
            "starts_on": "2026-05-01", "ends_on": "2027-04-30", "auto_renew": true,
            "renewal_months": 12, "notice_months": 1}),
    )
    .await;
    // A month-end stays a month-end.
    assert_eq!(stored_deadline(&app, &id).await, Some(d("2027-03-31")));
    let resp = app
        .patch_json(
            &token,
            &format!("/api/v1/contracts/{id}"),
            &json!({"notice_months": null, "notice_days": 10}),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert_eq!(stored_deadline(&app, &id).await, Some(d("2027-04-20")));

    // A row written before the column existed (or by hand) has none: the
    // next pass fills it in and still reminds on time.
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        db.with_writer(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("UPDATE contracts SET notice_deadline = NULL")
                .execute(c)
                .unwrap()
        })
        .unwrap();
    })
    .await
    .unwrap();
    assert_eq!(stored_deadline(&app, &id).await, None);
    let p = pass(&app, "2027-01-20").await;
    assert_eq!(
        p.reminders
            .iter()
            .map(|r| (r.deadline.as_str(), r.on, r.offset_days))
            .collect::<Vec<_>>(),
        vec![("notice", d("2027-04-20"), 90)]
    );
    assert_eq!(stored_deadline(&app, &id).await, Some(d("2027-04-20")));

    // Rolling into the next term moves it along.
    let p = pass(&app, "2027-05-01").await;
    assert_eq!(p.renewed.len(), 1, "{p:?}");
    assert_eq!(stored_deadline(&app, &id).await, Some(d("2028-04-20")));
}
