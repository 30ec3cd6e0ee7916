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

/// What a past month's end saw: an order placed in October, two of five
/// laptops in by the 31st, the third in November and the order closed
/// short on 20 November; another placed and cancelled in October. Dated
/// through the service's clock, as they would have happened.
#[tokio::test]
async fn a_past_month_sees_its_orders_as_they_stood_at_its_end() {
    use itdesk::purchasing::dto::{OrderInput, ReceiptInput, TransitionInput};
    use itdesk::purchasing::service;

    let app = spawn_app_with(settings()).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    app.token("admin@example.org", Role::Admin).await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let (vendor, model) = vendor_and_model(&app, &manager).await;
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let user = |email: &str| {
            state
                .db
                .read(|c| {
                    Ok::<_, itdesk::error::AppError>(itdesk::auth::people::find_user_by_email(
                        c, email,
                    )?)
                })
                .unwrap()
                .unwrap()
        };
        let (am, admin) = (user("am@example.org"), user("admin@example.org"));
        let p = &state.purchasing;
        let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let place = |body: Value, on: &str| {
            let input: OrderInput = serde_json::from_value(body).unwrap();
            let id = service::create_order(p, &am, &input, at(on)).unwrap().id;
            for (who, to) in [(&am, "submitted"), (&admin, "approved"), (&am, "ordered")] {
                let t = TransitionInput {
                    to: to.into(),
                    reason: None,
                };
                service::transition(p, who, &id, &t, at(on)).unwrap();
            }
            id
        };
        let receive = |id: &str, n: i64, serials: Value, on: &str| {
            let input: ReceiptInput = serde_json::from_value(json!({"received_on": &on[..10],
                "lines": [{"line": 1, "quantity": n, "serials": serials}]}))
            .unwrap();
            service::receive(p, &am, id, &input, None, at(on)).unwrap();
        };
        let move_to = |id: &str, to: &str, on: &str| {
            let t = TransitionInput {
                to: to.into(),
                reason: None,
            };
            service::transition(p, &am, id, &t, at(on)).unwrap();
        };
        // 5 × 999.00 + 10 %: 5,494.50 USD, placed 10 October.
        let laptops = place(
            json!({"vendor_id": vendor, "tax_percent": 10,
                "lines": [{"model_id": model, "quantity": 5, "unit_cost_minor": 99_900}]}),
            "2026-10-10 09:00",
        );
        receive(&laptops, 2, json!(["SN-1", "SN-2"]), "2026-10-20 10:00");
        receive(&laptops, 1, json!(["SN-3"]), "2026-11-05 10:00");
        move_to(&laptops, "closed", "2026-11-20 09:00");
        // 200.00 USD placed on 5 October and cancelled the next day.
        let headsets = place(
            json!({"vendor_id": vendor,
                "lines": [{"description": "Headsets", "quantity": 4, "unit_cost_minor": 5_000}]}),
            "2026-10-05 09:00",
        );
        move_to(&headsets, "cancelled", "2026-10-06 09:00");
    })
    .await
    .unwrap();

    let oct = purchasing(&app, &viewer, "2026-10").await;
    assert_eq!(
        (&oct["orders_placed"], &oct["ordered_value"]),
        (&json!(2), &json!("5694.50")),
        "{oct}"
    );
    assert_eq!(
        (&oct["receipts"], &oct["units_received"]),
        (&json!(1), &json!(2))
    );
    // Closed only in November: at October's end three laptops were due.
    assert_eq!(
        (&oct["open_orders"], &oct["open_commitment"]),
        (&json!(1), &json!("3296.70")),
        "{oct}"
    );
    let nov = purchasing(&app, &viewer, "2026-11").await;
    assert_eq!(
        (&nov["orders_placed"], &nov["units_received"]),
        (&json!(0), &json!(1))
    );
    assert_eq!(
        (&nov["open_orders"], &nov["open_commitment"]),
        (&json!(0), &json!("0.00")),
        "{nov}"
    );
}
