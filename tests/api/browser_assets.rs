//! The asset workflow in a real Chromium: register a laptop (the form
//! shows only the chosen model's custom fields), retire it, dispose of it
//! with its evidence; screenshots of the register, the form, the asset
//! page and a label sheet at 1366×900 and 390×844, none wider than a phone.

use fantoccini::Locator;
use itdesk::auth::Role;
use serde_json::json;

use crate::browser::{
    browser, check_widths, click, fill, log_in, screenshot, script_value, start_chromedriver,
    text_becomes, text_of,
};
use crate::helpers::spawn_app;

#[tokio::test]
async fn an_asset_manager_registers_retires_and_disposes_of_a_laptop() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "assets password")
        .await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    let mut models = Vec::new();
    for (name, category) in [("Latitude 7440", "laptop"), ("Pixel 8", "phone")] {
        let m: serde_json::Value = app
            .post_json(
                &token,
                "/api/v1/models",
                &json!({"manufacturer": "Dell", "name": name, "category": category}),
            )
            .await
            .json()
            .await
            .unwrap();
        models.push(m["id"].as_str().unwrap().to_owned());
    }
    let driver = start_chromedriver();
    let profiles = tempfile::tempdir().unwrap();
    let base = app.address.clone();
    let c = browser(&driver, &profiles.path().join("assets")).await;
    log_in(&c, &base, "assets@example.org", "assets password").await;
    c.goto(&format!("{base}/assets")).await.unwrap();
    click(&c, "register-link").await;
    // Choosing a laptop hides the phone's fields (and shows the laptop's).
    c.find(Locator::Css(&format!(
        "#new-model option[value='{}']",
        models[0]
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let hidden = script_value(
        &c,
        "return [...document.querySelectorAll('.custom-field')].filter(e => !e.hidden).map(e => e.dataset.category)",
    )
    .await;
    assert!(
        hidden.as_array().unwrap().iter().all(|c| c == "laptop")
            && !hidden.as_array().unwrap().is_empty(),
        "only laptop fields remain: {hidden}"
    );
    fill(&c, "new-tag", "IT-1").await;
    fill(&c, "new-serial", "7H2K9").await;
    // A cost written the German way: refused by the server.
    fill(&c, "new-cost", "1.299,00").await;
    fill(&c, "cf.ram_gb", "16").await;
    screenshot(&c, "asset-new-1366").await;
    click(&c, "register").await;
    // Refused beside the box, the cursor there, the rest kept.
    assert!(
        text_of(&c, "#e-new-cost")
            .await
            .contains("is not an amount")
    );
    let focused = script_value(&c, "return document.activeElement.id").await;
    assert_eq!(focused, "new-cost");
    let kept = script_value(
        &c,
        "return [document.getElementById('new-serial').value, document.getElementById('cf.ram_gb').value]",
    )
    .await;
    assert_eq!(kept, json!(["7H2K9", "16"]));
    fill(&c, "new-cost", "1,299.00").await;
    click(&c, "register").await;
    assert_eq!(
        text_becomes(&c, "#flash", "The asset is registered.").await,
        "The asset is registered."
    );
    assert_eq!(
        text_becomes(&c, "#asset-status", "In stock").await,
        "In stock"
    );

    // Retire it: the reason goes with the button.
    click(&c, "status-moves").await;
    fill(&c, "mv-reason", "battery swollen").await;
    click(&c, "move-retired").await;
    assert_eq!(
        text_becomes(&c, "#asset-status", "Retired").await,
        "Retired"
    );
    // Dispose of it with its evidence.
    click(&c, "dispose").await;
    c.find(Locator::Css("#dp-method option[value='recycled']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "dp-evidence", "WIPE-0042").await;
    fill(&c, "dp-reason", "WEEE pickup").await;
    click(&c, "dispose-button").await;
    assert_eq!(
        text_becomes(&c, "#asset-status", "Disposed").await,
        "Disposed"
    );
    assert!(text_of(&c, "#disposal").await.contains("WIPE-0042"));
    let a: serde_json::Value = app
        .get(&token, "/api/v1/assets/IT-1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["status"], "disposed");
    assert_eq!(a["custom_fields"]["ram_gb"], 16);

    for (path, name) in [
        ("/assets", "assets"),
        ("/assets/new", "asset-new"),
        ("/assets/IT-1", "asset"),
        ("/assets/labels?layout=a4-3x7", "labels"),
    ] {
        check_widths(&c, &base, path, name).await;
    }
    c.close().await.unwrap();
}
