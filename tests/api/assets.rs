//! The asset register over the API: registering, the enforced lifecycle with
//! its history, listing with filters and pages, and who may do what.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// A manager's token, a model id and a location id.
pub async fn setup(app: &TestApp) -> (String, String, String) {
    let token = app.token("assets@example.org", Role::AssetManager).await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/models",
            &json!({"manufacturer": "Lenovo", "name": "ThinkPad T14 Gen 5", "category": "laptop"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let model: Value = resp.json().await.unwrap();
    assert_eq!(model["manufacturer"], "Lenovo");
    assert_eq!(model["depreciation_months"], 36, "the laptop default");
    let resp = app
        .post_json(&token, "/api/v1/locations", &json!({"name": "Berlin HQ"}))
        .await;
    assert_eq!(resp.status(), 201);
    let location: Value = resp.json().await.unwrap();
    (
        token,
        model["id"].as_str().unwrap().to_owned(),
        location["id"].as_str().unwrap().to_owned(),
    )
}

pub async fn register(app: &TestApp, token: &str, body: Value) -> Value {
    let resp = app.post_json(token, "/api/v1/assets", &body).await;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

pub async fn transition(app: &TestApp, token: &str, tag: &str, body: Value) -> reqwest::Response {
    app.post_json(token, &format!("/api/v1/assets/{tag}/transitions"), &body)
        .await
}

#[tokio::test]
async fn an_asset_lives_from_order_to_disposal_with_every_step_in_its_history() {
    let app = spawn_app().await;
    let (token, model, location) = setup(&app).await;
    app.token("kim@example.org", Role::Requester).await;
    let a = register(
        &app,
        &token,
        json!({
            "asset_tag": "IT-000123", "serial": "PF4ABC12", "model_id": model,
            "hostname": "NB-KIM", "status": "ordered", "purchase_date": "2026-01-15",
            "cost": {"amount_minor": 129900, "currency": "EUR"}, "supplier": "Bechtle",
            "po_number": "PO-7781", "warranty_end": "2029-01-14",
            "custom_fields": {"ram_gb": 32, "docking": true}
        }),
    )
    .await;
    assert_eq!(a["status"], "ordered");
    assert_eq!(a["category"], "laptop");
    assert_eq!(a["hostname"], "nb-kim", "host names are kept in lower case");
    assert_eq!(a["custom_fields"]["ram_gb"], 32);
    assert!(a["current_value"]["amount_minor"].as_i64().unwrap() < 129900);

    let steps = [
        json!({"to": "in_stock", "reason": "delivered"}),
        json!({"substate": "reserved", "reason": "for Kim's start on Monday"}),
        json!({"to": "deployed", "assignee": "kim@example.org", "location_id": location, "reason": "handed over"}),
        json!({"to": "in_repair", "reason": "keyboard broken"}),
        json!({"to": "deployed", "reason": "repaired"}),
        json!({"to": "in_stock", "reason": "Kim left"}),
        json!({"to": "retired", "substate": "pending_disposal", "reason": "end of life"}),
        json!({"to": "disposed", "reason": "recycled",
               "disposal": {"method": "recycled", "date": "2026-11-20", "evidence": "WIPE-2026-0042"}}),
    ];
    let mut last = Value::Null;
    for step in steps {
        let resp = transition(&app, &token, "IT-000123", step.clone()).await;
        let status = resp.status();
        last = resp.json().await.unwrap();
        assert_eq!(status, 200, "{step} → {last}");
    }
    assert_eq!(last["status"], "disposed");
    assert_eq!(
        last["assignee"],
        Value::Null,
        "back to stock handed it back"
    );
    assert_eq!(last["disposal"]["evidence"], "WIPE-2026-0042");

    let got: Value = app
        .get(&token, "/api/v1/assets/IT-000123")
        .await
        .json()
        .await
        .unwrap();
    let history = got["history"].as_array().unwrap();
    assert_eq!(
        history.len(),
        9,
        "registration and eight moves: {history:?}"
    );
    assert_eq!(history[0]["action"], "asset_registered");
    assert_eq!(
        history[3]["changes"]["status"],
        json!({"from": "in_stock", "to": "deployed"})
    );
    assert_eq!(history[3]["changes"]["reason"], "handed over");
    assert_eq!(history[3]["actor"]["email"], "assets@example.org");
    assert_eq!(
        history[2]["changes"]["substate"],
        json!({"from": "available", "to": "reserved"})
    );

    // Disposed is final.
    let resp = transition(
        &app,
        &token,
        "IT-000123",
        json!({"to": "in_stock", "reason": "oops"}),
    )
    .await;
    let p = assert_problem(resp, 409, "transition_not_allowed").await;
    assert_eq!(p["allowed"], json!([]));
}

#[tokio::test]
async fn the_lifecycle_refuses_what_it_does_not_allow_and_says_what_it_would() {
    let app = spawn_app().await;
    let (token, model, _) = setup(&app).await;
    register(
        &app,
        &token,
        json!({"asset_tag": "IT-1", "model_id": model, "status": "ordered"}),
    )
    .await;

    let resp = transition(
        &app,
        &token,
        "IT-1",
        json!({"to": "deployed", "reason": "skip stock"}),
    )
    .await;
    let p = assert_problem(resp, 409, "transition_not_allowed").await;
    assert_eq!(p["allowed"], json!(["in_stock", "missing", "stolen"]));

    let resp = transition(
        &app,
        &token,
        "IT-1",
        json!({"to": "in_stock", "reason": " "}),
    )
    .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "reason");

    transition(
        &app,
        &token,
        "IT-1",
        json!({"to": "in_stock", "reason": "arrived"}),
    )
    .await;
    let resp = transition(
        &app,
        &token,
        "IT-1",
        json!({"to": "deployed", "reason": "to whom?"}),
    )
    .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "assignee");

    let resp = transition(
        &app,
        &token,
        "IT-1",
        json!({"to": "in_repair", "substate": "reserved", "reason": "x"}),
    )
    .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "substate");

    // Missing from a live state, found again.
    let resp = transition(
        &app,
        &token,
        "IT-1",
        json!({"to": "missing", "reason": "not on the shelf"}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    transition(
        &app,
        &token,
        "IT-1",
        json!({"to": "retired", "reason": "written off"}),
    )
    .await;
    let resp = transition(
        &app,
        &token,
        "IT-1",
        json!({"to": "disposed", "reason": "gone"}),
    )
    .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "disposal");

    // Refused moves changed nothing: registration, in_stock, missing, retired.
    let got: Value = app
        .get(&token, "/api/v1/assets/IT-1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["status"], "retired");
    assert_eq!(got["history"].as_array().unwrap().len(), 4);
    assert_eq!(
        app.count("audit_events WHERE entity_type = 'asset'").await,
        4
    );
}

#[tokio::test]
async fn registration_checks_its_fields_and_keeps_tags_unique() {
    let app = spawn_app().await;
    let (token, model, _) = setup(&app).await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "", "status": "disposed",
                    "cost": {"amount_minor": -5, "currency": "euro"},
                    "custom_fields": {"nested": {"no": 1}}}),
        )
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "asset_tag",
            "status",
            "cost.amount_minor",
            "cost.currency",
            "custom_fields.nested"
        ]
    );
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "IT-2", "model_id": "nope", "assignee": "ghost@example.org"}),
        )
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 2, "{p}");

    register(
        &app,
        &token,
        json!({"asset_tag": "IT-2", "model_id": model}),
    )
    .await;
    let resp = app
        .post_json(&token, "/api/v1/assets", &json!({"asset_tag": "IT-2"}))
        .await;
    let p = assert_problem(resp, 409, "already_exists").await;
    assert!(p["detail"].as_str().unwrap().contains("IT-2"), "{p}");
    assert_eq!(app.count("assets").await, 1);

    // Unknown JSON fields are named, not ignored.
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "IT-3", "colour": "red"}),
        )
        .await;
    assert_eq!(resp.status(), 422);
}

#[tokio::test]
async fn staff_read_the_register_only_managers_change_it_and_requesters_see_nothing() {
    let app = spawn_app().await;
    let (token, model, _) = setup(&app).await;
    register(
        &app,
        &token,
        json!({"asset_tag": "IT-9", "model_id": model}),
    )
    .await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let requester = app.token("req@example.org", Role::Requester).await;
    assert_eq!(app.get(&agent, "/api/v1/assets").await.status(), 200);
    assert_eq!(app.get(&agent, "/api/v1/assets/IT-9").await.status(), 200);
    let resp = app
        .post_json(&agent, "/api/v1/assets", &json!({"asset_tag": "IT-10"}))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = transition(
        &app,
        &agent,
        "IT-9",
        json!({"to": "retired", "reason": "x"}),
    )
    .await;
    assert_problem(resp, 403, "forbidden").await;
    assert_problem(
        app.get(&requester, "/api/v1/assets").await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.get(&token, "/api/v1/assets/IT-404").await,
        404,
        "not_found",
    )
    .await;
}
