//! The HTML pages over plain HTTP: sessions, CSRF, rate limits, the forms.

use itdesk::auth::Role;
use reqwest::multipart::Form;
use serde_json::json;

use crate::helpers::spawn_app;

pub use crate::helpers::{browser, csrf_of, login};

#[tokio::test]
async fn pages_require_login_and_remember_where_you_were_going() {
    let app = spawn_app().await;
    let resp = browser()
        .get(app.url("/queue?status=open"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers()["location"],
        "/login?next=%2Fqueue%3Fstatus%3Dopen"
    );
}

#[tokio::test]
async fn login_sets_a_signed_session_and_logout_ends_it() {
    let app = spawn_app().await;
    app.user_with_password("coord@example.org", Role::Coordinator, "correct horse")
        .await;
    let client = browser();
    let resp = login(&app, &client, "coord@example.org", "correct horse").await;
    assert_eq!(resp.status(), 303);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let queue = client.get(app.url("/queue")).send().await.unwrap();
    assert_eq!(queue.status(), 200);
    let html = queue.text().await.unwrap();
    assert!(html.contains("<h1>Queue</h1>"));

    let csrf = csrf_of(&html);
    let out = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let again = client.get(app.url("/queue")).send().await.unwrap();
    assert_eq!(again.status(), 303, "logged out");
}

#[tokio::test]
async fn wrong_password_is_refused_and_repeated_failures_are_rate_limited() {
    let app = spawn_app().await;
    app.user_with_password("agent@example.org", Role::Agent, "right password")
        .await;
    let client = browser();
    let resp = login(&app, &client, "agent@example.org", "wrong").await;
    assert_eq!(resp.status(), 401);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("wrong email or password")
    );
    for _ in 0..4 {
        assert_eq!(
            login(&app, &client, "agent@example.org", "wrong")
                .await
                .status(),
            401
        );
    }
    let resp = login(&app, &client, "agent@example.org", "right password").await;
    assert_eq!(
        resp.status(),
        429,
        "the address is limited for the window, even with the right password"
    );
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
    // Another account from the same address is also refused: the address is limited too.
    app.user_with_password("other@example.org", Role::Agent, "other password")
        .await;
    assert_eq!(
        login(&app, &client, "other@example.org", "other password")
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn forms_without_the_session_csrf_token_are_refused() {
    let app = spawn_app().await;
    app.user_with_password("alice@example.org", Role::Requester, "alice password")
        .await;
    let client = browser();
    // Login itself needs the token.
    let resp = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", "forged"),
            ("email", "alice@example.org"),
            ("password", "alice password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        login(&app, &client, "alice@example.org", "alice password")
            .await
            .status(),
        303
    );
    let form = Form::new()
        .text("csrf", "forged")
        .text("subject", "x")
        .text("description", "y");
    let resp = client
        .post(app.url("/tickets/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(app.count("tickets").await, 0);
}

#[tokio::test]
async fn requester_files_through_the_portal_and_never_sees_internal_notes() {
    let app = spawn_app().await;
    app.user_with_password("alice@example.org", Role::Requester, "alice password")
        .await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let client = browser();
    login(&app, &client, "alice@example.org", "alice password").await;
    let form_page = client
        .get(app.url("/tickets/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form_page.contains("Report a problem or request something"));
    assert!(
        !form_page.contains("name=\"priority\""),
        "requesters do not pick priority"
    );
    let csrf = csrf_of(&form_page);

    let invalid = Form::new()
        .text("csrf", csrf.clone())
        .text("type", "incident")
        .text("subject", "")
        .text("description", "My long explanation that must not be lost")
        .text("urgency", "high");
    let resp = client
        .post(app.url("/tickets/new"))
        .multipart(invalid)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("subject: must not be empty"));
    assert!(
        html.contains("My long explanation that must not be lost"),
        "input is kept"
    );

    let form = Form::new()
        .text("csrf", csrf)
        .text("type", "service_request")
        .text("subject", "Need a <b>monitor</b>")
        .text("description", "27 inch please")
        .text("urgency", "low")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"quote".to_vec())
                .file_name("quote.txt")
                .mime_str("text/plain")
                .unwrap(),
        );
    let resp = client
        .post(app.url("/tickets/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/tickets/1");

    app.post_json(
        &agent,
        "/api/v1/tickets/1/comments",
        &json!({"body": "Ordering one today"}),
    )
    .await;
    app.post_json(
        &agent,
        "/api/v1/tickets/1/comments",
        &json!({"body": "budget code 4711", "public": false}),
    )
    .await;
    let page = client.get(app.url("/tickets/1")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("monitor") && !html.contains("<b>monitor</b>"),
        "subjects are escaped"
    );
    assert!(html.contains("Ordering one today"));
    assert!(
        !html.contains("budget code 4711"),
        "internal notes stay internal"
    );
    assert!(html.contains("quote.txt"));
    assert!(html.contains("Withdraw this ticket"));

    let mine = client
        .get(app.url("/my/tickets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("/tickets/1"));
    let queue = client.get(app.url("/queue")).send().await.unwrap();
    assert_eq!(queue.status(), 403, "the queue is for staff");
}

#[tokio::test]
async fn agent_works_a_ticket_from_the_queue_page() {
    let app = spawn_app().await;
    app.seed_catalog().await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;
    let alice = app.token("alice@example.org", Role::Requester).await;
    app.create_ticket(
        &alice,
        json!({"subject": "Printer jams", "description": "Tray 2"}),
    )
    .await;
    app.create_ticket(
        &alice,
        json!({"subject": "VPN drops", "description": "Often", "urgency": "high"}),
    )
    .await;
    let client = browser();
    login(&app, &client, "agent@example.org", "agent password").await;

    let html = client
        .get(app.url("/queue?q=printer"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Printer jams") && !html.contains("VPN drops"),
        "search filters the queue"
    );
    assert!(
        html.contains("<strong>1</strong>New"),
        "counts follow the filters: {html}"
    );
    let all = client
        .get(app.url("/queue"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(all.contains("<strong>2</strong>New"));

    let page = client
        .get(app.url("/tickets/1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let resp = client
        .post(app.url("/tickets/1/update"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("status", "on_hold"),
            ("hold_reason", "awaiting_parts"),
            ("assignee", "agent@example.org"),
            ("queue", "service-desk"),
            ("category", ""),
            ("impact", "medium"),
            ("urgency", "medium"),
            ("priority", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let t: serde_json::Value = app
        .get(&alice, "/api/v1/tickets/1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["status"], "on_hold");
    assert_eq!(t["hold_reason"], "awaiting_parts");
    assert_eq!(t["assignee"]["email"], "agent@example.org");

    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("body", "Parts ordered")
        .text("visibility", "internal");
    let resp = client
        .post(app.url("/tickets/1/comments"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let comments: serde_json::Value = app
        .get(&alice, "/api/v1/tickets/1/comments")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        comments.as_array().unwrap().len(),
        0,
        "the note was internal"
    );

    let bad = client
        .post(app.url("/tickets/1/update"))
        .form(&[("csrf", csrf.as_str()), ("status", "new")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 409);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("cannot go from `on_hold` to `new`")
    );
}
