//! The monthly report, hand-checked: October 2026 in Europe/Berlin (the
//! month DST ends) with tickets filed at its local edges, resolved,
//! reopened and resolved again, reopened in the next month, moved,
//! cancelled and late; an empty month; frozen and live figures.

use serde_json::{Value, json};

use itdesk::auth::Role;
use itdesk::tickets::domain::{Priority, Status};

use crate::helpers::{TestApp, assert_problem, spawn_app_with};
use crate::report_script::{Cast, Script, user_id, write};

pub async fn cast(app: &TestApp) -> Cast {
    let admin = app.seed_catalog().await;
    app.token("req@example.org", Role::Requester).await;
    app.token("agent@example.org", Role::Agent).await;
    let _ = admin;
    let db = app.state.db.clone();
    let queues =
        tokio::task::spawn_blocking(move || itdesk::tickets::service::catalog::list_queues(&db))
            .await
            .unwrap()
            .unwrap();
    Cast {
        requester_id: user_id(app, "req@example.org").await,
        agent_id: user_id(app, "agent@example.org").await,
        queues: queues.into_iter().map(|q| (q.slug, q.id)).collect(),
    }
}

/// The October cases; times are UTC (Berlin is UTC+2 until 25 October
/// 03:00, UTC+1 after).
pub fn october(c: &Cast, agent_id: &str) -> Vec<Script> {
    use Priority::*;
    use Status::*;
    vec![
        // 23:30 local on 31 October: October's, though UTC says 22:30.
        Script::new(c, 1, "2026-10-31 22:30", P3, Some("network")),
        // 00:30 local on 1 November: November's.
        Script::new(c, 2, "2026-10-31 23:30", P3, Some("network")),
        // 00:30 local on 1 October (CEST): October's; replied at 09:00
        // local (3,600 business seconds after 08:00), resolved at 11:00.
        Script::new(c, 3, "2026-09-30 22:30", P3, Some("network"))
            .assign(c, "2026-10-01 06:50", "agent@example.org", agent_id)
            .reply(c, "2026-10-01 07:00")
            .status(c, "2026-10-01 07:00", InProgress)
            .status(c, "2026-10-01 09:00", Resolved),
        // Resolved, reopened and resolved again in October: 3 h + 1 h.
        Script::new(c, 4, "2026-10-05 07:00", P2, Some("network"))
            .reply(c, "2026-10-05 07:30")
            .status(c, "2026-10-05 07:30", InProgress)
            .status(c, "2026-10-05 10:00", Resolved)
            .status(c, "2026-10-06 07:00", InProgress)
            .status(c, "2026-10-06 08:00", Resolved),
        // Resolved on Friday 30 October (34 business hours), reopened on
        // 3 November, within the window.
        Script::new(c, 5, "2026-10-27 08:00", P3, Some("network"))
            .reply(c, "2026-10-27 09:00")
            .status(c, "2026-10-27 09:00", InProgress)
            .status(c, "2026-10-30 15:00", Resolved)
            .status(c, "2026-11-03 09:00", InProgress),
        // Moved to another queue: not a first-contact resolution.
        Script::new(c, 6, "2026-10-12 07:00", P4, Some("service-desk"))
            .move_to(c, "2026-10-12 07:10", "network")
            .reply(c, "2026-10-12 07:20")
            .status(c, "2026-10-12 07:20", InProgress)
            .status(c, "2026-10-12 08:00", Resolved),
        // Two public replies: not a first-contact resolution.
        Script::new(c, 7, "2026-10-13 07:00", P4, Some("service-desk"))
            .reply(c, "2026-10-13 07:10")
            .status(c, "2026-10-13 07:10", InProgress)
            .reply(c, "2026-10-13 07:20")
            .status(c, "2026-10-13 07:30", Resolved),
        // Open since September: backlog at both ends, over 30 days old.
        Script::new(c, 8, "2026-09-15 08:00", P3, Some("network")).status(
            c,
            "2026-09-15 09:00",
            InProgress,
        ),
        // Cancelled: not resolved, its clocks neither met nor breached.
        Script::new(c, 9, "2026-10-20 07:00", P3, None).status(c, "2026-10-20 08:00", Cancelled),
        // P1 answered after an hour: first response breached at 09:30
        // local; resolved within its 4 h.
        Script::new(c, 10, "2026-10-14 07:00", P1, Some("network"))
            .reply(c, "2026-10-14 08:00")
            .status(c, "2026-10-14 08:00", InProgress)
            .status(c, "2026-10-14 10:00", Resolved),
    ]
}

