//! The audit export in every format (columns exactly as documented in
//! schema/license-audit.md), through the API and the command line, and
//! frozen audits that return their original bytes after a change.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::fixtures::inventory_credentials;
use crate::helpers::{TestApp, assert_problem, spawn_app_with};
use crate::license_fixtures::{created, entitle, fleet, product};
use crate::zip::member;

/// The documented columns of each sheet, in order.
fn documented(sheet: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/license-audit.md"
    ))
    .unwrap();
    let section = doc
        .split("\n## ")
        .find(|s| s.starts_with(sheet))
        .unwrap_or_else(|| panic!("no section {sheet}"));
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| ").and_then(|l| l.split(" | ").nth(1)))
        .filter_map(|c| c.strip_prefix('`').and_then(|c| c.strip_suffix('`')))
        .map(str::to_owned)
        .collect()
}

async fn bytes(app: &TestApp, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let resp = app.get(token, path).await;
    let status = resp.status().as_u16();
    let disposition = resp
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, disposition, resp.bytes().await.unwrap().to_vec())
}

/// The fleet with Visio and SQL Server entitlements; (visio, sql) ids.
async fn book(app: &TestApp, manager: &str) -> (String, String) {
    fleet(app, manager).await;
    let visio = product(app, manager, "Visio", "Microsoft Visio*").await;
    let sql = product(app, manager, "SQL Server", "SQL Server*").await;
    entitle(app, manager, json!({"product_id": visio, "metric": "device", "quantity": 3,
        "unit_cost_minor": 25_000, "currency": "EUR", "po_number": "PO-9", "license_key": "SECRET-KEY"})).await;
    entitle(
        app,
        manager,
        json!({"product_id": sql, "metric": "core", "quantity": 40,
        "min_cores_per_processor": 4, "core_pack": 2, "ends_on": "2027-12-31"}),
    )
    .await;
    (visio, sql)
}

