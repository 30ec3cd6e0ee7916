//! The requester's pages: a confirmation after filing, tickets split into
//! open and closed in plain words with a search, a confirmation before
//! withdrawing, and their equipment with receipt confirmation.

use itdesk::auth::Role;
use reqwest::multipart::Form;
use serde_json::json;

use crate::fixtures::{NewAsset, NewTicket};
use crate::helpers::{TestApp, csrf_of, spawn_app};

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let resp = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    resp.text().await.unwrap()
}

#[tokio::test]
async fn a_requester_files_sees_open_and_closed_and_withdraws_after_confirming() {
    let app = spawn_app().await;
    let ria = app.logged_in("ria@example.org", Role::Requester).await;
    let form_page = get(&ria, &app, "/tickets/new").await;
    let form = Form::new()
        .text("csrf", csrf_of(&form_page))
        .text("subject", "Printer on floor 2 is offline")
        .text("description", "It shows a red light.");
    let resp = ria
        .post(app.url("/tickets/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    let ticket_page = get(&ria, &app, &to).await;
    assert!(ticket_page.contains("Thank you: your ticket is filed."));

    // Another ticket, solved by an agent.
    let token = app.token("ria@example.org", Role::Requester).await;
    let done = app
        .file_ticket(&token, NewTicket::about("Need a new mouse"))
        .await;
    let agent = app.agent("agent@example.org").await;
    let resp = app
        .patch_json(
            &agent,
            &format!("/api/v1/tickets/{}", done["number"]),
            &json!({"status": "resolved"}),
        )
        .await;
    assert_eq!(resp.status(), 200);

    let mine = get(&ria, &app, "/my/tickets").await;
    let open = &mine[mine.find(r#"id="open-h""#).unwrap()..mine.find(r#"id="closed-h""#).unwrap()];
    assert!(
        open.contains("Open (2)"),
        "resolved still waits for the requester: {open}"
    );
    assert!(open.contains("Solved: please confirm") && open.contains("Received"));
    assert!(
        !mine.contains("triaged") && !mine.contains("in_progress"),
        "no codes shown"
    );
    let found = get(&ria, &app, "/my/tickets?q=printer").await;
    assert!(found.contains("Printer on floor 2") && !found.contains("Need a new mouse"));

    let number = to.trim_start_matches("/tickets/");
    assert!(ticket_page.contains(&format!(r#"href="/tickets/{number}/withdraw""#)));
    let ask = get(&ria, &app, &format!("/tickets/{number}/withdraw")).await;
    assert!(ask.contains("You cannot reopen a withdrawn ticket"));
    let resp = ria
        .post(app.url(&format!("/tickets/{number}/update")))
        .form(&[("csrf", csrf_of(&ask).as_str()), ("status", "cancelled")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let after = get(&ria, &app, &format!("/tickets/{number}")).await;
    assert!(after.contains("Your ticket is withdrawn."));
    let mine = get(&ria, &app, "/my/tickets").await;
    let closed = &mine[mine.find(r#"id="closed-h""#).unwrap()..];
    assert!(closed.contains("Withdrawn"), "{closed}");
}

#[tokio::test]
async fn my_equipment_lists_what_i_hold_and_confirms_receipt() {
    let app = spawn_app().await;
    let ria = app.logged_in("ria@example.org", Role::Requester).await;
    let empty = get(&ria, &app, "/my/equipment").await;
    assert!(empty.contains("has not handed you any equipment"));
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let asset = NewAsset::tagged("LT-0100")
        .hostname("ria-laptop")
        .status("in_stock")
        .register(&app, &manager)
        .await;
    let resp = app
        .post_json(
            &manager,
            &format!("/api/v1/assets/{}/checkout", asset["id"].as_str().unwrap()),
            &json!({"assignee": "ria@example.org", "require_acceptance": true, "expected_return": "2027-06-30"}),
        )
        .await;
    assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
    let page = get(&ria, &app, "/my/equipment").await;
    assert!(
        page.contains("ria-laptop") && page.contains("2027-06-30"),
        "{page}"
    );
    let marker = r#"action="/my/equipment/"#;
    let start = page.find(marker).expect("a confirm form") + marker.len();
    let id = page[start..].split('/').next().unwrap().to_owned();
    let resp = ria
        .post(app.url(&format!("/my/equipment/{id}/confirm")))
        .form(&[("csrf", csrf_of(&page).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let after = get(&ria, &app, "/my/equipment").await;
    assert!(after.contains("Thank you: receipt confirmed."));
    assert!(after.contains(">Confirmed<"));

    let other = app.logged_in("sam@example.org", Role::Requester).await;
    let theirs = get(&other, &app, "/my/equipment").await;
    assert!(!theirs.contains("ria-laptop"), "each sees their own");
    let refused = other
        .post(app.url(&format!("/my/equipment/{id}/confirm")))
        .form(&[("csrf", csrf_of(&theirs).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}
