//! Receiving: 3 of 5 laptops then the other 2 (assets in stock with their
//! serials, cost, supplier, order number and warranty), receipts refused
//! whole, a retried receipt taken once, units placed with the order, and
//! an order whose product left the license register. Invoices are in
//! `purchase_invoices`.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app_with};
use crate::purchase_orders::{move_to, ok, settings, vendor_and_model};

/// An order of `lines`, approved and placed; its id.
pub(crate) async fn placed(app: &TestApp, token: &str, vendor: &str, lines: Value) -> String {
    let admin = app.token("admin@example.org", Role::Admin).await;
    let o = ok(
        app.post_json(
            token,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor, "tax_percent": 10, "lines": lines}),
        )
        .await,
        201,
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    for (who, to) in [
        (token, "submitted"),
        (&admin, "approved"),
        (token, "ordered"),
    ] {
        ok(move_to(app, who, &id, to).await, 200).await;
    }
    id
}

pub(crate) async fn receive(
    app: &TestApp,
    token: &str,
    id: &str,
    body: Value,
) -> reqwest::Response {
    app.post_json(
        token,
        &format!("/api/v1/purchase-orders/{id}/receipts"),
        &body,
    )
    .await
}

pub(crate) async fn invoice(
    app: &TestApp,
    token: &str,
    id: &str,
    number: &str,
    amount: i64,
) -> reqwest::Response {
    app.post_json(
        token,
        &format!("/api/v1/purchase-orders/{id}/invoices"),
        &json!({"number": number, "amount_minor": amount, "received_on": "2026-12-01"}),
    )
    .await
}

pub(crate) async fn asset(app: &TestApp, token: &str, tag: &str) -> Value {
    ok(app.get(token, &format!("/api/v1/assets/{tag}")).await, 200).await
}

#[tokio::test]
async fn three_of_five_laptops_then_the_other_two() {
    let app = spawn_app_with(settings()).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let (vendor, model) = vendor_and_model(&app, &manager).await;
    let place: Value = ok(
        app.post_json(
            &manager,
            "/api/v1/locations",
            &json!({"name": "Store room"}),
        )
        .await,
        201,
    )
    .await;
    let id = placed(
        &app,
        &manager,
        &vendor,
        json!([{"model_id": model, "quantity": 5, "unit_cost_minor": 99_900}]),
    )
    .await;

    let o = ok(
        receive(
            &app,
            &manager,
            &id,
            json!({"received_on": "2026-11-30", "location_id": place["id"],
                "lines": [{"line": 1, "quantity": 3, "serials": ["SN-A1", "SN-A2", "SN-A3"]}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(o["status"], "partially_received");
    assert_eq!(o["lines"][0]["received"], 3);
    let tags = o["receipts"][0]["lines"][0]["asset_tags"].clone();
    assert_eq!(tags, json!(["IT-000001", "IT-000002", "IT-000003"]));
    // 3 × 999.00 = 2,997.00 + 10 % tax.
    assert_eq!(o["received"]["total_minor"], 299_700 + 29_970);
    let a = asset(&app, &manager, "IT-000002").await;
    assert_eq!(
        (
            a["status"].as_str(),
            a["substate"].as_str(),
            a["serial"].as_str(),
            a["po_number"].as_str(),
            a["supplier"].as_str(),
            a["purchase_date"].as_str(),
            a["warranty_end"].as_str(),
        ),
        (
            Some("in_stock"),
            Some("available"),
            Some("SN-A2"),
            Some("PO-00001"),
            Some("Northwind Supply"),
            Some("2026-11-30"),
            Some("2029-11-30")
        ),
        "{a}"
    );
    assert_eq!(a["cost"]["amount_minor"], 99_900, "{a}");
    assert_eq!(a["location"]["name"], "Store room", "{a}");

    // Four more than the two still to come: refused whole.
    let p = assert_problem(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 3}]}),
        )
        .await,
        409,
        "over_receipt",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("line 1"), "{p}");
    // A serial the register holds: refused whole, naming the line.
    let p = assert_problem(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 2, "serials": ["SN-A4", "sn-a1"]}]}),
        )
        .await,
        409,
        "duplicate_serial",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("line 1"), "{p}");
    // A line the order does not have, and serials that do not match the
    // count: 422 naming the field.
    let p = assert_problem(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 7, "quantity": 1}]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "lines[0].line");
    let p = assert_problem(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 2, "serials": ["SN-A4"]}]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "lines[0].serials");
    assert_eq!(app.count("assets").await, 3, "nothing half-received");

    // The other two, sent twice with one key: received once.
    let body = json!({"lines": [{"line": 1, "quantity": 2, "serials": ["SN-A4", "SN-A5"]}]});
    let send = || {
        app.client
            .post(app.url(&format!("/api/v1/purchase-orders/{id}/receipts")))
            .bearer_auth(&manager)
            .header("Idempotency-Key", "dock-42")
            .json(&body)
            .send()
    };
    let first = ok(send().await.unwrap(), 201).await;
    assert_eq!(first["status"], "received");
    let again = send().await.unwrap();
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    let again = ok(again, 200).await;
    assert_eq!(again["lines"][0]["received"], 5);
    assert_eq!(app.count("assets").await, 5);
    assert_eq!(app.count("purchase_receipts").await, 2);
    // The same key with another receipt is a mistake, not a replay.
    let other = app
        .client
        .post(app.url(&format!("/api/v1/purchase-orders/{id}/receipts")))
        .bearer_auth(&manager)
        .header("Idempotency-Key", "dock-42")
        .json(&json!({"lines": [{"line": 1, "quantity": 1, "serials": ["SN-A6"]}]}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(other, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(app.count("purchase_receipts").await, 2);
    assert_eq!(first["allowed"], json!(["closed"]));
    let closed = ok(move_to(&app, &manager, &id, "closed").await, 200).await;
    assert_eq!(closed["status"], "closed");
    assert_problem(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 1}]}),
        )
        .await,
        409,
        "order_not_receiving",
    )
    .await;
}

