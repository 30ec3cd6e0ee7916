//! Who may add to a ticket by mail: strangers with a valid tag never do (or
//! are held when configured so), and senders outside the allowed domains
//! are held or rejected.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};
use crate::mail::{comments, first_ticket, inbound, json, mail, outbox, post_raw};

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

    // The watcher may add by tag (unverified without a reply key); a staff
    // sender without their key is held, never posted as them.
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
    assert_eq!(inbound(&app, &gate, staff).await["action"], "held");
    let authors: Vec<String> = comments(&app, &gate, 1)
        .await
        .iter()
        .map(|c| c["author"]["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(authors, vec!["bob@example.com"]);
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
