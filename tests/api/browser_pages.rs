//! The dashboard and the requester's equipment page in a real Chromium: a
//! dashboard tile leads into the queue filtered as it says; a requester
//! confirms receipt of a laptop on "My equipment".

use fantoccini::Locator;
use itdesk::auth::Role;
use serde_json::json;

use crate::browser::{
    browser, check_widths, click, log_in, start_chromedriver, text_becomes, text_of,
};
use crate::fixtures::NewTicket;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_dashboard_tile_opens_the_queue_filtered_as_it_says() {
    let app = spawn_app().await;
    let requester = app.requester("ria@example.org").await;
    for subject in ["Keyboard sticky", "Mouse double-clicks", "Headset crackles"] {
        app.file_ticket(&requester, NewTicket::about(subject)).await;
    }
    app.user_with_password("coord@example.org", Role::Coordinator, "coord password")
        .await;
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    app.patch_json(
        &coord,
        "/api/v1/tickets/1",
        &json!({"assignee": "coord@example.org"}),
    )
    .await;
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let c = browser(&driver, &profiles.path().join("coord")).await;
    log_in(&c, &base, "coord@example.org", "coord password").await;
    check_widths(&c, &base, "/dashboard", "dashboard").await;
    let tile = c
        .find(Locator::XPath(
            "//div[@id='attention']/a[.//span[text()='Unassigned']]",
        ))
        .await
        .expect("an Unassigned tile");
    assert_eq!(
        tile.find(Locator::Css("strong"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "2"
    );
    tile.click().await.unwrap();
    assert_eq!(
        text_becomes(&c, "#total strong", "2 tickets").await,
        "2 tickets"
    );
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("assignee=none")
    );
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_requester_confirms_receipt_on_my_equipment() {
    let app = spawn_app().await;
    app.user_with_password("ria@example.org", Role::Requester, "ria password")
        .await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let resp = app
        .post_json(
            &manager,
            "/api/v1/assets",
            &json!({"asset_tag": "IT-42", "hostname": "nb-ria"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let resp = app
        .post_json(
            &manager,
            "/api/v1/assets/IT-42/checkout",
            &json!({"assignee": "ria@example.org", "require_acceptance": true}),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let c = browser(&driver, &profiles.path().join("ria")).await;
    log_in(&c, &base, "ria@example.org", "ria password").await;
    check_widths(&c, &base, "/my/equipment", "portal-equipment-held").await;
    assert!(text_of(&c, "#equipment").await.contains("IT-42"));
    click(&c, "confirm-IT-42").await;
    assert_eq!(
        text_becomes(&c, "#flash", "Thank you: receipt confirmed.").await,
        "Thank you: receipt confirmed."
    );
    assert!(text_of(&c, "#equipment").await.contains("Confirmed"));
    let open: serde_json::Value = app
        .get(&manager, "/api/v1/checkouts")
        .await
        .json()
        .await
        .unwrap();
    let mine = open
        .as_array()
        .and_then(|l| l.first())
        .unwrap_or_else(|| panic!("{open}"));
    assert!(!mine["accepted_at"].is_null(), "receipt recorded: {mine}");
    c.close().await.unwrap();
}