async fn report(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.get(token, path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn october_figures_are_exactly_the_hand_counted_ones() {
    let app = spawn_app_with(vec![]).await;
    let c = cast(&app).await;
    let agent = c.agent_id.clone();
    write(&app, october(&c, &agent)).await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let r = report(&app, &viewer, "/api/v1/reports/monthly/2026-10").await;
    assert_eq!(r["month"], "2026-10");
    assert_eq!(r["time_zone"], "Europe/Berlin");
    assert_eq!(r["definitions_version"], 2);
    assert_eq!(r["frozen"], false);
    let t = &r["tickets"];
    assert_eq!(
        t["created"]["total"], 8,
        "1, 3–7, 9, 10; not 2 (November) nor 8"
    );
    assert_eq!(
        t["created"]["by_priority"],
        json!({"P1": 1, "P2": 1, "P3": 4, "P4": 2})
    );
    assert_eq!(
        t["created"]["by_queue"],
        json!({"network": 6, "service-desk": 1, "none": 1}),
        "by the queue each is in now: 6 moved to network"
    );
    assert_eq!(t["created"]["by_type"], json!({"incident": 8}));
    assert_eq!(t["created"]["by_channel"], json!({"web": 8}));
    assert_eq!(t["resolved"], 6, "3, 4 (twice, counted once), 5, 6, 7, 10");
    assert_eq!(t["cancelled"], 1);
    assert_eq!(
        t["backlog_start"], 1,
        "8 only: 3 was filed after midnight local"
    );
    assert_eq!(t["backlog_end"], 2, "1 and 8; 5 is resolved until November");
    assert_eq!(
        t["aging_end"],
        json!({"0-2d": 1, "3-7d": 0, "8-30d": 0, ">30d": 1})
    );
    let third = 2.0 / 6.0;
    assert_eq!(
        t["reopen_rate"].as_f64(),
        Some(third),
        "4 in October, 5 in November"
    );
    assert_eq!(t["fcr_rate"].as_f64(), Some(third), "3 and 10");
    assert_eq!(
        t["first_response"],
        json!({"count": 6, "median_business_seconds": 1800, "p90_business_seconds": 3600}),
        "600, 1200, 1800, 3600, 3600, 3600"
    );
    assert_eq!(
        t["resolution"],
        json!({"count": 6, "median_business_seconds": 10800, "p90_business_seconds": 122400}),
        "1800, 3600, 10800, 10800, 14400, 122400"
    );
    let s = &r["sla"];
    assert_eq!(
        (
            s["first_response"]["met"].as_u64(),
            s["first_response"]["breached"].as_u64()
        ),
        (Some(5), Some(1))
    );
    assert_eq!(
        s["first_response"]["by_priority"]["P1"],
        json!({"met": 0, "breached": 1, "attainment": 0.0})
    );
    assert_eq!(
        (
            s["resolution"]["met"].as_u64(),
            s["resolution"]["breached"].as_u64()
        ),
        (Some(6), Some(0)),
        "9's cancellation is not met"
    );
    assert_eq!(
        s["next_response"],
        json!({"met": 0, "breached": 0, "attainment": null, "by_priority": {}})
    );
    assert_eq!(s["attainment"].as_f64(), Some(11.0 / 12.0));
    assert_eq!(
        s["worst_queues"],
        json!([{"queue": "network", "met": 9, "breached": 1, "attainment": 0.9}])
    );
    let queues = &r["workload"]["queues"];
    let network = queues
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "network")
        .unwrap();
    assert_eq!(
        network,
        &json!({"name": "network", "assigned": 6, "resolved": 5, "open_end": 2,
        "median_resolution_business_seconds": 10800})
    );
    let agents = r["workload"]["agents"].as_array().unwrap();
    assert_eq!(
        agents,
        &vec![
            json!({"name": "agent@example.org", "assigned": 1, "resolved": 1,
        "open_end": 0, "median_resolution_business_seconds": 10800})
        ]
    );
    let trend = r["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 12);
    assert_eq!(trend[0]["month"], "2025-11");
    assert_eq!(trend[10]["month"], "2026-09");
    assert_eq!(
        (
            trend[10]["created"].as_u64(),
            trend[10]["backlog_end"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(trend[11]["created"], 8);
    let nov = report(&app, &viewer, "/api/v1/reports/monthly/2026-11").await;
    assert_eq!(
        nov["tickets"]["created"]["total"], 1,
        "the ticket filed at 00:30 local"
    );
    assert_eq!(nov["tickets"]["backlog_start"], 2);
    assert_eq!(nov["tickets"]["backlog_end"], 4, "1, 2, 5 (reopened) and 8");
}

#[tokio::test]
async fn a_month_without_tickets_has_every_figure_zero_or_null() {
    let app = spawn_app_with(vec![]).await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let r = report(&app, &viewer, "/api/v1/reports/monthly/2026-08").await;
    let t = &r["tickets"];
    assert_eq!(
        t["created"],
        json!({"total": 0, "by_type": {}, "by_priority": {}, "by_channel": {},
        "by_queue": {}, "by_category": {}})
    );
    for k in ["resolved", "cancelled", "backlog_start", "backlog_end"] {
        assert_eq!(t[k], 0, "{k}");
    }
    assert_eq!(
        (t["reopen_rate"].clone(), t["fcr_rate"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(
        t["aging_end"],
        json!({"0-2d": 0, "3-7d": 0, "8-30d": 0, ">30d": 0})
    );
    let none = json!({"count": 0, "median_business_seconds": null, "p90_business_seconds": null});
    assert_eq!((&t["first_response"], &t["resolution"]), (&none, &none));
    for clock in ["first_response", "next_response", "resolution"] {
        assert_eq!(
            r["sla"][clock],
            json!({"met": 0, "breached": 0, "attainment": null, "by_priority": {}})
        );
    }
    assert_eq!(r["workload"], json!({"queues": [], "agents": []}));
    assert!(
        r["trend"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["created"] == 0 && p["sla_attainment"].is_null())
    );
    let file = |format: &'static str| {
        let path = format!("/api/v1/reports/monthly/2026-08?format={format}");
        let (app, viewer) = (&app, &viewer);
        async move {
            let resp = app.get(viewer, &path).await;
            assert_eq!(resp.status(), 200, "{format}");
            resp.bytes().await.unwrap().to_vec()
        }
    };
    // Every format says the same: zero or nothing, never a division error.
    let csv = String::from_utf8(file("csv").await).unwrap();
    assert!(csv.contains("tickets,created,,0,tickets\r\n"), "{csv}");
    assert!(csv.contains("tickets,reopen_rate,,,share\r\n"), "{csv}");
    assert!(
        !csv.to_lowercase().contains("nan") && !csv.contains("inf"),
        "{csv}"
    );
    let xlsx = file("xlsx").await;
    let sheets = crate::zip::member(&xlsx, "xl/workbook.xml").unwrap();
    assert!(sheets.contains("name=\"Tickets\""), "{sheets}");
    let html = String::from_utf8(file("html").await).unwrap();
    assert!(html.contains("August 2026"), "{html:.400}");
    assert!(
        !html.contains("NaN") && !html.contains("<script"),
        "{html:.400}"
    );
}

#[tokio::test]
async fn a_frozen_month_keeps_its_figures_when_a_ticket_reopens_later() {
    // A window long enough for a reopen today to count against October.
    let app = spawn_app_with(vec![("reports.reopen_window_days".into(), json!(365))]).await;
    let c = cast(&app).await;
    let agent_id = c.agent_id.clone();
    let mut scripts = october(&c, &agent_id);
    let ten = scripts.pop().unwrap();
    let ten_id = ten.ticket.id.clone();
    write(&app, scripts).await;
    write(&app, vec![ten]).await;
    let coordinator = app
        .token("coordinator@example.org", Role::Coordinator)
        .await;
    let path = "/api/v1/reports/monthly/2026-10";
    let frozen = app
        .post_json(&coordinator, &format!("{path}/freeze"), &json!({}))
        .await;
    assert_eq!(frozen.status(), 201);
    let again = app
        .post_json(&coordinator, &format!("{path}/freeze"), &json!({}))
        .await;
    assert_problem(again, 409, "already_frozen").await;
    let refreeze = app
        .post_json(
            &coordinator,
            &format!("{path}/freeze"),
            &json!({"refreeze": true}),
        )
        .await;
    assert_problem(refreeze, 403, "forbidden").await;
    let running = app
        .post_json(
            &coordinator,
            "/api/v1/reports/monthly/2099-01/freeze",
            &json!({}),
        )
        .await;
    assert_eq!(running.status(), 409);

    let agent = app.token("agent@example.org", Role::Agent).await;
    let reopen = app
        .patch_json(
            &agent,
            &format!("/api/v1/tickets/{ten_id}"),
            &json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(reopen.status(), 200, "{}", reopen.text().await.unwrap());
    let served = report(&app, &agent, path).await;
    assert_eq!(served["frozen"], true);
    assert_eq!(
        served["tickets"]["reopen_rate"].as_f64(),
        Some(2.0 / 6.0),
        "frozen figures"
    );
    let live = report(&app, &agent, &format!("{path}?live=true")).await;
    assert_eq!(live["frozen"], false);
    assert_eq!(
        live["tickets"]["reopen_rate"].as_f64(),
        Some(3.0 / 6.0),
        "the reopen counts live"
    );
    let nov = report(&app, &agent, "/api/v1/reports/monthly/2026-11").await;
    assert_eq!(
        nov["trend"][10]["frozen"], true,
        "the trend takes October frozen"
    );
    assert_eq!(nov["trend"][10]["created"], 8);
    let nov_path = "/api/v1/reports/monthly/2026-11";
    let r = app
        .post_json(&coordinator, &format!("{nov_path}/freeze"), &json!({}))
        .await;
    assert_eq!(r.status(), 201);
    let nov_frozen = report(&app, &agent, nov_path).await;
    // An October ticket that arrives late (an import): the refreeze takes
    // it, and November's frozen trend shows October as refrozen.
    write(
        &app,
        vec![Script::new(
            &c,
            90,
            "2026-10-15 10:00",
            Priority::P3,
            Some("network"),
        )],
    )
    .await;

    let admin = app.token("admin2@example.org", Role::Admin).await;
    let r = app
        .post_json(
            &admin,
            &format!("{path}/freeze"),
            &json!({"refreeze": true}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let served = report(&app, &agent, path).await;
    assert_eq!(
        served["tickets"]["reopen_rate"].as_f64(),
        Some(3.0 / 6.0),
        "refrozen"
    );
    assert_eq!(
        app.count("audit_events WHERE entity_type = 'report_month' AND action = 'frozen'")
            .await,
        2,
        "October and November"
    );
    assert_eq!(
        app.count("audit_events WHERE entity_type = 'report_month' AND action = 'refrozen'")
            .await,
        1
    );
    assert_eq!(served["tickets"]["created"]["total"], 9);
    let nov = report(&app, &agent, nov_path).await;
    assert_eq!(
        (&nov["frozen"], &nov["trend"][10]["created"]),
        (&json!(true), &json!(9))
    );
    assert_eq!(
        nov["tickets"], nov_frozen["tickets"],
        "November's own figures stay"
    );
    assert_eq!(
        app.count("audit_events WHERE entity_id = '2026-11' AND action = 'trend_updated'")
            .await,
        1
    );
}
