//! Compliance positions computed by hand for each metric (per-core with a
//! minimum and with a core factor), terms that end between two dates, a
//! retired device and reclaim candidates.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::transition;
use crate::fixtures::inventory_credentials;
use crate::helpers::spawn_app_with;
use crate::license_fixtures::{entitle, fleet, item, json_at, positions, product};

#[tokio::test]
async fn positions_count_every_metric_as_worked_out_by_hand() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &manager).await;
    let visio = product(&app, &manager, "Visio", "Microsoft Visio Professional*").await;
    let sql = product(&app, &manager, "SQL Server 2022", "SQL Server 2022*").await;
    let oracle = product(&app, &manager, "Oracle Database", "Oracle Database*").await;
    entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "user", "quantity": 2,
        "unit_cost_minor": 10_000, "currency": "EUR"}),
    )
    .await;
    entitle(&app, &manager, json!({"product_id": sql, "metric": "core", "quantity": 24,
        "min_cores_per_processor": 4, "core_pack": 2, "unit_cost_minor": 50_000, "currency": "EUR"})).await;
    entitle(
        &app,
        &manager,
        json!({"product_id": oracle, "metric": "core", "quantity": 14,
        "core_rule": "factor", "unit_cost_minor": 1_000, "currency": "USD"}),
    )
    .await;

    let p = positions(&app, &manager, "2026-12-31").await;
    assert_eq!(p["as_of"], "2026-12-31");
    // Visio per user: kim once (two machines), lee, the unassigned machine.
    let v = item(&p, &visio);
    assert_eq!(
        (
            v["metric"].as_str(),
            v["entitled"].as_i64(),
            v["consumed"].as_i64()
        ),
        (Some("user"), Some(2), Some(3))
    );
    assert_eq!(
        (v["balance"].as_i64(), v["status"].as_str()),
        (Some(-1), Some("non_compliant"))
    );
    assert_eq!(v["shortfall_cost_minor"], 10_000);
    // SQL Server per core, 4 per processor, 2-core packs: IT-1 two sockets
    // of 6 = 12; IT-3 13 → 14; IT-4 unknown → the minimum 4. 30 of 24.
    let s = item(&p, &sql);
    assert_eq!(
        (s["consumed"].as_i64(), s["status"].as_str()),
        (Some(30), Some("non_compliant"))
    );
    assert_eq!(
        (
            s["shortfall_cost_minor"].as_i64(),
            s["unused_cost_minor"].as_i64()
        ),
        (Some(300_000), Some(0))
    );
    // Oracle by factor: (12 + 13) × 0.5 = 12.5 → 13 of 14: at risk (≥ 0.9).
    let o = item(&p, &oracle);
    assert_eq!(
        (
            o["consumed"].as_i64(),
            o["balance"].as_i64(),
            o["status"].as_str()
        ),
        (Some(13), Some(1), Some("at_risk"))
    );
    assert_eq!(o["unused_cost_minor"], 1_000);
    assert_eq!(p["totals"]["non_compliant"], 2);
    assert_eq!(p["totals"]["at_risk"], 1);
    let costs = p["totals"]["costs"].as_array().unwrap();
    assert_eq!(
        costs[0],
        json!({"currency": "EUR", "shortfall_cost_minor": 310_000, "unused_cost_minor": 0})
    );

    // The evidence behind SQL Server: one row per installation.
    let detail: Value = json_at(
        &app,
        &manager,
        &format!("/api/v1/licenses/positions/{sql}?as_of=2026-12-31"),
    )
    .await;
    let rows = detail["evidence"].as_array().unwrap();
    let by_tag = |t: &str| rows.iter().find(|r| r["asset_tag"] == t).unwrap().clone();
    assert_eq!(rows.len(), 3, "{detail}");
    assert_eq!(by_tag("IT-1")["units"], 12.0);
    assert_eq!(by_tag("IT-3")["units"], 14.0);
    assert_eq!(by_tag("IT-4")["units"], 4.0);
    assert!(
        by_tag("IT-4")["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("cores_unknown"))
    );
    assert_eq!(
        by_tag("IT-1")["discovered_name"],
        "SQL Server 2022 Standard"
    );
    assert_eq!(by_tag("IT-1")["serial"], "S1");
    assert!(by_tag("IT-1")["rule_id"].is_string());

    // Before anything was installed, nothing was consumed.
    let before = positions(&app, &manager, "2026-01-01").await;
    assert_eq!(item(&before, &visio)["consumed"], 0);
    assert_eq!(item(&before, &visio)["status"], "compliant");
}

