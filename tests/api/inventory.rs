//! Inventory agents: the OCS protocol over HTTP (challenge, PROLOG,
//! INVENTORY, compression, limits) and the real FusionInventory agent.

use std::process::Command;

use std::io::Write;

use serde_json::{Value, json};

use crate::fixtures::{inventory_credentials, inventory_xml, post_inventory, zlib};
use crate::helpers::spawn_app_with;

async fn json_of(resp: reqwest::Response) -> Value {
    resp.json().await.unwrap()
}

#[tokio::test]
async fn agents_are_challenged_then_prolog_and_inventory_reconcile_the_register() {
    let app = spawn_app_with(inventory_credentials()).await;
    let prolog = zlib(
        r#"<?xml version="1.0" encoding="UTF-8" ?><REQUEST><DEVICEID>pc-1</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>"#,
    );
    // No credentials, then wrong ones: the exact challenge agents answer.
    for auth in [None, Some(("agent", "wrong"))] {
        let resp = post_inventory(&app, prolog.clone(), auth).await;
        assert_eq!(resp.status(), 401);
        assert_eq!(
            resp.headers()["www-authenticate"],
            "Basic realm=\"itdesk inventory\""
        );
    }
    let resp = post_inventory(&app, prolog, Some(("agent", "s3cret"))).await;
    assert_eq!(resp.status(), 200);
    let reply = resp.text().await.unwrap();
    assert!(reply.contains("<RESPONSE>SEND</RESPONSE>"), "{reply}");

    let first = inventory_xml(
        "NB-Lee",
        "SN-LEE-1",
        &[("adduser", "3.134"), ("curl", "7.88.1"), ("vim", "9.0")],
    );
    let resp = post_inventory(&app, zlib(&first), Some(("agent", "s3cret"))).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("ACCOUNT_UPDATE"));

    let token = app
        .token("assets@example.org", itdesk::auth::Role::AssetManager)
        .await;
    let found = json_of(app.get(&token, "/api/v1/assets?needs_review=true").await).await;
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{found}");
    assert_eq!(items[0]["status"], "deployed");
    assert_eq!(items[0]["substate"], "discovered");
    assert_eq!(items[0]["hostname"], "nb-lee");
    assert_eq!(items[0]["serial"], "SN-LEE-1");
    let tag = items[0]["asset_tag"].as_str().unwrap().to_owned();
    let soft = json_of(
        app.get(&token, &format!("/api/v1/assets/{tag}/installations"))
            .await,
    )
    .await;
    assert_eq!(soft.as_array().unwrap().len(), 3);

    // Renamed host, same serial: the same asset. vim is gone, curl updated.
    let second = inventory_xml(
        "NB-Lee-2",
        "SN-LEE-1",
        &[("adduser", "3.134"), ("curl", "8.0.0")],
    );
    let resp = post_inventory(&app, zlib(&second), Some(("agent", "s3cret"))).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(app.count("assets").await, 1);
    let now = json_of(
        app.get(&token, &format!("/api/v1/assets/{tag}/installations"))
            .await,
    )
    .await;
    let names: Vec<String> = now
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["name"].as_str().unwrap(),
                s["version"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(names, ["adduser 3.134", "curl 8.0.0"]);
    let all = json_of(
        app.get(
            &token,
            &format!("/api/v1/assets/{tag}/installations?ended=true"),
        )
        .await,
    )
    .await;
    let ended: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["ended_at"].is_string())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        ended,
        ["curl", "vim"],
        "closed with an end date, not deleted"
    );

    // A registered asset is found by its serial, then by host name.
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "IT-7", "hostname": "ws-accounting"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let third = inventory_xml("WS-Accounting", "", &[("bash", "5.2")]);
    post_inventory(&app, zlib(&third), Some(("agent", "s3cret"))).await;
    let got = json_of(app.get(&token, "/api/v1/assets/IT-7").await).await;
    assert_eq!(
        got["status"], "in_stock",
        "an inventory does not move the lifecycle"
    );
    assert_eq!(app.count("assets").await, 2);
    assert_eq!(
        app.count("software_installations WHERE ended_at IS NULL")
            .await,
        3
    );
}

