//! What the register adds up to and links to: tickets about assets, book
//! values, exports and stock by model.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::{register, setup, transition};
use crate::helpers::{assert_problem, spawn_app};

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
