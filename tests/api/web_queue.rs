//! The queue page over HTTP: a total, sortable headers, a readable answer
//! to a bad filter, bulk changes that say what each ticket did, and "take
//! it".

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::fixtures::NewTicket;
use crate::helpers::{TestApp, csrf_of, spawn_app};

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let resp = client.get(app.url(path)).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn ticket(app: &TestApp, token: &str, number: &Value) -> Value {
    app.get(token, &format!("/api/v1/tickets/{number}"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_queue_counts_sorts_by_header_and_explains_a_bad_filter() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    for subject in ["One", "Two", "Three"] {
        app.file_ticket(&requester, NewTicket::about(subject)).await;
    }
    let coord = app.logged_in("coord@example.org", Role::Coordinator).await;
    let (status, html) = get(&coord, &app, "/queue").await;
    assert_eq!(status, 200);
    assert!(html.contains("<strong>3 tickets</strong>"), "{html}");
    assert!(!html.contains("id=\"clear-filters\""), "nothing to clear");
    assert!(
        html.contains(r#"aria-sort="ascending"><a href="/queue?status=open&#38;sort=-priority""#),
        "the current sort's header turns it round: {html}"
    );
    assert!(
        html.contains(r#"href="/queue?status=open&#38;sort=-updated_at" class="sort">Updated"#)
    );

    let (status, html) = get(&coord, &app, "/queue?q=Two").await;
    assert_eq!(status, 200);
    assert!(html.contains("<strong>1 ticket</strong> with these filters"));
    assert!(html.contains(r#"<a href="/queue" id="clear-filters">Clear filters</a>"#));

    let (status, html) = get(&coord, &app, "/queue?priority=P9").await;
    assert_eq!(status, 422);
    assert!(html.contains("These filters cannot be used"), "{html}");
    assert!(html.contains("P9"), "the bad value is named");
    assert!(html.contains(r#"id="logout""#), "the page keeps its layout");
}

#[tokio::test]
async fn a_bulk_change_applies_each_ticket_alone_and_says_what_was_refused() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    let agent_token = app.agent("agent@example.org").await;
    let a = app.file_ticket(&requester, NewTicket::about("A")).await;
    let b = app.file_ticket(&requester, NewTicket::about("B")).await;
    let resolved = app
        .patch_json(
            &agent_token,
            &format!("/api/v1/tickets/{}", b["number"]),
            &json!({"status": "resolved"}),
        )
        .await;
    assert_eq!(resolved.status(), 200);
    let coord = app.logged_in("coord@example.org", Role::Coordinator).await;
    let (_, html) = get(&coord, &app, "/queue?status=any").await;
    let csrf = csrf_of(&html);
    let a_no = a["number"].to_string();
    let b_no = b["number"].to_string();
    let resp = coord
        .post(app.url("/queue/bulk"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("back", "/queue?status=any"),
            ("t", a_no.as_str()),
            ("t", b_no.as_str()),
            ("assignee", "agent@example.org"),
            ("status", "on_hold"),
            ("hold_reason", "awaiting_vendor"),
            ("queue", ""),
            ("priority", "P2"),
            ("apply", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    assert!(
        page.contains("1 ticket changed, 0 already so, 1 refused"),
        "{page}"
    );
    assert!(
        page.contains("cannot go from `resolved` to `on_hold`"),
        "{page}"
    );
    assert!(page.contains(r#"href="/queue?status=any" id="back-to-queue""#));

    let a_now = ticket(&app, &agent_token, &a["number"]).await;
    assert_eq!(a_now["status"], "on_hold");
    assert_eq!(a_now["hold_reason"], "awaiting_vendor");
    assert_eq!(a_now["assignee"]["email"], "agent@example.org");
    assert_eq!(a_now["priority"], "P2");
    let b_now = ticket(&app, &agent_token, &b["number"]).await;
    assert_eq!(
        b_now["status"], "resolved",
        "the refused ticket is untouched"
    );
    assert!(b_now["assignee"].is_null(), "…entirely: {b_now}");

    let none = coord
        .post(app.url("/queue/bulk"))
        .form(&[("csrf", csrf.as_str()), ("assignee", "agent@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 422);
    assert!(
        none.text()
            .await
            .unwrap()
            .contains("select at least one ticket")
    );
}

#[tokio::test]
async fn take_it_assigns_one_ticket_to_me_and_opens_it() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    let t = app
        .file_ticket(&requester, NewTicket::about("Mine now"))
        .await;
    let agent = app.logged_in("agent@example.org", Role::Agent).await;
    let (_, html) = get(&agent, &app, "/queue").await;
    let number = t["number"].to_string();
    assert!(html.contains(&format!(r#"id="take-{number}""#)));
    let resp = agent
        .post(app.url("/queue/bulk"))
        .form(&[("csrf", csrf_of(&html).as_str()), ("take", number.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], format!("/tickets/{number}"));
    let (_, page) = get(&agent, &app, &format!("/tickets/{number}")).await;
    assert!(page.contains("The ticket is yours now."));
    let staff = app.agent("lead@example.org").await;
    assert_eq!(
        ticket(&app, &staff, &t["number"]).await["assignee"]["email"],
        "agent@example.org"
    );

    let requester_page = app.logged_in("ria2@example.org", Role::Requester).await;
    let (_, portal) = get(&requester_page, &app, "/my/tickets").await;
    let refused = requester_page
        .post(app.url("/queue/bulk"))
        .form(&[
            ("csrf", csrf_of(&portal).as_str()),
            ("take", number.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        403,
        "requesters cannot change tickets in bulk"
    );
}
