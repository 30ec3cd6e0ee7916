//! `itdesk import assets`: Intune, Snipe-IT and generic CSV exports, all or
//! nothing, dry runs, and reports that name the line and column.

use crate::helpers::{TestApp, spawn_app};
use itdesk::auth::Role;
use serde_json::{Value, json};

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

pub(crate) async fn get_asset(app: &TestApp, token: &str, tag: &str) -> Value {
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