#[tokio::test]
async fn terms_end_between_two_dates_and_retired_devices_still_count() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &manager).await;
    let visio = product(&app, &manager, "Visio", "Microsoft Visio*").await;
    entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "device", "quantity": 10,
        "starts_on": "2026-01-01", "ends_on": "2027-06-30"}),
    )
    .await;
    // 4 of 10 is comfortable in March; ending within 60 days of May 15
    // makes it at risk; the day after the end nothing counts.
    let march = positions(&app, &manager, "2027-03-01").await;
    assert_eq!(item(&march, &visio)["status"], "compliant");
    let may = positions(&app, &manager, "2027-05-15").await;
    assert_eq!(
        (
            item(&may, &visio)["consumed"].as_i64(),
            item(&may, &visio)["status"].as_str()
        ),
        (Some(4), Some("at_risk"))
    );
    let july = positions(&app, &manager, "2027-07-01").await;
    let v = item(&july, &visio);
    assert_eq!(
        (
            v["entitled"].as_i64(),
            v["consumed"].as_i64(),
            v["status"].as_str()
        ),
        (Some(0), Some(4), Some("non_compliant"))
    );

    // A retired machine still runs the software: it counts, flagged.
    let resp = transition(
        &app,
        &manager,
        "IT-2",
        json!({"to": "retired", "reason": "old"}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let detail: Value = json_at(
        &app,
        &manager,
        &format!("/api/v1/licenses/positions/{visio}?as_of=2027-05-15"),
    )
    .await;
    assert_eq!(detail["items"][0]["consumed"], 4);
    let it2 = detail["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["asset_tag"] == "IT-2")
        .unwrap()
        .clone();
    assert!(
        it2["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("retired_device")),
        "{it2}"
    );

    // Reclaim candidates: the retired machine, and in May every machine
    // (none inventoried for 90 days), each with what it would free.
    let reclaim: Value = json_at(&app, &manager, "/api/v1/licenses/reclaim?as_of=2026-12-31").await;
    let items = reclaim["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{reclaim}");
    assert_eq!(
        (items[0]["asset_tag"].as_str(), items[0]["units"].as_i64()),
        (Some("IT-2"), Some(1))
    );
    assert_eq!(items[0]["reasons"], json!(["retired_device"]));
    let may: Value = json_at(&app, &manager, "/api/v1/licenses/reclaim?as_of=2027-05-15").await;
    let stale = may["items"].as_array().unwrap();
    assert_eq!(stale.len(), 4, "{may}");
    assert!(stale.iter().all(|i| i["reasons"][0] == "stale"), "{may}");

    // A missing machine still counts, flagged; a disposed one counts until
    // its disposal date and not after.
    let resp = transition(
        &app,
        &manager,
        "IT-3",
        json!({"to": "missing", "reason": "not seen since the move"}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let resp = transition(
        &app,
        &manager,
        "IT-2",
        json!({"to": "disposed", "reason": "recycled",
        "disposal": {"method": "recycled", "date": "2027-06-01", "evidence": "WIPE-7"}}),
    )
    .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let before = json_at(
        &app,
        &manager,
        &format!("/api/v1/licenses/positions/{visio}?as_of=2027-05-31"),
    )
    .await;
    assert_eq!(before["items"][0]["consumed"], 4, "{before}");
    let it3 = before["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["asset_tag"] == "IT-3")
        .unwrap()
        .clone();
    assert!(
        it3["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("missing_device")),
        "{it3}"
    );
    let after = json_at(
        &app,
        &manager,
        &format!("/api/v1/licenses/positions/{visio}?as_of=2027-06-01"),
    )
    .await;
    assert_eq!(
        after["items"][0]["consumed"], 3,
        "disposed on the day: {after}"
    );
    assert!(
        after["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["asset_tag"] != "IT-2"),
        "{after}"
    );
}
