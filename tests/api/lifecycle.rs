//! Changing tickets through the API: the lifecycle, assignment, queues,
//! priorities, and what a refused change leaves behind (nothing).

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

async fn ticket(app: &crate::helpers::TestApp, token: &str) -> (String, Value) {
    let t = app
        .create_ticket(
            token,
            json!({"subject": "VPN drops", "description": "Every 10 minutes"}),
        )
        .await;
    (format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()), t)
}

#[tokio::test]
async fn lifecycle_is_enforced_with_allowed_next_states_and_hold_reasons() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let (path, _) = ticket(&app, &agent).await;

    let resp = app
        .patch_json(&agent, &path, &json!({"status": "closed"}))
        .await;
    let p = assert_problem(resp, 409, "transition_not_allowed").await;
    assert_eq!(
        p["allowed"],
        json!(["triaged", "in_progress", "on_hold", "resolved", "cancelled"])
    );

    let resp = app
        .patch_json(&agent, &path, &json!({"status": "on_hold"}))
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "hold_reason");

    let held: Value = app
        .patch_json(
            &agent,
            &path,
            &json!({"status": "on_hold", "hold_reason": "awaiting_vendor"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(held["status"], "on_hold");
    assert_eq!(held["hold_reason"], "awaiting_vendor");

    let resolved: Value = app
        .patch_json(&agent, &path, &json!({"status": "resolved"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resolved["hold_reason"], Value::Null);
    assert!(resolved["resolved_at"].is_string());

    let reopened: Value = app
        .patch_json(&agent, &path, &json!({"status": "in_progress"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reopened["status"], "in_progress");
    assert_eq!(reopened["resolved_at"], Value::Null);

    app.patch_json(&agent, &path, &json!({"status": "resolved"}))
        .await;
    let closed: Value = app
        .patch_json(&agent, &path, &json!({"status": "closed"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    let resp = app
        .patch_json(&agent, &path, &json!({"status": "in_progress"}))
        .await;
    let p = assert_problem(resp, 409, "transition_not_allowed").await;
    assert_eq!(p["allowed"], json!([]), "closed is final");

    let history: Value = app
        .get(&agent, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    let statuses: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["changes"]["status"]["to"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        statuses,
        vec!["on_hold", "resolved", "in_progress", "resolved", "closed"]
    );
}

#[tokio::test]
async fn assignment_queue_category_and_priority_changes_are_validated_and_recorded() {
    let app = spawn_app().await;
    let admin = app.seed_catalog().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    app.token("someone@example.org", Role::Requester).await;
    let (path, _) = ticket(&app, &agent).await;

    let resp = app
        .patch_json(&admin, &path, &json!({"assignee": "someone@example.org"}))
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be assigned")
    );

    let t: Value = app
        .patch_json(
            &admin,
            &path,
            &json!({"assignee": "agent@example.org", "queue": "network", "category": "access", "impact": "high", "urgency": "high"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["assignee"]["email"], "agent@example.org");
    assert_eq!(t["queue"]["slug"], "network");
    assert_eq!(t["category"]["slug"], "access");
    assert_eq!(t["priority"], "P1", "matrix follows impact and urgency");

    let t: Value = app
        .patch_json(&admin, &path, &json!({"priority": "P4"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (t["priority"].as_str(), t["priority_overridden"].as_bool()),
        (Some("P4"), Some(true))
    );
    let t: Value = app
        .patch_json(&admin, &path, &json!({"urgency": "low"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        t["priority"], "P4",
        "an override survives impact and urgency changes"
    );
    let t: Value = app
        .patch_json(&admin, &path, &json!({"priority": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (t["priority"].as_str(), t["priority_overridden"].as_bool()),
        (Some("P3"), Some(false))
    );
    let t: Value = app
        .patch_json(&admin, &path, &json!({"assignee": null, "queue": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["assignee"], Value::Null);
    assert_eq!(t["queue"], Value::Null);

    let history: Value = app
        .get(&admin, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    let first_update = &history[1];
    assert_eq!(first_update["action"], "updated");
    assert_eq!(
        first_update["changes"]["assignee"],
        json!({"from": null, "to": "agent@example.org"})
    );
    assert_eq!(
        first_update["changes"]["queue"],
        json!({"from": null, "to": "network"})
    );
    assert_eq!(
        first_update["changes"]["priority"],
        json!({"from": "P3", "to": "P1"})
    );
    assert_eq!(first_update["actor"]["email"], "catalog-admin@example.org");

    let before = history.as_array().unwrap().len();
    app.patch_json(&admin, &path, &json!({"urgency": "low"}))
        .await;
    let after: Value = app
        .get(&admin, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        after.as_array().unwrap().len(),
        before,
        "a change that changes nothing records nothing"
    );
}

#[tokio::test]
async fn tickets_are_addressable_by_number_and_missing_ones_are_404() {
    let app = spawn_app().await;
    let token = app.token("agent@example.org", Role::Agent).await;
    let (_, t) = ticket(&app, &token).await;
    let by_number: Value = app
        .get(&token, "/api/v1/tickets/1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_number["id"], t["id"]);
    let resp = app.get(&token, "/api/v1/tickets/999").await;
    let p = assert_problem(resp, 404, "not_found").await;
    assert_eq!(p["detail"], "ticket #999 not found");
    let resp = app
        .patch_json(&token, "/api/v1/tickets/999", &json!({"status": "triaged"}))
        .await;
    assert_problem(resp, 404, "not_found").await;
}

#[tokio::test]
async fn patch_rejects_unknown_fields_and_bad_values_without_changing_anything() {
    let app = spawn_app().await;
    let token = app.token("agent@example.org", Role::Agent).await;
    let (path, _) = ticket(&app, &token).await;
    let resp = app
        .patch_json(&token, &path, &json!({"colour": "red"}))
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "colour");
    let resp = app
        .patch_json(&token, &path, &json!({"status": "done"}))
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "status");
    // A valid status with an invalid assignee changes neither.
    let resp = app
        .patch_json(
            &token,
            &path,
            &json!({"status": "in_progress", "assignee": "ghost@example.org"}),
        )
        .await;
    assert_problem(resp, 422, "validation_failed").await;
    let t: Value = app.get(&token, &path).await.json().await.unwrap();
    assert_eq!(t["status"], "new");
}
