//! `itdesk import licenses`: Snipe-IT's license export and generic
//! mappings, all or nothing, dry runs, imports run again, and named seats
//! that never exceed what was bought.

use itdesk::auth::Role;
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};
use crate::license_fixtures::json_at;

/// Runs `itdesk import licenses` on `csv`: (exit code, stdout, stderr).
fn import(app: &TestApp, name: &str, csv: &[u8], args: &[&str]) -> (i32, String, String) {
    crate::asset_import::import_kind(app, "licenses", name, csv, args)
}

/// Snipe-IT's export header, as `LicensesController@getExportLicensesCsv`
/// writes it.
const HEADER: &str = "id,Company,Name,Product Key,Purchase Date,Purchase Cost,Order Number,Licenses available,Seats,Created By,Depreciation,Updated at,Deleted at,Email,Fully Depreciated,Supplier,Expiration Date,Purchase Order Number,Termination Date,Maintained,Manufacturer,Category,Min. QTY,Reassignable,Notes,Created At";

fn snipe(rows: &[&str]) -> String {
    let mut s = format!("{HEADER}\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

const OFFICE: &str = "11,Acme,Office 2021 Pro Plus,AAAA-BBBB,2024-03-15 00:00:00,1000.00,ON-7,3,10,admin,,2024-03-15 10:00:00,,,0,Contoso,2027-03-14 00:00:00,PO-1001,2026-12-31 00:00:00,1,Microsoft,Office,,1,first batch,2024-03-15 10:00:00";
const ACROBAT: &str = "12,Acme,Acrobat Pro,,2025-01-01 00:00:00,300.00,ON-8,5,5,admin,,,,,0,,,,,1,Adobe,PDF,,1,,2025-01-01 00:00:00";

async fn entitlements(app: &TestApp, token: &str) -> Vec<Value> {
    json_at(app, token, "/api/v1/licenses/entitlements")
        .await
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_snipeit_export_adds_products_and_entitlements_and_running_it_again_changes_nothing() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let file = snipe(&[OFFICE, HEADER, ACROBAT]);
    let (code, out, err) = import(
        &app,
        "licenses.csv",
        file.as_bytes(),
        &["--profile", "snipeit", "--currency", "EUR"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected"),
        "the repeated header is not a row: {out}"
    );
    assert!(
        out.contains("new product: Microsoft Office 2021 Pro Plus"),
        "{out}"
    );

    let all = entitlements(&app, &manager).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let office = all.iter().find(|e| e["quantity"] == 10).expect("office");
    assert_eq!(
        office["unit_cost_minor"], 10_000,
        "1000.00 for 10 seats is 100.00 each"
    );
    assert_eq!(office["currency"], "EUR");
    assert_eq!(office["starts_on"], "2024-03-15");
    assert_eq!(
        office["ends_on"], "2026-12-31",
        "the termination date is earlier than the expiry"
    );
    assert_eq!(office["license_key"], "AAAA-BBBB", "Product Key is the key");
    assert_eq!(office["po_number"], "PO-1001");
    assert_eq!(office["vendor"], "Contoso");
    assert_eq!(office["metric"], "device");
    let acrobat = all.iter().find(|e| e["quantity"] == 5).expect("acrobat");
    assert_eq!(acrobat["unit_cost_minor"], 6_000);
    assert_eq!(
        acrobat["po_number"], "ON-8",
        "the order number stands in for a missing PO"
    );
    assert!(acrobat["ends_on"].is_null());
    let products = json_at(&app, &manager, "/api/v1/licenses/products").await;
    assert_eq!(products.as_array().unwrap().len(), 2);

    // Managers refine what Snipe-IT does not know: Acrobat is per user,
    // with a note. Snipe-IT has no metric and Acrobat no notes there: the
    // import changes neither.
    let acrobat_path = format!(
        "/api/v1/licenses/entitlements/{}",
        acrobat["id"].as_str().unwrap()
    );
    let resp = app
        .patch_json(
            &manager,
            &acrobat_path,
            &serde_json::json!({"metric": "user", "notes": "per user since 2026"}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    // The same export again: the same two entitlements, unchanged.
    let (code, out, _) = import(
        &app,
        "licenses.csv",
        file.as_bytes(),
        &["--profile", "snipeit", "--currency", "EUR"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("0 created, 0 updated, 2 unchanged"), "{out}");
    let kept = json_at(&app, &manager, &acrobat_path).await;
    assert_eq!(
        (kept["metric"].as_str(), kept["notes"].as_str()),
        (Some("user"), Some("per user since 2026")),
        "{kept}"
    );
    // More seats bought in Snipe-IT: the entitlement is updated in place.
    let more = OFFICE.replace(",3,10,admin,", ",3,20,admin,");
    let (code, out, _) = import(
        &app,
        "licenses.csv",
        snipe(&[&more, ACROBAT]).as_bytes(),
        &["--profile", "snipeit", "--currency", "EUR"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("0 created, 1 updated, 1 unchanged"), "{out}");
    assert!(out.contains("(quantity, unit_cost_minor)"), "{out}");
    let all = entitlements(&app, &manager).await;
    assert_eq!(all.len(), 2);
    assert!(
        all.iter()
            .any(|e| e["quantity"] == 20 && e["unit_cost_minor"] == 5_000),
        "{all:?}"
    );
}

#[tokio::test]
async fn one_bad_row_and_nothing_is_written_unless_partial_and_a_dry_run_writes_nothing() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let bad = ACROBAT.replace("2025-01-01 00:00:00,300.00", "2025-02-30,300.00");
    let no_seats = OFFICE.replace(",3,10,admin,", ",3,0,admin,");
    let file = snipe(&[OFFICE, &bad, &no_seats]);
    let (code, out, _) = import(&app, "bad.csv", file.as_bytes(), &["--profile", "snipeit"]);
    assert_eq!(code, 65, "{out}");
    assert!(
        out.contains("rejected: line 3, column 5 (Purchase Date)"),
        "{out}"
    );
    assert!(
        out.contains("rejected: line 4, column 6 (Purchase Cost)"),
        "{out}"
    );
    assert!(out.contains("would have been created"), "{out}");
    assert!(
        entitlements(&app, &manager).await.is_empty(),
        "all or nothing"
    );
    assert_eq!(
        json_at(&app, &manager, "/api/v1/licenses/products").await,
        serde_json::json!([])
    );

    let (code, out, _) = import(
        &app,
        "bad.csv",
        file.as_bytes(),
        &["--profile", "snipeit", "--dry-run"],
    );
    assert_eq!(code, 65);
    assert!(
        out.contains("1 would be created") && out.contains("dry run"),
        "{out}"
    );
    assert!(entitlements(&app, &manager).await.is_empty());

    let (code, out, _) = import(
        &app,
        "bad.csv",
        file.as_bytes(),
        &["--profile", "snipeit", "--partial"],
    );
    assert_eq!(code, 65, "rows were still rejected: {out}");
    assert!(out.contains("1 created"), "{out}");
    assert_eq!(entitlements(&app, &manager).await.len(), 1);

    // A file that is not text: one message, nothing imported, exit 1.
    let (code, _, err) = import(
        &app,
        "latin1.csv",
        b"Name,Manufacturer\nCaf\xe9,X\n",
        &["--profile", "snipeit"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("line 2, column 4") && err.contains("nothing was imported"),
        "{err}"
    );
    // A mapping that names a column the file lacks.
    let mapping = app.dir.path().join("map.toml");
    std::fs::write(
        &mapping,
        "[columns]\npublisher = \"Vendor\"\nproduct = \"Software\"\nquantity = \"Qty\"\n",
    )
    .unwrap();
    let (code, _, err) = import(
        &app,
        "g.csv",
        b"Vendor,Software\nX,Y\n",
        &[
            "--profile",
            "generic",
            "--mapping",
            mapping.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("\"Qty\" for quantity"), "{err}");
}

#[tokio::test]
async fn named_seats_from_a_file_never_exceed_the_quantity() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    for who in ["ann", "bob", "cy"] {
        app.token(&format!("{who}@example.org"), Role::Requester)
            .await;
    }
    let mapping = app.dir.path().join("map.toml");
    std::fs::write(
        &mapping,
        "metric = \"user\"\ndelimiter = \";\"\ndecimal_separator = \",\"\ncurrency = \"EUR\"\nsource = \"erp\"\n[columns]\nreference = \"Line\"\npublisher = \"Vendor\"\nproduct = \"Software\"\nquantity = \"Qty\"\nunit_cost = \"Price\"\nallocations = \"Users\"\n",
    )
    .unwrap();
    let map = mapping.to_str().unwrap();
    let three = "Line;Vendor;Software;Qty;Price;Users\n1;JetBrains;IntelliJ IDEA Ultimate;2;599,00;ann@example.org, bob@example.org, cy@example.org\n";
    let (code, out, _) = import(
        &app,
        "seats.csv",
        three.as_bytes(),
        &["--profile", "generic", "--mapping", map],
    );
    assert_eq!(code, 65, "{out}");
    assert!(
        out.contains("line 2, column 6 (Users): no_seats_left"),
        "{out}"
    );
    assert!(entitlements(&app, &manager).await.is_empty());

    let unknown = "Line;Vendor;Software;Qty;Price;Users\n1;JetBrains;IntelliJ IDEA Ultimate;2;599,00;ann@example.org, nobody@example.org\n";
    let (code, out, _) = import(
        &app,
        "seats.csv",
        unknown.as_bytes(),
        &["--profile", "generic", "--mapping", map],
    );
    assert_eq!(code, 65);
    assert!(out.contains("person: no such person"), "{out}");

    let two = "Line;Vendor;Software;Qty;Price;Users\n1;JetBrains;IntelliJ IDEA Ultimate;2;599,00;ann@example.org, bob@example.org\n";
    let (code, out, _) = import(
        &app,
        "seats.csv",
        two.as_bytes(),
        &["--profile", "generic", "--mapping", map],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 seats given"), "{out}");
    let all = entitlements(&app, &manager).await;
    assert_eq!(all[0]["metric"], "user");
    assert_eq!(all[0]["unit_cost_minor"], 59_900);
    let seats = json_at(
        &app,
        &manager,
        &format!(
            "/api/v1/licenses/entitlements/{}/allocations",
            all[0]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(seats.as_array().unwrap().len(), 2);
    // Again with the third person: the seats given stay, the third is refused.
    let (code, out, _) = import(
        &app,
        "seats.csv",
        three.as_bytes(),
        &["--profile", "generic", "--mapping", map],
    );
    assert_eq!(code, 65);
    assert!(out.contains("no_seats_left"), "{out}");
    let seats = json_at(
        &app,
        &manager,
        &format!(
            "/api/v1/licenses/entitlements/{}/allocations",
            all[0]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(seats.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn amounts_are_read_in_the_currency_of_their_row() {
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let mapping = app.dir.path().join("map.toml");
    std::fs::write(
        &mapping,
        "currency = \"EUR\"\n[columns]\npublisher = \"Vendor\"\nproduct = \"Software\"\nquantity = \"Qty\"\nunit_cost = \"Price\"\ncurrency = \"Currency\"\n",
    )
    .unwrap();
    let csv = "Vendor,Software,Qty,Price,Currency\nJustSystems,Ichitaro,3,129000,JPY\nAcme,Tool,2,12.50,\n";
    let (code, out, _) = import(
        &app,
        "yen.csv",
        csv.as_bytes(),
        &[
            "--profile",
            "generic",
            "--mapping",
            mapping.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let all = entitlements(&app, &manager).await;
    let yen = all
        .iter()
        .find(|e| e["currency"] == "JPY")
        .expect("a yen entitlement");
    assert_eq!(
        yen["unit_cost_minor"], 129_000,
        "the yen has no minor unit: {yen}"
    );
    let euro = all
        .iter()
        .find(|e| e["currency"] == "EUR")
        .expect("a euro entitlement");
    assert_eq!(euro["unit_cost_minor"], 1_250);
}
