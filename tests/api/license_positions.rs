//! Compliance positions computed by hand for each metric (per-core with a
//! minimum and with a core factor), terms that end between two dates, a
//! retired device, named seats refused when none is left, and the
//! incremental resolution agreeing with a full one.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::{register, transition};
use crate::fixtures::{inventory_credentials, post_inventory, zlib};
use crate::helpers::{TestApp, assert_problem, spawn_app_with};

/// An agent's inventory: serial, processors (name, cores), packages
/// (name, publisher, version).
pub fn machine(serial: &str, cpus: &[(&str, u32)], packages: &[(&str, &str, &str)]) -> String {
    let cpus: String = cpus
        .iter()
        .map(|(name, cores)| format!("<CPUS><CORE>{cores}</CORE><NAME>{name}</NAME></CPUS>"))
        .collect();
    let soft: String = packages
        .iter()
        .map(|(n, p, v)| {
            format!("<SOFTWARES><NAME>{n}</NAME><PUBLISHER>{p}</PUBLISHER><VERSION>{v}</VERSION></SOFTWARES>")
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST><CONTENT><BIOS><SSN>{serial}</SSN></BIOS>{cpus}
<HARDWARE><NAME>host-{serial}</NAME></HARDWARE>{soft}</CONTENT>
<DEVICEID>{serial}-2026-12-04-10-00-00</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"#
    )
}

pub async fn send(app: &TestApp, xml: &str) {
    let resp = post_inventory(app, zlib(xml), Some(("agent", "s3cret"))).await;
    assert_eq!(resp.status(), 200);
}

pub async fn created(resp: reqwest::Response) -> Value {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// A product and the rule that maps `pattern` to it; its id.
pub async fn product(app: &TestApp, token: &str, name: &str, pattern: &str) -> String {
    let p = created(
        app.post_json(
            token,
            "/api/v1/licenses/products",
            &json!({"publisher": "Vendor", "name": name}),
        )
        .await,
    )
    .await;
    let id = p["id"].as_str().unwrap().to_owned();
    created(
        app.post_json(
            token,
            "/api/v1/licenses/rules",
            &json!({"product_id": id, "name_pattern": pattern}),
        )
        .await,
    )
    .await;
    id
}

pub async fn entitle(app: &TestApp, token: &str, body: Value) -> Value {
    created(
        app.post_json(token, "/api/v1/licenses/entitlements", &body)
            .await,
    )
    .await
}

pub async fn positions(app: &TestApp, token: &str, as_of: &str) -> Value {
    let resp = app
        .get(token, &format!("/api/v1/licenses/positions?as_of={as_of}"))
        .await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

pub fn item<'a>(p: &'a Value, product: &str) -> &'a Value {
    p["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["product_id"] == product)
        .unwrap_or_else(|| panic!("no position for {product} in {p}"))
}

/// Four machines: kim has two, lee one, one has nobody; processors vary.
pub async fn fleet(app: &TestApp, manager: &str) {
    app.token("kim@example.org", Role::Requester).await;
    app.token("lee@example.org", Role::Requester).await;
    for (tag, serial, who) in [
        ("IT-1", "S1", Some("kim@example.org")),
        ("IT-2", "S2", Some("kim@example.org")),
        ("IT-3", "S3", Some("lee@example.org")),
        ("IT-4", "S4", None),
    ] {
        let mut body = json!({"asset_tag": tag, "serial": serial});
        if let Some(w) = who {
            body["assignee"] = json!(w);
        }
        register(app, manager, body).await;
    }
    let visio = (
        "Microsoft Visio Professional 2021 (x64)",
        "Microsoft Corporation",
        "16.0",
    );
    let sql = (
        "SQL Server 2022 Standard",
        "Microsoft Corporation",
        "16.0.1000",
    );
    let oracle = ("Oracle Database 19c", "Oracle", "19.3");
    let xeon = "Intel(R) Xeon(R) Gold 6326";
    send(
        app,
        &machine("S1", &[(xeon, 6), (xeon, 6)], &[visio, sql, oracle]),
    )
    .await;
    send(
        app,
        &machine("S2", &[("Intel(R) Core(TM) i5", 4)], &[visio]),
    )
    .await;
    send(
        app,
        &machine("S3", &[("AMD EPYC 7313", 13)], &[visio, sql, oracle]),
    )
    .await;
    send(
        app,
        &machine("S4", &[], &[visio, sql, ("Notepad++", "Don Ho", "8.6")]),
    )
    .await;
}

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
    let detail: Value = app
        .get(
            &manager,
            &format!("/api/v1/licenses/positions/{sql}?as_of=2026-12-31"),
        )
        .await
        .json()
        .await
        .unwrap();
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
    let detail: Value = app
        .get(
            &manager,
            &format!("/api/v1/licenses/positions/{visio}?as_of=2027-05-15"),
        )
        .await
        .json()
        .await
        .unwrap();
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
    let reclaim: Value = app
        .get(&manager, "/api/v1/licenses/reclaim?as_of=2026-12-31")
        .await
        .json()
        .await
        .unwrap();
    let items = reclaim["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{reclaim}");
    assert_eq!(
        (items[0]["asset_tag"].as_str(), items[0]["units"].as_i64()),
        (Some("IT-2"), Some(1))
    );
    assert_eq!(items[0]["reasons"], json!(["retired_device"]));
    let may: Value = app
        .get(&manager, "/api/v1/licenses/reclaim?as_of=2027-05-15")
        .await
        .json()
        .await
        .unwrap();
    let stale = may["items"].as_array().unwrap();
    assert_eq!(stale.len(), 4, "{may}");
    assert!(stale.iter().all(|i| i["reasons"][0] == "stale"), "{may}");
}

#[tokio::test]
async fn the_last_seat_goes_to_one_of_two_racing_allocations() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &manager).await;
    let visio = product(&app, &manager, "Visio", "Microsoft Visio*").await;
    let e = entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "user", "quantity": 2}),
    )
    .await;
    let seats = format!(
        "/api/v1/licenses/entitlements/{}/allocations",
        e["id"].as_str().unwrap()
    );
    app.token("max@example.org", Role::Requester).await;
    created(
        app.post_json(&manager, &seats, &json!({"person": "max@example.org"}))
            .await,
    )
    .await;
    let wrong = app
        .post_json(&manager, &seats, &json!({"asset": "IT-1"}))
        .await;
    assert_eq!(
        assert_problem(wrong, 422, "validation_failed").await["errors"][0]["field"],
        "person"
    );
    let twice = app
        .post_json(&manager, &seats, &json!({"person": "max@example.org"}))
        .await;
    assert_problem(twice, 409, "already_allocated").await;
    // kim and lee race for the last seat: one wins.
    let (kim, lee) = (
        json!({"person": "kim@example.org"}),
        json!({"person": "lee@example.org"}),
    );
    let (a, b) = tokio::join!(
        app.post_json(&manager, &seats, &kim),
        app.post_json(&manager, &seats, &lee),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let loser = if a.status() == 409 { a } else { b };
    assert_problem(loser, 409, "no_seats_left").await;
    let held: Value = app.get(&manager, &seats).await.json().await.unwrap();
    assert_eq!(held.as_array().unwrap().len(), 2);
    // max's seat counts though max runs nothing: 2 seats + the others.
    let p = positions(&app, &manager, "2026-12-31").await;
    let v = item(&p, &visio);
    // max (seat), kim or lee (seat, covering their devices), the other one,
    // and the unassigned machine.
    assert_eq!(v["consumed"], 4, "{p}");
    // A seat given back frees it.
    let aid = held[1]["id"].as_str().unwrap();
    let resp = app
        .client
        .delete(app.url(&format!("{seats}/{aid}")))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    created(
        app.post_json(&manager, &seats, &json!({"person": "assets@example.org"}))
            .await,
    )
    .await;
    // An entitlement with seats given is neither deleted nor shrunk below
    // them.
    let ent_path = format!(
        "/api/v1/licenses/entitlements/{}",
        e["id"].as_str().unwrap()
    );
    let resp = app
        .client
        .delete(app.url(&ent_path))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 409, "in_use").await;
    let resp = app
        .patch_json(&manager, &ent_path, &json!({"quantity": 1}))
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "quantity");
    // A leaver's seat is a reclaim candidate.
    let admin = app.token("admin@example.org", Role::Admin).await;
    let resp = app
        .post_json(
            &admin,
            "/api/v1/users/max@example.org/deactivate",
            &json!({}),
        )
        .await;
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    let reclaim: Value = app
        .get(&manager, "/api/v1/licenses/reclaim?as_of=2026-12-31")
        .await
        .json()
        .await
        .unwrap();
    let seat = reclaim["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "allocation")
        .unwrap_or_else(|| panic!("{reclaim}"))
        .clone();
    assert_eq!(seat["person_email"], "max@example.org");
    assert_eq!(seat["reasons"], json!(["person_deactivated"]));
}

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
