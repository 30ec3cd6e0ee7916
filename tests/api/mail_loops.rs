//! Mail that must not start loops: auto-replies, bounces, our own mail,
//! and the cap on automatic answers.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{spawn_app, spawn_app_with};
use crate::mail::{FIRST, actions, comments, first_ticket, inbound, json, mail, outbox};

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

    // A real reply from Alice, answering our message, does end the wait.
    let real = mail(
        FIRST,
        "Re: [#1] Printer on fire",
        "real-1@mail.example.com",
        &format!("In-Reply-To: <{ack}>\r\n"),
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
