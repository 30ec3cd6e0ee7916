//! The inbound pipeline through its HTTP door (`POST /api/v1/inbound/email`):
//! new tickets, threading, trimming, strangers, noise, charsets, HTML,
//! attachments, duplicates, and the outbox it fills.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// A plain-text message; `extra` are further header lines ending in CRLF.
pub fn mail(from: &str, subject: &str, message_id: &str, extra: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: IT Helpdesk <helpdesk@example.org>\r\nSubject: {subject}\r\n\
Message-ID: <{message_id}>\r\nDate: Tue, 24 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n{extra}\
Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

pub async fn post_raw(app: &TestApp, token: &str, raw: impl Into<Vec<u8>>) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/inbound/email"))
        .bearer_auth(token)
        .header("content-type", "message/rfc822")
        .body(raw.into())
        .send()
        .await
        .unwrap()
}

/// Posts a message and returns the outcome (asserting 200).
pub async fn inbound(app: &TestApp, token: &str, raw: impl Into<Vec<u8>>) -> Value {
    let resp = post_raw(app, token, raw).await;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 200, "inbound failed: {body}");
    body
}

pub async fn json(app: &TestApp, token: &str, path: &str) -> Value {
    let resp = app.get(token, path).await;
    assert_eq!(resp.status(), 200, "GET {path}");
    resp.json().await.unwrap()
}

pub async fn outbox(app: &TestApp, token: &str) -> Vec<Value> {
    json(app, token, "/api/v1/mail/outbox")
        .await
        .as_array()
        .unwrap()
        .clone()
}

pub async fn comments(app: &TestApp, token: &str, n: i64) -> Vec<Value> {
    json(app, token, &format!("/api/v1/tickets/{n}/comments"))
        .await
        .as_array()
        .unwrap()
        .clone()
}

pub async fn actions(app: &TestApp, token: &str, n: i64) -> Vec<String> {
    json(app, token, &format!("/api/v1/tickets/{n}/history"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_owned())
        .collect()
}

pub const FIRST: &str = "Alice Martin <alice@example.com>";

/// Alice mails the helpdesk with Bob in CC: ticket 1.
pub async fn first_ticket(app: &TestApp, gate: &str) -> Value {
    let raw = mail(
        FIRST,
        "Printer on fire",
        "orig-1@mail.example.com",
        "Cc: Bob Stone <bob@example.com>\r\n",
        "The printer on floor 2 is smoking.\r\nPlease send someone.",
    );
    let out = inbound(app, gate, raw).await;
    assert_eq!(out["action"], "created", "{out}");
    assert_eq!(out["ticket"], 1);
    out
}

#[tokio::test]
async fn mail_opens_a_ticket_with_watchers_and_an_acknowledgement() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let out = first_ticket(&app, &gate).await;
    assert_eq!(out["reason"], "new ticket from alice@example.com");

    let t = json(&app, &gate, "/api/v1/tickets/1").await;
    assert_eq!(t["channel"], "email");
    assert_eq!(t["subject"], "Printer on fire");
    assert_eq!(t["requester"]["email"], "alice@example.com");
    assert_eq!(t["requester"]["name"], "Alice Martin");
    assert!(
        t["description"]
            .as_str()
            .unwrap()
            .contains("floor 2 is smoking"),
        "{t}"
    );
    let watchers: Vec<&str> = t["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        watchers,
        vec!["bob@example.com"],
        "CC becomes a watcher, our own address does not"
    );

    let sent = outbox(&app, &gate).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["kind"], "acknowledgement");
    assert_eq!(sent[0]["recipients"], json!(["alice@example.com"]));
    assert!(
        sent[0]["subject"].as_str().unwrap().contains("[#1]"),
        "{}",
        sent[0]
    );
    assert_eq!(sent[0]["status"], "queued");

    // The ticket's mail: the message in and the acknowledgement out, both readable.
    let mail = json(&app, &gate, "/api/v1/tickets/1/mail").await;
    let mail = mail.as_array().unwrap();
    assert_eq!(mail.len(), 2, "{mail:?}");
    assert_eq!(mail[0]["direction"], "in");
    assert_eq!(mail[0]["message_id"], "orig-1@mail.example.com");
    assert!(mail[0]["text"].as_str().unwrap().contains("smoking"));
    assert_eq!(mail[1]["direction"], "out");
    assert!(
        mail[1]["text"].as_str().unwrap().contains("[#1]"),
        "{}",
        mail[1]
    );
    assert_eq!(app.count("users WHERE email = 'bob@example.com'").await, 1);
}

