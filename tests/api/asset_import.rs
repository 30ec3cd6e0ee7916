//! `itdesk import assets`: Intune, Snipe-IT and generic CSV exports, all or
//! nothing, dry runs, and reports that name the line and column.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::{register, setup};
use crate::helpers::{TestApp, spawn_app};

/// Runs `itdesk import assets` on `csv` and returns (exit code, stdout,
/// stderr).
pub fn import(app: &TestApp, name: &str, csv: &[u8], args: &[&str]) -> (i32, String, String) {
    import_kind(app, "assets", name, csv, args)
}

/// Runs `itdesk import KIND` on `csv`: (exit code, stdout, stderr).
pub fn import_kind(
    app: &TestApp,
    kind: &str,
    name: &str,
    csv: &[u8],
    args: &[&str],
) -> (i32, String, String) {
    let path = app.dir.path().join(name);
    std::fs::write(&path, csv).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .env_remove("ITDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args(["--database-url", &app.db.url, "import", kind])
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub const SNIPEIT: &str = "\
Asset Tag,Asset Name,Serial Number,Model Name,Category,Manufacturer,Location,Purchase Date,Purchase Cost,Order Number,Supplier,Warranty Months,Notes,Status,Email
IT-0001,LT-KIM,5CD1234XYZ,Latitude 7440,Laptops,Dell,Berlin HQ,2024-03-15,\"$1,299.00\",PO-77,CDW,36,Kim's laptop,Deployed,kim@example.org
IT-0002,Meeting room screen,CN0ABC123,U2723QE,Monitors,Dell,Berlin HQ,11/02/2023,$549.99,PO-78,CDW,60,,Ready to Deploy,
";

async fn get_asset(app: &TestApp, token: &str, tag: &str) -> Value {
    let resp = app.get(token, &format!("/api/v1/assets/{tag}")).await;
    assert_eq!(resp.status(), 200, "asset {tag}");
    resp.json().await.unwrap()
}

#[tokio::test]
async fn a_snipeit_export_creates_assets_and_running_it_again_changes_nothing() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    app.token("kim@example.org", Role::Requester).await;
    // Headers in another case: matched without regard to it.
    let upper = SNIPEIT.replacen("Asset Tag,Asset Name", "ASSET TAG,asset name", 1);
    let (code, out, err) = import(
        &app,
        "snipe.csv",
        upper.as_bytes(),
        &["--profile", "snipeit", "--date-order", "mdy"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("2 rows: 2 created, 0 updated"), "{out}");
    assert!(
        out.contains("new model: Dell Latitude 7440 (laptop)"),
        "{out}"
    );
    assert!(out.contains("new location: Berlin HQ"), "{out}");

    let a = get_asset(&app, &manager, "IT-0001").await;
    assert_eq!(a["serial"], "5CD1234XYZ");
    assert_eq!(
        a["hostname"], "lt-kim",
        "a Snipe-IT name that is a host name fills the host name: {a}"
    );
    assert!(a["custom_fields"]["name"].is_null(), "{a}");
    assert_eq!(a["status"], "deployed");
    assert_eq!(a["assignee"]["email"], "kim@example.org");
    assert_eq!(a["location"]["name"], "Berlin HQ");
    assert_eq!(a["model"]["name"], "Latitude 7440");
    assert_eq!(a["category"], "laptop");
    assert_eq!(
        a["cost"],
        json!({"amount_minor": 129_900, "currency": "USD"})
    );
    assert_eq!(a["purchase_date"], "2024-03-15");
    assert_eq!(a["warranty_end"], "2027-03-15");
    assert_eq!(a["po_number"], "PO-77");
    assert_eq!(a["notes"], "Kim's laptop");
    let b = get_asset(&app, &manager, "IT-0002").await;
    assert_eq!(b["purchase_date"], "2023-11-02");
    assert_eq!(b["status"], "in_stock");
    assert_eq!(b["substate"], "available");
    assert_eq!(b["custom_fields"]["name"], "Meeting room screen");

    // The same file again: nothing to do, nothing recorded twice.
    let (code, out, _) = import(
        &app,
        "snipe.csv",
        upper.as_bytes(),
        &["--profile", "snipeit", "--date-order", "mdy"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("0 created, 0 updated, 2 unchanged"), "{out}");
    assert_eq!(app.count("assets").await, 2);

    // A changed cost is an update, with its history.
    let changed = upper.replace("$549.99", "$499.00");
    let (code, out, _) = import(
        &app,
        "snipe2.csv",
        changed.as_bytes(),
        &["--profile", "snipeit", "--date-order", "mdy"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 created, 1 updated, 1 unchanged"), "{out}");
    assert!(
        out.contains("line 3: updated IT-0002 (cost_minor)"),
        "{out}"
    );
    let b: Value = app
        .get(&manager, "/api/v1/assets/IT-0002")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(b["cost"]["amount_minor"], 49_900);
    let history = b["history"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(last["action"], "asset_imported", "{b}");
    assert_eq!(
        last["changes"]["cost_minor"],
        json!({"from": 54_999, "to": 49_900})
    );
    assert!(
        last["changes"]["reason"]
            .as_str()
            .unwrap()
            .contains("snipe2.csv")
    );
}

#[tokio::test]
async fn one_bad_row_rejects_the_file_and_the_report_names_line_and_column() {
    let app = spawn_app().await;
    app.token("kim@example.org", Role::Requester).await;
    let bad = format!(
        "{SNIPEIT}IT-0003,LT-X,SER3,Latitude 7440,Laptops,Dell,,2024-02-30,abc,PO-79,CDW,36,,Deployed,\n\
         IT-0004,LT-Y,SER4,Latitude 7440,Laptops,Dell,,2024-01-10,$10.00,,,,,Deployed,nobody@example.org\n\
         IT-0005,LT-Z,SER5,ThinkPad X1,,Lenovo,,,,,,,,,\n"
    );
    let args = ["--profile", "snipeit", "--date-order", "mdy"];
    let (code, out, err) = import(&app, "bad.csv", bad.as_bytes(), &args);
    assert_eq!(code, 65, "{out}\n{err}");
    assert!(out.contains("5 rows: 2 would have been created"), "{out}");
    assert!(out.contains("3 rejected"), "{out}");
    for line in [
        "rejected: line 4, column 8 (Purchase Date): \"2024-02-30\" is not a date",
        "rejected: line 4, column 9 (Purchase Cost): \"abc\" is not an amount",
        "rejected: line 5, column 15 (Email): no person nobody@example.org in itdesk",
        "rejected: line 6, column 4 (Model Name): Lenovo ThinkPad X1 is a new model: give its category",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    assert!(out.contains("nothing was written"), "{out}");
    assert_eq!(app.count("assets").await, 0, "all or nothing");
    assert_eq!(app.count("asset_models").await, 0);
    assert_eq!(app.count("locations").await, 0);

    // The whole report as JSON, for tools.
    let (code, out, _) = import(
        &app,
        "bad.csv",
        bad.as_bytes(),
        &[&args[..], &["--format", "json"]].concat(),
    );
    assert_eq!(code, 65);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["applied"], false);
    assert_eq!(report["rejected"], 3);
    assert_eq!(
        report["errors"][0],
        json!({"line": 4, "column": 8, "header": "Purchase Date", "value": "2024-02-30", "reason": "\"2024-02-30\" is not a date"})
    );

    // A dry run of a good file says what it would do and writes nothing.
    let (code, out, _) = import(
        &app,
        "good.csv",
        SNIPEIT.as_bytes(),
        &[&args[..], &["--dry-run"]].concat(),
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 would be created"), "{out}");
    assert!(out.contains("line 2: created IT-0001"), "{out}");
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert_eq!(app.count("assets").await, 0);

    // --partial takes the good rows and still reports the others.
    let (code, out, _) = import(
        &app,
        "bad.csv",
        bad.as_bytes(),
        &[&args[..], &["--partial"]].concat(),
    );
    assert_eq!(code, 65, "{out}");
    assert!(
        out.contains("5 rows: 2 created, 0 updated, 0 unchanged, 3 rejected"),
        "{out}"
    );
    assert_eq!(app.count("assets").await, 2);
    // Every run is kept.
    assert_eq!(app.count("asset_imports").await, 4);
}

#[tokio::test]
async fn files_that_cannot_be_read_are_refused_whole_with_the_reason() {
    let app = spawn_app().await;
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_itdesk"))
        .args(["import", "assets", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for word in [
        "intune-apps",
        "snipeit",
        "--mapping",
        "--dry-run",
        "--partial",
        "65 (EX_DATAERR)",
    ] {
        assert!(help.contains(word), "--help lacks {word}:\n{help}");
    }
    let (code, _, err) = import(
        &app,
        "latin1.csv",
        b"Asset Tag,Notes\nIT-1,caf\xe9\n",
        &["--profile", "snipeit"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("line 2, column 9: the file is not UTF-8"),
        "{err}"
    );
    let (code, _, err) = import(
        &app,
        "apps.csv",
        b"Asset Tag\nIT-1\n",
        &["--profile", "intune-apps"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("DeviceName and ApplicationName"), "{err}");
    let (code, _, err) = import(
        &app,
        "x.csv",
        b"Asset Tag\nIT-1\n",
        &["--profile", "lansweeper"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("use intune, intune-apps, snipeit, generic"),
        "{err}"
    );
    let (code, _, err) = import(
        &app,
        "q.csv",
        b"Asset Tag,Notes\nIT-1,\"open\nIT-2,x\n",
        &["--profile", "snipeit"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("line 2: a quote opened here is never closed"),
        "{err}"
    );
    assert_eq!(app.count("assets").await, 0);
}

#[tokio::test]
async fn a_generic_mapping_reads_a_lansweeper_style_export() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let mapping = app.dir.path().join("lansweeper.toml");
    std::fs::write(
        &mapping,
        r#"
date_order = "dmy"
decimal_separator = ","
currency = "EUR"

[columns]
hostname = "AssetName"
serial = "Serialnumber"
manufacturer = "Manufacturer"
model = "Model"
category = "AssetType"
purchase_date = "Purchase date"
cost = "Price"
warranty_end = "Warranty date"
location = "Site"

[custom]
ip_address = "IPAddress"

[categories]
"Windows" = "desktop"
"#,
    )
    .unwrap();
    let csv = "AssetName;AssetType;IPAddress;Manufacturer;Model;Serialnumber;Purchase date;Price;Warranty date;Site\n\
               WS-0042;Windows;10.0.0.42;HP;EliteDesk 800 G6;CZC1234;31.01.2023;\"1.049,50 €\";31/01/2026;Hamburg\n";
    let (code, out, err) = import(
        &app,
        "lansweeper.csv",
        csv.as_bytes(),
        &[
            "--profile",
            "generic",
            "--mapping",
            mapping.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let list: Value = app
        .get(&manager, "/api/v1/assets?hostname=ws-0042")
        .await
        .json()
        .await
        .unwrap();
    let a = &list["items"][0];
    assert_eq!(a["serial"], "CZC1234");
    assert_eq!(a["category"], "desktop");
    assert_eq!(a["purchase_date"], "2023-01-31");
    assert_eq!(a["warranty_end"], "2026-01-31");
    assert_eq!(
        a["cost"],
        json!({"amount_minor": 104_950, "currency": "EUR"})
    );
    assert_eq!(a["location"]["name"], "Hamburg");
    assert_eq!(a["custom_fields"]["ip_address"], "10.0.0.42");
    assert_eq!(
        a["asset_tag"], "IT-000001",
        "a tag from [assets] import_tag_pattern: {a}"
    );

    // A mapping naming a column the file lacks, and a misspelt key.
    std::fs::write(&mapping, "[columns]\nserial = \"Serial No\"\n").unwrap();
    let (code, _, err) = import(
        &app,
        "l.csv",
        csv.as_bytes(),
        &[
            "--profile",
            "generic",
            "--mapping",
            mapping.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("line 1: the header has no column \"Serial No\" (for serial)"),
        "{err}"
    );
    std::fs::write(&mapping, "[columns]\nserail = \"Serialnumber\"\n").unwrap();
    let (code, _, err) = import(
        &app,
        "l.csv",
        csv.as_bytes(),
        &[
            "--profile",
            "generic",
            "--mapping",
            mapping.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("serail"), "{err}");
}

#[tokio::test]
async fn intune_devices_then_discovered_apps_fill_the_register_and_the_software_lists() {
    let app = spawn_app().await;
    let (manager, _, _) = setup(&app).await;
    app.token("kim@example.org", Role::Requester).await;
    // Already registered: matched by serial, not duplicated.
    register(
        &app,
        &manager,
        json!({"asset_tag": "IT-7", "serial": "5CD1234XYZ"}),
    )
    .await;
    let devices = "\u{feff}Device ID,Device name,Enrollment date,Last check-in,OS version,Serial number,Manufacturer,Model,Primary user UPN,Primary user email address,Compliance,Ownership,OS\n\
        d-1,LT-KIM,2024-03-20 09:14:02.0000000,2026-11-24 17:02:11.0000000,10.0.22631.4460,5CD1234XYZ,Dell Inc.,Latitude 7440,kim@example.org,kim@example.org,Compliant,Corporate,Windows\n\
        d-2,Pixel-8,3/1/2025 10:02:11 AM,11/24/2026 8:15:00 PM,14,,Google,Pixel 8,zed@elsewhere.example,zed@elsewhere.example,Compliant,Corporate,Android\n";
    let (code, out, err) = import(
        &app,
        "devices.csv",
        devices.as_bytes(),
        &["--profile", "intune"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("2 rows: 1 created, 1 updated"), "{out}");
    assert!(out.contains("warning: line 3, column 10 (Primary user email address): zed@elsewhere.example is not a person in itdesk"), "{out}");
    let a = get_asset(&app, &manager, "IT-7").await;
    assert_eq!(a["hostname"], "lt-kim");
    assert_eq!(a["assignee"]["email"], "kim@example.org");
    assert_eq!(a["model"]["manufacturer"], "Dell Inc.");
    assert_eq!(a["custom_fields"]["intune_enrolled_on"], "2024-03-20");
    let phones: Value = app
        .get(&manager, "/api/v1/assets?hostname=pixel-8")
        .await
        .json()
        .await
        .unwrap();
    let phone = &phones["items"][0];
    assert_eq!(phone["category"], "phone");
    assert_eq!(phone["status"], "deployed");
    assert_eq!(phone["substate"], "discovered");
    assert_eq!(phone["needs_review"], true);
    assert_eq!(
        phone["custom_fields"]["primary_user"],
        "zed@elsewhere.example"
    );
    assert_eq!(phone["custom_fields"]["intune_last_check_in"], "2026-11-24");
    // Again: the phone (no serial) is found by its Intune device id.
    let renamed = devices.replace("Pixel-8", "Zed's Pixel");
    let (code, out, _) = import(
        &app,
        "devices.csv",
        renamed.as_bytes(),
        &["--profile", "intune"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 created, 1 updated, 1 unchanged"), "{out}");
    let again = get_asset(&app, &manager, phone["asset_tag"].as_str().unwrap()).await;
    assert_eq!(again["custom_fields"]["name"], "Zed's Pixel");

    let apps = "ApplicationKey,ApplicationName,ApplicationPublisher,ApplicationShortVersion,ApplicationSize,ApplicationVersion,DeviceId,DeviceName,ImeiNumber,OSDescription,OSVersion,Platform,UserId,EmailAddress,UserName\n\
        k1,Microsoft Edge,Microsoft Corporation,131.0,0,131.0.2903.51,d-1,LT-KIM,,Windows,10,Windows,u1,kim@example.org,Kim\n\
        k2,7-Zip 24.08 (x64),Igor Pavlov,24.08,0,24.08,d-1,LT-KIM,,Windows,10,Windows,u1,kim@example.org,Kim\n\
        k3,Chrome,Google,131,0,,d-2,Pixel-8,,Android,14,Android,u2,zed@elsewhere.example,Zed\n";
    let (code, out, err) = import(
        &app,
        "apps.csv",
        apps.as_bytes(),
        &["--profile", "intune-apps"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("software on 2 devices: 3 installed"), "{out}");
    let installed: Value = app
        .get(&manager, "/api/v1/assets/IT-7/installations")
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = installed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["7-Zip 24.08 (x64)", "Microsoft Edge"],
        "{installed}"
    );
    assert_eq!(installed[1]["version"], "131.0.2903.51");
    // The short version stands in when the full one is empty.
    let chrome: Value = app
        .get(
            &manager,
            &format!(
                "/api/v1/assets/{}/installations",
                phone["id"].as_str().unwrap()
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(chrome[0]["version"], "131");

    // Without 7-Zip: it ends, it is not deleted.
    let fewer: String = apps
        .lines()
        .filter(|l| !l.contains("7-Zip"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (code, out, _) = import(
        &app,
        "apps2.csv",
        fewer.as_bytes(),
        &["--profile", "intune-apps"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("0 installed, 2 still installed, 1 ended"),
        "{out}"
    );
    let all: Value = app
        .get(&manager, "/api/v1/assets/IT-7/installations?ended=true")
        .await
        .json()
        .await
        .unwrap();
    let zip = all
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "7-Zip 24.08 (x64)")
        .unwrap();
    assert!(zip["ended_at"].is_string(), "{all}");
}

#[tokio::test]
async fn imports_follow_the_lifecycle_and_refuse_a_second_row_for_one_device() {
    let app = spawn_app().await;
    let (manager, _, location) = setup(&app).await;
    register(
        &app,
        &manager,
        json!({"asset_tag": "IT-9", "serial": "S9", "status": "deployed", "location_id": location}),
    )
    .await;
    let csv = "Asset Tag,Serial Number,Status\nIT-9,S9,Pending\nIT-10,S10,Ready to Deploy\nIT-11,S10,Ready to Deploy\n";
    let (code, out, _) = import(&app, "l.csv", csv.as_bytes(), &["--profile", "snipeit"]);
    assert_eq!(code, 65, "{out}");
    assert!(
        out.contains("rejected: line 2, column 3 (Status): an asset cannot go from deployed to ordered; from there it may go to in_stock, in_repair, retired, missing, stolen"),
        "{out}"
    );
    assert!(
        out.contains(
            "rejected: line 4, column 2 (Serial Number): the same device as line 3 (same serial"
        ),
        "{out}"
    );
    // A move the lifecycle allows is made, and recorded with the import as its reason.
    let ok = "Asset Tag,Serial Number,Status\nIT-9,S9,Out for Repair\n";
    let (code, out, _) = import(&app, "ok.csv", ok.as_bytes(), &["--profile", "snipeit"]);
    assert_eq!(code, 0, "{out}");
    let a = get_asset(&app, &manager, "IT-9").await;
    assert_eq!(a["status"], "in_repair");

    // A row renaming an asset's tag, then a row with that tag: the same
    // device twice, not a new asset with a clashing tag.
    let renames = "Asset Tag,Serial Number\nIT-900,S9\nIT-900,S-OTHER\n";
    let (code, out, _) = import(&app, "r.csv", renames.as_bytes(), &["--profile", "snipeit"]);
    assert_eq!(code, 65, "{out}");
    assert!(out.contains("rejected: line 3, column 1 (Asset Tag): the same device as line 2 (same asset tag, asset IT-900)"), "{out}");
    let (code, out, _) = import(
        &app,
        "r.csv",
        renames.as_bytes(),
        &["--profile", "snipeit", "--partial"],
    );
    assert_eq!(code, 65, "{out}");
    assert!(
        out.contains("1 updated") && out.contains("line 2: updated IT-900 (asset_tag)"),
        "{out}"
    );
    assert_eq!(app.count("assets").await, 1);
}

#[tokio::test]
async fn a_reused_host_name_with_another_serial_is_a_new_device() {
    let app = spawn_app().await;
    let (manager, _, _) = setup(&app).await;
    register(
        &app,
        &manager,
        json!({"asset_tag": "IT-1", "serial": "OLD-1", "hostname": "nb-kim"}),
    )
    .await;
    let csv = "Device ID,Device name,Serial number,OS\nd-1,NB-KIM,NEW-2,Windows\nd-2,Kim’s iPhone,,iOS\nd-3,Desk-PC,To be filled by O.E.M.,Windows\n,Nameless phone,,Android\n";
    let (code, out, _) = import(&app, "intune.csv", csv.as_bytes(), &["--profile", "intune"]);
    assert_eq!(code, 65, "{out}");
    assert!(out.contains("rejected: line 5: the row names no device: it needs an asset tag, a serial number, a host name or a device id"), "{out}");
    let (code, out, err) = import(
        &app,
        "intune.csv",
        csv.as_bytes(),
        &["--profile", "intune", "--partial"],
    );
    assert_eq!(code, 65, "{out}\n{err}");
    assert!(
        out.contains("4 rows: 3 created, 0 updated, 0 unchanged, 1 rejected"),
        "{out}"
    );
    let old = get_asset(&app, &manager, "IT-1").await;
    assert_eq!(old["serial"], "OLD-1", "the old laptop keeps its serial");
    let list: Value = app
        .get(&manager, "/api/v1/assets?serial=NEW-2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["hostname"], "nb-kim");
    // A phone's display name is kept as its name; a placeholder serial is
    // no serial.
    let list: Value = app
        .get(&manager, "/api/v1/assets?hostname=desk-pc")
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"][0]["serial"].is_null(), "{list}");
    let all: Value = app
        .get(&manager, "/api/v1/assets?limit=10")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["custom_fields"]["name"] == "Kim’s iPhone"),
        "{all}"
    );
}

#[tokio::test]
async fn imported_cells_for_a_categorys_custom_fields_take_their_type() {
    // Defaults: laptops record ram_gb (number) and encrypted (bool).
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let mapping = app.dir.path().join("m.toml");
    std::fs::write(
        &mapping,
        "[columns]\nserial = \"Serial\"\nmodel = \"Model\"\nmanufacturer = \"Maker\"\ncategory = \"Kind\"\n[custom]\nram_gb = \"RAM\"\nencrypted = \"BitLocker\"\nbarcode = \"Barcode\"\n",
    )
    .unwrap();
    let args = [
        "--profile",
        "generic",
        "--mapping",
        mapping.to_str().unwrap(),
    ];
    let bad = "Serial,Model,Maker,Kind,RAM,BitLocker,Barcode\nS1,T14,Lenovo,laptop,16,yes,0042\nS2,T14,Lenovo,laptop,lots,maybe,0043\n";
    let (code, out, _) = import(&app, "typed.csv", bad.as_bytes(), &args);
    assert_eq!(code, 65, "{out}");
    assert!(
        out.contains("rejected: line 3, column 5 (RAM): \"lots\" is not a number (Memory (GB))"),
        "{out}"
    );
    assert!(
        out.contains(
            "rejected: line 3, column 6 (BitLocker): \"maybe\" is not yes or no (Disk encrypted)"
        ),
        "{out}"
    );
    let good = bad
        .lines()
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    let (code, out, _) = import(&app, "typed.csv", good.as_bytes(), &args);
    assert_eq!(code, 0, "{out}");
    let list: Value = app
        .get(&manager, "/api/v1/assets?serial=S1")
        .await
        .json()
        .await
        .unwrap();
    let fields = &list["items"][0]["custom_fields"];
    assert_eq!(fields["ram_gb"], 16);
    assert_eq!(fields["encrypted"], true);
    assert_eq!(fields["barcode"], "0042", "free fields stay text: {fields}");
}
