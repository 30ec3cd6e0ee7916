//! Filing tickets through the API: numbers, priorities, contacts, bad
//! input, and exactly-once creation with Idempotency-Key.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn filing_a_ticket_returns_201_with_location_number_and_matrix_priority() {
    let app = spawn_app().await;
    let token = app.token("req@example.org", Role::Requester).await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/tickets",
            &json!({"subject": "  Laptop will not boot ", "description": "Black screen", "impact": "high", "urgency": "medium"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/tickets/{}", body["id"].as_str().unwrap())
    );
    assert_eq!(body["number"], 1);
    assert_eq!(body["reference"], "#1");
    assert_eq!(body["subject"], "Laptop will not boot");
    assert_eq!(body["status"], "new");
    assert_eq!(body["type"], "incident");
    assert_eq!(body["priority"], "P2");
    assert_eq!(body["priority_overridden"], false);
    assert_eq!(body["channel"], "api");
    assert_eq!(body["requester"]["email"], "req@example.org");
    assert!(body["created_at"].as_str().unwrap().ends_with('Z'));

    let second = app
        .create_ticket(&token, json!({"subject": "Second", "description": "x"}))
        .await;
    assert_eq!(second["number"], 2, "numbers are sequential");
    assert_eq!(
        second["priority"], "P3",
        "medium × medium from the default matrix"
    );
}

#[tokio::test]
async fn explicit_priority_overrides_the_matrix_and_is_recorded() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(
            &agent,
            json!({"subject": "CEO laptop", "description": "VIP", "impact": "low", "urgency": "low", "priority": "P1"}),
        )
        .await;
    assert_eq!(t["priority"], "P1");
    assert_eq!(t["priority_overridden"], true);
    let history: Value = app
        .get(
            &agent,
            &format!("/api/v1/tickets/{}/history", t["id"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history[0]["action"], "created");
    assert_eq!(history[0]["changes"]["priority_overridden"], true);
    assert_eq!(history[0]["actor"]["email"], "agent@example.org");
}

#[tokio::test]
async fn requester_cannot_set_priority_or_file_for_someone_else() {
    let app = spawn_app().await;
    let token = app.token("req@example.org", Role::Requester).await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/tickets",
            &json!({"subject": "s", "description": "d", "priority": "P1", "requester_email": "boss@example.org"}),
        )
        .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["priority", "requester_email"]);
    assert_eq!(app.count("tickets").await, 0);
}

#[tokio::test]
async fn staff_filing_for_an_unknown_address_creates_a_requester_contact_and_watchers() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(
            &agent,
            json!({"subject": "Phone", "description": "Broken", "requester_email": "New.Person@Example.org",
                   "watchers": ["manager@example.org", "new.person@example.org", "manager@example.org"]}),
        )
        .await;
    assert_eq!(t["requester"]["email"], "new.person@example.org");
    assert_eq!(t["requester"]["name"], "New Person");
    let watchers: Vec<&str> = t["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        watchers,
        vec!["manager@example.org"],
        "requester and duplicates are not watchers"
    );
    // The contact exists as a requester and can be given a token later.
    let contact = app.token("new.person@example.org", Role::Requester).await;
    let mine: Value = app
        .get(&contact, "/api/v1/tickets")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn invalid_input_gets_precise_problems_and_writes_nothing() {
    let app = spawn_app().await;
    let token = app.token("req@example.org", Role::Requester).await;

    let resp = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"subject\": \"x\",")
        .send()
        .await
        .unwrap();
    let body = assert_problem(resp, 400, "invalid_json").await;
    assert!(
        body["detail"].as_str().unwrap().contains("line 1"),
        "{body}"
    );

    let resp = app
        .post_json(
            &token,
            "/api/v1/tickets",
            &json!({"subject": 42, "description": "d"}),
        )
        .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "subject");

    let resp = app
        .post_json(
            &token,
            "/api/v1/tickets",
            &json!({"subject": "", "description": "  "}),
        )
        .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);

    let resp = app
        .post_json(
            &token,
            "/api/v1/tickets",
            &json!({"subject": "a", "description": "b", "queue": "nope"}),
        )
        .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "queue");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no queue `nope`")
    );

    let resp = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("subject=x")
        .send()
        .await
        .unwrap();
    assert_problem(resp, 415, "unsupported_media_type").await;

    let huge = "x".repeat(300_000);
    let resp = app
        .post_json(
            &token,
            "/api/v1/tickets",
            &json!({"subject": "a", "description": huge}),
        )
        .await;
    assert_problem(resp, 413, "payload_too_large").await;

    assert_eq!(app.count("tickets").await, 0);
    assert_eq!(
        app.count("audit_events WHERE entity_type = 'ticket'").await,
        0
    );
}

#[tokio::test]
async fn idempotency_key_replays_the_first_ticket_instead_of_filing_a_second() {
    let app = spawn_app().await;
    let token = app.token("req@example.org", Role::Requester).await;
    let body = json!({"subject": "Printer", "description": "Jammed"});
    let send = || {
        app.client
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "retry-123")
            .json(&body)
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.count("tickets").await, 1);

    let other = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .header("Idempotency-Key", "retry-123")
        .json(&json!({"subject": "Different", "description": "body"}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(other, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(app.count("tickets").await, 1);
}

#[tokio::test]
async fn concurrent_retries_with_one_idempotency_key_file_one_ticket() {
    let app = spawn_app().await;
    let token = app.token("req@example.org", Role::Requester).await;
    let body = json!({"subject": "Race", "description": "Same key, many tries"});
    let requests = (0..8).map(|_| {
        app.client
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "race-1")
            .json(&body)
            .send()
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut ids = Vec::new();
    for r in responses {
        let r = r.unwrap();
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.unwrap();
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry answered the same ticket");
    assert_eq!(app.count("tickets").await, 1);
}
