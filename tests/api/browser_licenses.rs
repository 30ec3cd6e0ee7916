//! The license pages in a real Chromium, at phone and desktop widths: a
//! manager adds an entitlement from the product page and sees the
//! position change.

use fantoccini::Locator;
use itdesk::auth::Role;
use serde_json::json;

use crate::browser::{
    browser, check_widths, click, fill, log_in, start_chromedriver, text_becomes,
};
use crate::fixtures::inventory_credentials;
use crate::helpers::spawn_app_with;
use crate::license_fixtures::{entitle, fleet, product};

#[tokio::test]
async fn a_manager_adds_an_entitlement_and_every_license_page_fits_a_phone() {
    let app = spawn_app_with(inventory_credentials()).await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &token).await;
    let visio = product(&app, &token, "Visio", "Microsoft Visio*").await;
    let sql = product(&app, &token, "SQL Server 2022", "SQL Server 2022*").await;
    entitle(
        &app,
        &token,
        json!({"product_id": sql, "metric": "device", "quantity": 2,
        "unit_cost_minor": 90_000, "currency": "EUR", "vendor": "A reseller with a long name"}),
    )
    .await;
    app.user_with_password("mgr@example.org", Role::AssetManager, "manager password")
        .await;
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let c = browser(&driver, &profiles.path().join("mgr")).await;
    log_in(&c, &base, "mgr@example.org", "manager password").await;

    // Visio: four devices run it and nothing is bought.
    c.goto(&format!("{base}/licenses/products/{visio}"))
        .await
        .unwrap();
    click(&c, "add-entitlement").await;
    c.find(Locator::Css("#e-metric option[value='device']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "e-quantity", "3").await;
    fill(&c, "e-cost", "320.00").await;
    click(&c, "save-entitlement").await;
    assert_eq!(
        text_becomes(&c, "#flash", "The entitlement is added.").await,
        "The entitlement is added."
    );
    assert_eq!(
        text_becomes(&c, "#product-positions td[data-label='Used']", "4").await,
        "4"
    );

    for (path, name) in [
        ("/licenses".to_owned(), "licenses"),
        (format!("/licenses/products/{sql}"), "license-product"),
        (
            format!("/licenses/products/{sql}/entitlements/new"),
            "license-entitlement-new",
        ),
        ("/licenses/catalog".to_owned(), "license-catalog"),
        ("/licenses/import".to_owned(), "license-import"),
    ] {
        check_widths(&c, &base, &path, name).await;
    }
    c.close().await.unwrap();
}
