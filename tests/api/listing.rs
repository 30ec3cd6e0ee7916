//! The queue listing: filters, sorts, keyset pages and full-text search.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::fixtures::NewTicket;
use crate::helpers::{TestApp, assert_problem, spawn_app};

fn numbers(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_i64().unwrap())
        .collect()
}

async fn page(app: &TestApp, token: &str, query: &str) -> Value {
    let resp = app.get(token, &format!("/api/v1/tickets?{query}")).await;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 200, "{query}: {body}");
    body
}

/// Walks every page and returns the numbers in order.
async fn walk(app: &TestApp, token: &str, query: &str) -> Vec<i64> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("{query}&cursor={c}"),
            None => query.to_owned(),
        };
        let p = page(app, token, &q).await;
        all.extend(numbers(&p));
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return all,
        }
    }
}

#[tokio::test]
async fn keyset_pages_visit_every_ticket_once_in_each_sort_order() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let levels = ["low", "medium", "high"];
    for i in 0..23 {
        app.create_ticket(
            &agent,
            json!({"subject": format!("T{i}"), "description": "d", "impact": levels[i % 3], "urgency": levels[(i / 3) % 3]}),
        )
        .await;
    }
    let newest_first = walk(&app, &agent, "limit=5").await;
    assert_eq!(newest_first, (1..=23).rev().collect::<Vec<_>>());
    let oldest_first = walk(&app, &agent, "limit=4&sort=created_at").await;
    assert_eq!(oldest_first, (1..=23).collect::<Vec<_>>());

    let by_priority = walk(&app, &agent, "limit=3&sort=priority").await;
    assert_eq!(by_priority.len(), 23);
    let all: Value = page(&app, &agent, "limit=50&sort=priority").await;
    let priorities: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["priority"].as_str().unwrap())
        .collect();
    let mut sorted = priorities.clone();
    sorted.sort();
    assert_eq!(priorities, sorted, "P1 first");
    assert_eq!(
        by_priority,
        numbers(&all),
        "paged order equals one-page order"
    );
    let reverse = walk(&app, &agent, "limit=7&sort=-priority").await;
    assert_eq!(
        reverse,
        by_priority.iter().rev().cloned().collect::<Vec<_>>()
    );

    app.patch_json(&agent, "/api/v1/tickets/5", &json!({"status": "triaged"}))
        .await;
    let recently_updated = page(&app, &agent, "limit=1&sort=-updated_at").await;
    assert_eq!(numbers(&recently_updated), vec![5]);
}

#[tokio::test]
async fn filters_narrow_the_listing() {
    let app = spawn_app().await;
    let admin = app.seed_catalog().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let alice = app.token("alice@example.org", Role::Requester).await;
    let a = app
        .file_ticket(&alice, NewTicket::about("a").urgency("high").impact("high"))
        .await;
    let b = app
        .file_ticket(
            &admin,
            NewTicket::about("b")
                .queue("network")
                .kind("service_request")
                .category("hardware"),
        )
        .await;
    let c = app
        .file_ticket(&admin, NewTicket::about("c").queue("service-desk"))
        .await;
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();
    app.patch_json(
        &admin,
        &format!("/api/v1/tickets/{}", id(&b)),
        &json!({"assignee": "agent@example.org", "status": "in_progress"}),
    )
    .await;
    app.patch_json(
        &admin,
        &format!("/api/v1/tickets/{}", id(&c)),
        &json!({"status": "resolved"}),
    )
    .await;

    let cases = [
        ("status=open", vec![2, 1]),
        ("status=done", vec![3]),
        ("status=new,resolved", vec![3, 1]),
        ("queue=network", vec![2]),
        ("queue=none", vec![1]),
        ("assignee=agent@example.org", vec![2]),
        ("assignee=none", vec![3, 1]),
        ("requester=alice@example.org", vec![1]),
        ("priority=P1,P2", vec![1]),
        ("type=service_request", vec![2]),
        ("category=hardware", vec![2]),
        ("status=open&queue=network&priority=P3", vec![2]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            numbers(&page(&app, &admin, query).await),
            expected,
            "{query}"
        );
    }
    let mine = page(&app, &agent, "assignee=me").await;
    assert_eq!(numbers(&mine), vec![2]);
    let _ = a;
}

#[tokio::test]
async fn bad_listing_parameters_are_named() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let cases = [
        ("status=opened", "status"),
        ("sort=subject", "sort"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("priority=P9", "priority"),
        ("queue=nope", "queue"),
        ("assignee=ghost@example.org", "assignee"),
        ("cursor=%21%21", "cursor"),
        ("colour=red", "colour"),
        ("limit=ten", "limit"),
    ];
    for (query, field) in cases {
        let resp = app.get(&agent, &format!("/api/v1/tickets?{query}")).await;
        let p = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(p["errors"][0]["field"], field, "{query}: {p}");
    }
    for i in 0..3 {
        app.create_ticket(
            &agent,
            json!({"subject": format!("t{i}"), "description": "d"}),
        )
        .await;
    }
    let first = page(&app, &agent, "limit=1").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let resp = app
        .get(
            &agent,
            &format!("/api/v1/tickets?sort=priority&cursor={cursor}"),
        )
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("belongs to sort")
    );
}

#[tokio::test]
async fn full_text_search_finds_words_in_subjects_descriptions_and_comments() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t1 = app
        .file_ticket(
            &agent,
            NewTicket::about("Printer jams").description("Tray two clicks"),
        )
        .await;
    app.file_ticket(
        &agent,
        NewTicket::about("VPN drops").description("Every ten minutes at home"),
    )
    .await;
    let t3 = app
        .file_ticket(
            &agent,
            NewTicket::about("Café Wi-Fi").description("Slow near the kitchen"),
        )
        .await;
    app.post_json(
        &agent,
        &format!("/api/v1/tickets/{}/comments", t3["id"].as_str().unwrap()),
        &json!({"body": "Replaced the access point firmware"}),
    )
    .await;
    let cases: [(&str, Vec<i64>); 7] = [
        ("q=printer", vec![1]),
        ("q=tray%20clicks", vec![1]),
        ("q=firmware", vec![3]),
        ("q=firm", vec![3]),
        ("q=cafe", vec![3]),
        ("q=minutes%20printer", vec![]),
        ("q=%22%29%28OR%20NEAR%2A", vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            numbers(&page(&app, &agent, query).await),
            expected,
            "{query}"
        );
    }
    let only_symbols = page(&app, &agent, "q=%3F%21").await;
    assert_eq!(
        numbers(&only_symbols).len(),
        3,
        "a query without words does not filter"
    );
    let _ = t1;
}
