//! SLA configuration: holiday feeds named in the configuration, and the
//! coordinators a queue's escalations reach.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app_with};

#[tokio::test]
async fn holiday_feeds_in_the_configuration_become_days_off() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("holidays.ics");
    std::fs::write(
        &feed,
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Company day\r\nDTSTART;VALUE=DATE:20261202\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nSUMMARY:Founders\r\nDTSTART;VALUE=DATE:20200615\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let app = spawn_app_with(vec![(
        "calendars".into(),
        json!([{"name": "feed", "time_zone": "Europe/Paris",
                "hours": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"], "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]},
                "holiday_files": [feed.display().to_string()]}]),
    ), ("sla_policies".into(), json!([{"name": "p", "calendar": "feed", "targets": {"P3": {"resolution": "8h"}}}]))])
    .await;
    let registry = app.state.sla.registry.get();
    let calendar = &registry.calendars["feed"];
    let day = |d: &str| {
        let start = chrono::DateTime::parse_from_rfc3339(&format!("{d}T00:00:00Z"))
            .unwrap()
            .timestamp_micros();
        calendar.business_between(start, start + 86_400_000_000)
    };
    assert_eq!(day("2026-12-01"), 8 * 3_600_000_000, "an ordinary Tuesday");
    assert_eq!(day("2026-12-02"), 0, "the company day from the feed");
    assert_eq!(day("2027-06-15"), 0, "a yearly event from the feed");
    let listed: Value = app
        .get(
            &app.token("a@example.org", Role::Agent).await,
            "/api/v1/sla/calendars",
        )
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["24x7", "feed"]);
}

#[tokio::test]
async fn a_broken_holiday_feed_stops_the_start_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::TestDb::new(dir.path());
    let feed = dir.path().join("broken.ics");
    std::fs::write(
        &feed,
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-12-24\nEND:VEVENT\nEND:VCALENDAR\n",
    )
    .unwrap();
    let settings = crate::helpers::test_settings(
        &db,
        dir.path(),
        vec![(
            "calendars".into(),
            json!([{"name": "bad", "time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holiday_files": [feed.display().to_string()]}]),
        )],
    );
    let err = itdesk::startup::prepare(settings)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("calendars[bad].holiday_files[0]") && err.contains("line 3"),
        "{err}"
    );
}

#[tokio::test]
async fn escalations_reach_the_coordinators_of_the_ticket_queue() {
    let app = spawn_app_with(vec![(
        "sla_policies".into(),
        json!([{"name": "q", "calendar": "24x7", "targets": {"P3": {"first_response": "5m"}},
                "escalations": [{"on": "breach", "notify": ["coordinators"]}]}]),
    )])
    .await;
    let admin = app.seed_catalog().await;
    let network_lead = app.token("net-lead@example.org", Role::Coordinator).await;
    let desk_lead = app.token("desk-lead@example.org", Role::Coordinator).await;
    app.token("agent@example.org", Role::Agent).await;

    let resp = app
        .client
        .put(app.url("/api/v1/queues/network/coordinators"))
        .bearer_auth(&admin)
        .json(&json!({"coordinators": ["net-lead@example.org", "agent@example.org"]}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "coordinators[1]");
    let resp = app
        .client
        .put(app.url("/api/v1/queues/network/coordinators"))
        .bearer_auth(&admin)
        .json(&json!({"coordinators": ["NET-LEAD@example.org"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let named: Value = app
        .get(&desk_lead, "/api/v1/queues/network/coordinators")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(named[0]["email"], "net-lead@example.org");

    app.create_ticket(
        &admin,
        json!({"subject": "switch down", "description": "x", "queue": "network"}),
    )
    .await;
    app.create_ticket(&admin, json!({"subject": "no queue", "description": "x"}))
        .await;
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        itdesk::sla::worker::scan(&state.sla, itdesk::ids::now() + chrono::Duration::hours(1))
            .unwrap()
    })
    .await
    .unwrap();
    let messages = |v: Value| -> Vec<String> {
        let mut m: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["message"].as_str().unwrap().to_owned())
            .collect();
        m.sort();
        m
    };
    let net: Value = app
        .get(&network_lead, "/api/v1/notifications")
        .await
        .json()
        .await
        .unwrap();
    let desk: Value = app
        .get(&desk_lead, "/api/v1/notifications")
        .await
        .json()
        .await
        .unwrap();
    let (net, desk) = (messages(net), messages(desk));
    assert_eq!(net.len(), 2, "{net:?}");
    assert_eq!(desk.len(), 1, "{desk:?}");
    assert!(
        desk[0].contains("no queue"),
        "the unqueued ticket reaches every coordinator"
    );
}
