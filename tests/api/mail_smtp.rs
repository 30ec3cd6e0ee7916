//! Outbound mail through a real SMTP server on loopback (aiosmtpd): what
//! arrives, how it threads, and what an outage does.

use chrono::Duration;
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};
use crate::mail::{inbound, mail};
use crate::mail_servers::{Smtp, smtp_settings};

/// Runs the ready jobs as the worker would at `now + ahead`; returns how
/// many messages it tried to send.
async fn run_jobs(app: &TestApp, ahead: Duration) -> usize {
    app.run_jobs_at(ahead).await.of(itdesk::outbox::SEND_JOB)
}

/// A header's value (unfolded), if present.
fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

async fn outbox(app: &TestApp, token: &str) -> Vec<Value> {
    app.get(token, "/api/v1/mail/outbox")
        .await
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn notifications_reach_a_real_smtp_server_threaded_tagged_and_marked() {
    let smtp = Smtp::start();
    let app = spawn_app_with(smtp_settings(smtp.port)).await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let first = mail(
        "Alice Martin <alice@example.com>",
        "Printer on fire",
        "orig-1@mail.example.com",
        "Cc: bob@example.com\r\n",
        "Smoke everywhere.",
    );
    assert_eq!(inbound(&app, &gate, first).await["action"], "created");
    assert!(run_jobs(&app, Duration::zero()).await >= 1);
    let got = smtp.wait_for(1);
    assert_eq!(got.len(), 1, "the acknowledgement arrived");
    let (envelope, ack) = &got[0];
    assert_eq!(envelope["mail_from"], "helpdesk@example.org");
    assert_eq!(envelope["rcpt_tos"], json!(["alice@example.com"]));
    assert!(header(ack, "Subject").unwrap().contains("[#1]"));
    assert_eq!(
        header(ack, "Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert_eq!(
        header(ack, "X-Auto-Response-Suppress").as_deref(),
        Some("All")
    );
    assert_eq!(
        header(ack, "In-Reply-To").as_deref(),
        Some("<orig-1@mail.example.com>"),
        "the acknowledgement answers the message"
    );
    let ack_id = header(ack, "Message-ID").unwrap();
    assert!(ack_id.ends_with("@itdesk.example.org>"), "{ack_id}");

    // A public reply by an agent: to requester and watcher, not automatic.
    let r = app
        .post_json(
            &agent,
            "/api/v1/tickets/1/comments",
            &json!({"body": "Someone is on the way."}),
        )
        .await;
    assert_eq!(r.status(), 201);
    run_jobs(&app, Duration::zero()).await;
    let got = smtp.wait_for(3);
    assert_eq!(got.len(), 3, "one message each to Alice and Bob");
    let to_of = |i: usize| got[i].0["rcpt_tos"].clone();
    let mut to: Vec<Value> = (1..3).map(to_of).collect();
    to.sort_by_key(|v| v.to_string());
    assert_eq!(
        to,
        vec![json!(["alice@example.com"]), json!(["bob@example.com"])]
    );
    let (_, reply) = got[1..]
        .iter()
        .find(|(e, _)| e["rcpt_tos"] == json!(["alice@example.com"]))
        .unwrap();
    let (_, to_bob) = got[1..]
        .iter()
        .find(|(e, _)| e["rcpt_tos"] == json!(["bob@example.com"]))
        .unwrap();
    assert_ne!(
        header(reply, "Message-ID"),
        header(to_bob, "Message-ID"),
        "each carries its own reply key"
    );
    assert_eq!(header(reply, "Auto-Submitted"), None, "a person wrote it");
    assert_eq!(header(reply, "In-Reply-To"), Some(ack_id.clone()));
    assert_eq!(
        header(reply, "References").unwrap(),
        format!("<orig-1@mail.example.com> {ack_id}")
    );
    assert!(String::from_utf8_lossy(reply).contains("Someone is on the way."));
    let reply_id = header(reply, "Message-ID").unwrap();

    // Alice answers from a client that drops the tag: In-Reply-To our reply.
    let answer = mail(
        "alice@example.com",
        "Re: Printer",
        "alice-2@mail.example.com",
        &format!("In-Reply-To: {reply_id}\r\nReferences: {reply_id}\r\n"),
        "Thanks, they are here.",
    );
    let out = inbound(&app, &gate, answer).await;
    assert_eq!(
        (out["action"].as_str(), out["ticket"].as_i64()),
        (Some("appended"), Some(1))
    );

    let sent = outbox(&app, &gate).await;
    assert!(sent.iter().all(|m| m["status"] == "sent"), "{sent:?}");
    // Sent mail is never sent again.
    run_jobs(&app, Duration::hours(3)).await;
    assert_eq!(smtp.messages().len(), 3);
}

#[tokio::test]
async fn an_smtp_outage_queues_mail_that_is_delivered_once_it_is_back() {
    let mut smtp = Smtp::start();
    smtp.stop();
    let app = spawn_app_with(smtp_settings(smtp.port)).await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let first = mail(
        "dora@example.com",
        "Laptop stolen",
        "dora-1@example.com",
        "",
        "From my car.",
    );
    assert_eq!(inbound(&app, &gate, first).await["action"], "created");
    // The user's request succeeds while the relay is down.
    let r = app
        .post_json(
            &agent,
            "/api/v1/tickets/1/comments",
            &json!({"body": "We have locked the account."}),
        )
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(run_jobs(&app, Duration::zero()).await, 2, "both tried");
    let queued = outbox(&app, &gate).await;
    assert_eq!(queued.len(), 2);
    for m in &queued {
        assert_eq!(m["status"], "queued", "{m}");
        assert!(m["last_error"].as_str().unwrap().len() > 3, "{m}");
    }
    // Retried with backoff: not before it is due.
    assert_eq!(run_jobs(&app, Duration::zero()).await, 0);
    assert_eq!(
        run_jobs(&app, Duration::seconds(7)).await,
        2,
        "retried after the first backoff, still down"
    );

    smtp.resume();
    assert_eq!(run_jobs(&app, Duration::minutes(2)).await, 2);
    let got = smtp.wait_for(2);
    assert_eq!(got.len(), 2);
    let mut subjects: Vec<String> = got
        .iter()
        .map(|(_, raw)| header(raw, "Subject").unwrap())
        .collect();
    subjects.sort();
    assert!(subjects.iter().all(|s| s.contains("[#1]")), "{subjects:?}");
    let sent = outbox(&app, &gate).await;
    assert!(sent.iter().all(|m| m["status"] == "sent"), "{sent:?}");
    // Nothing is delivered twice, however often the worker runs.
    run_jobs(&app, Duration::hours(2)).await;
    run_jobs(&app, Duration::hours(5)).await;
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(smtp.messages().len(), 2);
}
