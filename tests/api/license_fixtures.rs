//! What the license tests share: machines reporting through the agent
//! door, products with their rule, entitlements, and reading positions.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::register;
use crate::fixtures::{post_inventory, zlib};
use crate::helpers::TestApp;

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

/// The JSON a GET answers.
pub async fn json_at(app: &TestApp, token: &str, path: &str) -> Value {
    app.get(token, path).await.json().await.unwrap()
}
