//! Who sees and changes what.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::fixtures::NewTicket;
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn requester_sees_own_and_watched_tickets_but_not_others() {
    let app = spawn_app().await;
    let alice = app.requester("alice@example.org").await;
    let bob = app.requester("bob@example.org").await;
    let agent = app.agent("agent@example.org").await;
    let own = app.file_ticket(&alice, NewTicket::about("Alice's")).await;
    let watched = app
        .file_ticket(
            &agent,
            NewTicket::about("Watched by Alice")
                .for_requester("bob@example.org")
                .watchers(&["alice@example.org"]),
        )
        .await;
    let bobs = app.file_ticket(&bob, NewTicket::about("Bob's")).await;

    let list: Value = app
        .get(&alice, "/api/v1/tickets")
        .await
        .json()
        .await
        .unwrap();
    let mut subjects: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subject"].as_str().unwrap())
        .collect();
    subjects.sort();
    assert_eq!(subjects, vec!["Alice's", "Watched by Alice"]);

    for t in [&own, &watched] {
        let r = app
            .get(
                &alice,
                &format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    let path = format!("/api/v1/tickets/{}", bobs["id"].as_str().unwrap());
    assert_problem(app.get(&alice, &path).await, 404, "not_found").await;
    assert_problem(
        app.get(&alice, &format!("{path}/comments")).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&alice, &format!("{path}/history")).await,
        404,
        "not_found",
    )
    .await;
    let resp = app
        .post_json(&alice, &format!("{path}/comments"), &json!({"body": "hi"}))
        .await;
    assert_problem(resp, 404, "not_found").await;
    // Searching for words of Bob's ticket finds nothing for Alice.
    let found: Value = app
        .get(&alice, "/api/v1/tickets?q=bob")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 0);
    // Staff see everything.
    let all: Value = app
        .get(&agent, "/api/v1/tickets")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn requester_may_only_cancel_or_confirm_their_own_ticket() {
    let app = spawn_app().await;
    let alice = app.token("alice@example.org", Role::Requester).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(&alice, json!({"subject": "Mouse", "description": "m"}))
        .await;
    let path = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());

    let resp = app
        .patch_json(&alice, &path, &json!({"assignee": "agent@example.org"}))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .patch_json(&alice, &path, &json!({"status": "resolved"}))
        .await;
    assert_problem(resp, 403, "forbidden").await;

    app.patch_json(&agent, &path, &json!({"status": "resolved"}))
        .await;
    let reopened: Value = app
        .patch_json(&alice, &path, &json!({"status": "in_progress"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reopened["status"], "in_progress");
    let cancelled: Value = app
        .patch_json(&alice, &path, &json!({"status": "cancelled"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
}

#[tokio::test]
async fn viewer_reads_everything_and_changes_nothing() {
    let app = spawn_app().await;
    let viewer = app.token("cfo@example.org", Role::Viewer).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(&agent, json!({"subject": "Audit me", "description": "x"}))
        .await;
    let path = format!("/api/v1/tickets/{}", t["id"].as_str().unwrap());
    assert_eq!(app.get(&viewer, &path).await.status(), 200);
    assert_problem(
        app.patch_json(&viewer, &path, &json!({"status": "triaged"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post_json(&viewer, &format!("{path}/comments"), &json!({"body": "hi"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    let resp = app
        .post_json(
            &viewer,
            "/api/v1/queues",
            &json!({"slug": "x", "name": "X"}),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
}

#[tokio::test]
async fn only_coordinators_and_admins_manage_queues_and_duplicates_conflict() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    let resp = app
        .post_json(
            &agent,
            "/api/v1/queues",
            &json!({"slug": "net", "name": "Network"}),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    assert_eq!(
        app.post_json(
            &coord,
            "/api/v1/queues",
            &json!({"slug": "net", "name": "Network"})
        )
        .await
        .status(),
        201
    );
    let dup = app
        .post_json(
            &coord,
            "/api/v1/queues",
            &json!({"slug": "net", "name": "Again"}),
        )
        .await;
    let p = assert_problem(dup, 409, "already_exists").await;
    assert_eq!(p["detail"], "a queue with slug `net` already exists");
    let bad = app
        .post_json(
            &coord,
            "/api/v1/categories",
            &json!({"slug": "Bad Slug", "name": ""}),
        )
        .await;
    let p = assert_problem(bad, 422, "validation_failed").await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 2);
    let list: Value = app
        .get(&agent, "/api/v1/queues")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([{"slug": "net", "name": "Network"}]));
}

#[tokio::test]
async fn audit_history_cannot_be_rewritten() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    app.create_ticket(&agent, json!({"subject": "s", "description": "d"}))
        .await;
    let db = app.state.db.clone();
    let result = tokio::task::spawn_blocking(move || {
        use diesel::RunQueryDsl;
        db.write(|conn| {
            diesel::sql_query("UPDATE audit_events SET action = 'forged'").execute(conn)?;
            Ok::<_, itdesk::error::AppError>(())
        })
    })
    .await
    .unwrap();
    let err = result.expect_err("the database refuses to change history");
    assert!(format!("{err:?}").contains("append-only"), "{err:?}");
    let db = app.state.db.clone();
    let result = tokio::task::spawn_blocking(move || {
        use diesel::RunQueryDsl;
        db.write(|conn| {
            diesel::sql_query("DELETE FROM audit_events").execute(conn)?;
            Ok::<_, itdesk::error::AppError>(())
        })
    })
    .await
    .unwrap();
    assert!(result.is_err());
    assert!(app.count("audit_events").await >= 2);
}
