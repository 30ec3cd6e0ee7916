//! The license register's catalog: products, normalization rules (first
//! match by position, cleaned names, exclude rules), the triage list of
//! unmatched installations and a draft rule's preview.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::asset_import::import;
use crate::assets::register;
use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn del(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Three devices and what Intune discovered on them.
async fn inventory(app: &TestApp, manager: &str) {
    for (tag, host) in [("IT-1", "pc-1"), ("IT-2", "pc-2"), ("IT-3", "pc-3")] {
        register(app, manager, json!({"asset_tag": tag, "hostname": host})).await;
    }
    let apps = "ApplicationName,ApplicationPublisher,ApplicationVersion,DeviceName\n\
        Microsoft Visio Professional 2021 (x64),Microsoft Corporation,16.0.1,PC-1\n\
        Microsoft® Visio  Professional 2021,Microsoft Corporation,16.0.2,PC-2\n\
        Microsoft Visio Language Pack - German,Microsoft Corporation,16.0.1,PC-2\n\
        Adobe Acrobat (64-bit),Adobe Inc.,24.1,PC-1\n\
        Adobe Acrobat,Adobe Inc.,24.2,PC-2\n\
        Adobe Acrobat,Adobe Inc.,24.2,PC-3\n\
        7-Zip 24.08 (x64),Igor Pavlov,24.08,PC-3\n";
    let (code, out, err) = import(
        app,
        "apps.csv",
        apps.as_bytes(),
        &["--profile", "intune-apps"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
}

#[tokio::test]
async fn products_are_kept_once_and_only_changed_by_asset_managers() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let requester = app.token("kim@example.org", Role::Requester).await;
    let resp = app
        .post_json(
            &manager,
            "/api/v1/licenses/products",
            &json!({"publisher": "Microsoft", "name": "SQL Server 2022", "edition": "Standard",
                    "family": "SQL Server Standard", "version": "2022"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let sql: Value = resp.json().await.unwrap();
    assert_eq!(sql["family"], "SQL Server Standard");
    let again = app
        .post_json(
            &manager,
            "/api/v1/licenses/products",
            &json!({"publisher": "Microsoft", "name": "SQL Server 2022", "edition": "Standard"}),
        )
        .await;
    assert_problem(again, 409, "already_exists").await;
    // Without an edition too (a missing edition is one value, not many).
    for expected in [201, 409] {
        let resp = app
            .post_json(
                &manager,
                "/api/v1/licenses/products",
                &json!({"publisher": "Adobe", "name": "Acrobat Pro"}),
            )
            .await;
        assert_eq!(resp.status(), expected);
    }
    let empty = app
        .post_json(
            &manager,
            "/api/v1/licenses/products",
            &json!({"publisher": " ", "name": "X"}),
        )
        .await;
    let problem = assert_problem(empty, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "publisher");
    let path = format!("/api/v1/licenses/products/{}", sql["id"].as_str().unwrap());
    let changed: Value = app
        .patch_json(&manager, &path, &json!({"edition": null}))
        .await
        .json()
        .await
        .unwrap();
    assert!(changed["edition"].is_null(), "{changed}");
    let listed: Value = app
        .get(&agent, "/api/v1/licenses/products")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        2,
        "SQL Server and Acrobat"
    );
    let refused = app
        .post_json(
            &agent,
            "/api/v1/licenses/products",
            &json!({"publisher": "A", "name": "B"}),
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        app.get(&requester, "/api/v1/licenses/products")
            .await
            .status(),
        403
    );

    // A product a rule names is not deleted.
    let rule = app
        .post_json(
            &manager,
            "/api/v1/licenses/rules",
            &json!({"product_id": sql["id"], "name_pattern": "SQL Server 2022*"}),
        )
        .await;
    assert_eq!(rule.status(), 201);
    let rule: Value = rule.json().await.unwrap();
    assert_problem(del(&app, &manager, &path).await, 409, "in_use").await;
    let rule_path = format!("/api/v1/licenses/rules/{}", rule["id"].as_str().unwrap());
    assert_eq!(del(&app, &manager, &rule_path).await.status(), 204);
    assert_eq!(del(&app, &manager, &path).await.status(), 204);
    assert_eq!(app.get(&agent, &path).await.status(), 404);
}

#[tokio::test]
async fn rules_resolve_installations_and_the_triage_list_shows_what_is_left() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    inventory(&app, &manager).await;

    // Nothing is matched yet: the triage list, most devices first, names
    // cleaned (bitness and ® gone, publisher forms dropped).
    let list: Value = app
        .get(&manager, "/api/v1/licenses/unmatched")
        .await
        .json()
        .await
        .unwrap();
    let first = &list[0];
    assert_eq!(first["name"], "Adobe Acrobat", "{list}");
    assert_eq!(first["publisher"], "Adobe");
    assert_eq!(first["devices"], 3);
    assert_eq!(first["versions"], json!(["24.1", "24.2"]));
    assert_eq!(
        list[1]["name"], "Microsoft Visio Professional 2021",
        "{list}"
    );
    assert_eq!(list[1]["devices"], 2);

    let visio: Value = app
        .post_json(
            &manager,
            "/api/v1/licenses/products",
            &json!({"publisher": "Microsoft", "name": "Visio", "edition": "Professional"}),
        )
        .await
        .json()
        .await
        .unwrap();
    // A draft rule previewed: what it would take, nothing saved.
    let draft = json!({"product_id": visio["id"], "name_pattern": "Microsoft Visio*", "publisher_pattern": "Microsoft"});
    let preview: Value = app
        .post_json(&manager, "/api/v1/licenses/rules/preview", &draft)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preview["devices"], 2, "{preview}");
    assert_eq!(
        preview["installations"], 3,
        "the language pack too: {preview}"
    );
    assert!(
        app.get(&manager, "/api/v1/licenses/rules")
            .await
            .json::<Value>()
            .await
            .unwrap()
            == json!([]),
        "a preview saves nothing"
    );
    // The language pack is excluded first, then Visio is matched.
    let exclude = app
        .post_json(
            &manager,
            "/api/v1/licenses/rules",
            &json!({"name_pattern": "*Language Pack*", "exclude": true, "position": 5}),
        )
        .await;
    assert_eq!(exclude.status(), 201);
    let created = app
        .post_json(&manager, "/api/v1/licenses/rules", &draft)
        .await;
    assert_eq!(created.status(), 201);
    let rule: Value = created.json().await.unwrap();
    assert!(
        rule["position"].as_i64().unwrap() > 5,
        "after the last: {rule}"
    );
    let preview: Value = app
        .post_json(&manager, "/api/v1/licenses/rules/preview", &draft)
        .await
        .json()
        .await
        .unwrap();
    let resolves: Vec<&str> = preview["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["resolves_to"].as_str().unwrap())
        .collect();
    assert!(resolves.contains(&"excluded"), "{preview}");
    assert!(
        resolves.contains(&visio["id"].as_str().unwrap()),
        "{preview}"
    );

    let list: Value = app
        .get(&manager, "/api/v1/licenses/unmatched")
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Adobe Acrobat", "7-Zip 24.08"], "{list}");
}

#[tokio::test]
async fn bad_rules_are_refused_naming_the_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let p: Value = app
        .post_json(
            &manager,
            "/api/v1/licenses/products",
            &json!({"publisher": "Adobe", "name": "Acrobat"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let cases = [
        (
            json!({"product_id": p["id"], "name_pattern": ""}),
            "name_pattern",
        ),
        (
            json!({"product_id": p["id"], "name_pattern": "*"}),
            "name_pattern",
        ),
        (json!({"name_pattern": "Acrobat*"}), "product_id"),
        (
            json!({"product_id": p["id"], "name_pattern": "Acrobat*", "exclude": true}),
            "product_id",
        ),
        (
            json!({"product_id": "no-such-product", "name_pattern": "Acrobat*"}),
            "product_id",
        ),
        (
            json!({"product_id": p["id"], "name_pattern": "Acrobat*", "publisher_pattern": " "}),
            "publisher_pattern",
        ),
        (
            json!({"name_pattern": "Acrobat*", "exclude": true, "position": 2147483647}),
            "position",
        ),
        (
            json!({"name_pattern": "Acrobat*", "exclude": true, "position": -1}),
            "position",
        ),
    ];
    for (body, field) in cases {
        let resp = app
            .post_json(&manager, "/api/v1/licenses/rules", &body)
            .await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    let rules: Value = app
        .get(&manager, "/api/v1/licenses/rules")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rules, json!([]));
    // After a rule at the last position, the next still finds a place.
    for _ in 0..2 {
        let resp = app
            .post_json(
                &manager,
                "/api/v1/licenses/rules",
                &json!({"name_pattern": "Updater*", "exclude": true, "position": 1_000_000_000}),
            )
            .await;
        assert_eq!(resp.status(), 201);
    }
    let resp = app
        .post_json(
            &manager,
            "/api/v1/licenses/rules",
            &json!({"name_pattern": "Helper*", "exclude": true}),
        )
        .await;
    assert_eq!(resp.status(), 201);
}
