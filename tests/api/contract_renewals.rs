//! The daily contracts pass, renewals: auto-renewing contracts roll into
//! their next term once (the old term kept), by the pass or by hand; and
//! the helpers the reminder tests share.

use chrono::{NaiveDate, NaiveDateTime};
use itdesk::auth::Role;
use itdesk::vendors::service::{self, Pass};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app_with};

pub(crate) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn noon(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(12, 0, 0).unwrap()
}

pub(crate) async fn pass(app: &TestApp, day: &str) -> Pass {
    let (state, day) = (app.state.clone(), d(day));
    tokio::task::spawn_blocking(move || service::run_pass(&state.vendors, day, noon(day)))
        .await
        .unwrap()
        .unwrap()
}

pub(crate) async fn app() -> (TestApp, String) {
    let app = spawn_app_with(vec![(
        "vendors.contract_managers".into(),
        json!(["Contracts@Example.org"]),
    )])
    .await;
    let token = app.token("olga@example.org", Role::Coordinator).await;
    (app, token)
}

pub(crate) async fn new_contract(app: &TestApp, token: &str, body: Value) -> String {
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
pub(crate) async fn reminder_mails(app: &TestApp) -> Vec<(String, String, String)> {
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
