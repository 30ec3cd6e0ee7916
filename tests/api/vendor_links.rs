//! What ties vendors to the other registers: assets whose supplier text
//! names a vendor are linked to it (by the migration, and when the vendor
//! is added), and contracts cover assets and license entitlements.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn ok(resp: reqwest::Response, want: u16) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, want, "{body}");
    body
}

async fn linked(app: &TestApp, vendor: &str) -> i64 {
    let db = app.state.db.clone();
    let vendor = vendor.to_owned();
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use itdesk::db::schema::asset_suppliers as s;
        db.read(|c| {
            Ok::<_, itdesk::error::AppError>(
                s::table
                    .filter(s::vendor_id.eq(vendor))
                    .count()
                    .get_result::<i64>(c)?,
            )
        })
        .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn asset_suppliers_are_linked_to_the_vendor_they_name() {
    let app = spawn_app().await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    for (tag, supplier) in [
        ("IT-1", "fabrikam hardware"),
        ("IT-2", "CDW"),
        ("IT-3", "FABRIKAM HARDWARE"),
    ] {
        ok(
            app.post_json(
                &manager,
                "/api/v1/assets",
                &json!({"asset_tag": tag, "supplier": supplier}),
            )
            .await,
            201,
        )
        .await;
    }
    let v = ok(
        app.post_json(
            &manager,
            "/api/v1/vendors",
            &json!({"name": "Fabrikam Hardware", "kind": "reseller"}),
        )
        .await,
        201,
    )
    .await;
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(linked(&app, &id).await, 2, "any case; CDW stays text");
    let asset = ok(app.get(&manager, "/api/v1/assets/IT-1").await, 200).await;
    assert_eq!(asset["supplier"], "fabrikam hardware", "the text stays");

    // The migration does the same for what was there before: an asset
    // written straight into the table, then the migration's statement.
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use diesel::RunQueryDsl;
        let migration = include_str!("../../migrations/sqlite/2026-12-05-000026_vendor_links/up.sql");
        let update = migration
            .split(';')
            .map(str::trim)
            .find(|s| s.lines().any(|l| l.starts_with("INSERT INTO asset_suppliers")))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let postgres = include_str!("../../migrations/postgres/2026-12-05-000026_vendor_links/up.sql");
        assert!(postgres.contains(update.trim()), "both backends run the same statement");
        db.with_writer(|c| {
            diesel::sql_query(
                "INSERT INTO assets (id, asset_tag, status, needs_review, notes, custom_fields, created_at, updated_at, supplier) \
                 VALUES ('old-1', 'IT-OLD', 'in_stock', FALSE, '', '{}', '2026-01-01 00:00:00', '2026-01-01 00:00:00', ' Fabrikam Hardware ')",
            )
            .execute(c)
            .unwrap();
            diesel::sql_query(update).execute(c).unwrap();
        })
        .unwrap();
    })
    .await
    .unwrap();
    assert_eq!(linked(&app, &id).await, 3);
}

#[tokio::test]
async fn contracts_cover_assets_and_entitlements_that_exist() {
    let app = spawn_app().await;
    let manager = app.token("am@example.org", Role::AssetManager).await;
    for tag in ["IT-10", "IT-11"] {
        ok(
            app.post_json(&manager, "/api/v1/assets", &json!({"asset_tag": tag}))
                .await,
            201,
        )
        .await;
    }
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
    let ent = ok(
        app.post_json(
            &manager,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": product["id"], "metric": "user", "quantity": 25}),
        )
        .await,
        201,
    )
    .await;
    let v = ok(
        app.post_json(
            &manager,
            "/api/v1/vendors",
            &json!({"name": "Adobe", "kind": "software"}),
        )
        .await,
        201,
    )
    .await;
    let body = |assets: Value, ents: Value| {
        json!({"vendor_id": v["id"], "kind": "subscription", "title": "Acrobat",
            "assets": assets, "entitlement_ids": ents})
    };
    let p = assert_problem(
        app.post_json(
            &manager,
            "/api/v1/contracts",
            &body(json!(["IT-10", "IT-99"]), json!(["nope"])),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["assets[1]", "entitlement_ids[0]"]);
    assert_eq!(app.count("contracts").await, 0, "nothing half-saved");

    let c = ok(
        app.post_json(
            &manager,
            "/api/v1/contracts",
            &body(json!(["IT-11", "IT-10", "IT-10"]), json!([ent["id"]])),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(c["assets"], json!(["IT-10", "IT-11"]), "by tag, each once");
    assert_eq!(c["entitlement_ids"], json!([ent["id"]]));
    let id = c["id"].as_str().unwrap();
    let list: Vec<Value> = app
        .get(&manager, "/api/v1/contracts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list[0]["assets"],
        json!(["IT-10", "IT-11"]),
        "the listing too"
    );
    let c = ok(
        app.patch_json(
            &manager,
            &format!("/api/v1/contracts/{id}"),
            &json!({"assets": []}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            c["assets"].clone(),
            c["entitlement_ids"].as_array().unwrap().len()
        ),
        (json!([]), 1)
    );

    // An entitlement deleted from the license register drops out of the
    // contract; the delete is not refused for it.
    let resp = app
        .client
        .delete(app.url(&format!(
            "/api/v1/licenses/entitlements/{}",
            ent["id"].as_str().unwrap()
        )))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let c = ok(
        app.get(&manager, &format!("/api/v1/contracts/{id}")).await,
        200,
    )
    .await;
    assert_eq!(c["entitlement_ids"], json!([]));
}
