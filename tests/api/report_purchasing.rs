//! The report's purchasing section against orders placed, received,
//! invoiced and cancelled through the API: what was placed in the month,
//! what arrived and was invoiced, and what was still on order at its end,
//! in the base currency.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};
use crate::purchase_orders::{move_to, ok, settings, vendor_and_model};

/// An order of `body`, approved and placed; the order as it stands.
async fn placed(app: &TestApp, token: &str, body: Value) -> Value {
    let admin = app.token("admin@example.org", Role::Admin).await;
    let o = ok(
        app.post_json(token, "/api/v1/purchase-orders", &body).await,
        201,
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    let mut last = o;
    for (who, to) in [
        (token, "submitted"),
        (&admin, "approved"),
        (token, "ordered"),
    ] {
        last = ok(move_to(app, who, &id, to).await, 200).await;
    }
    last
}

async fn purchasing(app: &TestApp, token: &str, month: &str) -> Value {
    let r = ok(
        app.get(token, &format!("/api/v1/reports/monthly/{month}?live=true"))
            .await,
        200,
    )
    .await;
    r["purchasing"].clone()
}

#[tokio::test]
async fn the_month_counts_what_was_ordered_received_invoiced_and_still_on_order() {
    // Months in UTC here, so that the day an order records is in the
    // month its placing falls in (the zone's edges are unit-tested in
    // src/metrics/purchasing.rs).
    let mut with = settings();
    with.push(("reports.time_zone".into(), json!("UTC")));
    let app = spawn_app_with(with).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let (vendor, model) = vendor_and_model(&app, &manager).await;

    // Five laptops at 999.00 with 10 % tax: 5,494.50 USD.
    let laptops = placed(
        &app,
        &manager,
        json!({"vendor_id": vendor, "tax_percent": 10,
            "lines": [{"model_id": model, "quantity": 5, "unit_cost_minor": 99_900}]}),
    )
    .await;
    let today = laptops["ordered_on"].as_str().unwrap().to_owned();
    let month = &today[..7];
    let id = laptops["id"].as_str().unwrap();
    // Three arrive and are invoiced at what they cost: 3,296.70 USD.
    let body = json!({"received_on": today,
        "lines": [{"line": 1, "quantity": 3, "serials": ["SN-1", "SN-2", "SN-3"]}]});
    let path = format!("/api/v1/purchase-orders/{id}/receipts");
    ok(app.post_json(&manager, &path, &body).await, 201).await;
    let path = format!("/api/v1/purchase-orders/{id}/invoices");
    let body = json!({"number": "INV-1", "amount_minor": 329_670, "received_on": today});
    let invoice = ok(app.post_json(&manager, &path, &body).await, 201).await;
    assert_eq!(invoice["invoices"][0]["flagged"], false, "{invoice}");

    // 100.00 EUR at 1.10 USD, expected today and not here: 110.00 USD, overdue.
    placed(
        &app,
        &manager,
        json!({"vendor_id": vendor, "currency": "EUR", "conversion_rate": 1.1,
            "expected_on": today,
            "lines": [{"description": "Cables", "quantity": 10, "unit_cost_minor": 1_000}]}),
    )
    .await;
    // 200.00 USD ordered, then cancelled: placed, never on order at the end.
    let cancelled = placed(
        &app,
        &manager,
        json!({"vendor_id": vendor,
            "lines": [{"description": "Headsets", "quantity": 4, "unit_cost_minor": 5_000}]}),
    )
    .await;
    let cid = cancelled["id"].as_str().unwrap();
    ok(move_to(&app, &manager, cid, "cancelled").await, 200).await;

    let p = purchasing(&app, &viewer, month).await;
    assert_eq!(p["currency"], "USD");
    assert_eq!(p["orders_placed"], 3, "{p}");
    // 5,494.50 + 110.00 + 200.00
    assert_eq!(p["ordered_value"], "5804.50", "{p}");
    assert_eq!(
        (&p["receipts"], &p["units_received"]),
        (&json!(1), &json!(3))
    );
    assert_eq!(
        (&p["invoices"], &p["invoices_flagged"]),
        (&json!(1), &json!(0))
    );
    assert_eq!(p["invoiced_value"], "3296.70");
    // Two laptops (2 × 999.00 + 10 %) and the cables are still on order.
    assert_eq!(p["open_orders"], 2, "{p}");
    assert_eq!(p["open_commitment"], "2307.80", "{p}");
    assert_eq!(p["overdue_orders"], 1, "{p}");
    assert_eq!(
        p["by_vendor"],
        json!([{"vendor": "Northwind Supply", "orders_placed": 3, "ordered_value": "5804.50"}])
    );

    // Each figure is a CSV row, with its currency as the unit.
    let csv = app
        .get(
            &viewer,
            &format!("/api/v1/reports/monthly/{month}?live=true&format=csv"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines()
            .any(|l| l == "purchasing,open_commitment,,2307.80,USD"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l == "purchasing,orders_placed,vendor=Northwind Supply,3,orders"),
        "{csv}"
    );

    // The month before knew none of it.
    let first: chrono::NaiveDate = format!("{month}-01").parse().unwrap();
    let before = (first - chrono::Duration::days(1))
        .format("%Y-%m")
        .to_string();
    let p = purchasing(&app, &viewer, &before).await;
    assert_eq!(
        (&p["orders_placed"], &p["open_orders"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(p["open_commitment"], "0.00");
}