#[tokio::test]
async fn a_cancelled_order_takes_no_receipt_and_an_order_closes_short() {
    let app = spawn_app_with(settings()).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let (vendor, model) = vendor_and_model(&app, &manager).await;
    let lines = json!([{"model_id": model, "quantity": 2, "unit_cost_minor": 50_000}]);
    let id = placed(&app, &manager, &vendor, lines.clone()).await;
    ok(move_to(&app, &manager, &id, "cancelled").await, 200).await;
    let p = assert_problem(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 1}]}),
        )
        .await,
        409,
        "order_not_receiving",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("cancelled"), "{p}");
    assert_eq!(app.count("assets").await, 0);

    // Something arrived: no cancelling, but closing short.
    let id = placed(&app, &manager, &vendor, lines).await;
    ok(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 1}]}),
        )
        .await,
        201,
    )
    .await;
    let p = assert_problem(
        move_to(&app, &manager, &id, "cancelled").await,
        409,
        "transition_not_allowed",
    )
    .await;
    assert_eq!(p["allowed"], json!(["closed"]));
    ok(move_to(&app, &manager, &id, "closed").await, 200).await;
}

#[tokio::test]
async fn with_assets_created_on_order_receiving_moves_the_same_assets_into_stock() {
    let mut s = settings();
    s.push(("purchasing.create_assets_on".into(), json!("order")));
    let app = spawn_app_with(s).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let (vendor, model) = vendor_and_model(&app, &manager).await;
    let lines = json!([{"model_id": model, "quantity": 2, "unit_cost_minor": 80_000}]);
    let id = placed(&app, &manager, &vendor, lines.clone()).await;
    let ordered = ok(
        app.get(&manager, "/api/v1/assets?status=ordered").await,
        200,
    )
    .await;
    assert_eq!(ordered["items"].as_array().unwrap().len(), 2, "{ordered}");
    let o = ok(
        receive(
            &app,
            &manager,
            &id,
            json!({"received_on": "2026-12-01",
                "lines": [{"line": 1, "quantity": 2, "serials": ["PF-1", "PF-2"]}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(app.count("assets").await, 2, "the same two assets");
    let tags = o["receipts"][0]["lines"][0]["asset_tags"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(tags.len(), 2);
    let a = asset(&app, &manager, tags[0].as_str().unwrap()).await;
    assert_eq!(
        (
            a["status"].as_str(),
            a["serial"].as_str(),
            a["warranty_end"].as_str()
        ),
        (Some("in_stock"), Some("PF-1"), Some("2029-12-01")),
        "{a}"
    );
    // An order placed and then cancelled takes its ordered units back.
    let id = placed(&app, &manager, &vendor, lines.clone()).await;
    assert_eq!(app.count("assets").await, 4);
    ok(move_to(&app, &manager, &id, "cancelled").await, 200).await;
    assert_eq!(app.count("assets").await, 2);
    // One of two arrives, with the tag the dock gave it; closing short
    // takes the other back.
    let id = placed(&app, &manager, &vendor, lines).await;
    let o = ok(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 1, "serials": ["PF-3"], "tags": ["DOCK-7"]}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        o["receipts"][0]["lines"][0]["asset_tags"],
        json!(["DOCK-7"])
    );
    assert_eq!(asset(&app, &manager, "DOCK-7").await["serial"], "PF-3");
    ok(move_to(&app, &manager, &id, "closed").await, 200).await;
    assert_eq!(
        app.count("assets").await,
        3,
        "the unit that never came is gone"
    );
}

#[tokio::test]
async fn a_product_deleted_from_the_license_register_leaves_the_order_readable() {
    let app = spawn_app_with(settings()).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let (vendor, _) = vendor_and_model(&app, &manager).await;
    let product = ok(
        app.post_json(
            &manager,
            "/api/v1/licenses/products",
            &json!({"publisher": "Contoso", "name": "Diagrammer"}),
        )
        .await,
        201,
    )
    .await;
    let pid = product["id"].as_str().unwrap();
    let id = placed(
        &app,
        &manager,
        &vendor,
        json!([{"product_id": pid, "quantity": 5, "unit_cost_minor": 5_000}]),
    )
    .await;
    let resp = app
        .client
        .delete(app.url(&format!("/api/v1/licenses/products/{pid}")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204, "the license register decides alone");
    let o = ok(
        app.get(&manager, &format!("/api/v1/purchase-orders/{id}"))
            .await,
        200,
    )
    .await;
    assert_eq!(o["lines"][0]["description"], "Contoso Diagrammer");
    let p = assert_problem(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 5}]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "lines[0].line", "{p}");
    assert_eq!(app.count("license_entitlements").await, 0);
}