#[tokio::test]
async fn broken_oversized_and_unconfigured_inventories_are_refused_and_touch_nothing() {
    let app = spawn_app_with(inventory_credentials()).await;
    let auth = Some(("agent", "s3cret"));
    let good = inventory_xml("pc-9", "SN9", &[("bash", "5.2")]);
    assert_eq!(post_inventory(&app, zlib(&good), auth).await.status(), 200);
    let events = app.count("audit_events").await;

    let broken = good.replace("</CONTENT>", "");
    let resp = post_inventory(&app, zlib(&broken), auth).await;
    assert_eq!(resp.status(), 400);
    let p: Value = resp.json().await.unwrap();
    assert_eq!(p["code"], "invalid_inventory");
    assert!(
        p["detail"].as_str().unwrap().contains("not well-formed"),
        "{p}"
    );

    // A zlib bomb: 20 MB of zeros in about 20 KB.
    let mut bomb = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    bomb.write_all(b"<REQUEST>").unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..20 {
        bomb.write_all(&zeros).unwrap();
    }
    let bomb = bomb.finish().unwrap();
    assert!(bomb.len() < 100_000);
    let resp = post_inventory(&app, bomb, auth).await;
    assert_eq!(resp.status(), 413);
    assert_eq!(
        app.count("audit_events").await,
        events,
        "nothing was touched"
    );
    assert_eq!(app.count("software_installations").await, 1);

    let off = spawn_app_with(Vec::new()).await;
    assert_eq!(post_inventory(&off, zlib(&good), auth).await.status(), 404);
}

const AGENT: &str = "/usr/bin/fusioninventory-agent";

#[tokio::test]
async fn the_real_fusioninventory_agent_reports_this_machine() {
    assert!(
        std::path::Path::new(AGENT).exists(),
        "fusioninventory-agent is missing; install it with: apt-get install -y fusioninventory-agent (tests/run.sh does this)"
    );
    let app = spawn_app_with(inventory_credentials()).await;
    let url = app.url("/api/v1/inventory/ocs");
    let run = || {
        let url = url.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                Command::new(AGENT)
                    .args([
                        "--server",
                        &url,
                        "--user",
                        "agent",
                        "--password",
                        "s3cret",
                        "--tasks",
                        "inventory",
                        "--no-httpd",
                        "--no-category=process,environment",
                        "--logger",
                        "stderr",
                    ])
                    .output()
                    .expect("run fusioninventory-agent")
            })
            .await
            .unwrap()
        }
    };
    let out = run().await;
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !log.contains("[error]"),
        "the agent reported an error:\n{log}"
    );
    assert!(log.contains("New inventory from"), "{log}");

    let token = app
        .token("assets@example.org", itdesk::auth::Role::AssetManager)
        .await;
    let found = json_of(app.get(&token, "/api/v1/assets?needs_review=true").await).await;
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{found}");
    let tag = items[0]["asset_tag"].as_str().unwrap().to_owned();
    let host = String::from_utf8(Command::new("hostname").arg("-s").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_lowercase();
    assert_eq!(items[0]["hostname"], host.as_str());
    let soft = json_of(
        app.get(&token, &format!("/api/v1/assets/{tag}/installations"))
            .await,
    )
    .await;
    let packages = soft.as_array().unwrap().len();
    assert!(packages > 50, "the agent listed {packages} packages");
    assert!(
        soft.as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "fusioninventory-agent"),
        "the agent's own package is among them"
    );

    // Again: the same asset, the same software, nothing ended.
    let out = run().await;
    assert!(!String::from_utf8_lossy(&out.stderr).contains("[error]"));
    assert_eq!(app.count("assets").await, 1);
    assert_eq!(
        app.count("software_installations WHERE ended_at IS NULL")
            .await as usize,
        packages
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'inventory_received'")
            .await,
        2
    );
}