#[tokio::test]
async fn gmail_and_outlook_replies_thread_and_lose_their_quoted_history() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    first_ticket(&app, &gate).await;
    let ack = outbox(&app, &gate).await[0]["message_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Gmail: tag in the subject, text and HTML, quote under "On … wrote:".
    let gmail = format!(
        "From: Alice Martin <alice@example.com>\r\nTo: helpdesk@example.org\r\n\
Subject: Re: [#1] Printer on fire\r\nMessage-ID: <CAF-gmail-2@mail.gmail.com>\r\n\
In-Reply-To: <{ack}>\r\nReferences: <orig-1@mail.example.com> <{ack}>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\n\
Content-Type: text/plain; charset=\"UTF-8\"\r\n\r\nIt is still smoking, please hurry.\r\n\r\n\
On Tue, 24 Nov 2026 at 10:00, IT Helpdesk <helpdesk@example.org> wrote:\r\n\
> We have received your request [#1].\r\n> Reply to this message to add to it.\r\n\r\n--b1\r\n\
Content-Type: text/html; charset=\"UTF-8\"\r\n\r\n<div dir=\"ltr\">It is still smoking, please hurry.</div><br>\
<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Tue, 24 Nov 2026 at 10:00, IT Helpdesk wrote:<br></div>\
<blockquote class=\"gmail_quote\">We have received your request [#1].</blockquote></div>\r\n--b1--\r\n"
    );
    let out = inbound(&app, &gate, gmail).await;
    assert_eq!(out["action"], "appended", "{out}");
    assert_eq!(out["ticket"], 1);

    // Outlook: no tag (the subject was edited), threaded by In-Reply-To;
    // the quote is an "-----Original Message-----" block.
    let outlook = mail(
        FIRST,
        "RE: Printer on fire",
        "DB7PR01MB-outlook-3@eurprd01.prod.outlook.com",
        &format!("In-Reply-To: <{ack}>\r\nThread-Index: AQIDBAUGBwgJCgsMDQ4PEBESExQVFgkJCQkJ\r\n"),
        "Also the toner is empty.\r\n\r\n-----Original Message-----\r\n\
From: IT Helpdesk <helpdesk@example.org>\r\nSent: Tuesday, November 24, 2026 10:00 AM\r\n\
To: Alice Martin <alice@example.com>\r\nSubject: [#1] Printer on fire\r\n\r\n\
We have received your request.",
    );
    let out = inbound(&app, &gate, outlook).await;
    assert_eq!(out["action"], "appended", "{out}");
    assert_eq!(out["ticket"], 1);

    let c = comments(&app, &gate, 1).await;
    let bodies: Vec<&str> = c.iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(
        bodies,
        vec![
            "It is still smoking, please hurry.",
            "Also the toner is empty."
        ]
    );
    assert!(
        c.iter()
            .all(|c| c["author"]["email"] == "alice@example.com")
    );
    assert!(c.iter().all(|c| c["public"] == true));
    // The full originals stay viewable.
    let mail = json(&app, &gate, "/api/v1/tickets/1/mail").await;
    let texts: Vec<&str> = mail
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "in")
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 3);
    assert!(texts[1].contains("We have received your request"));
    assert!(texts[2].contains("-----Original Message-----"));
    assert_eq!(app.count("tickets").await, 1, "no reply became a ticket");
}

