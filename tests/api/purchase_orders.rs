//! Purchase orders through the API: numbering and figures worked out by
//! hand, the approval path with its limit, refused moves naming the
//! allowed ones, and bad input named field by field with nothing stored.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app_with};

pub(crate) async fn ok(resp: reqwest::Response, want: u16) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, want, "{body}");
    body
}

/// A vendor and a laptop model (36 months' warranty); their ids.
pub(crate) async fn vendor_and_model(app: &TestApp, token: &str) -> (String, String) {
    let vendor = ok(
        app.post_json(
            token,
            "/api/v1/vendors",
            &json!({"name": "Northwind Supply", "kind": "reseller"}),
        )
        .await,
        201,
    )
    .await;
    let model = ok(
        app.post_json(
            token,
            "/api/v1/models",
            &json!({"manufacturer": "Lenovo", "name": "ThinkPad T14", "category": "laptop",
                "warranty_months": 36}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(model["warranty_months"], 36);
    (
        vendor["id"].as_str().unwrap().to_owned(),
        model["id"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn move_to(app: &TestApp, token: &str, id: &str, to: &str) -> reqwest::Response {
    app.post_json(
        token,
        &format!("/api/v1/purchase-orders/{id}/transitions"),
        &json!({"to": to}),
    )
    .await
}

/// Settings with an approval limit of 5,000.00 USD.
pub(crate) fn settings() -> Vec<(String, Value)> {
    vec![
        ("purchasing.base_currency".into(), json!("USD")),
        ("purchasing.approval_limit_minor".into(), json!(500_000)),
    ]
}

#[tokio::test]
async fn an_order_is_numbered_priced_by_hand_and_approved_by_its_limit() {
    let app = spawn_app_with(settings()).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let coordinator = app.token("coord@example.org", Role::Coordinator).await;
    let admin = app.token("admin@example.org", Role::Admin).await;
    let (vendor, model) = vendor_and_model(&app, &manager).await;
    let o = ok(
        app.post_json(
            &manager,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor, "cost_centre": "IT-OPS", "tax_percent": 20,
            "discount_percent": 10, "shipping_minor": 2500, "expected_on": "2027-01-15",
            "lines": [
                {"model_id": model, "quantity": 5, "unit_cost_minor": 119_900},
                {"description": "Docking set-up", "quantity": 1, "unit_cost_minor": 15_000}
            ]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(o["number"], "PO-00001");
    assert_eq!(o["status"], "draft");
    assert_eq!(o["vendor"], "Northwind Supply");
    assert_eq!(o["requested_by_name"], "Am", "by default whoever raised it");
    assert_eq!(o["lines"][0]["kind"], "asset");
    assert_eq!(o["lines"][0]["description"], "ThinkPad T14");
    assert_eq!(o["lines"][1]["kind"], "other");
    // 5 × 1,199.00 + 150.00 = 6,145.00; 10 % off = 614.50; 20 % tax on
    // 5,530.50 = 1,106.10; shipping 25.00; total 6,661.60.
    assert_eq!(
        o["totals"],
        json!({"subtotal_minor": 614_500, "discount_minor": 61_450, "tax_minor": 110_610,
            "shipping_minor": 2500, "total_minor": 666_160})
    );
    assert_eq!(o["base_total_minor"], 666_160);
    assert_eq!(o["needs_admin_approval"], true);
    assert_eq!(o["allowed"], json!(["submitted", "cancelled"]));
    let id = o["id"].as_str().unwrap();

    // The next one takes the next number.
    let second = ok(
        app.post_json(
            &manager,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor, "lines": [{"description": "Cables", "quantity": 10,
                "unit_cost_minor": 900}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(second["number"], "PO-00002");

    // Straight to approved is refused, naming where it may go.
    let refused = assert_problem(
        move_to(&app, &coordinator, id, "approved").await,
        409,
        "transition_not_allowed",
    )
    .await;
    assert_eq!(refused["allowed"], json!(["submitted", "cancelled"]));
    ok(move_to(&app, &manager, id, "submitted").await, 200).await;
    // Above the limit a coordinator may not approve; an asset manager
    // approves nothing; an admin does.
    let p = assert_problem(
        move_to(&app, &coordinator, id, "approved").await,
        403,
        "forbidden",
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("above the approval limit of 5,000.00"),
        "{p}"
    );
    assert_problem(
        move_to(&app, &manager, id, "approved").await,
        403,
        "forbidden",
    )
    .await;
    let approved = ok(move_to(&app, &admin, id, "approved").await, 200).await;
    assert_eq!(approved["status"], "approved");
    assert!(approved["approved_by"].is_string());
    // Once approved, the lines no longer change; the expected day does.
    assert_problem(
        app.patch_json(
            &manager,
            &format!("/api/v1/purchase-orders/{id}"),
            &json!({"shipping_minor": 0}),
        )
        .await,
        409,
        "order_not_editable",
    )
    .await;
    let moved = ok(
        app.patch_json(
            &manager,
            &format!("/api/v1/purchase-orders/{id}"),
            &json!({"expected_on": "2027-01-22"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(moved["expected_on"], "2027-01-22");
    let ordered = ok(move_to(&app, &manager, id, "ordered").await, 200).await;
    assert_eq!(ordered["allowed"], json!(["cancelled"]));
    let refused = assert_problem(
        move_to(&app, &manager, id, "received").await,
        409,
        "transition_not_allowed",
    )
    .await;
    assert!(refused["detail"].as_str().unwrap().contains("receipts"));

    // The small order: a coordinator approves it.
    let small = second["id"].as_str().unwrap();
    ok(move_to(&app, &manager, small, "submitted").await, 200).await;
    ok(move_to(&app, &coordinator, small, "approved").await, 200).await;

    // Four eyes: an admin who raised an order does not approve it.
    let own = ok(
        app.post_json(
            &admin,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor, "lines": [{"description": "Toner", "quantity": 2,
                "unit_cost_minor": 4_000}]}),
        )
        .await,
        201,
    )
    .await;
    let own = own["id"].as_str().unwrap();
    ok(move_to(&app, &admin, own, "submitted").await, 200).await;
    let p = assert_problem(
        move_to(&app, &admin, own, "approved").await,
        403,
        "forbidden",
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("raised or requested by you"),
        "{p}"
    );
    ok(move_to(&app, &coordinator, own, "approved").await, 200).await;

    // By number too, and in the list (newest first, with its total).
    let by_number = ok(
        app.get(&manager, "/api/v1/purchase-orders/PO-00001").await,
        200,
    )
    .await;
    assert_eq!(by_number["id"], id);
    let page = ok(
        app.get(&manager, "/api/v1/purchase-orders?status=approved")
            .await,
        200,
    )
    .await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["items"][1]["number"], "PO-00002", "newest first");
    let page = ok(
        app.get(&manager, "/api/v1/purchase-orders?limit=1").await,
        200,
    )
    .await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().unwrap().len()
        ),
        (Some(3), 1)
    );
    // A search takes % and _ as they are typed.
    let page = ok(
        app.get(&manager, "/api/v1/purchase-orders?q=%25").await,
        200,
    )
    .await;
    assert_eq!(
        page["total"], 0,
        "no number, cost centre or notes holds a %"
    );
    let page = ok(
        app.get(&manager, "/api/v1/purchase-orders?q=it-ops").await,
        200,
    )
    .await;
    assert_eq!(page["total"], 1);

    // Every change is in the history.
    let n = history(&app, id).await;
    assert_eq!(
        n,
        vec![
            "created",
            "transition",
            "transition",
            "updated",
            "transition"
        ],
        "created, submitted, approved, expected day, ordered"
    );
}

/// The history actions of an order, oldest first.
pub(crate) async fn history(app: &TestApp, id: &str) -> Vec<String> {
    let (db, id) = (app.state.db.clone(), id.to_owned());
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use itdesk::db::schema::audit_events as a;
        db.read(|c| {
            Ok::<_, itdesk::error::AppError>(
                a::table
                    .filter(a::entity_type.eq("purchase_order"))
                    .filter(a::entity_id.eq(id))
                    .order((a::occurred_at.asc(), a::id.asc()))
                    .select(a::action)
                    .load::<String>(c)?,
            )
        })
        .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn an_order_in_another_currency_is_approved_on_its_converted_value() {
    let app = spawn_app_with(settings()).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let coordinator = app.token("coord@example.org", Role::Coordinator).await;
    let (vendor, _) = vendor_and_model(&app, &manager).await;
    // 4,000.00 EUR at 1.30 USD per EUR is 5,200.00 USD: over the limit.
    let o = ok(
        app.post_json(
            &manager,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor, "currency": "EUR", "conversion_rate": 1.3,
                "lines": [{"description": "Support hours", "quantity": 40, "unit_cost_minor": 10_000}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(o["totals"]["total_minor"], 400_000);
    assert_eq!(o["base_total_minor"], 520_000);
    assert_eq!(o["needs_admin_approval"], true);
    let id = o["id"].as_str().unwrap();
    ok(move_to(&app, &manager, id, "submitted").await, 200).await;
    assert_problem(
        move_to(&app, &coordinator, id, "approved").await,
        403,
        "forbidden",
    )
    .await;
    // At 1.20 it is 4,800.00 USD: back to draft, change the rate, submit.
    ok(move_to(&app, &coordinator, id, "draft").await, 200).await;
    let o = ok(
        app.patch_json(
            &manager,
            &format!("/api/v1/purchase-orders/{id}"),
            &json!({"conversion_rate": 1.2}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(o["base_total_minor"], 480_000);
    ok(move_to(&app, &manager, id, "submitted").await, 200).await;
    ok(move_to(&app, &coordinator, id, "approved").await, 200).await;
}

#[tokio::test]
async fn bad_orders_name_each_field_and_store_nothing() {
    let app = spawn_app_with(settings()).await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let (vendor, model) = vendor_and_model(&app, &manager).await;
    let cases = [
        (json!({"lines": []}), "vendor_id"),
        (json!({"vendor_id": "no-such-vendor"}), "vendor_id"),
        (json!({"vendor_id": vendor, "currency": "XYZ"}), "currency"),
        (
            json!({"vendor_id": vendor, "currency": "EUR"}),
            "conversion_rate",
        ),
        (
            json!({"vendor_id": vendor, "currency": "EUR", "conversion_rate": -1}),
            "conversion_rate",
        ),
        (
            json!({"vendor_id": vendor, "currency": "USD", "conversion_rate": 1.1}),
            "conversion_rate",
        ),
        (
            json!({"vendor_id": vendor, "tax_percent": 8.255}),
            "tax_percent",
        ),
        (
            json!({"vendor_id": vendor, "discount_percent": 101}),
            "discount_percent",
        ),
        (
            json!({"vendor_id": vendor, "shipping_minor": -1}),
            "shipping_minor",
        ),
        (
            json!({"vendor_id": vendor, "requested_by": "nobody@example.org"}),
            "requested_by",
        ),
        (
            json!({"vendor_id": vendor, "lines": [{"quantity": 1, "unit_cost_minor": 1}]}),
            "lines[0].description",
        ),
        (
            json!({"vendor_id": vendor, "lines": [{"model_id": model, "quantity": 0, "unit_cost_minor": 1}]}),
            "lines[0].quantity",
        ),
        (
            json!({"vendor_id": vendor, "lines": [{"model_id": model, "quantity": 1, "unit_cost_minor": -5}]}),
            "lines[0].unit_cost_minor",
        ),
        (
            json!({"vendor_id": vendor, "lines": [{"model_id": "nope", "quantity": 1, "unit_cost_minor": 1}]}),
            "lines[0].model_id",
        ),
        (
            json!({"vendor_id": vendor, "lines": [{"description": "x", "quantity": 1, "unit_cost_minor": 1},
            {"model_id": model, "metric": "user", "quantity": 1, "unit_cost_minor": 1}]}),
            "lines[1].metric",
        ),
    ];
    for (body, field) in cases {
        let p = assert_problem(
            app.post_json(&manager, "/api/v1/purchase-orders", &body)
                .await,
            422,
            "validation_failed",
        )
        .await;
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert!(fields.contains(&field), "{body} → {p}");
    }
    assert_eq!(app.count("purchase_orders").await, 0);
    assert_eq!(app.count("purchase_order_lines").await, 0);
    // A viewer reads but raises nothing.
    assert_problem(
        app.post_json(
            &viewer,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    ok(app.get(&viewer, "/api/v1/purchase-orders").await, 200).await;
    // A draft without lines cannot be submitted.
    let o = ok(
        app.post_json(
            &manager,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor}),
        )
        .await,
        201,
    )
    .await;
    assert_problem(
        move_to(&app, &manager, o["id"].as_str().unwrap(), "submitted").await,
        409,
        "order_without_lines",
    )
    .await;
}
