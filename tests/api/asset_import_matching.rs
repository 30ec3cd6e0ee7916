//! Imports that match rows to devices: Intune devices then their discovered
//! apps, the lifecycle kept, a reused host name, and custom fields typed by
//! category.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::asset_import::{get_asset, import};
use crate::assets::{register, setup};
use crate::helpers::spawn_app;

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
