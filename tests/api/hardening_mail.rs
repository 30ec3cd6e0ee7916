//! Hardening item 5: a forged `From` is not trusted. A reply proves its
//! sender with the per-recipient key of the message it answers; staff
//! without theirs are held, requesters without theirs wait unverified.

use diesel::RunQueryDsl;
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::mail::{FIRST, comments, first_ticket, inbound, json as get_json, mail, outbox};

/// The Message-ID of the newest outbox message to `to` of `kind`.
async fn sent_to(app: &TestApp, gate: &str, to: &str, kind: &str) -> String {
    outbox(app, gate)
        .await
        .iter()
        .find(|m| m["kind"] == kind && m["recipients"] == json!([to]))
        .unwrap_or_else(|| panic!("no {kind} to {to}"))["message_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn raw_outbox(app: &TestApp, message_id: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct Raw {
        #[diesel(sql_type = diesel::sql_types::Binary)]
        raw: Vec<u8>,
    }
    let db = app.state.db.clone();
    let id = message_id.to_owned();
    tokio::task::spawn_blocking(move || {
        let rows: Vec<Raw> = diesel::sql_query(format!(
            "SELECT raw FROM mail_outbox WHERE message_id = '{id}'"
        ))
        .load(&mut *db.reader().unwrap())
        .unwrap();
        String::from_utf8_lossy(&rows[0].raw).into_owned()
    })
    .await
    .unwrap()
}

fn reply(from: &str, id: &str, answering: Option<&str>, body: &str) -> String {
    let extra = answering
        .map(|a| format!("In-Reply-To: <{a}>\r\nReferences: <{a}>\r\n"))
        .unwrap_or_default();
    mail(from, "Re: [#1] Printer on fire", id, &extra, body)
}

