//! Tickets handed to vendors: on hold awaiting the vendor in one change,
//! the vendor's clock on the contract's calendar, answers counted in
//! business seconds, the ticket back when the vendor resolves it, and a
//! vendor's performance computed by hand.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn json_of(resp: reqwest::Response, want: u16) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, want, "{body}");
    body
}

async fn vendor_with_contract(
    app: &TestApp,
    token: &str,
    name: &str,
    calendar: &str,
) -> (String, String) {
    let v = json_of(
        app.post_json(
            token,
            "/api/v1/vendors",
            &json!({"name": name, "kind": "msp"}),
        )
        .await,
        201,
    )
    .await;
    let c = json_of(
        app.post_json(
            token,
            "/api/v1/contracts",
            &json!({"vendor_id": v["id"], "kind": "support", "title": format!("{name} support"),
                "response_target": "4h", "resolution_target": "16h", "service_calendar": calendar}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        (
            c["response_target"].clone(),
            c["resolution_target_seconds"].clone()
        ),
        (json!("4h"), json!(57600))
    );
    (
        v["id"].as_str().unwrap().to_owned(),
        c["id"].as_str().unwrap().to_owned(),
    )
}

/// Moves an escalation's start (and its due times) to `at` (UTC), as if
/// it had been made then.
async fn backdate(app: &TestApp, id: &str, at: &str, due: (&str, &str)) {
    let (db, sql) = (
        app.state.db.clone(),
        format!(
            "UPDATE vendor_escalations SET escalated_at = '{at}', response_due_at = '{}', \
             resolution_due_at = '{}' WHERE id = '{id}'",
            due.0, due.1
        ),
    );
    tokio::task::spawn_blocking(move || {
        use diesel::RunQueryDsl;
        db.with_writer(|c| diesel::sql_query(sql).execute(c).unwrap())
            .unwrap();
    })
    .await
    .unwrap();
}

/// The ticket as the API shows it.
async fn ticket_json(app: &TestApp, token: &str, n: i64) -> Value {
    json_of(app.get(token, &format!("/api/v1/tickets/{n}")).await, 200).await
}

async fn ticket(app: &TestApp, token: &str, subject: &str) -> i64 {
    let t = app
        .create_ticket(
            token,
            json!({"subject": subject, "description": "the line is down"}),
        )
        .await;
    t["number"].as_i64().unwrap()
}

#[tokio::test]
async fn a_ticket_handed_to_a_vendor_waits_on_hold_and_comes_back_when_resolved() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let kim = app.token("kim@example.org", Role::Requester).await;
    let (vendor, contract) = vendor_with_contract(&app, &token, "Fabrikam", "office").await;
    let (other, _) = vendor_with_contract(&app, &token, "Contoso", "24x7").await;
    let n = ticket(&app, &kim, "Fibre line down").await;
    let path = format!("/api/v1/tickets/{n}/vendor-escalations");

    // Faults name their field; nothing happens to the ticket.
    let p = assert_problem(
        app.post_json(
            &token,
            &path,
            &json!({"vendor_id": other, "contract_id": contract}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "contract_id");
    let p = assert_problem(
        app.post_json(&token, &path, &json!({"vendor_id": "nobody"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "vendor_id");
    // A draft or ended contract binds the vendor to nothing.
    for (body, says) in [
        (
            json!({"vendor_id": vendor, "kind": "support", "title": "Next year", "draft": true}),
            "draft",
        ),
        (
            json!({"vendor_id": vendor, "kind": "support", "title": "Old one",
            "starts_on": "2020-01-01", "ends_on": "2021-12-31"}),
            "ended on 2021-12-31",
        ),
    ] {
        let c = json_of(app.post_json(&token, "/api/v1/contracts", &body).await, 201).await;
        let p = assert_problem(
            app.post_json(
                &token,
                &path,
                &json!({"vendor_id": vendor, "contract_id": c["id"]}),
            )
            .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p["errors"][0]["field"], "contract_id");
        assert!(
            p["errors"][0]["message"].as_str().unwrap().contains(says),
            "{p}"
        );
    }
    // Past its end but auto-renewing, about to roll over: in force.
    let lapsed = json_of(
        app.post_json(
            &token,
            "/api/v1/contracts",
            &json!({"vendor_id": vendor, "kind": "support", "title": "Rolls today",
                "starts_on": "2025-01-01", "ends_on": "2025-12-31", "auto_renew": true, "renewal_months": 12}),
        )
        .await,
        201,
    )
    .await;
    let other_ticket = ticket(&app, &kim, "Printer line down").await;
    json_of(
        app.post_json(
            &token,
            &format!("/api/v1/tickets/{other_ticket}/vendor-escalations"),
            &json!({"vendor_id": vendor, "contract_id": lapsed["id"]}),
        )
        .await,
        201,
    )
    .await;
    let resp = app
        .post_json(&kim, &path, &json!({"vendor_id": vendor}))
        .await;
    assert_eq!(resp.status(), 403, "requesters do not escalate");
    let t = ticket_json(&app, &token, n).await;
    assert_eq!(t["status"], "new");

    let e = json_of(
        app.post_json(
            &token,
            &path,
            &json!({"vendor_id": vendor, "contract_id": contract, "vendor_reference": "CASE-77", "note": "fibre cut?"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        (e["state"].as_str(), e["calendar"].as_str()),
        (Some("awaiting_response"), Some("office"))
    );
    assert!(e["response_due_at"].is_string() && e["resolution_due_at"].is_string());
    assert!(e["response_due_at"].as_str() < e["resolution_due_at"].as_str());
    let t = ticket_json(&app, &token, n).await;
    assert_eq!(
        (t["status"].as_str(), t["hold_reason"].as_str()),
        (Some("on_hold"), Some("awaiting_vendor"))
    );
    let history: Value = app
        .get(&token, &format!("/api/v1/tickets/{n}/history"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        history.to_string().contains("escalated_to_vendor"),
        "{history}"
    );

    // Escalated Monday 16:00 in Berlin; answered Tuesday 09:00: one
    // office hour each day.
    let eid = e["id"].as_str().unwrap();
    backdate(
        &app,
        eid,
        "2026-11-30 15:00:00",
        ("2026-12-01 10:00:00", "2026-12-02 15:00:00"),
    )
    .await;
    let answer = format!("{path}/{eid}/response");
    let bad = app
        .post_json(&token, &answer, &json!({"at": "2026-11-30T14:00:00Z"}))
        .await;
    assert_eq!(
        assert_problem(bad, 422, "validation_failed").await["errors"][0]["field"],
        "at"
    );
    let a = json_of(
        app.post_json(&token, &answer, &json!({"at": "2026-12-01T08:00:00Z"}))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (a["response_seconds"].as_i64(), a["response_met"].as_bool()),
        (Some(7200), Some(true))
    );
    assert_eq!(a["state"], "in_progress");
    assert_problem(
        app.post_json(&token, &answer, &json!({})).await,
        409,
        "already_answered",
    )
    .await;
    let t = ticket_json(&app, &token, n).await;
    assert_eq!(t["status"], "on_hold", "an answer is not a resolution");

    // A resolution before the answer it follows is a typing mistake.
    let early = app
        .post_json(
            &token,
            &format!("{path}/{eid}/resolve"),
            &json!({"at": "2026-12-01T07:00:00Z"}),
        )
        .await;
    assert_eq!(
        assert_problem(early, 422, "validation_failed").await["errors"][0]["field"],
        "at"
    );
    // Resolved Wednesday 09:00 Berlin: 1h + 9h + 1h of office time.
    let r = json_of(
        app.post_json(
            &token,
            &format!("{path}/{eid}/resolve"),
            &json!({"at": "2026-12-02T08:00:00Z", "note": "splice repaired"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            r["resolution_seconds"].as_i64(),
            r["resolution_met"].as_bool()
        ),
        (Some(11 * 3600), Some(true))
    );
    assert_eq!(r["response_seconds"], 7200, "the first answer stays");
    let t = ticket_json(&app, &token, n).await;
    assert_eq!(t["status"], "in_progress", "back to us");
    assert_problem(
        app.post_json(&token, &format!("{path}/{eid}/resolve"), &json!({}))
            .await,
        409,
        "already_resolved",
    )
    .await;
    let list: Vec<Value> = app.get(&token, &path).await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["vendor_reference"], "CASE-77");
    assert_eq!(
        app.get(&kim, &path).await.status(),
        403,
        "vendor work is for staff"
    );

    // A resolved ticket is not handed to a vendor.
    app.patch_json(
        &token,
        &format!("/api/v1/tickets/{n}"),
        &json!({"status": "resolved"}),
    )
    .await;
    assert_problem(
        app.post_json(&token, &path, &json!({"vendor_id": vendor}))
            .await,
        409,
        "not_open",
    )
    .await;
}

#[tokio::test]
async fn a_vendors_performance_is_what_a_person_computes_by_hand() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let kim = app.token("kim@example.org", Role::Requester).await;
    let (vendor, contract) = vendor_with_contract(&app, &token, "Contoso", "24x7").await;
    // Five tickets escalated on 2026-11-02 at 08:00 UTC, 4h to answer and
    // 16h to resolve (24x7): answers after 1h, 3h, 5h, 2h and none;
    // resolutions after 10h, 20h, 12h, none, none.
    let plan: [(Option<i64>, Option<i64>); 5] = [
        (Some(1), Some(10)),
        (Some(3), Some(20)),
        (Some(5), Some(12)),
        (Some(2), None),
        (None, None),
    ];
    for (i, (answer, resolve)) in plan.iter().enumerate() {
        let n = ticket(&app, &kim, &format!("Case {i}")).await;
        let path = format!("/api/v1/tickets/{n}/vendor-escalations");
        let e = json_of(
            app.post_json(
                &token,
                &path,
                &json!({"vendor_id": vendor, "contract_id": contract}),
            )
            .await,
            201,
        )
        .await;
        let eid = e["id"].as_str().unwrap();
        backdate(
            &app,
            eid,
            "2026-11-02 08:00:00",
            ("2026-11-02 12:00:00", "2026-11-03 00:00:00"),
        )
        .await;
        let at = |h: i64| {
            (chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
                .unwrap()
                .and_hms_opt(8, 0, 0)
                .unwrap()
                + chrono::Duration::hours(h))
            .and_utc()
            .to_rfc3339()
        };
        if let Some(h) = answer {
            json_of(
                app.post_json(
                    &token,
                    &format!("{path}/{eid}/response"),
                    &json!({"at": at(*h)}),
                )
                .await,
                200,
            )
            .await;
        }
        if let Some(h) = resolve {
            json_of(
                app.post_json(
                    &token,
                    &format!("{path}/{eid}/resolve"),
                    &json!({"at": at(*h)}),
                )
                .await,
                200,
            )
            .await;
        }
    }
    let p = json_of(
        app.get(
            &token,
            &format!("/api/v1/vendors/{vendor}/performance?from=2026-11-01&to=2026-11-30"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (p["escalations"].as_i64(), p["open"].as_i64()),
        (Some(5), Some(2))
    );
    // Answers sorted 1h 2h 3h 5h: median at ⌈0.5·4⌉ = 2nd, p90 at ⌈3.6⌉ = 4th.
    let r = &p["response"];
    assert_eq!(
        (r["median_seconds"].as_i64(), r["p90_seconds"].as_i64()),
        (Some(7200), Some(18000))
    );
    assert_eq!(
        (
            r["met"].as_i64(),
            r["missed"].as_i64(),
            r["open_past_target"].as_i64()
        ),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(r["within_target"].as_f64(), Some(0.6));
    // Resolutions 10h 12h 20h: median ⌈1.5⌉ = 2nd, p90 ⌈2.7⌉ = 3rd; two
    // open past their due.
    let s = &p["resolution"];
    assert_eq!(
        (s["median_seconds"].as_i64(), s["p90_seconds"].as_i64()),
        (Some(12 * 3600), Some(20 * 3600))
    );
    assert_eq!(
        (
            s["met"].as_i64(),
            s["missed"].as_i64(),
            s["open_past_target"].as_i64()
        ),
        (Some(2), Some(3), Some(2))
    );
    assert_eq!(s["within_target"].as_f64(), Some(0.4));

    let before = json_of(
        app.get(
            &token,
            &format!("/api/v1/vendors/{vendor}/performance?from=2026-10-01&to=2026-10-31"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(before["escalations"], 0, "another period");
    let bad = app
        .get(
            &token,
            &format!("/api/v1/vendors/{vendor}/performance?from=2026-12-01&to=2026-11-01"),
        )
        .await;
    assert_eq!(
        assert_problem(bad, 422, "validation_failed").await["errors"][0]["field"],
        "from"
    );
    assert_eq!(
        app.get(&kim, &format!("/api/v1/vendors/{vendor}/performance"))
            .await
            .status(),
        403
    );
}
