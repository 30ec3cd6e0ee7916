//! Vendors with their contacts, and contracts: notice deadlines across
//! month ends and leap years, costs from billing and term, the status on
//! today, termination and renewal, bad terms refused naming the field.

use chrono::{Duration, NaiveDate};
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn created(resp: reqwest::Response) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

pub(crate) async fn vendor(app: &TestApp, token: &str, name: &str) -> String {
    let v = created(
        app.post_json(
            token,
            "/api/v1/vendors",
            &json!({"name": name, "kind": "msp"}),
        )
        .await,
    )
    .await;
    v["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn contract(app: &TestApp, token: &str, body: Value) -> Value {
    created(app.post_json(token, "/api/v1/contracts", &body).await).await
}

pub(crate) fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

#[tokio::test]
async fn vendors_keep_their_contacts_and_only_staff_who_manage_change_them() {
    let app = spawn_app().await;
    let coordinator = app.token("coord@example.org", Role::Coordinator).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let requester = app.token("kim@example.org", Role::Requester).await;
    let v = created(
        app.post_json(
            &coordinator,
            "/api/v1/vendors",
            &json!({"name": "Contoso Managed Services", "kind": "msp", "website": "https://contoso.example",
                "account_number": "C-1001", "contacts": [
                    {"name": "Night desk", "email": "noc@contoso.example", "phone": "+49 30 1234"},
                    {"name": "Account manager", "role": "sales", "email": "am@contoso.example", "escalation_order": 3}]}),
        )
        .await,
    )
    .await;
    assert_eq!(v["kind"], "msp");
    let contacts = v["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(
        (
            contacts[0]["escalation_order"].as_i64(),
            contacts[1]["escalation_order"].as_i64()
        ),
        (Some(1), Some(3))
    );
    // The same name in another case is the same vendor.
    let again = app
        .post_json(
            &coordinator,
            "/api/v1/vendors",
            &json!({"name": "contoso managed services", "kind": "other"}),
        )
        .await;
    assert_problem(again, 409, "already_exists").await;
    let bad = app
        .post_json(
            &coordinator,
            "/api/v1/vendors",
            &json!({"name": "X", "kind": "friend", "contacts": [{"name": "", "email": "nope"}]}),
        )
        .await;
    let problem = assert_problem(bad, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "contacts[0].name", "contacts[0].email"]);

    let path = format!("/api/v1/vendors/{}", v["id"].as_str().unwrap());
    let changed: Value = app
        .patch_json(&coordinator, &path, &json!({"website": null, "contacts": [{"name": "Service desk", "email": "sd@contoso.example"}]}))
        .await
        .json()
        .await
        .unwrap();
    assert!(changed["website"].is_null(), "{changed}");
    assert_eq!(changed["contacts"].as_array().unwrap().len(), 1);
    // Agents read; they do not change. Requesters see nothing.
    let listed: Value = app
        .get(&agent, "/api/v1/vendors?q=CONTOSO")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let none: Value = app
        .get(&agent, "/api/v1/vendors?kind=carrier")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));
    assert_problem(
        app.patch_json(&agent, &path, &json!({"notes": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.get(&requester, "/api/v1/vendors").await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn notice_deadlines_keep_month_ends_and_costs_follow_billing() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let vendor = vendor(&app, &token, "Fabrikam").await;
    let mut deadlines = Vec::new();
    for (ends, months) in [
        ("2027-03-31", 1),
        ("2028-03-31", 1),
        ("2027-04-30", 1),
        ("2027-03-30", 1),
        ("2028-02-29", 12),
    ] {
        let c = contract(
            &app,
            &token,
            json!({"vendor_id": vendor, "kind": "support", "title": format!("ends {ends}"),
                "starts_on": "2026-01-01", "ends_on": ends, "auto_renew": true, "renewal_months": 12,
                "notice_months": months}),
        )
        .await;
        deadlines.push(c["notice_deadline"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        deadlines,
        [
            "2027-02-28",
            "2028-02-29",
            "2027-03-31",
            "2027-02-28",
            "2027-02-28"
        ]
    );

    // 36 months at 1,000.00 a month; a one-time 3,600.00 over three years.
    let monthly = contract(
        &app,
        &token,
        json!({"vendor_id": vendor, "kind": "msp", "title": "Managed desktops", "starts_on": "2026-01-01",
            "ends_on": "2028-12-31", "amount_minor": 100_000, "currency": "EUR", "billing": "monthly",
            "notice_days": 90}),
    )
    .await;
    assert_eq!(
        (
            monthly["term_months"].as_i64(),
            monthly["annual_cost_minor"].as_i64(),
            monthly["total_contract_value_minor"].as_i64()
        ),
        (Some(36), Some(1_200_000), Some(3_600_000))
    );
    assert_eq!(monthly["notice_deadline"], "2028-10-02");
    let once = contract(
        &app,
        &token,
        json!({"vendor_id": vendor, "kind": "warranty_extension", "title": "Care pack", "starts_on": "2026-01-01",
            "ends_on": "2028-12-31", "amount_minor": 360_000, "currency": "EUR", "billing": "one_time"}),
    )
    .await;
    assert_eq!(
        (
            once["annual_cost_minor"].as_i64(),
            once["total_contract_value_minor"].as_i64()
        ),
        (Some(120_000), Some(360_000))
    );
}

#[tokio::test]
async fn the_status_says_what_to_decide_and_contracts_end_or_renew() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    app.token("owner@example.org", Role::Agent).await;
    let vendor = vendor(&app, &token, "Northwind").await;
    let day = |n: i64| (today() + Duration::days(n)).to_string();
    // Notice 30 days before an end 100 days away: the deadline is 70 days
    // away, inside the 90-day window.
    let due = contract(
        &app,
        &token,
        json!({"vendor_id": vendor, "kind": "subscription", "title": "Backup", "owner": "owner@example.org",
            "starts_on": day(-265), "ends_on": day(100), "auto_renew": true, "renewal_months": 12, "notice_days": 30}),
    )
    .await;
    assert_eq!(due["status"], "notice_due", "{due}");
    assert_eq!(due["owner_email"], "owner@example.org");
    let quiet = contract(
        &app,
        &token,
        json!({"vendor_id": vendor, "kind": "subscription", "title": "Mail filter",
            "starts_on": day(-10), "ends_on": day(355), "auto_renew": true, "renewal_months": 12, "notice_days": 30}),
    )
    .await;
    assert_eq!(quiet["status"], "active");
    let ending = contract(
        &app,
        &token,
        json!({"vendor_id": vendor, "kind": "lease", "title": "Printers", "starts_on": day(-300), "ends_on": day(30)}),
    )
    .await;
    assert_eq!(ending["status"], "expiring");
    let past = contract(
        &app,
        &token,
        json!({"vendor_id": vendor, "kind": "lease", "title": "Old printers", "starts_on": day(-700), "ends_on": day(-1)}),
    )
    .await;
    assert_eq!(past["status"], "expired");
    let draft = contract(
        &app,
        &token,
        json!({"vendor_id": vendor, "kind": "other", "title": "Being negotiated", "draft": true}),
    )
    .await;
    assert_eq!(draft["status"], "draft");

    // The nearest decision first (an end, or a notice deadline still
    // ahead); open-ended last.
    let list: Value = app
        .get(&token, "/api/v1/contracts")
        .await
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Printers",
            "Backup",
            "Mail filter",
            "Old printers",
            "Being negotiated"
        ]
    );
    let due_only: Value = app
        .get(&token, "/api/v1/contracts?status=notice_due")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(due_only.as_array().unwrap().len(), 1);
    let owned: Value = app
        .get(&token, "/api/v1/contracts?owner=owner@example.org")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(owned.as_array().unwrap().len(), 1);

    // Renewed now: twelve more months from the day after its end.
    let path = format!("/api/v1/contracts/{}", quiet["id"].as_str().unwrap());
    let renewed: Value = app
        .post_json(&token, &format!("{path}/renew"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let old_end =
        NaiveDate::parse_from_str(quiet["ends_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(
        renewed["renewed_on"],
        (old_end + Duration::days(1)).to_string()
    );
    assert_ne!(renewed["ends_on"], quiet["ends_on"]);
    // Notice given on the backup: it ends and does not renew.
    let path = format!("/api/v1/contracts/{}", due["id"].as_str().unwrap());
    let ended: Value = app
        .post_json(
            &token,
            &format!("{path}/terminate"),
            &json!({"effective_on": due["ends_on"], "reason": "moving to another provider"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (ended["status"].as_str(), ended["terminates_on"].clone()),
        (Some("expiring"), due["ends_on"].clone())
    );
    let twice = app
        .post_json(
            &token,
            &format!("{path}/terminate"),
            &json!({"effective_on": due["ends_on"], "reason": "again"}),
        )
        .await;
    assert_problem(twice, 409, "already_terminated").await;
    assert_problem(
        app.post_json(&token, &format!("{path}/renew"), &json!({}))
            .await,
        409,
        "terminated",
    )
    .await;
}

#[tokio::test]
async fn bad_terms_are_refused_naming_the_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let vendor = vendor(&app, &token, "Litware").await;
    let base = json!({"vendor_id": vendor, "kind": "support", "title": "Support",
        "starts_on": "2026-01-01", "ends_on": "2026-12-31", "amount_minor": 100, "currency": "EUR", "billing": "annual"});
    for (change, field) in [
        (json!({"ends_on": "2025-12-31"}), "ends_on"),
        (json!({"notice_months": 13}), "notice_months"),
        (json!({"currency": "EURO"}), "currency"),
        (json!({"vendor_id": "no-such-vendor"}), "vendor_id"),
        (json!({"amount_minor": -5}), "amount_minor"),
        (json!({"billing": "weekly"}), "billing"),
        (json!({"kind": "handshake"}), "kind"),
        (json!({"auto_renew": true}), "renewal_months"),
        (json!({"owner": "nobody@example.org"}), "owner"),
        (json!({"notice_days": 2_000_000_000}), "notice_days"),
        (json!({"notice_months": 2_147_483_646}), "notice_months"),
        (
            json!({"amount_minor": 9_000_000_000_000_000_000i64}),
            "amount_minor",
        ),
        (
            json!({"ends_on": "9999-12-31", "auto_renew": true, "renewal_months": 5000}),
            "renewal_months",
        ),
    ] {
        let mut body = base.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let resp = app.post_json(&token, "/api/v1/contracts", &body).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{change}: {problem}");
    }
    let list: Value = app
        .get(&token, "/api/v1/contracts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]), "nothing half-saved");
    let agent = app.token("agent@example.org", Role::Agent).await;
    assert_problem(
        app.post_json(&agent, "/api/v1/contracts", &base).await,
        403,
        "forbidden",
    )
    .await;
}
