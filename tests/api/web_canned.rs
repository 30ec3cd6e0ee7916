//! Saved replies: coordinators keep them per queue with placeholders;
//! agents insert them on the ticket page (filled for the ticket), with or
//! without JavaScript, and nothing is saved until they send.

use itdesk::auth::Role;
use reqwest::multipart::Form;

use crate::fixtures::NewTicket;
use crate::helpers::spawn_app;
use crate::web_pages::{browser, csrf_of, login};

#[tokio::test]
async fn a_coordinator_keeps_saved_replies_and_an_agent_inserts_one_filled_for_the_ticket() {
    let app = spawn_app().await;
    app.seed_catalog().await;
    let requester = app.requester("ria.janssen@example.org").await;
    let vpn = app
        .file_ticket(
            &requester,
            NewTicket::about("VPN drops every hour").queue("network"),
        )
        .await;
    let printer = app
        .file_ticket(
            &requester,
            NewTicket::about("Printer jams").queue("service-desk"),
        )
        .await;
    app.user_with_password("coord@example.org", Role::Coordinator, "coord password")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;

    let coord = browser();
    login(&app, &coord, "coord@example.org", "coord password").await;
    let html = coord
        .get(app.url("/responses"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("{requester.first_name}"),
        "placeholders listed: {html}"
    );
    let csrf = csrf_of(&html);
    // An unknown placeholder: refused beside the text, the input kept.
    let resp = coord
        .post(app.url("/responses"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "VPN reset"),
            ("queue", "network"),
            ("body", "Hello {requester.firstname}, …"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("{requester.firstname} is not a placeholder"),
        "{html}"
    );
    assert!(
        html.contains("Hello {requester.firstname}, …</textarea>"),
        "{html}"
    );
    let resp = coord
        .post(app.url("/responses"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "VPN reset"),
            ("queue", "network"),
            ("body", "Hello {requester.first_name},\n\nabout {ticket.reference}: please reconnect.\n\n{agent.first_name}"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let html = coord
        .get(app.url("/responses"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("The saved reply is added.") && html.contains("VPN reset"),
        "{html}"
    );

    // An agent may read them but not keep them.
    let agent = browser();
    login(&app, &agent, "agent@example.org", "agent password").await;
    let html = agent
        .get(app.url("/responses"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("VPN reset") && !html.contains("id=\"new-reply-form\""),
        "{html}"
    );
    let resp = agent
        .post(app.url("/responses"))
        .form(&[
            ("csrf", csrf_of(&html).as_str()),
            ("name", "Mine"),
            ("body", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    // On a network ticket it is offered, filled for that ticket.
    let path = format!("/tickets/{}", vpn["number"]);
    let html = agent
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let reference = format!("#{}", vpn["number"]);
    assert!(
        html.contains(&format!(
            "data-text=\"Hello Ria,\n\nabout {reference}: please reconnect.\n\nAgent\""
        )),
        "{html}"
    );
    // Not on a ticket of another queue.
    let other = format!("/tickets/{}", printer["number"]);
    let html_other = agent
        .get(app.url(&other))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html_other.contains("VPN reset"), "{html_other}");

    // Without JavaScript: "Insert" shows the page with the draft grown,
    // nothing saved.
    let id = html
        .split("<option value=\"")
        .find(|p| p.contains("VPN reset"))
        .and_then(|p| p.split('"').next())
        .unwrap()
        .to_owned();
    let version = html
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|p| p.split('"').next())
        .unwrap()
        .to_owned();
    let resp = agent
        .post(app.url(&path))
        .multipart(
            Form::new()
                .text("csrf", csrf_of(&html))
                .text("version", version)
                .text("body", "Thanks for the log.")
                .text("visibility", "public")
                .text("canned", id)
                .text("do", "insert_canned"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "Thanks for the log.\n\nHello Ria,\n\nabout {reference}: please reconnect."
        )),
        "{html}"
    );
    let comments = app.count("comments").await;
    assert_eq!(comments, 0, "inserting saves nothing");
}
