//! The asset pages: the register with filters and one asset's timeline.

use itdesk::auth::Role;
use serde_json::json;

use crate::fixtures::NewAsset;
use crate::helpers::spawn_app;
use crate::web_pages::{browser, login};

#[tokio::test]
async fn staff_browse_the_register_and_read_an_assets_timeline() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    app.user_with_password("kim@example.org", Role::Requester, "pw-kim-12345")
        .await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    for (tag, host) in [("IT-1", "nb-kim"), ("IT-2", "nb-lee")] {
        let resp = app
            .post_json(
                &token,
                "/api/v1/assets",
                &json!({"asset_tag": tag, "hostname": host}),
            )
            .await;
        assert_eq!(resp.status(), 201);
    }
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets/IT-1/transitions",
            &json!({"to": "deployed", "assignee": "kim@example.org", "reason": "handed over"}),
        )
        .await;
    assert_eq!(resp.status(), 200);

    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let list = staff.get(app.url("/assets")).send().await.unwrap();
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    assert!(
        html.contains("href=\"/assets/IT-1\"") && html.contains("IT-2"),
        "{html}"
    );
    assert!(
        html.contains("Stock by model") && html.contains("(no model)"),
        "{html}"
    );
    let filtered = staff
        .get(app.url("/assets?status=deployed"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        filtered.contains("IT-1") && !filtered.contains("IT-2"),
        "{filtered}"
    );

    let page = staff.get(app.url("/assets/IT-1")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("registered as In stock"), "{html}");
    assert!(html.contains("In stock → In use — handed over"), "{html}");
    assert!(html.contains("kim@example.org"), "{html}");

    let requester = browser();
    login(&app, &requester, "kim@example.org", "pw-kim-12345").await;
    let denied = requester.get(app.url("/assets")).send().await.unwrap();
    assert_eq!(denied.status(), 403);
}

#[tokio::test]
async fn the_register_page_searches_and_filters_by_location_and_warranty() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    let hq: serde_json::Value = app
        .post_json(&token, "/api/v1/locations", &json!({"name": "Berlin HQ"}))
        .await
        .json()
        .await
        .unwrap();
    for (tag, extra) in [
        (
            "IT-1",
            json!({"location_id": hq["id"], "warranty_end": "2026-01-31"}),
        ),
        ("IT-2", json!({"warranty_end": "2029-01-31"})),
        ("LAB-3", json!({"location_id": hq["id"]})),
    ] {
        let mut body = json!({"asset_tag": tag});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        assert_eq!(
            app.post_json(&token, "/api/v1/assets", &body)
                .await
                .status(),
            201
        );
    }
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let page = |path: String| {
        let staff = &staff;
        let url = app.url(&path);
        async move { staff.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page("/assets".into()).await;
    assert!(
        html.contains("<option value=\"") && html.contains(">Berlin HQ</option>"),
        "{html}"
    );
    let html = page("/assets?q=it-".into()).await;
    assert!(
        html.contains("IT-1") && html.contains("IT-2") && !html.contains("LAB-3"),
        "{html}"
    );
    let html = page(format!("/assets?location={}", hq["id"].as_str().unwrap())).await;
    assert!(
        html.contains("IT-1") && html.contains("LAB-3") && !html.contains(">IT-2<"),
        "{html}"
    );
    let html = page("/assets?warranty_before=2027-01-01".into()).await;
    assert!(
        html.contains(">IT-1<") && !html.contains(">IT-2<"),
        "{html}"
    );
    let html = page("/assets?warranty_before=soon".into()).await;
    assert!(
        html.contains("id=\"filter-error\"")
            && html.contains("warranty_before: must be YYYY-MM-DD"),
        "{html}"
    );
}

#[tokio::test]
async fn costs_are_shown_and_exported_in_their_currencys_decimals() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    for (tag, minor, currency) in [
        ("JP-1", 150_000, "JPY"),
        ("BH-1", 1_250, "BHD"),
        ("EU-1", 129_900, "EUR"),
    ] {
        NewAsset::tagged(tag)
            .cost(minor, currency)
            .register(&app, &token)
            .await;
    }
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    for (tag, shown) in [
        ("JP-1", "150,000 JPY"),
        ("BH-1", "1.250 BHD"),
        ("EU-1", "1,299.00 EUR"),
    ] {
        let html = staff
            .get(app.url(&format!("/assets/{tag}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(shown), "{tag} should show {shown}: {html}");
    }
    let csv = app
        .get(&token, "/api/v1/assets/export")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains(",150000,JPY,"), "{csv}");
    assert!(csv.contains(",1.250,BHD,"), "{csv}");
    assert!(csv.contains(",1299.00,EUR,"), "{csv}");
}

#[tokio::test]
async fn an_assets_page_lists_the_software_its_agent_reported() {
    let app = crate::helpers::spawn_app_with(crate::fixtures::inventory_credentials()).await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    NewAsset::tagged("IT-7")
        .serial("SN-7")
        .hostname("nb-seven")
        .status("in_stock")
        .register(&app, &token)
        .await;
    let asset = crate::fixtures::agent_reports(
        &app,
        "nb-seven",
        "SN-7",
        &[("libreoffice", "7.4.7"), ("firefox-esr", "115.9")],
    )
    .await;
    assert_eq!(
        asset["asset_tag"], "IT-7",
        "the agent's report matched the registered asset: {asset}"
    );
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let html = staff
        .get(app.url("/assets/IT-7"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("libreoffice") && html.contains("115.9"),
        "{html}"
    );
}

#[tokio::test]
async fn the_register_says_states_in_words_and_flags_ended_warranties() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let old = crate::fixtures::NewAsset::tagged("OLD-1")
        .status("in_stock")
        .register(&app, &manager)
        .await;
    let resp = app
        .patch_json(
            &manager,
            &format!("/api/v1/assets/{}", old["id"].as_str().unwrap()),
            &serde_json::json!({"warranty_end": "2020-01-31"}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let coord = app.logged_in("coord@example.org", Role::Coordinator).await;
    let html = coord
        .get(app.url("/assets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"<td data-label="Status">In stock (available)</td>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<option value="deployed" >In use</option>"#),
        "{html}"
    );
    assert!(
        html.contains(
            r#"<span class="badge warranty-ended" title="the warranty is over">2020-01-31</span>"#
        ),
        "{html}"
    );
    assert!(!html.contains(">in_stock<"), "no codes");
}