#[tokio::test]
async fn the_audit_exports_every_sheet_with_the_documented_columns() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let (visio, sql) = book(&app, &manager).await;

    let (status, disposition, csv) = bytes(
        &app,
        &manager,
        "/api/v1/licenses/audit?as_of=2026-12-31&format=csv",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        disposition.contains("license-audit-2026-12-31.csv"),
        "{disposition}"
    );
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], documented("Evidence").join(","));
    // Visio on four machines, SQL Server on three.
    assert_eq!(lines.len(), 1 + 4 + 3, "{csv}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("IT-4,host-s4,S4,") && l.contains("cores_unknown")),
        "{csv}"
    );
    assert!(!csv.contains("SECRET-KEY"));
    for (sheet, rows) in [("summary", 2), ("entitlements", 2)] {
        let (_, _, body) = bytes(
            &app,
            &manager,
            &format!("/api/v1/licenses/audit?as_of=2026-12-31&format=csv&sheet={sheet}"),
        )
        .await;
        let body = String::from_utf8(body).unwrap();
        let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
        let title = format!("{}{}", sheet[..1].to_uppercase(), &sheet[1..]);
        assert_eq!(lines[0], documented(&title).join(","));
        assert_eq!(lines.len(), 1 + rows, "{body}");
    }
    let (_, _, summary) = bytes(
        &app,
        &manager,
        "/api/v1/licenses/audit?as_of=2026-12-31&format=csv&sheet=summary",
    )
    .await;
    let summary = String::from_utf8(summary).unwrap();
    assert!(
        summary.contains(&format!(
            "{visio},Vendor,Vendor Visio,device,3,4,-1,non_compliant,0,0,25000,0,EUR"
        )),
        "{summary}"
    );

    // JSON holds all three; one product only when asked.
    let (_, _, body) = bytes(
        &app,
        &manager,
        &format!("/api/v1/licenses/audit?as_of=2026-12-31&format=json&products={sql}"),
    )
    .await;
    let all: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(all["as_of"], "2026-12-31");
    assert_eq!(all["summary"].as_array().unwrap().len(), 1);
    assert_eq!(all["evidence"].as_array().unwrap().len(), 3);
    assert_eq!(all["entitlements"][0]["core_pack"], 2);
    let keys: Vec<&String> = all["evidence"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), documented("Evidence").len());

    // XLSX: three sheets in order, the evidence in the second.
    let (status, _, xlsx) = bytes(&app, &manager, "/api/v1/licenses/audit?as_of=2026-12-31").await;
    assert_eq!(status, 200);
    let workbook = member(&xlsx, "xl/workbook.xml").expect("a workbook part");
    let order: Vec<usize> = ["Summary", "Evidence", "Entitlements"]
        .iter()
        .map(|s| {
            workbook
                .find(&format!("name=\"{s}\""))
                .unwrap_or_else(|| panic!("{s} in {workbook}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{workbook}");
    let evidence = member(&xlsx, "xl/worksheets/sheet2.xml").unwrap();
    assert!(
        evidence.contains("IT-3") && evidence.contains("SQL Server 2022 Standard"),
        "{evidence}"
    );

    // Wrong requests name their field.
    let wrong = app.get(&manager, "/api/v1/licenses/audit?format=pdf").await;
    assert_eq!(
        assert_problem(wrong, 422, "validation_failed").await["errors"][0]["field"],
        "format"
    );
    let wrong = app
        .get(&manager, "/api/v1/licenses/audit?format=xlsx&sheet=summary")
        .await;
    assert_eq!(
        assert_problem(wrong, 422, "validation_failed").await["errors"][0]["field"],
        "sheet",
        "an XLSX holds every sheet: a sheet is for CSV, as on the command line"
    );
    let wrong = app
        .get(&manager, "/api/v1/licenses/audit?products=nope")
        .await;
    assert_eq!(
        assert_problem(wrong, 422, "validation_failed").await["errors"][0]["field"],
        "product"
    );
    let requester = app.token("kim@example.org", Role::Requester).await;
    assert_problem(
        app.get(&requester, "/api/v1/licenses/audit").await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_command_line_writes_the_same_audit() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    book(&app, &manager).await;
    let path = app.dir.path().join("audit.csv");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args([
            "--database-url",
            &app.db.url,
            "export",
            "license-audit",
            "--as-of",
            "2026-12-31",
        ])
        .args(["--format", "csv", "--sheet", "summary", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (_, _, api) = bytes(
        &app,
        &manager,
        "/api/v1/licenses/audit?as_of=2026-12-31&format=csv&sheet=summary",
    )
    .await;
    assert_eq!(std::fs::read(&path).unwrap(), api);
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .args([
            "--database-url",
            &app.db.url,
            "export",
            "license-audit",
            "--format",
            "xlsx",
            "--sheet",
            "summary",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--sheet picks the sheet of a CSV export")
    );
}

#[tokio::test]
async fn a_frozen_audit_returns_its_original_bytes_after_a_change() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let (visio, _) = book(&app, &manager).await;
    let frozen = created(
        app.post_json(
            &manager,
            "/api/v1/licenses/audits",
            &json!({"as_of": "2026-12-31"}),
        )
        .await,
    )
    .await;
    let id = frozen["id"].as_str().unwrap();
    let files = frozen["files"].as_array().unwrap();
    assert_eq!(files.len(), 5, "{frozen}");
    let (_, _, json_then) = bytes(
        &app,
        &manager,
        &format!("/api/v1/licenses/audits/{id}?format=json"),
    )
    .await;
    let (_, _, xlsx_then) = bytes(&app, &manager, &format!("/api/v1/licenses/audits/{id}")).await;
    let live: Vec<u8> = bytes(
        &app,
        &manager,
        "/api/v1/licenses/audit?as_of=2026-12-31&format=json",
    )
    .await
    .2;
    assert_eq!(json_then, live, "frozen as it stood");

    // More licences bought: the live audit changes, the frozen one does not.
    entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "device", "quantity": 5}),
    )
    .await;
    let live_now = bytes(
        &app,
        &manager,
        "/api/v1/licenses/audit?as_of=2026-12-31&format=json",
    )
    .await
    .2;
    assert_ne!(live_now, json_then);
    let resp = app
        .get(
            &manager,
            &format!("/api/v1/licenses/audits/{id}?format=json"),
        )
        .await;
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(resp.bytes().await.unwrap().to_vec(), json_then);
    let json_file = files.iter().find(|f| f["name"] == "json").unwrap();
    assert_eq!(
        etag,
        format!("\"{}\"", json_file["sha256"].as_str().unwrap())
    );
    use sha2::Digest;
    assert_eq!(
        itdesk::text::hex(&sha2::Sha256::digest(&json_then)),
        json_file["sha256"].as_str().unwrap()
    );
    assert_eq!(
        bytes(&app, &manager, &format!("/api/v1/licenses/audits/{id}"))
            .await
            .2,
        xlsx_then
    );
    let listed: Value = app
        .get(&manager, "/api/v1/licenses/audits")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], id);
    let missing = app
        .get(&manager, "/api/v1/licenses/audits/nope?format=json")
        .await;
    assert_problem(missing, 404, "not_found").await;
}
