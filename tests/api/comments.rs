//! The conversation: public replies, internal notes, and what replies do.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn setup(app: &TestApp) -> (String, String, String) {
    let alice = app.token("alice@example.org", Role::Requester).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(
            &alice,
            json!({"subject": "Wi-Fi", "description": "Slow on floor 3"}),
        )
        .await;
    (
        alice,
        agent,
        format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()),
    )
}

#[tokio::test]
async fn internal_notes_are_hidden_from_the_requester_everywhere() {
    let app = spawn_app().await;
    let (alice, agent, path) = setup(&app).await;
    let reply = app
        .post_json(
            &agent,
            &format!("{path}/comments"),
            &json!({"body": "Looking into it"}),
        )
        .await;
    assert_eq!(reply.status(), 201);
    let reply: Value = reply.json().await.unwrap();
    assert_eq!(reply["public"], true);
    assert_eq!(reply["author"]["email"], "agent@example.org");
    let note = app
        .post_json(
            &agent,
            &format!("{path}/comments"),
            &json!({"body": "zebrafirmware known bug", "public": false}),
        )
        .await;
    assert_eq!(note.status(), 201);

    let staff_view: Value = app
        .get(&agent, &format!("{path}/comments"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff_view.as_array().unwrap().len(), 2);
    let requester_view: Value = app
        .get(&alice, &format!("{path}/comments"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(requester_view.as_array().unwrap().len(), 1);
    assert_eq!(requester_view[0]["body"], "Looking into it");

    let history: Value = app
        .get(&alice, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["changes"]["public"] != false),
        "requester history shows no trace of internal notes: {history}"
    );
    let staff_history: Value = app
        .get(&agent, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    // Filed, replied (which started work: new → in_progress), noted.
    assert_eq!(
        staff_history.as_array().unwrap().len(),
        4,
        "{staff_history}"
    );
    assert!(
        staff_history
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["changes"]["status"]["to"] == "in_progress"),
        "the first public reply started work: {staff_history}"
    );

    // Words only in the internal note find the ticket for staff, not for the requester.
    let staff_search: Value = app
        .get(&agent, "/api/v1/tickets?q=zebrafirmware")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff_search["items"].as_array().unwrap().len(), 1);
    let requester_search: Value = app
        .get(&alice, "/api/v1/tickets?q=zebrafirmware")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(requester_search["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn requesters_cannot_write_internal_notes_or_empty_comments() {
    let app = spawn_app().await;
    let (alice, _, path) = setup(&app).await;
    let resp = app
        .post_json(
            &alice,
            &format!("{path}/comments"),
            &json!({"body": "secret", "public": false}),
        )
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "public");
    let resp = app
        .post_json(&alice, &format!("{path}/comments"), &json!({"body": "   "}))
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "body");
    assert_eq!(app.count("comments").await, 0);
}

#[tokio::test]
async fn requester_reply_wakes_a_ticket_waiting_for_them_and_reopens_a_resolved_one() {
    let app = spawn_app().await;
    let (alice, agent, path) = setup(&app).await;
    app.patch_json(
        &agent,
        &path,
        &json!({"status": "on_hold", "hold_reason": "awaiting_requester"}),
    )
    .await;
    app.post_json(
        &alice,
        &format!("{path}/comments"),
        &json!({"body": "Here is the screenshot"}),
    )
    .await;
    let t: Value = app.get(&agent, &path).await.json().await.unwrap();
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["hold_reason"], Value::Null);

    app.patch_json(&agent, &path, &json!({"status": "resolved"}))
        .await;
    app.post_json(
        &alice,
        &format!("{path}/comments"),
        &json!({"body": "Still broken"}),
    )
    .await;
    let t: Value = app.get(&agent, &path).await.json().await.unwrap();
    assert_eq!(t["status"], "in_progress");

    let history: Value = app
        .get(&agent, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    let reasons: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["changes"]["reason"].as_str())
        .collect();
    assert_eq!(reasons, vec!["requester replied", "requester replied"]);

    // An agent's reply on a held ticket leaves it held.
    app.patch_json(
        &agent,
        &path,
        &json!({"status": "on_hold", "hold_reason": "awaiting_vendor"}),
    )
    .await;
    app.post_json(
        &agent,
        &format!("{path}/comments"),
        &json!({"body": "Vendor asked"}),
    )
    .await;
    let t: Value = app.get(&agent, &path).await.json().await.unwrap();
    assert_eq!(t["status"], "on_hold");
}

#[tokio::test]
async fn comments_cannot_be_added_to_a_closed_ticket_by_requesters_reopening_it() {
    let app = spawn_app().await;
    let (alice, agent, path) = setup(&app).await;
    app.patch_json(&agent, &path, &json!({"status": "cancelled"}))
        .await;
    let resp = app
        .post_json(
            &alice,
            &format!("{path}/comments"),
            &json!({"body": "hello?"}),
        )
        .await;
    assert_eq!(resp.status(), 201, "a comment on a final ticket is kept");
    let t: Value = app.get(&agent, &path).await.json().await.unwrap();
    assert_eq!(t["status"], "cancelled", "but does not reopen it");
}
