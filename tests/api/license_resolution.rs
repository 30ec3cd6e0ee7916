//! The incremental resolution (rule changes, new inventories) agrees with
//! a full one.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::register;
use crate::fixtures::inventory_credentials;
use crate::helpers::{assert_problem, spawn_app_with};
use crate::license_fixtures::{created, fleet, item, machine, positions, product, send};

#[tokio::test]
async fn incremental_resolution_agrees_with_a_full_one() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &manager).await;
    let visio = product(&app, &manager, "Visio", "Microsoft Visio*").await;
    let sql = product(&app, &manager, "SQL Server", "SQL Server*").await;
    // An exclude rule placed first takes SQL Server away; moved last, the
    // product rule wins again; a rule for a product changes its pattern.
    let excl = created(
        app.post_json(
            &manager,
            "/api/v1/licenses/rules",
            &json!({"name_pattern": "SQL*", "exclude": true, "position": 1}),
        )
        .await,
    )
    .await;
    let p = positions(&app, &manager, "2026-12-31").await;
    assert!(
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["product_id"] != sql),
        "{p}"
    );
    let rule_path = format!("/api/v1/licenses/rules/{}", excl["id"].as_str().unwrap());
    let resp = app
        .patch_json(&manager, &rule_path, &json!({"position": 1000}))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        item(&positions(&app, &manager, "2026-12-31").await, &sql)["consumed"],
        3
    );
    // A new machine brings a new title; a later inventory drops Visio.
    register(&app, &manager, json!({"asset_tag": "IT-5", "serial": "S5"})).await;
    send(
        &app,
        &machine(
            "S5",
            &[],
            &[
                ("Microsoft Visio Standard 2019", "Microsoft", "16.0"),
                ("Zoom", "Zoom", "6"),
            ],
        ),
    )
    .await;
    send(&app, &machine("S2", &[], &[])).await;
    let incremental = positions(&app, &manager, "2026-12-31").await;
    assert_eq!(
        item(&incremental, &visio)["consumed"],
        4,
        "IT-1, IT-3, IT-4, IT-5"
    );
    let resp = app
        .client
        .delete(app.url(&rule_path))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let incremental = positions(&app, &manager, "2026-12-31").await;

    let full: Value = app
        .post_json(&manager, "/api/v1/licenses/resolve", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full["changed"], 0, "{full}");
    assert_eq!(
        (full["products"].as_i64(), full["unmatched"].as_i64()),
        (Some(3), Some(3)),
        "{full}"
    );
    assert_eq!(positions(&app, &manager, "2026-12-31").await, incremental);
    let viewer = app.token("viewer@example.org", Role::Agent).await;
    let refused = app
        .post_json(&viewer, "/api/v1/licenses/resolve", &json!({}))
        .await;
    assert_problem(refused, 403, "forbidden").await;
}
