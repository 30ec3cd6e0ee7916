//! SLA on the pages: bars on the ticket page, the queue's SLA column,
//! filter and sort, and the notification list.

use itdesk::auth::Role;
use serde_json::json;

use crate::helpers::{csrf_of, spawn_app_with};

fn policy() -> Vec<(String, serde_json::Value)> {
    vec![(
        "sla_policies".into(),
        json!([{"name": "desk", "calendar": "24x7", "warn_at_percent": [50],
                "targets": {"P2": {"first_response": "10m", "resolution": "4h"}, "P3": {"first_response": "1h", "resolution": "8h"}},
                "escalations": [{"on": "breach", "notify": ["assignee"]}]}]),
    )]
}

#[tokio::test]
async fn staff_see_sla_bars_and_the_queue_sorts_and_filters_by_sla() {
    let app = spawn_app_with(policy()).await;
    let agent = app.logged_in("agent@example.org", Role::Agent).await;
    let token = app.token("agent@example.org", Role::Agent).await;
    let requester = app.logged_in("alice@example.org", Role::Requester).await;
    let alice = app.token("alice@example.org", Role::Requester).await;
    app.create_ticket(&alice, json!({"subject": "slow", "description": "x"}))
        .await;
    let urgent = app
        .create_ticket(
            &alice,
            json!({"subject": "urgent", "description": "x", "urgency": "high"}),
        )
        .await;
    app.patch_json(
        &token,
        &format!("/api/v1/tickets/{}", urgent["id"].as_str().unwrap()),
        &json!({"assignee": "agent@example.org"}),
    )
    .await;

    let page = agent
        .get(app.url("/tickets/2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("SLA <span class=\"muted\">(desk)</span>"),
        "{page}"
    );
    assert!(page.contains("First response") && page.contains("Resolution"));
    assert!(page.contains("<progress class=\"sla-bar\""));
    assert!(page.contains("business time left"));
    let theirs = requester
        .get(app.url("/tickets/2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !theirs.contains("sla-bar"),
        "requesters do not see SLA bars"
    );

    let queue = agent
        .get(app.url("/queue?sort=sla_due_at"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (first, second) = (
        queue.find(">urgent<").unwrap(),
        queue.find(">slow<").unwrap(),
    );
    assert!(first < second, "nearest deadline first");
    assert!(queue.contains("badge sla-running"));
    assert!(queue.contains("Nearest SLA deadline"));

    // Twenty minutes on the P2 first response (10 min) is breached.
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        itdesk::sla::worker::scan(
            &state.sla,
            itdesk::ids::now() + chrono::Duration::minutes(20),
        )
        .unwrap()
    })
    .await
    .unwrap();
    let breached = agent
        .get(app.url("/queue?sla=breached"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(breached.contains(">urgent<") && !breached.contains(">slow<"));

    let notes = agent
        .get(app.url("/notifications"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notes.contains("first response target missed"), "{notes}");
    assert!(notes.contains("href=\"/tickets/2\""));
    let id_start = notes.find("/notifications/").unwrap() + "/notifications/".len();
    let id = notes[id_start..].split('/').next().unwrap().to_owned();
    let csrf = csrf_of(&notes);
    let resp = agent
        .post(app.url(&format!("/notifications/{id}/read")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let after = agent
        .get(app.url("/notifications"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(after.contains(">read<") && !after.contains("Mark read"));
}
