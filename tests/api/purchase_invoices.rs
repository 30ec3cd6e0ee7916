//! License lines received as entitlements, and invoices matched against
//! what arrived within the tolerance, flagged beyond it.

use itdesk::auth::Role;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app_with};
use crate::purchase_orders::{ok, settings, vendor_and_model};
use crate::purchase_receipts::{invoice, placed, receive};

#[tokio::test]
async fn license_lines_become_entitlements_and_invoices_are_matched_within_tolerance() {
    let mut s = settings();
    s.push(("purchasing.invoice_tolerance_percent".into(), json!(2)));
    let app = spawn_app_with(s).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let (vendor, _) = vendor_and_model(&app, &manager).await;
    let product = ok(
        app.post_json(
            &manager,
            "/api/v1/licenses/products",
            &json!({"publisher": "Adobe", "name": "Acrobat Pro"}),
        )
        .await,
        201,
    )
    .await;
    let id = placed(
        &app,
        &manager,
        &vendor,
        json!([{"product_id": product["id"], "metric": "user", "quantity": 25, "unit_cost_minor": 12_000},
               {"description": "Installation", "quantity": 1, "unit_cost_minor": 30_000}]),
    )
    .await;
    let o = ok(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 25}, {"line": 2, "quantity": 1}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(o["status"], "received");
    let eid = o["receipts"][0]["lines"][0]["entitlement_id"]
        .as_str()
        .unwrap();
    let e = ok(
        app.get(&manager, &format!("/api/v1/licenses/entitlements/{eid}"))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            e["product_id"].clone(),
            e["metric"].clone(),
            e["quantity"].clone(),
            e["po_number"].clone(),
            e["vendor"].clone()
        ),
        (
            product["id"].clone(),
            json!("user"),
            json!(25),
            json!("PO-00001"),
            json!("Northwind Supply")
        ),
        "{e}"
    );
    // Received: 25 × 120.00 + 300.00 = 3,300.00 + 10 % tax = 3,630.00.
    assert_eq!(o["received"]["total_minor"], 363_000);
    // 3,600.00 is 30.00 under: within 2 % (72.60).
    let o = ok(invoice(&app, &manager, &id, "INV-1", 360_000).await, 201).await;
    assert_eq!(o["invoice_flagged"], false);
    assert_eq!(o["invoices"][0]["variance_minor"], -3000);
    // A second invoice of 100.00 takes the total 70.00 over: still within.
    let o = ok(invoice(&app, &manager, &id, "INV-2", 10_000).await, 201).await;
    assert_eq!(
        (
            o["invoice_flagged"].clone(),
            o["invoices"][1]["variance_minor"].clone()
        ),
        (json!(false), json!(7000))
    );
    // 10.00 more is 80.00 over: flagged.
    let o = ok(invoice(&app, &manager, &id, "INV-3", 1000).await, 201).await;
    assert_eq!(o["invoice_flagged"], true);
    assert_eq!(o["invoices"][2]["flagged"], true);
    assert_problem(
        invoice(&app, &manager, &id, "inv-1", 5).await,
        409,
        "duplicate_invoice",
    )
    .await;
    let p = assert_problem(
        invoice(&app, &manager, &id, "", -1).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 2, "{p}");
}

#[tokio::test]
async fn an_invoice_flag_follows_what_arrives_and_tags_are_given_once() {
    let app = spawn_app_with(settings()).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let (vendor, model) = vendor_and_model(&app, &manager).await;
    let id = placed(
        &app,
        &manager,
        &vendor,
        json!([{"model_id": model, "quantity": 2, "unit_cost_minor": 10_000}]),
    )
    .await;
    let p = assert_problem(
        receive(
            &app,
            &manager,
            &id,
            json!({"lines": [{"line": 1, "quantity": 2, "tags": ["T-1", "T-1"]}]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "lines[0].tags[1]");
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
    // Invoiced in full (2 × 100.00 + 10 % tax) when half has arrived.
    let o = ok(invoice(&app, &manager, &id, "INV-9", 22_000).await, 201).await;
    assert_eq!(o["invoice_flagged"], true);
    let o = ok(
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
    assert_eq!(
        o["invoice_flagged"], false,
        "the rest arrived: it matches now"
    );
}
