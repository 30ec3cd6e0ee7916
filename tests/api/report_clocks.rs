//! Hand-checked clocks in November 2026 (CET, UTC+1; the office calendar
//! works 08:00–17:00 on weekdays): time on hold for the requester is left
//! out of the resolution time, and the next-response clock is met or
//! breached per requester message, per priority. The export says the same
//! seconds.

use serde_json::{Value, json};

use itdesk::auth::Role;
use itdesk::tickets::domain::{Priority, Status};

use crate::helpers::spawn_app_with;
use crate::report_script::{Script, write};
use crate::reports::cast;

#[tokio::test]
async fn paused_time_is_left_out_and_next_responses_are_met_or_breached() {
    let app = spawn_app_with(vec![]).await;
    let c = cast(&app).await;
    use Status::*;
    // Tuesday 3 November, 08:00 local: answered at 09:00 (3,600 s), on
    // hold for the requester 10:00–12:00, their message at 12:00 answered
    // at 13:00 (P3: within 8 h), resolved at 15:00: 2 h + 3 h = 18,000 s.
    let held = Script::new(&c, 1, "2026-11-03 07:00", Priority::P3, Some("network"))
        .reply(&c, "2026-11-03 08:00")
        .status(&c, "2026-11-03 08:00", InProgress)
        .hold(&c, "2026-11-03 09:00", "awaiting_requester")
        .status(&c, "2026-11-03 11:00", InProgress)
        .message(&c, "2026-11-03 11:00")
        .reply(&c, "2026-11-03 12:00")
        .status(&c, "2026-11-03 14:00", Resolved);
    // Wednesday 4 November, 08:00 local, P1: answered at 08:10 (600 s),
    // the requester writes at 09:00 and hears back at 10:30: the 1 h next
    // response was due at 10:00. Resolved at 11:00: 10,800 s, within 4 h.
    let urgent = Script::new(&c, 2, "2026-11-04 07:00", Priority::P1, Some("network"))
        .reply(&c, "2026-11-04 07:10")
        .status(&c, "2026-11-04 07:10", InProgress)
        .message(&c, "2026-11-04 08:00")
        .reply(&c, "2026-11-04 09:30")
        .status(&c, "2026-11-04 10:00", Resolved);
    write(&app, vec![held, urgent]).await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let r: Value = app
        .get(&viewer, "/api/v1/reports/monthly/2026-11")
        .await
        .json()
        .await
        .unwrap();
    let t = &r["tickets"];
    assert_eq!(
        t["first_response"],
        json!({"count": 2, "median_business_seconds": 600, "p90_business_seconds": 3600})
    );
    assert_eq!(
        t["resolution"],
        json!({"count": 2, "median_business_seconds": 10800, "p90_business_seconds": 18000}),
        "the two hours on hold are not counted"
    );
    let next = &r["sla"]["next_response"];
    assert_eq!(
        (&next["met"], &next["breached"], next["attainment"].as_f64()),
        (&json!(1), &json!(1), Some(0.5)),
        "{next}"
    );
    assert_eq!(
        next["by_priority"],
        json!({"P1": {"met": 0, "breached": 1, "attainment": 0.0},
               "P3": {"met": 1, "breached": 0, "attainment": 1.0}})
    );
    for clock in ["first_response", "resolution"] {
        let s = &r["sla"][clock];
        assert_eq!(
            (&s["met"], &s["breached"]),
            (&json!(2), &json!(0)),
            "{clock}"
        );
    }

    let rows: Value = app
        .get(
            &viewer,
            "/api/v1/tickets/export?from=2026-11-01&to=2026-11-30&format=json",
        )
        .await
        .json()
        .await
        .unwrap();
    let rows = rows.as_array().unwrap();
    let row = |n: i64| rows.iter().find(|r| r["number"] == n).unwrap().clone();
    let (one, two) = (row(1), row(2));
    assert_eq!(
        (
            &one["first_response_business_seconds"],
            &one["resolution_business_seconds"]
        ),
        (&json!(3600), &json!(18000))
    );
    assert_eq!(
        (
            &two["first_response_business_seconds"],
            &two["resolution_business_seconds"]
        ),
        (&json!(600), &json!(10800))
    );
}
