//! The asset register over the API: registering, the enforced lifecycle with
//! its history, listing with filters and pages, and who may do what.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// A manager's token, a model id and a location id.
async fn setup(app: &TestApp) -> (String, String, String) {
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

async fn register(app: &TestApp, token: &str, body: Value) -> Value {
    let resp = app.post_json(token, "/api/v1/assets", &body).await;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

async fn transition(app: &TestApp, token: &str, tag: &str, body: Value) -> reqwest::Response {
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

#[tokio::test]
async fn the_list_filters_and_pages_through_every_asset_once() {
    let app = spawn_app().await;
    let (token, model, location) = setup(&app).await;
    app.token("lee@example.org", Role::Requester).await;
    for i in 0..23 {
        let mut body = json!({
            "asset_tag": format!("IT-{i:03}"), "model_id": model, "serial": format!("SN{i}"),
            "hostname": format!("host-{i}"), "warranty_end": format!("2027-01-{:02}", i + 1)
        });
        if i % 4 == 0 {
            body["status"] = json!("deployed");
            body["assignee"] = json!("lee@example.org");
            body["location_id"] = json!(location);
        }
        register(&app, &token, body).await;
    }
    let page = |q: &str| {
        let q = q.to_owned();
        let app = &app;
        let token = token.clone();
        async move {
            let resp = app.get(&token, &format!("/api/v1/assets?{q}")).await;
            let status = resp.status();
            let body: Value = resp.json().await.unwrap();
            assert_eq!(status, 200, "{q}: {body}");
            body
        }
    };
    let deployed = page("status=deployed").await;
    assert_eq!(deployed["items"].as_array().unwrap().len(), 6);
    assert_eq!(
        page("assignee=lee@example.org").await["items"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        page("assignee=none").await["items"]
            .as_array()
            .unwrap()
            .len(),
        17
    );
    assert_eq!(
        page(&format!("location={location}")).await["items"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        page("category=laptop&status=in_stock").await["items"]
            .as_array()
            .unwrap()
            .len(),
        17
    );
    assert_eq!(
        page("category=phone").await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let one = page("hostname=HOST-7").await;
    assert_eq!(one["items"][0]["asset_tag"], "IT-007");
    assert_eq!(page("serial=SN12").await["items"][0]["asset_tag"], "IT-012");
    assert_eq!(
        page("warranty_before=2027-01-06").await["items"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // Pages of 5, newest first, every asset exactly once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("limit=5&cursor={c}"),
            None => "limit=5".to_owned(),
        };
        let p = page(&q).await;
        for item in p["items"].as_array().unwrap() {
            seen.push(item["asset_tag"].as_str().unwrap().to_owned());
        }
        match p["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 23);
    assert_eq!(seen[0], "IT-022");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 23);

    let resp = app
        .get(&token, "/api/v1/assets?status=lost&limit=0&cursor=zz")
        .await;
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"].as_array().unwrap().len(), 3, "{p}");
}

#[tokio::test]
async fn tickets_link_to_assets_and_each_side_shows_the_other() {
    let app = spawn_app().await;
    let (manager, model, _) = setup(&app).await;
    register(
        &app,
        &manager,
        json!({"asset_tag": "IT-500", "model_id": model}),
    )
    .await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let requester = app.token("kim@example.org", Role::Requester).await;
    let ticket = app
        .create_ticket(
            &requester,
            json!({"subject": "Laptop fan loud", "description": "Since the update."}),
        )
        .await;
    let number = ticket["number"].as_i64().unwrap();

    for _ in 0..2 {
        let resp = app
            .post_json(
                &agent,
                &format!("/api/v1/tickets/{number}/assets"),
                &json!({"asset": "IT-500"}),
            )
            .await;
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body.as_array().unwrap().len(), 1, "{body}");
        assert_eq!(body[0]["asset_tag"], "IT-500");
    }
    assert_eq!(
        app.count("audit_events WHERE action IN ('asset_linked', 'ticket_linked')")
            .await,
        2,
        "linking twice is recorded once per side"
    );
    let tickets: Value = app
        .get(&manager, "/api/v1/assets/IT-500/tickets")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tickets[0]["number"], number);
    assert_eq!(tickets[0]["subject"], "Laptop fan loud");
    let history: Value = app
        .get(&manager, "/api/v1/assets/IT-500")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["history"][1]["action"], "ticket_linked");

    let resp = app
        .post_json(
            &agent,
            &format!("/api/v1/tickets/{number}/assets"),
            &json!({"asset": "IT-404"}),
        )
        .await;
    assert_problem(resp, 422, "validation_failed").await;
    let resp = app
        .post_json(
            &requester,
            &format!("/api/v1/tickets/{number}/assets"),
            &json!({"asset": "IT-500"}),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;

    let unlink = |who: String| {
        let app = &app;
        async move {
            app.client
                .delete(app.url(&format!("/api/v1/tickets/{number}/assets/IT-500")))
                .bearer_auth(who)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(unlink(agent.clone()).await.status(), 204);
    assert_problem(unlink(agent.clone()).await, 404, "not_found").await;
    let none: Value = app
        .get(&agent, &format!("/api/v1/tickets/{number}/assets"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn book_values_add_up_by_category_on_any_day() {
    let app = spawn_app().await;
    let (token, laptop, _) = setup(&app).await;
    let phone: Value = app
        .post_json(
            &token,
            "/api/v1/models",
            &json!({"manufacturer": "Apple", "name": "iPhone 16", "category": "phone"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let eur = |n| json!({"amount_minor": n, "currency": "EUR"});
    for body in [
        json!({"asset_tag": "A", "model_id": laptop, "cost": eur(360000), "purchase_date": "2025-01-01"}),
        json!({"asset_tag": "B", "model_id": laptop, "cost": eur(120000), "purchase_date": "2025-07-01"}),
        json!({"asset_tag": "C", "model_id": laptop}),
        json!({"asset_tag": "D", "model_id": phone["id"], "cost": {"amount_minor": 48000, "currency": "USD"}, "purchase_date": "2025-01-01"}),
    ] {
        register(&app, &token, body).await;
    }
    let report: Value = app
        .get(&token, "/api/v1/assets/depreciation?on=2026-01-01")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["on"], "2026-01-01");
    assert_eq!(report["unvalued"], 1);
    assert_eq!(
        report["totals"],
        json!([
            {"category": "laptop", "currency": "EUR", "assets": 2, "cost_minor": 480000, "value_minor": 340000},
            {"category": "phone", "currency": "USD", "assets": 1, "cost_minor": 48000, "value_minor": 24000},
        ])
    );
    let later: Value = app
        .get(&token, "/api/v1/assets/depreciation?on=2030-01-01")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(later["totals"][0]["value_minor"], 0, "fully written off");
}

#[tokio::test]
async fn the_register_exports_as_csv_json_and_xlsx_over_the_api_and_the_cli() {
    let app = spawn_app().await;
    let (token, model, location) = setup(&app).await;
    app.token("kim@example.org", Role::Requester).await;
    register(
        &app,
        &token,
        json!({"asset_tag": "IT-1,A", "model_id": model, "supplier": "=HYPERLINK(\"http://x\")",
               "cost": {"amount_minor": 129900, "currency": "EUR"}, "purchase_date": "2026-01-15"}),
    )
    .await;
    register(
        &app,
        &token,
        json!({"asset_tag": "IT-2", "status": "deployed", "assignee": "kim@example.org", "location_id": location}),
    )
    .await;

    let resp = app.get(&token, "/api/v1/assets/export").await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("assets.csv")
    );
    let csv = resp.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("asset_tag,serial,manufacturer,model,category,"));
    assert!(
        lines[1].starts_with("\"IT-1,A\",,Lenovo,ThinkPad T14 Gen 5,laptop,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(",1299.00,EUR,\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",Berlin HQ,kim@example.org,"),
        "{}",
        lines[2]
    );

    let json: Value = app
        .get(&token, "/api/v1/assets/export?format=json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[1]["assignee"], "kim@example.org");
    assert_eq!(json[1]["serial"], Value::Null);
    let resp = app.get(&token, "/api/v1/assets/export?format=xlsx").await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("assets.xlsx")
    );
    let xlsx = resp.bytes().await.unwrap();
    assert_eq!(&xlsx[..2], b"PK", "an xlsx file is a zip archive");
    assert!(xlsx.len() > 4000, "{} bytes", xlsx.len());
    let resp = app.get(&token, "/api/v1/assets/export?format=xml").await;
    assert_problem(resp, 422, "validation_failed").await;
    let requester = app.token("req@example.org", Role::Requester).await;
    assert_problem(
        app.get(&requester, "/api/v1/assets/export").await,
        403,
        "forbidden",
    )
    .await;

    // The CLI writes the same rows to a file.
    let out = app.dir.path().join("assets.json");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args([
            "--database-url",
            &app.db.url,
            "export",
            "assets",
            "--format",
            "json",
            "--output",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stderr).contains("2 assets written"));
    let file: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(file, json);
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .args([
            "--database-url",
            &app.db.url,
            "export",
            "assets",
            "--format",
            "ods",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("use csv, json or xlsx"));
}

#[tokio::test]
async fn stock_by_model_counts_what_is_available_out_and_in_repair() {
    let app = spawn_app().await;
    let (token, model, location) = setup(&app).await;
    for (tag, extra) in [
        ("S1", json!({})),
        ("S2", json!({"substate": "reserved"})),
        ("S3", json!({"status": "deployed", "location_id": location})),
        ("S4", json!({"status": "ordered"})),
    ] {
        let mut body = json!({"asset_tag": tag, "model_id": model});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        register(&app, &token, body).await;
    }
    register(&app, &token, json!({"asset_tag": "S5"})).await;
    transition(
        &app,
        &token,
        "S3",
        json!({"to": "in_repair", "reason": "fan"}),
    )
    .await;
    let stock: Value = app
        .get(&token, "/api/v1/assets/stock")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stock.as_array().unwrap().len(), 2, "{stock}");
    assert_eq!(stock[0]["model"], "(no model)");
    assert_eq!(stock[0]["available"], 1);
    let t14 = &stock[1];
    assert_eq!(t14["model"], "Lenovo ThinkPad T14 Gen 5");
    assert_eq!(
        (
            &t14["available"],
            &t14["reserved"],
            &t14["deployed"],
            &t14["in_repair"],
            &t14["ordered"]
        ),
        (&json!(1), &json!(1), &json!(0), &json!(1), &json!(1))
    );
}
