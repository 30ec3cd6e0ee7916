//! Thresholds found late (after an outage, or in history loaded in bulk)
//! are recorded at the moment they were crossed, and nobody is notified or
//! escalated about a crossing more than a day old.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::spawn_app_with;
use crate::sla::{quick_policy, scan_at};

#[tokio::test]
async fn a_crossing_found_days_later_is_dated_when_it_happened_and_wakes_nobody() {
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
    app.patch_json(
        &admin,
        &path,
        &json!({"assignee": "agent@example.org", "priority": "P3"}),
    )
    .await;
    let created: chrono::DateTime<chrono::Utc> = t["created_at"].as_str().unwrap().parse().unwrap();

    // The first scan runs three days on: P3's first response (1 h) was
    // breached long ago.
    scan_at(&app, chrono::Duration::days(3)).await;
    let history: Value = app
        .get(&agent, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    let breach = history
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "sla_breached" && h["changes"]["clock"] == "first_response")
        .unwrap_or_else(|| panic!("{history}"));
    let at: chrono::DateTime<chrono::Utc> = breach["at"].as_str().unwrap().parse().unwrap();
    let after = at - created;
    assert!(
        after >= chrono::Duration::minutes(59) && after <= chrono::Duration::minutes(61),
        "recorded when crossed, {after} after filing: {breach}"
    );
    let notes: Value = app
        .get(&agent, "/api/v1/notifications")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        notes.as_array().unwrap().iter().all(|n| n["kind"] != "sla"),
        "nobody is woken up about a three-day-old breach: {notes}"
    );
    let now: Value = app.get(&agent, &path).await.json().await.unwrap();
    assert_eq!(now["priority"], "P3", "no escalation acted: {now}");
    assert!(
        now["queue"].is_null() || now["queue"]["slug"] != "network",
        "{now}"
    );
}