async fn status(app: &TestApp, gate: &str) -> String {
    get_json(app, gate, "/api/v1/tickets/1").await["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_forged_staff_sender_is_held_and_the_real_one_gets_through() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    app.token("agent@example.org", Role::Agent).await;
    first_ticket(&app, &gate).await;
    let ack_to_alice = sent_to(&app, &gate, "alice@example.com", "acknowledgement").await;
    let r = app
        .patch_json(
            &coord,
            "/api/v1/tickets/1",
            &json!({"assignee": "agent@example.org"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let to_agent = sent_to(&app, &gate, "agent@example.org", "assignment").await;
    let mails_before = outbox(&app, &gate).await.len();

    // Alice (or anyone holding her mail) writes as the agent, answering her
    // acknowledgement: her key does not prove the agent.
    let forged = reply(
        "agent@example.org",
        "forged-1@evil.example",
        Some(&ack_to_alice),
        "Please send your password to verify your account.",
    );
    let out = inbound(&app, &gate, forged).await;
    assert_eq!(out["action"], "held", "{out}");
    assert!(
        out["reason"].as_str().unwrap().contains("someone else"),
        "{out}"
    );
    // Nor does a bare tag.
    let bare = reply("agent@example.org", "forged-2@evil.example", None, "x");
    assert_eq!(inbound(&app, &gate, bare).await["action"], "held");
    assert!(
        comments(&app, &gate, 1).await.is_empty(),
        "nothing posted as the agent"
    );
    assert_eq!(
        outbox(&app, &gate).await.len(),
        mails_before,
        "nothing mailed"
    );
    let held = get_json(&app, &gate, "/api/v1/mail/held").await;
    assert_eq!(held.as_array().unwrap().len(), 2, "{held}");

    // The agent answering the mail sent to them is posted, and mailed on.
    let real = reply(
        "agent@example.org",
        "agent-1@example.org",
        Some(&to_agent),
        "On my way with an extinguisher.",
    );
    let out = inbound(&app, &gate, real).await;
    assert_eq!(out["action"], "appended", "{out}");
    let c = comments(&app, &gate, 1).await;
    assert_eq!(c.len(), 1);
    assert_eq!(c[0]["author"]["email"], "agent@example.org");
    assert_eq!(c[0]["verified"], true);
    assert!(
        outbox(&app, &gate)
            .await
            .iter()
            .any(|m| m["kind"] == "reply" && m["recipients"] == json!(["alice@example.com"])),
        "the requester hears the real reply"
    );
}

#[tokio::test]
async fn a_requester_reply_without_a_key_waits_for_staff_to_confirm_it() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let alice = app.token("alice@example.com", Role::Requester).await;
    first_ticket(&app, &gate).await;
    let r = app
        .patch_json(
            &agent,
            "/api/v1/tickets/1",
            &json!({"status": "on_hold", "hold_reason": "awaiting_requester"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let mails_before = outbox(&app, &gate).await.len();

    // Only the subject tag: added, unverified, and it changes nothing.
    let unproven = reply(FIRST, "alice-2@mail.example.com", None, "Back at my desk.");
    let out = inbound(&app, &gate, unproven).await;
    assert_eq!(out["action"], "appended", "{out}");
    assert!(
        out["reason"].as_str().unwrap().contains("unverified"),
        "{out}"
    );
    assert_eq!(status(&app, &gate).await, "on_hold", "not woken");
    assert_eq!(outbox(&app, &gate).await.len(), mails_before);
    let staff_view = comments(&app, &gate, 1).await;
    assert_eq!(staff_view.len(), 1);
    assert_eq!(staff_view[0]["verified"], false);
    assert!(
        comments(&app, &alice, 1).await.is_empty(),
        "not shown on the portal yet"
    );
    let history = get_json(&app, &alice, "/api/v1/tickets/1/history").await;
    assert!(!history.to_string().contains("commented"), "{history}");

    // Staff confirm it: now it wakes the ticket and the requester sees it.
    let id = staff_view[0]["id"].as_str().unwrap();
    let path = format!("/api/v1/tickets/1/comments/{id}/confirm");
    let denied = app.post_json(&alice, &path, &json!({})).await;
    assert_eq!(denied.status(), 403);
    let confirmed = app.post_json(&agent, &path, &json!({})).await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(confirmed.json::<Value>().await.unwrap()["verified"], true);
    assert_eq!(status(&app, &gate).await, "in_progress");
    assert_eq!(comments(&app, &alice, 1).await.len(), 1);
    let again = app.post_json(&agent, &path, &json!({})).await;
    assert_eq!(again.status(), 200, "confirming twice changes nothing");

    // With the key of the message she answers, it counts at once.
    app.patch_json(
        &agent,
        "/api/v1/tickets/1",
        &json!({"status": "on_hold", "hold_reason": "awaiting_requester"}),
    )
    .await;
    let status_mail = sent_to(&app, &gate, "alice@example.com", "status").await;
    let proven = reply(
        FIRST,
        "alice-3@mail.example.com",
        Some(&status_mail),
        "Here is the photo.",
    );
    let out = inbound(&app, &gate, proven).await;
    assert_eq!(out["reason"], "reply from alice@example.com", "{out}");
    assert_eq!(status(&app, &gate).await, "in_progress");
}

#[tokio::test]
async fn each_recipient_gets_their_own_key_and_the_plus_address_carries_it() {
    let app = spawn_app_with(vec![("mail.reply_keys".into(), json!("plus"))]).await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let first = first_ticket(&app, &gate).await;
    assert_eq!(first["ticket"], 1);
    let r = app
        .post_json(
            &agent,
            "/api/v1/tickets/1/comments",
            &json!({"body": "Coming."}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let to_alice = sent_to(&app, &gate, "alice@example.com", "reply").await;
    let to_bob = sent_to(&app, &gate, "bob@example.com", "reply").await;
    let key_of = |id: &str| {
        id.split('@')
            .next()
            .unwrap()
            .rsplit('.')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_ne!(key_of(&to_alice), key_of(&to_bob));
    let raw = raw_outbox(&app, &to_alice).await;
    let plus = format!("helpdesk+{}@example.org", key_of(&to_alice));
    assert!(raw.contains(&plus), "Reply-To carries the key: {raw}");
    assert!(
        !raw.contains(&key_of(&to_bob)),
        "no other person's key in Alice's mail"
    );

    // A client that drops In-Reply-To still brings the key in the address.
    let by_address = format!(
        "From: {FIRST}\r\nTo: IT Helpdesk <{plus}>\r\nSubject: Re: [#1] Printer on fire\r\n\
Message-ID: <alice-9@mail.example.com>\r\nContent-Type: text/plain\r\n\r\nThanks!\r\n"
    );
    let out = inbound(&app, &gate, by_address).await;
    assert_eq!(out["reason"], "reply from alice@example.com", "{out}");
    // So does the envelope, as the MTA writes it in Delivered-To.
    let delivered = format!(
        "Delivered-To: {plus}\r\nFrom: {FIRST}\r\nTo: helpdesk@example.org\r\n\
Subject: Re: [#1] Printer on fire\r\nMessage-ID: <alice-10@mail.example.com>\r\n\
Content-Type: text/plain\r\n\r\nAnd again.\r\n"
    );
    let out = inbound(&app, &gate, delivered).await;
    assert_eq!(out["reason"], "reply from alice@example.com", "{out}");
    // Bob's key does not prove Alice.
    let bobs = format!(
        "From: {FIRST}\r\nTo: helpdesk+{}@example.org\r\nSubject: Re: [#1] x\r\n\
Message-ID: <alice-11@mail.example.com>\r\nContent-Type: text/plain\r\n\r\nHi\r\n",
        key_of(&to_bob)
    );
    let out = inbound(&app, &gate, bobs).await;
    assert!(
        out["reason"].as_str().unwrap().contains("unverified"),
        "{out}"
    );
}

#[tokio::test]
async fn only_our_mtas_authentication_results_count_and_a_failure_withdraws_trust() {
    let app = spawn_app_with(vec![(
        "mail.trusted_authserv_id".into(),
        json!("mx.example.org"),
    )])
    .await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    first_ticket(&app, &gate).await;
    let ack = sent_to(&app, &gate, "alice@example.com", "acknowledgement").await;
    let with_headers = |id: &str, headers: &str| {
        format!(
            "{headers}From: {FIRST}\r\nTo: helpdesk@example.org\r\nSubject: Re: [#1] Printer on fire\r\n\
Message-ID: <{id}>\r\nIn-Reply-To: <{ack}>\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
        )
    };
    // Our MTA says DMARC failed: the key is not enough.
    let failed = with_headers(
        "ar-1@mail.example.com",
        "Authentication-Results: mx.example.org; dmarc=fail header.from=example.com\r\n\
Received: from evil.example by mx.example.org\r\n",
    );
    let out = inbound(&app, &gate, failed).await;
    assert!(
        out["reason"]
            .as_str()
            .unwrap()
            .contains("authentication failed"),
        "{out}"
    );
    // A "fail" written by the sender below our MTA's Received is ignored.
    let planted = with_headers(
        "ar-2@mail.example.com",
        "Received: from somewhere by mx.example.org\r\n\
Authentication-Results: mx.example.org; dmarc=fail\r\n",
    );
    let out = inbound(&app, &gate, planted).await;
    assert_eq!(out["reason"], "reply from alice@example.com", "{out}");
    // Nor does a "pass" from another server replace a key.
    let other = format!(
        "Authentication-Results: other.example; dmarc=pass\r\nFrom: {FIRST}\r\nTo: helpdesk@example.org\r\n\
Subject: Re: [#1] Printer on fire\r\nMessage-ID: <ar-3@mail.example.com>\r\n\
Content-Type: text/plain\r\n\r\nno key\r\n"
    );
    let out = inbound(&app, &gate, other).await;
    assert!(
        out["reason"].as_str().unwrap().contains("unverified"),
        "{out}"
    );
}