#[tokio::test]
async fn outlook_thread_index_threads_when_nothing_else_does() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let first = mail(
        "carol@example.com",
        "VPN drops every hour",
        "outlook-a@prod.outlook.com",
        "Thread-Index: AQIDBAUGBwgJCgsMDQ4PEBESExQVFg==\r\n",
        "Since Monday.",
    );
    assert_eq!(inbound(&app, &gate, first).await["action"], "created");
    // No tag, no In-Reply-To, no References: only the conversation index.
    let reply = mail(
        "carol@example.com",
        "RE: VPN drops every hour",
        "outlook-b@prod.outlook.com",
        "Thread-Index: AQIDBAUGBwgJCgsMDQ4PEBESExQVFgkJCQkJ\r\n",
        "And now it drops every ten minutes.",
    );
    let out = inbound(&app, &gate, reply).await;
    assert_eq!(out["action"], "appended", "{out}");
    assert_eq!(out["ticket"], 1);
    // An unrelated message with another index starts its own ticket.
    let other = mail(
        "carol@example.com",
        "Monitor flickers",
        "outlook-c@prod.outlook.com",
        "Thread-Index: AQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJ\r\n",
        "The left one.",
    );
    assert_eq!(inbound(&app, &gate, other).await["ticket"], 2);
}

#[tokio::test]
async fn the_same_message_twice_is_taken_in_once() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let raw = mail(
        "hank@example.com",
        "Keyboard",
        "dup-1@example.com",
        "",
        "Sticky keys.",
    );
    assert_eq!(inbound(&app, &gate, raw.clone()).await["action"], "created");
    let again = inbound(&app, &gate, raw.clone()).await;
    assert_eq!(again["action"], "ignored");
    assert_eq!(again["ticket"], 1);
    assert!(
        again["reason"]
            .as_str()
            .unwrap()
            .contains("already taken in")
    );
    // The same message relayed through another hop (extra trace headers).
    let relayed = format!(
        "Received: from mx2.example.com by mx.example.org\r\nDelivered-To: helpdesk@example.org\r\n{raw}"
    );
    assert_eq!(inbound(&app, &gate, relayed).await["action"], "ignored");
    // A different message that reuses the Message-ID is not lost.
    let other = mail(
        "hank@example.com",
        "Mouse",
        "dup-1@example.com",
        "",
        "Double clicks.",
    );
    assert_eq!(inbound(&app, &gate, other).await["action"], "created");
    assert_eq!(app.count("tickets").await, 2);
    assert_eq!(
        outbox(&app, &gate).await.len(),
        2,
        "one acknowledgement each"
    );
}

#[tokio::test]
async fn a_public_agent_reply_mails_requester_and_watchers_but_a_note_does_not() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    first_ticket(&app, &gate).await;
    let r = app
        .post_json(
            &agent,
            "/api/v1/tickets/1/comments",
            &json!({"body": "Evacuate floor 2.", "public": true}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post_json(
            &agent,
            "/api/v1/tickets/1/comments",
            &json!({"body": "Probably the fuser.", "public": false}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let sent = outbox(&app, &gate).await;
    let replies: Vec<&Value> = sent.iter().filter(|m| m["kind"] == "reply").collect();
    // One message per recipient: each carries that person's reply key.
    assert_eq!(replies.len(), 2, "{sent:?}");
    let mut recipients: Vec<&Value> = replies.iter().map(|r| &r["recipients"]).collect();
    recipients.sort_by_key(|r| r.to_string());
    assert_eq!(
        recipients,
        vec![&json!(["alice@example.com"]), &json!(["bob@example.com"])]
    );
    assert_ne!(replies[0]["message_id"], replies[1]["message_id"]);
    let mail = json(&app, &gate, "/api/v1/tickets/1/mail").await;
    let reply = mail
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message_id"] == replies[0]["message_id"])
        .unwrap();
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .contains("Evacuate floor 2.")
    );
    assert!(!reply["text"].as_str().unwrap().contains("fuser"));
}

#[tokio::test]
async fn input_that_is_not_a_message_is_refused_and_kept_as_a_dead_letter() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let body = assert_problem(
        post_raw(&app, &gate, b"\x00\x01 this is not mail at all".to_vec()).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body.to_string().contains("dead letter"), "{body}");
    let dead = json(&app, &gate, "/api/v1/mail/dead-letters").await;
    assert_eq!(dead.as_array().unwrap().len(), 1);
    assert_eq!(dead[0]["source"], "http");
    assert!(
        dead[0]["preview"]
            .as_str()
            .unwrap()
            .contains("this is not mail")
    );
    let resp = app
        .client
        .post(app.url("/api/v1/inbound/email"))
        .bearer_auth(&gate)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(resp, 415, "unsupported_media_type").await;
    assert_eq!(app.count("tickets").await, 0);
}
