//! The purchasing pages in a real Chromium, at phone and desktop widths:
//! an asset manager scans two serials into the receiving form and sees
//! the order partly received, its assets linked.

use fantoccini::Locator;
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::browser::{browser, check_widths, click, log_in, start_chromedriver, text_becomes};
use crate::helpers::spawn_app_with;
use crate::purchase_orders::{move_to, ok, settings, vendor_and_model};

#[tokio::test]
async fn serials_scanned_into_the_receiving_form_and_every_purchasing_page_fits_a_phone() {
    let app = spawn_app_with(settings()).await;
    let token = app.token("setup@example.org", Role::AssetManager).await;
    let admin = app.token("boss@example.org", Role::Admin).await;
    let (vendor, model) = vendor_and_model(&app, &token).await;
    let o: Value = ok(
        app.post_json(
            &token,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor, "tax_percent": 19, "cost_centre": "IT-HW",
                "lines": [{"model_id": model, "quantity": 3, "unit_cost_minor": 129_900},
                          {"description": "USB-C docks for the new starters", "quantity": 3, "unit_cost_minor": 18_900}]}),
        )
        .await,
        201,
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    ok(move_to(&app, &token, &id, "submitted").await, 200).await;
    ok(move_to(&app, &admin, &id, "approved").await, 200).await;
    ok(move_to(&app, &token, &id, "ordered").await, 200).await;
    app.user_with_password("mgr@example.org", Role::AssetManager, "manager password")
        .await;
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let c = browser(&driver, &profiles.path().join("mgr")).await;
    log_in(&c, &base, "mgr@example.org", "manager password").await;

    c.goto(&format!("{base}/purchase-orders/{id}"))
        .await
        .unwrap();
    click(&c, "receive-link").await;
    let serials = c.find(Locator::Id("s1")).await.unwrap();
    serials.send_keys("SCAN-001\nSCAN-002\n").await.unwrap();
    click(&c, "receive").await;
    assert_eq!(
        text_becomes(&c, "#order-status", "Partly received").await,
        "Partly received"
    );
    let receipts = c
        .find(Locator::Id("receipts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        receipts.contains("IT-000001") && receipts.contains("IT-000002"),
        "{receipts}"
    );

    for (path, name) in [
        ("/purchase-orders".to_owned(), "purchase-orders"),
        (format!("/purchase-orders/{id}"), "purchase-order"),
        (format!("/purchase-orders/{id}/receive"), "purchase-receive"),
        ("/purchase-orders/new".to_owned(), "purchase-order-new"),
    ] {
        check_widths(&c, &base, &path, name).await;
    }
    c.close().await.unwrap();
}
