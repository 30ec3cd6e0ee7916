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

#[tokio::test]
async fn saved_views_are_personal_or_shared_and_a_refused_name_is_kept() {
    let app = spawn_app().await;
    app.seed_catalog().await;
    let coord = app.logged_in("coord@example.org", Role::Coordinator).await;
    let agent = app.logged_in("agent@example.org", Role::Agent).await;
    let (_, html) = get(&coord, &app, "/queue?queue=network&sort=-created_at").await;
    assert!(
        html.contains(r#"name="query" value="queue=network&#38;status=open&#38;sort=-created_at""#),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let query = "queue=network&status=open&sort=-created_at";
    let save = |client: &reqwest::Client, csrf: String, name: &'static str, shared: bool| {
        let mut form = vec![
            ("csrf", csrf),
            ("name", name.to_owned()),
            ("query", query.to_owned()),
        ];
        if shared {
            form.push(("shared", "1".to_owned()));
        }
        client.post(app.url("/queue/views")).form(&form).send()
    };
    let resp = save(&coord, csrf.clone(), "Network, newest", true)
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], format!("/queue?{query}"));
    let resp = save(&coord, csrf.clone(), "Mine only", false)
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);

    let again = save(&coord, csrf.clone(), "Network, newest", false)
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
    let page = again.text().await.unwrap();
    assert!(
        page.contains("you already have a view named “Network, newest”"),
        "{page}"
    );
    assert!(
        page.contains(r#"value="Network, newest""#),
        "the name is kept"
    );

    let (_, agent_html) = get(&agent, &app, "/queue").await;
    let views = &agent_html[agent_html
        .find(r#"id="saved-views""#)
        .expect("views listed")..];
    let views = &views[..views.find("</nav>").unwrap()];
    assert!(views.contains("Network, newest") && views.contains("shared"));
    assert!(!views.contains("Mine only"), "personal views stay personal");
    assert!(
        !views.contains("/delete"),
        "an agent cannot delete a coordinator's shared view"
    );

    let agent_csrf = csrf_of(&agent_html);
    let refused = save(&agent, agent_csrf, "Shared by an agent", true)
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("only coordinators and admins share")
    );

    let (_, coord_html) = get(&coord, &app, "/queue").await;
    let marker = r#"<form method="post" action="/queue/views/"#;
    let start = coord_html.find(marker).unwrap() + marker.len();
    let id = coord_html[start..].split('/').next().unwrap().to_owned();
    let resp = coord
        .post(app.url(&format!("/queue/views/{id}/delete")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, after) = get(&coord, &app, "/queue").await;
    assert!(after.contains("The view is deleted."));
    let kept = ["Network, newest", "Mine only"]
        .iter()
        .filter(|n| after.contains(*n))
        .count();
    assert_eq!(kept, 1, "one of the two is gone");
}
