//! The ticket page's one form over HTTP: a reply and a change in one
//! submit and one transaction, refused submits that keep every field,
//! confirmations after success, and two agents who never overwrite each
//! other silently.

use itdesk::auth::Role;
use reqwest::multipart::Form;
use serde_json::{Value, json};

use crate::fixtures::NewTicket;
use crate::helpers::{TestApp, csrf_of, spawn_app};

const FIELDS: [&str; 8] = [
    "status",
    "hold_reason",
    "assignee",
    "queue",
    "category",
    "impact",
    "urgency",
    "priority",
];

/// The value of a hidden field on a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The form as a browser sends it when the person changes `changes` and
/// leaves every other choice as drawn.
fn work_form(html: &str, body: &str, changes: &[(&str, &str)]) -> Form {
    let mut form = Form::new()
        .text("csrf", csrf_of(html))
        .text("version", hidden(html, "version"))
        .text("body", body.to_owned())
        .text("visibility", "public");
    for name in FIELDS {
        let was = hidden(html, &format!("was_{name}"));
        let chosen = changes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| was.clone());
        form = form.text(format!("was_{name}"), was).text(name, chosen);
    }
    form
}

async fn page(client: &reqwest::Client, app: &TestApp, number: i64) -> String {
    let resp = client
        .get(app.url(&format!("/tickets/{number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

async fn ticket(app: &TestApp, token: &str, number: i64) -> Value {
    app.get(token, &format!("/api/v1/tickets/{number}"))
        .await
        .json()
        .await
        .unwrap()
}

async fn comments(app: &TestApp, token: &str, number: i64) -> Vec<Value> {
    app.get(token, &format!("/api/v1/tickets/{number}/comments"))
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reply_and_a_hold_are_saved_in_one_submit_and_confirmed_once() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    let t = app
        .file_ticket(&requester, NewTicket::about("Printer jams"))
        .await;
    let number = t["number"].as_i64().unwrap();
    let agent = app.logged_in("agent@example.org", Role::Agent).await;
    let html = page(&agent, &app, number).await;
    assert!(html.contains("Reply and work the ticket"), "{html}");

    let form = work_form(
        &html,
        "We ordered a new roller.",
        &[("status", "on_hold"), ("hold_reason", "awaiting_parts")],
    );
    let resp = agent
        .post(app.url(&format!("/tickets/{number}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.starts_with(&format!("/tickets/{number}#comment-")),
        "{to}"
    );

    let staff = app.agent("lead@example.org").await;
    let now = ticket(&app, &staff, number).await;
    assert_eq!(now["status"], "on_hold");
    assert_eq!(now["hold_reason"], "awaiting_parts");
    let said = comments(&app, &requester, number).await;
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0]["body"], "We ordered a new roller.");

    let shown = page(&agent, &app, number).await;
    assert!(
        shown.contains("Your reply is sent and your changes are saved."),
        "a confirmation after the redirect"
    );
    let again = page(&agent, &app, number).await;
    assert!(
        !again.contains("Your reply is sent"),
        "the confirmation shows once"
    );
    assert!(
        again.contains("Waiting for parts"),
        "the hold reason in words"
    );
}

#[tokio::test]
async fn a_refused_hold_keeps_every_choice_and_saves_nothing() {
    let app = spawn_app().await;
    app.seed_catalog().await;
    let requester = app.requester("ria@example.org").await;
    let t = app
        .file_ticket(&requester, NewTicket::about("VPN drops"))
        .await;
    let number = t["number"].as_i64().unwrap();
    let agent = app.logged_in("agent@example.org", Role::Agent).await;
    let html = page(&agent, &app, number).await;

    let form = work_form(
        &html,
        "Draft that must survive",
        &[
            ("status", "on_hold"),
            ("hold_reason", ""),
            ("impact", "high"),
            ("queue", "network"),
        ],
    );
    let resp = agent
        .post(app.url(&format!("/tickets/{number}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body = resp.text().await.unwrap();
    assert!(
        body.contains("Draft that must survive"),
        "the draft is kept"
    );
    assert!(
        body.contains(r#"<option value="on_hold" selected>"#),
        "the chosen status is kept: {body}"
    );
    assert!(
        body.contains(r#"<option value="high" selected>"#),
        "impact kept"
    );
    assert!(
        body.contains(r#"<option value="network" selected>"#),
        "queue kept"
    );
    assert!(
        body.contains(r#"id="u-hold" name="hold_reason" aria-invalid="true""#),
        "the hold reason is marked: {body}"
    );
    assert!(body.contains(r#"id="e-hold">“On hold” needs a hold reason"#));

    let staff = app.agent("lead@example.org").await;
    let now = ticket(&app, &staff, number).await;
    assert_eq!(now["status"], "new", "nothing was saved");
    assert_eq!(now["impact"], "medium");
    assert!(comments(&app, &staff, number).await.is_empty());
}

#[tokio::test]
async fn a_submit_against_a_changed_ticket_is_refused_with_the_draft_kept() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    let t = app
        .file_ticket(&requester, NewTicket::about("Laptop slow"))
        .await;
    let number = t["number"].as_i64().unwrap();
    let agent = app.logged_in("agent@example.org", Role::Agent).await;
    app.logged_in("other@example.org", Role::Agent).await;
    let html = page(&agent, &app, number).await;

    // Someone else assigns it meanwhile.
    let other = app.agent("lead@example.org").await;
    let resp = app
        .patch_json(
            &other,
            &format!("/api/v1/tickets/{number}"),
            &json!({"assignee": "other@example.org"}),
        )
        .await;
    assert_eq!(resp.status(), 200);

    let form = work_form(&html, "My answer", &[("status", "resolved")]);
    let resp = agent
        .post(app.url(&format!("/tickets/{number}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    let refused = resp.text().await.unwrap();
    assert!(refused.contains("someone changed this ticket after you opened it"));
    assert!(refused.contains("My answer"), "the draft is kept");
    assert!(
        refused.contains("1 new since you opened the ticket"),
        "what changed is marked: {refused}"
    );
    assert!(
        refused.contains(r#"<option value="resolved" selected>"#),
        "my choice is kept"
    );
    assert!(
        refused.contains(r#"<option value="other@example.org" selected>"#),
        "the other agent's assignment shows where I did not touch it"
    );
    let now = ticket(&app, &other, number).await;
    assert_eq!(now["status"], "new");
    assert!(comments(&app, &other, number).await.is_empty());

    // The refused page carries the new version: sending it again saves
    // my change and keeps theirs.
    let form = work_form(&refused, "My answer", &[("status", "resolved")]);
    let resp = agent
        .post(app.url(&format!("/tickets/{number}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let now = ticket(&app, &other, number).await;
    assert_eq!(now["status"], "resolved");
    assert_eq!(now["assignee"]["email"], "other@example.org");
}

#[tokio::test]
async fn assign_to_me_and_a_refused_transition_next_to_the_status() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    let t = app
        .file_ticket(&requester, NewTicket::about("Monitor flickers"))
        .await;
    let number = t["number"].as_i64().unwrap();
    let agent = app.logged_in("agent@example.org", Role::Agent).await;
    let html = page(&agent, &app, number).await;
    assert!(html.contains(r#"id="assign-me""#));
    let form = work_form(&html, "", &[]).text("assign_to_me", "1");
    let resp = agent
        .post(app.url(&format!("/tickets/{number}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let staff = app.agent("lead@example.org").await;
    assert_eq!(
        ticket(&app, &staff, number).await["assignee"]["email"],
        "agent@example.org"
    );
    let html = page(&agent, &app, number).await;
    assert!(html.contains("Your changes are saved."));
    assert!(!html.contains(r#"id="assign-me""#), "already mine");

    let form = work_form(&html, "", &[("status", "closed")]);
    let resp = agent
        .post(app.url(&format!("/tickets/{number}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    let body = resp.text().await.unwrap();
    assert!(
        body.contains(r#"id="e-status">a ticket cannot go from `new` to `closed`"#),
        "{body}"
    );

    let form = work_form(&html, "", &[]);
    let resp = agent
        .post(app.url(&format!("/tickets/{number}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422, "an empty submit says so");
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("write a message or change something")
    );
}

#[tokio::test]
async fn a_first_public_reply_from_staff_starts_work_and_a_note_does_not() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    let agent = app.agent("agent@example.org").await;
    let a = app.file_ticket(&requester, NewTicket::about("One")).await;
    let b = app.file_ticket(&requester, NewTicket::about("Two")).await;
    let note = app
        .post_json(
            &agent,
            &format!("/api/v1/tickets/{}/comments", a["number"]),
            &json!({"body": "looking", "public": false}),
        )
        .await;
    assert_eq!(note.status(), 201);
    assert_eq!(
        ticket(&app, &agent, a["number"].as_i64().unwrap()).await["status"],
        "new"
    );
    let reply = app
        .post_json(
            &agent,
            &format!("/api/v1/tickets/{}/comments", b["number"]),
            &json!({"body": "On it", "public": true}),
        )
        .await;
    assert_eq!(reply.status(), 201);
    let b_now = ticket(&app, &agent, b["number"].as_i64().unwrap()).await;
    assert_eq!(b_now["status"], "in_progress");
    let history: Vec<Value> = app
        .get(&agent, &format!("/api/v1/tickets/{}/history", b["number"]))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        history
            .iter()
            .any(|h| h["changes"]["reason"] == "first reply to the requester"),
        "{history:?}"
    );
}

#[tokio::test]
async fn the_first_reply_rule_can_be_turned_off() {
    let app = crate::helpers::spawn_app_with(vec![(
        "tickets.first_reply_starts_work".into(),
        json!(false),
    )])
    .await;
    let requester = app.requester("ria@example.org").await;
    let agent = app.agent("agent@example.org").await;
    let t = app.file_ticket(&requester, NewTicket::about("One")).await;
    let reply = app
        .post_json(
            &agent,
            &format!("/api/v1/tickets/{}/comments", t["number"]),
            &json!({"body": "On it", "public": true}),
        )
        .await;
    assert_eq!(reply.status(), 201);
    assert_eq!(
        ticket(&app, &agent, t["number"].as_i64().unwrap()).await["status"],
        "new"
    );
}

#[tokio::test]
async fn notices_to_staff_are_listed_apart_from_the_requesters_mail() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    let t = app
        .file_ticket(&requester, NewTicket::about("Wi-Fi in room 4"))
        .await;
    let number = t["number"].as_i64().unwrap();
    let lead = app.agent("lead@example.org").await;
    let agent = app.logged_in("agent@example.org", Role::Agent).await;
    let resp = app
        .patch_json(
            &lead,
            &format!("/api/v1/tickets/{number}"),
            &json!({"assignee": "agent@example.org", "status": "resolved"}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let html = page(&agent, &app, number).await;
    let notices = &html[html.find(r#"id="staff-notices""#).expect("a notices list")..];
    let notices = &notices[..notices.find("</details>").unwrap()];
    assert!(notices.contains("assignment notice"), "{notices}");
    let conversation = &html[html.find(r#"id="mail""#).expect("the requester's mail")..];
    let conversation = &conversation[..conversation.find("</details>").unwrap()];
    assert!(
        !conversation.contains("assignment"),
        "the notice is not in the conversation: {conversation}"
    );
    assert!(conversation.contains("sent"), "{conversation}");
}
