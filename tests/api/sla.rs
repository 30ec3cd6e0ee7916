//! Service levels in the running service: the preview, tickets' SLA, the
//! timer worker's exactly-once escalations, policy changes.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

/// A 24x7 policy with short targets and every escalation action.
pub fn quick_policy() -> Vec<(String, Value)> {
    vec![(
        "sla_policies".into(),
        json!([{
            "name": "quick",
            "calendar": "24x7",
            "warn_at_percent": [50],
            "targets": {
                "P1": {"first_response": "10m", "next_response": "30m", "resolution": "1h"},
                "P2": {"first_response": "30m", "next_response": "1h", "resolution": "4h"},
                "P3": {"first_response": "1h", "resolution": "8h"},
                "P4": {"resolution": "40h"}
            },
            "escalations": [
                {"on": "warning:50", "clock": "resolution", "notify": ["assignee"]},
                {"on": "breach", "clock": "first_response", "notify": ["assignee", "coordinators", "duty@example.org"],
                 "raise_priority": true, "move_to_queue": "network"}
            ]
        }]),
    )]
}

pub async fn scan_at(app: &TestApp, offset: chrono::Duration) -> itdesk::sla::worker::ScanStats {
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        itdesk::sla::worker::scan(&state.sla, itdesk::ids::now() + offset).unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn preview_computes_the_issue_example_by_hand() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let body = json!({
        "calendar": {"time_zone": "Europe/Berlin",
                     "hours": {"mon": ["08:00-12:00", "13:00-17:00"], "tue": ["08:00-12:00", "13:00-17:00"],
                               "wed": ["08:00-12:00", "13:00-17:00"], "thu": ["08:00-12:00", "13:00-17:00"],
                               "fri": ["08:00-12:00", "13:00-17:00"]},
                     "holidays": ["2026-12-24"], "yearly_holidays": ["01-01"]},
        "policy": {"pause_on": ["awaiting_requester"], "warn_at_percent": [75, 90],
                   "targets": {"P2": {"first_response": "1h", "resolution": "16h"}}},
        "priority": "P2",
        "created_at": "2026-03-27T15:30:00Z",
        "events": [
            {"at": "2026-03-30T07:00:00Z", "kind": "status", "status": "on_hold", "hold_reason": "awaiting_requester"},
            {"at": "2026-03-30T09:00:00Z", "kind": "status", "status": "in_progress"}
        ],
        "now": "2026-03-30T12:00:00Z"
    });
    let resp = app.post_json(&token, "/api/v1/sla/preview", &body).await;
    assert_eq!(resp.status(), 200);
    let r: Value = resp.json().await.unwrap();
    // Friday 16:30 CET; Monday after the spring DST change is CEST.
    assert_eq!(r["first_response"]["due_at"], "2026-03-30T06:30:00Z");
    assert_eq!(r["first_response"]["state"], "breached");
    assert_eq!(r["resolution"]["due_at"], "2026-04-01T07:30:00Z");
    assert_eq!(r["resolution"]["elapsed_seconds"], 3 * 3600 + 1800);
    assert_eq!(r["resolution"]["remaining_seconds"], 12 * 3600 + 1800);
    assert_eq!(r["resolution"]["state"], "running");
    assert_eq!(r["resolution"]["intervals"][1]["kind"], "paused");
    assert_eq!(
        r["resolution"]["intervals"][1]["reason"],
        "awaiting_requester"
    );
    assert!(
        r.get("next_response").is_none(),
        "only clocks the policy defines"
    );
    assert_eq!(r["state"], "breached");

    let mut bad = body.clone();
    bad["calendar"]["time_zone"] = json!("Mars/Olympus");
    bad["calendar"]["hours"]["mon"] = json!(["9-5"]);
    bad["policy"]["targets"]["P2"]["resolution"] = json!("16 hours");
    bad["events"][0]["at"] = json!("2027-01-01T00:00:00Z");
    let resp = app.post_json(&token, "/api/v1/sla/preview", &bad).await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"policy.targets.P2.resolution"),
        "{fields:?}"
    );
    let mut bad = body.clone();
    bad["calendar"]["time_zone"] = json!("Mars/Olympus");
    bad["calendar"]["hours"]["mon"] = json!(["9-5"]);
    bad["events"][0]["at"] = json!("2027-01-01T00:00:00Z");
    let p = assert_problem(
        app.post_json(&token, "/api/v1/sla/preview", &bad).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec![
            "events[0].at",
            "calendar.time_zone",
            "calendar.hours.mon[0]"
        ]
    );
}

