//! Entitlements: what was bought, under which metric and term, at what
//! cost; faults named by field, nothing half-saved; keys only for asset
//! managers and admins; per-core entitlements of one product agree.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn product(app: &TestApp, token: &str, name: &str) -> String {
    let p: Value = app
        .post_json(
            token,
            "/api/v1/licenses/products",
            &json!({"publisher": "Microsoft", "name": name}),
        )
        .await
        .json()
        .await
        .unwrap();
    p["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn entitlements_are_kept_with_their_terms_and_keys_are_shown_to_managers_only() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let visio = product(&app, &manager, "Visio").await;
    let resp = app
        .post_json(
            &manager,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": visio, "metric": "user", "quantity": 25,
                    "starts_on": "2026-01-01", "ends_on": "2026-12-31",
                    "unit_cost_minor": 15000, "currency": "eur",
                    "license_key": "ABCDE-12345", "vendor": "SoftwareOne", "po_number": "PO-9"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let e: Value = resp.json().await.unwrap();
    assert_eq!(e["currency"], "EUR");
    assert_eq!(e["license_key"], "ABCDE-12345");
    let path = format!(
        "/api/v1/licenses/entitlements/{}",
        e["id"].as_str().unwrap()
    );
    let seen: Value = app.get(&agent, &path).await.json().await.unwrap();
    assert!(
        seen.get("license_key").is_none(),
        "agents do not see keys: {seen}"
    );
    assert_eq!(seen["quantity"], 25);
    let listed: Value = app
        .get(
            &manager,
            &format!("/api/v1/licenses/entitlements?product_id={visio}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // Perpetual from now on: `null` clears the end.
    let changed: Value = app
        .patch_json(&manager, &path, &json!({"ends_on": null, "quantity": 30}))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        changed["ends_on"].is_null() && changed["quantity"] == 30,
        "{changed}"
    );
    // A site licence needs no quantity.
    let site = app
        .post_json(
            &manager,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": product(&app, &manager, "Teams").await, "metric": "site"}),
        )
        .await;
    assert_eq!(site.status(), 201);
    // A product with entitlements is not deleted.
    let del = app
        .client
        .delete(app.url(&format!("/api/v1/licenses/products/{visio}")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_problem(del, 409, "in_use").await;
    let refused = app
        .post_json(
            &agent,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": visio, "metric": "device", "quantity": 1}),
        )
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn bad_entitlements_are_refused_naming_the_field_and_core_terms_must_agree() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let sql = product(&app, &manager, "SQL Server 2022").await;
    let cases = [
        (
            json!({"product_id": sql, "metric": "device", "quantity": 0}),
            "quantity",
        ),
        (
            json!({"product_id": sql, "metric": "seat", "quantity": 2}),
            "metric",
        ),
        (
            json!({"product_id": sql, "metric": "device", "quantity": 2, "starts_on": "2027-01-01", "ends_on": "2026-01-01"}),
            "ends_on",
        ),
        (
            json!({"product_id": sql, "metric": "device", "quantity": 2, "unit_cost_minor": 100, "currency": "EURO"}),
            "currency",
        ),
        (
            json!({"product_id": sql, "metric": "device", "quantity": 2, "unit_cost_minor": 100}),
            "currency",
        ),
        (
            json!({"product_id": sql, "metric": "device", "quantity": 2, "core_pack": 2}),
            "core_pack",
        ),
        (
            json!({"product_id": sql, "metric": "core", "quantity": 8, "core_rule": "per_socket"}),
            "core_rule",
        ),
        (
            json!({"product_id": "nope", "metric": "device", "quantity": 2}),
            "product_id",
        ),
    ];
    for (body, field) in cases {
        let resp = app
            .post_json(&manager, "/api/v1/licenses/entitlements", &body)
            .await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    let none: Value = app
        .get(&manager, "/api/v1/licenses/entitlements")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]), "nothing half-saved");

    // SQL Server: 4 cores per processor in 2-core packs; a second core
    // entitlement that counts otherwise is refused, naming the field.
    let first = app
        .post_json(
            &manager,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": sql, "metric": "core", "quantity": 16, "min_cores_per_processor": 4, "core_pack": 2}),
        )
        .await;
    assert_eq!(first.status(), 201);
    let other = app
        .post_json(
            &manager,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": sql, "metric": "core", "quantity": 8, "min_cores_per_processor": 4, "core_pack": 4}),
        )
        .await;
    let problem = assert_problem(other, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "core_pack", "{problem}");
    let same = app
        .post_json(
            &manager,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": sql, "metric": "core", "quantity": 8, "min_cores_per_processor": 4, "core_pack": 2}),
        )
        .await;
    assert_eq!(same.status(), 201);
}
