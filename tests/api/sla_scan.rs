//! The SLA timer scan: escalations fire exactly once even with concurrent
//! and bulk scans, and warnings are recorded while a paused ticket has no
//! deadline.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::spawn_app_with;
use crate::sla::{quick_policy, scan_at};

#[tokio::test]
async fn a_breach_fires_its_escalations_exactly_once_even_with_concurrent_scans() {
    let app = spawn_app_with(quick_policy()).await;
    let admin = app.seed_catalog().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    app.token("coord@example.org", Role::Coordinator).await;
    let t = app
        .create_ticket(
            &admin,
            json!({"subject": "Down", "description": "x", "impact": "low", "urgency": "low"}),
        )
        .await;
    let path = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());
    assert_eq!(t["priority"], "P4");
    app.patch_json(
        &admin,
        &path,
        &json!({"assignee": "agent@example.org", "priority": "P3"}),
    )
    .await;

    // Nothing due yet.
    assert_eq!(scan_at(&app, chrono::Duration::zero()).await.tickets, 0);
    // 90 minutes on: P3's first response (1 h) is breached. Four scans race.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let state = app.state.clone();
            std::thread::spawn(move || {
                itdesk::sla::worker::scan(
                    &state.sla,
                    itdesk::ids::now() + chrono::Duration::minutes(90),
                )
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    scan_at(&app, chrono::Duration::minutes(90)).await;

    let history: Value = app
        .get(&agent, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    let breaches: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "sla_breached")
        .collect();
    assert_eq!(breaches.len(), 1, "{history}");
    assert_eq!(breaches[0]["changes"]["clock"], "first_response");
    let raises: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| {
            h["changes"]["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("SLA escalation"))
        })
        .collect();
    assert_eq!(raises.len(), 1, "the escalation acted once");
    let now: Value = app.get(&agent, &path).await.json().await.unwrap();
    assert_eq!(now["priority"], "P2", "raised one step");
    assert_eq!(now["queue"]["slug"], "network");

    let mine: Value = app
        .get(&agent, "/api/v1/notifications")
        .await
        .json()
        .await
        .unwrap();
    let sla_notes: Vec<&Value> = mine
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "sla")
        .collect();
    assert_eq!(sla_notes.len(), 1, "{mine}");
    assert!(
        sla_notes[0]["message"]
            .as_str()
            .unwrap()
            .contains("first response target missed")
    );
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    let theirs: Value = app
        .get(&coord, "/api/v1/notifications?unread=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    let id = theirs[0]["id"].as_str().unwrap();
    let r = app
        .client
        .post(app.url(&format!("/api/v1/notifications/{id}/read")))
        .bearer_auth(&coord)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let unread: Value = app
        .get(&coord, "/api/v1/notifications?unread=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unread.as_array().unwrap().len(), 0);
    assert_eq!(
        app.count("notifications WHERE email = 'duty@example.org'")
            .await,
        1
    );
}

#[tokio::test]
async fn warnings_are_recorded_and_a_paused_ticket_has_no_deadline() {
    let app = spawn_app_with(quick_policy()).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(
            &agent,
            json!({"subject": "Printer", "description": "x", "priority": "P2"}),
        )
        .await;
    let path = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());
    assert_eq!(t["sla"]["state"], "running");
    assert!(t["sla"]["due_at"].is_string());
    app.post_json(
        &agent,
        &format!("{path}/comments"),
        &json!({"body": "On it"}),
    )
    .await;
    // 2.5 h of 4 h: past the 50 % warning of the resolution clock.
    scan_at(&app, chrono::Duration::minutes(150)).await;
    let history: Value = app
        .get(&agent, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    let warnings: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "sla_warning")
        .collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0]["changes"]["threshold"], "warning:50");

    let held: Value = app
        .patch_json(
            &agent,
            &path,
            &json!({"status": "on_hold", "hold_reason": "awaiting_requester"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(held["sla"]["resolution"]["state"], "paused");
    assert_eq!(held["sla"]["resolution"]["due_at"], Value::Null);
}

#[tokio::test]
async fn bulk_scans_racing_over_many_tickets_notify_each_breach_once() {
    let policy = vec![(
        "sla_policies".into(),
        json!([{"name": "notify-only", "calendar": "24x7",
                "targets": {"P3": {"first_response": "5m", "resolution": "1h"}},
                "escalations": [{"on": "breach", "notify": ["assignee", "team@example.org"]}]}]),
    )];
    let app = spawn_app_with(policy).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    for i in 0..30 {
        let t = app
            .create_ticket(
                &agent,
                json!({"subject": format!("t{i}"), "description": "x"}),
            )
            .await;
        app.patch_json(
            &agent,
            &format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()),
            &json!({"assignee": "agent@example.org"}),
        )
        .await;
    }
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let state = app.state.clone();
            std::thread::spawn(move || {
                itdesk::sla::worker::scan(
                    &state.sla,
                    itdesk::ids::now() + chrono::Duration::hours(2),
                )
            })
        })
        .collect();
    let refreshed: usize = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap().tickets)
        .sum();
    assert!(refreshed >= 30, "{refreshed}");
    assert_eq!(
        app.count("audit_events WHERE action = 'sla_breached'")
            .await,
        60,
        "two clocks × 30 tickets, once each"
    );
    assert_eq!(
        app.count("notifications WHERE email = 'team@example.org'")
            .await,
        60
    );
    assert_eq!(
        app.count("notifications WHERE user_id IS NOT NULL").await,
        60
    );
    assert_eq!(app.count("tickets WHERE sla_state = 'breached'").await, 30);
    assert_eq!(
        app.count("tickets WHERE sla_next_check_at IS NOT NULL")
            .await,
        0,
        "nothing left ahead"
    );
    // A later scan finds nothing to do.
    assert_eq!(scan_at(&app, chrono::Duration::hours(3)).await.tickets, 0);
}