/// Maps a ticket's history (as the API shows it) to preview events.
fn preview_events(history: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut status = "new".to_owned();
    let mut hold = Value::Null;
    for h in history.as_array().unwrap() {
        let at = h["at"].clone();
        let c = &h["changes"];
        match h["action"].as_str().unwrap() {
            "updated" => {
                if c.get("status").is_some() || c.get("hold_reason").is_some() {
                    if let Some(s) = c["status"]["to"].as_str() {
                        status = s.to_owned();
                    }
                    if c.get("hold_reason").is_some() {
                        hold = c["hold_reason"]["to"].clone();
                    }
                    out.push(
                        json!({"at": at, "kind": "status", "status": status, "hold_reason": hold}),
                    );
                }
                if let Some(p) = c["priority"]["to"].as_str() {
                    out.push(json!({"at": at, "kind": "priority", "priority": p}));
                }
            }
            "commented" if c["public"] == true => {
                let kind = if c["by_staff"] == true {
                    "public_reply"
                } else {
                    "requester_message"
                };
                out.push(json!({"at": at, "kind": kind}));
            }
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn preview_and_the_running_service_give_the_same_answers() {
    let app = spawn_app_with(quick_policy()).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let alice = app.token("alice@example.org", Role::Requester).await;
    let t = app.create_ticket(&alice, json!({"subject": "VPN", "description": "drops", "impact": "medium", "urgency": "high"})).await;
    let path = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());
    app.post_json(
        &agent,
        &format!("{path}/comments"),
        &json!({"body": "Looking"}),
    )
    .await;
    app.patch_json(
        &agent,
        &path,
        &json!({"status": "on_hold", "hold_reason": "awaiting_requester"}),
    )
    .await;
    app.post_json(
        &alice,
        &format!("{path}/comments"),
        &json!({"body": "Here you go"}),
    )
    .await;
    app.patch_json(&agent, &path, &json!({"priority": "P1"}))
        .await;

    let history: Value = app
        .get(&agent, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    let now = chrono::Utc::now() + chrono::Duration::minutes(20);
    let preview_body = json!({
        "calendar": {"time_zone": "UTC", "hours": {"mon": ["00:00-24:00"], "tue": ["00:00-24:00"], "wed": ["00:00-24:00"],
                     "thu": ["00:00-24:00"], "fri": ["00:00-24:00"], "sat": ["00:00-24:00"], "sun": ["00:00-24:00"]}},
        "policy": quick_policy()[0].1[0].clone(),
        "priority": history[0]["changes"]["priority"],
        "created_at": t["created_at"],
        "events": preview_events(&history),
        "now": now.to_rfc3339(),
    });
    let preview: Value = app
        .post_json(&agent, "/api/v1/sla/preview", &preview_body)
        .await
        .json()
        .await
        .unwrap();

    let state = app.state.clone();
    let id = t["id"].as_str().unwrap().to_owned();
    let service = tokio::task::spawn_blocking(move || {
        let ticket = state
            .db
            .read(|conn| itdesk::tickets::service::service_level::find(conn, &id))
            .unwrap()
            .unwrap();
        let registry = state.sla.registry.get();
        let report = state
            .db
            .read(|conn| itdesk::sla::service::report(conn, &registry, &ticket, now.naive_utc()))
            .unwrap()
            .unwrap();
        serde_json::to_value(itdesk::sla::dto::sla_dto(&report, now.timestamp_micros())).unwrap()
    })
    .await
    .unwrap();
    for clock in ["first_response", "next_response", "resolution"] {
        assert_eq!(service[clock], preview[clock], "{clock} differs");
    }
    assert_eq!(service["resolution"]["priority"], "P1");
    assert_eq!(service["next_response"]["cycles"], 1);

    // The ticket as the API shows it carries the same policy and clocks.
    let shown: Value = app.get(&agent, &path).await.json().await.unwrap();
    assert_eq!(shown["sla"]["policy"], "quick");
    assert_eq!(shown["sla"]["resolution"]["target_seconds"], 3600);
    let requester_view: Value = app.get(&alice, &path).await.json().await.unwrap();
    assert!(
        requester_view.get("sla").is_none(),
        "requesters do not see SLA internals"
    );
}

#[tokio::test]
async fn the_queue_sorts_by_nearest_deadline_and_filters_breached_and_at_risk() {
    let app = spawn_app_with(quick_policy()).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    for (subject, priority) in [("p3", "P3"), ("p1", "P1"), ("p2", "P2")] {
        app.create_ticket(
            &agent,
            json!({"subject": subject, "description": "x", "priority": priority}),
        )
        .await;
    }
    let page: Value = app
        .get(&agent, "/api/v1/tickets?status=open&sort=sla_due_at")
        .await
        .json()
        .await
        .unwrap();
    let subjects: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, vec!["p1", "p2", "p3"], "nearest deadline first");
    assert_eq!(page["items"][0]["sla"]["state"], "running");
    // 20 minutes on: P1's 10 min first response is breached, P2's 30 min is at risk.
    scan_at(&app, chrono::Duration::minutes(20)).await;
    let breached: Value = app
        .get(&agent, "/api/v1/tickets?sla=breached")
        .await
        .json()
        .await
        .unwrap();
    let subjects: Vec<&str> = breached["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, vec!["p1"]);
    let risky: Value = app
        .get(&agent, "/api/v1/tickets?sla=at_risk")
        .await
        .json()
        .await
        .unwrap();
    let subjects: Vec<&str> = risky["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, vec!["p2"]);
    let p = assert_problem(
        app.get(&agent, "/api/v1/tickets?sla=late").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "sla");
}

#[tokio::test]
async fn policies_change_over_the_api_and_open_tickets_are_recomputed() {
    let app = spawn_app_with(quick_policy()).await;
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let vip = app.token("ceo@example.org", Role::Requester).await;
    let t = app
        .create_ticket(&vip, json!({"subject": "Laptop", "description": "x"}))
        .await;
    assert_eq!(
        app.get(
            &agent,
            &format!("/api/v1/tickets/{}", t["id"].as_str().unwrap())
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["sla"]["policy"],
        "quick"
    );

    let resp = app
        .client
        .put(app.url("/api/v1/sla/policies/quick"))
        .bearer_auth(&coord)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 409, "defined_in_config").await;
    let resp = app
        .client
        .put(app.url("/api/v1/sla/policies/x"))
        .bearer_auth(&agent)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .client
        .put(app.url("/api/v1/sla/policies/broken"))
        .bearer_auth(&coord)
        .json(&json!({"calendar": "nowhere"}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "sla_policies[broken].calendar");

    let resp = app
        .client
        .put(app.url("/api/v1/sla/calendars/support"))
        .bearer_auth(&coord)
        .json(&json!({"time_zone": "America/New_York", "hours": {"mon": ["09:00-17:00"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = app
        .client
        .put(app.url("/api/v1/sla/policies/everything?position=-1"))
        .bearer_auth(&coord)
        .json(&json!({"calendar": "support", "targets": {"P3": {"resolution": "2h"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let listed: Value = app
        .get(&coord, "/api/v1/sla/policies")
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["everything", "quick"]);

    // The recompute job moves the open ticket to the new first policy.
    let ran = app.run_jobs_until_idle().await;
    assert!(ran.of("sla.recompute") >= 1, "{ran:?}");
    let page: Value = app
        .get(&agent, "/api/v1/tickets")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["sla"]["policy"], "everything");

    let resp = app
        .client
        .delete(app.url("/api/v1/sla/calendars/support"))
        .bearer_auth(&coord)
        .send()
        .await
        .unwrap();
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(
        p["errors"][0]["field"], "sla_policies[everything].calendar",
        "still in use"
    );
    let resp = app
        .client
        .delete(app.url("/api/v1/sla/policies/everything"))
        .bearer_auth(&coord)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
}
