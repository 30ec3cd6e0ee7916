//! Search ranked by relevance: `sort=relevance` orders the matches best
//! first with its own cursor over rank and id (paging stays exact), and
//! the web queue uses it for a search unless a sort is chosen.

use itdesk::auth::Role;
use serde_json::Value;

use crate::fixtures::NewTicket;
use crate::helpers::spawn_app;
use crate::web_pages::{browser, login};

#[tokio::test]
async fn a_search_lists_the_best_match_first_and_pages_exactly_by_rank() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    // Filed weakest first, so that age alone would list them the other way.
    let weak = app
        .file_ticket(
            &requester,
            NewTicket::about("Office move on Friday")
                .description("Please also bring the printer from room 2 with the desks, chairs, screens and boxes."),
        )
        .await;
    let strong = app
        .file_ticket(
            &requester,
            NewTicket::about("Printer jams: printer on floor 2")
                .description("The printer jams again; printer paper stuck."),
        )
        .await;
    let middle = app
        .file_ticket(
            &requester,
            NewTicket::about("Printer driver").description("Install the driver for the printer."),
        )
        .await;
    app.file_ticket(&requester, NewTicket::about("VPN drops"))
        .await;
    let agent = app.token("agent@example.org", Role::Agent).await;

    let list: Value = app
        .get(&agent, "/api/v1/tickets?q=printer&sort=relevance")
        .await
        .json()
        .await
        .unwrap();
    let order: Vec<&Value> = list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert_eq!(
        order,
        vec![&strong["id"], &middle["id"], &weak["id"]],
        "{list}"
    );

    // One per page: the same order, each once, then no cursor.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/tickets?q=printer&sort=relevance&limit=1&cursor={c}"),
            None => "/api/v1/tickets?q=printer&sort=relevance&limit=1".to_owned(),
        };
        let page: Value = app.get(&agent, &path).await.json().await.unwrap();
        for t in page["items"].as_array().unwrap() {
            seen.push(t["id"].clone());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(seen.len() <= 3, "paging runs on: {seen:?}");
    }
    assert_eq!(
        seen,
        vec![
            strong["id"].clone(),
            middle["id"].clone(),
            weak["id"].clone()
        ]
    );

    // Other filters still apply among the ranked matches.
    let open_only: Value = app
        .get(
            &agent,
            "/api/v1/tickets?q=printer&sort=relevance&requester=ria@example.org&limit=2",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open_only["items"][0]["id"], strong["id"], "{open_only}");

    // Relevance needs a search; it has no reverse.
    for bad in [
        "/api/v1/tickets?sort=relevance",
        "/api/v1/tickets?q=printer&sort=-relevance",
    ] {
        let resp = app.get(&agent, bad).await;
        assert_eq!(resp.status(), 422, "{bad}");
        let problem: Value = resp.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "sort", "{problem}");
    }
}

#[tokio::test]
async fn the_queue_ranks_a_search_unless_a_sort_is_chosen() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    app.file_ticket(
        &requester,
        NewTicket::about("Office move").description("bring the printer too"),
    )
    .await;
    app.file_ticket(
        &requester,
        NewTicket::about("Printer jams").description("printer printer printer"),
    )
    .await;
    app.user_with_password("coord@example.org", Role::Coordinator, "coord password")
        .await;
    let staff = browser();
    login(&app, &staff, "coord@example.org", "coord password").await;
    let page = |path: &'static str| {
        let staff = staff.clone();
        let url = app.url(path);
        async move { staff.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let ranked = page("/queue?q=printer").await;
    let (a, b) = (
        ranked
            .find("Printer jams")
            .unwrap_or_else(|| panic!("{ranked}")),
        ranked.find("Office move").unwrap(),
    );
    assert!(a < b, "best match first: {ranked}");
    assert!(
        ranked.contains("<option value=\"\" selected>Best match when searching"),
        "{ranked}"
    );
    let by_age = page("/queue?q=printer&sort=created_at").await;
    let (a, b) = (
        by_age.find("Printer jams").unwrap(),
        by_age.find("Office move").unwrap(),
    );
    assert!(b < a, "the chosen sort wins: {by_age}");
}
