//! Correcting an asset's facts and its custom fields per category.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::{register, setup};
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn custom_fields_defined_for_a_category_are_typed_and_required_ones_asked_for() {
    // The defaults define ram_gb (number) and encrypted (bool) for laptops;
    // this configuration makes a phone's IMEI required.
    let app = crate::helpers::spawn_app_with(vec![(
        "asset_fields".into(),
        json!([
            {"category": "phone", "name": "imei", "label": "IMEI", "type": "text", "required": true},
            {"category": "laptop", "name": "ram_gb", "label": "Memory (GB)", "type": "number"}
        ]),
    )])
    .await;
    let (token, laptop, _) = setup(&app).await;
    let phone: Value = app
        .post_json(
            &token,
            "/api/v1/models",
            &json!({"manufacturer": "Google", "name": "Pixel 8", "category": "phone"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "PH-1", "model_id": phone["id"]}),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(
        problem["errors"][0]["field"], "custom_fields.imei",
        "{problem}"
    );
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("IMEI is required for a phone")
    );
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "LT-1", "model_id": laptop, "custom_fields": {"ram_gb": "sixteen"}}),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(
        problem["errors"][0]["field"], "custom_fields.ram_gb",
        "{problem}"
    );
    register(
        &app,
        &token,
        json!({"asset_tag": "PH-1", "model_id": phone["id"], "custom_fields": {"imei": "350000000000001", "colour": "black"}}),
    )
    .await;
    let lt = register(
        &app,
        &token,
        json!({"asset_tag": "LT-1", "model_id": laptop, "custom_fields": {"ram_gb": 32}}),
    )
    .await;
    assert_eq!(lt["custom_fields"]["ram_gb"], 32);

    // The asset page shows defined fields under their labels, then free ones.
    app.user_with_password("pages@example.org", Role::AssetManager, "pw-pages-123")
        .await;
    let client = crate::web_pages::browser();
    crate::web_pages::login(&app, &client, "pages@example.org", "pw-pages-123").await;
    let html = client
        .get(app.url("/assets/PH-1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<dt>IMEI</dt><dd>350000000000001</dd>"),
        "{html}"
    );
    assert!(html.contains("<dt>colour</dt><dd>black</dd>"), "{html}");
}

#[tokio::test]
async fn an_assets_facts_are_corrected_with_each_change_in_its_history() {
    let app = spawn_app().await;
    let (token, model, _) = setup(&app).await;
    register(
        &app,
        &token,
        json!({"asset_tag": "IT-1", "serial": "OLD", "model_id": model, "warranty_end": "2027-01-01",
               "custom_fields": {"ram_gb": 16, "sticker": "blue"}}),
    )
    .await;
    register(&app, &token, json!({"asset_tag": "IT-2"})).await;
    let patch = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            app.client
                .patch(app.url("/api/v1/assets/IT-1"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let resp = patch(json!({
        "serial": "NEW", "notes": "keyboard replaced", "warranty_end": null,
        "custom_fields": {"ram_gb": 32, "sticker": null}, "reason": "audit 2026"
    }))
    .await;
    assert_eq!(resp.status(), 200);
    let a: Value = resp.json().await.unwrap();
    assert_eq!(a["serial"], "NEW");
    assert_eq!(a["notes"], "keyboard replaced");
    assert!(a["warranty_end"].is_null());
    assert_eq!(a["custom_fields"], json!({"ram_gb": 32}));
    let last = a["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "asset_updated");
    assert_eq!(
        last["changes"]["serial"],
        json!({"from": "OLD", "to": "NEW"})
    );
    assert_eq!(
        last["changes"]["warranty_end"],
        json!({"from": "2027-01-01", "to": null})
    );
    assert_eq!(last["changes"]["reason"], "audit 2026");
    let events = a["history"].as_array().unwrap().len();

    // The same values again: nothing recorded.
    let a: Value = patch(json!({"serial": "NEW"})).await.json().await.unwrap();
    assert_eq!(a["history"].as_array().unwrap().len(), events);

    // A tag in use, a wrong type, an unknown field, a status change.
    let resp = patch(json!({"asset_tag": "IT-2"})).await;
    assert_problem(resp, 409, "already_exists").await;
    let resp = patch(json!({"custom_fields": {"ram_gb": "lots"}})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "custom_fields.ram_gb");
    let resp = patch(json!({"status": "retired"})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "status", "{problem}");

    // Renaming the tag keeps the asset.
    let a: Value = patch(json!({"asset_tag": "IT-100"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["asset_tag"], "IT-100");
    assert_eq!(app.get(&token, "/api/v1/assets/IT-100").await.status(), 200);

    let agent = app.token("agent@example.org", Role::Agent).await;
    let resp = app
        .client
        .patch(app.url("/api/v1/assets/IT-100"))
        .bearer_auth(&agent)
        .json(&json!({"notes": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 403, "forbidden").await;
}

#[tokio::test]
async fn concurrent_edits_keep_each_others_changes_and_required_fields_stay() {
    let app = crate::helpers::spawn_app_with(vec![(
        "asset_fields".into(),
        json!([{"category": "laptop", "name": "ram_gb", "label": "Memory (GB)", "type": "number", "required": true}]),
    )])
    .await;
    let (token, model, _) = setup(&app).await;
    register(
        &app,
        &token,
        json!({"asset_tag": "IT-1", "model_id": model, "custom_fields": {"ram_gb": 16}}),
    )
    .await;
    let patch = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            app.client
                .patch(app.url("/api/v1/assets/IT-1"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(patch(json!({"notes": "x\ny"})).await.status(), 200);
    // A required field cannot be removed; a tag cannot be cleared.
    let p = assert_problem(
        patch(json!({"custom_fields": {"ram_gb": null}})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "custom_fields.ram_gb", "{p}");
    let p = assert_problem(
        patch(json!({"asset_tag": null})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "asset_tag", "{p}");
    // null empties the notes.
    let a: Value = patch(json!({"notes": null})).await.json().await.unwrap();
    assert_eq!(a["notes"], "");

    // Twenty edits of different fields at once: every one lands.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let body = if i % 2 == 0 {
            json!({"custom_fields": {format!("k{i}"): i}})
        } else {
            json!({"custom_fields": {format!("k{i}"): i}, "supplier": format!("S{i}")})
        };
        tasks.push(patch(body));
    }
    for resp in futures_util::future::join_all(tasks).await {
        assert_eq!(resp.status(), 200);
    }
    let a: Value = app
        .get(&token, "/api/v1/assets/IT-1")
        .await
        .json()
        .await
        .unwrap();
    for i in 0..20 {
        assert_eq!(a["custom_fields"][format!("k{i}")], i, "k{i} lost: {a}");
    }
}
