//! Imports that file devices rightly: an Intune "All devices" export whose
//! iPhones say `iOS/iPadOS` files them as phones (the configurable category
//! table), fills their IMEI and phone number, shows a phone's device name
//! as its name, and tags new assets from the configured pattern.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::asset_import::import;
use crate::assets::register;
use crate::helpers::{spawn_app, spawn_app_with};
use crate::web_pages::{browser, login};

/// Columns in the order of Intune's Devices › All devices › Export.
const ALL_DEVICES: &str = "Device ID,Device name,Enrollment date,Last check-in,Autopilot Enrolled,OS version,Ownership,Compliance,Managed by,Serial number,Manufacturer,Model,Total storage,Free storage,IMEI,MEID,Primary user UPN,Primary user email address,Primary user display name,OS,Phone number,Category\n\
a1,iPhone von Ben,2025-02-03 08:00:00.0000000,2026-11-30 09:00:00.0000000,False,17.6.1,Corporate,Compliant,Intune,F2LXK1ABCD,Apple,Apple iPhone 14,128,64,35 693803 564380 9,,ben@example.org,ben@example.org,Ben Adler,iOS/iPadOS,+49 30 1234567,\n\
a2,iPad Lager,2025-02-03 08:00:00.0000000,2026-11-30 09:00:00.0000000,False,17.6.1,Corporate,Compliant,Intune,DMPXK2WXYZ,Apple,iPad Air (5th generation),64,10,,,ben@example.org,ben@example.org,Ben Adler,iOS/iPadOS,,\n\
a3,LT-BEN,2025-02-03 08:00:00.0000000,2026-11-30 09:00:00.0000000,True,10.0.22631,Corporate,Compliant,Intune,5CG1234QRS,HP,EliteBook 840 G10,512,300,,,ben@example.org,ben@example.org,Ben Adler,Windows,,\n";

#[tokio::test]
async fn an_intune_iphone_is_a_phone_with_its_imei_number_and_name_and_a_patterned_tag() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    app.token("ben@example.org", Role::Requester).await;
    // The register already counts to 41.
    register(&app, &manager, json!({"asset_tag": "IT-000041"})).await;
    let (code, out, err) = import(
        &app,
        "devices.csv",
        ALL_DEVICES.as_bytes(),
        &["--profile", "intune"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("3 rows: 3 created"), "{out}");
    let list: Value = app
        .get(&manager, "/api/v1/assets?serial=F2LXK1ABCD")
        .await
        .json()
        .await
        .unwrap();
    let phone = &list["items"][0];
    assert_eq!(phone["category"], "phone", "{phone}");
    assert_eq!(phone["custom_fields"]["imei"], "35 693803 564380 9");
    assert_eq!(phone["custom_fields"]["phone_number"], "+49 30 1234567");
    assert_eq!(phone["custom_fields"]["name"], "iPhone von Ben");
    assert!(phone["hostname"].is_null());
    let tags: Vec<String> = app
        .get(&manager, "/api/v1/assets?limit=10")
        .await
        .json::<Value>()
        .await
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["asset_tag"].as_str().unwrap().to_owned())
        .collect();
    for t in ["IT-000042", "IT-000043", "IT-000044"] {
        assert!(tags.contains(&t.to_owned()), "{t} in {tags:?}");
    }
    let ipad: Value = app
        .get(&manager, "/api/v1/assets?serial=DMPXK2WXYZ")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ipad["items"][0]["category"], "tablet");
    let laptop: Value = app
        .get(&manager, "/api/v1/assets?serial=5CG1234QRS")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(laptop["items"][0]["category"], "laptop");
    assert_eq!(laptop["items"][0]["hostname"], "lt-ben");

    // The phone's page and the register show its name, not a lowercase
    // field at the bottom; its phone fields under their labels.
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let tag = phone["asset_tag"].as_str().unwrap();
    let html = staff
        .get(app.url(&format!("/assets/{tag}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<span class=\"muted\" id=\"asset-name\">iPhone von Ben</span>"),
        "{html}"
    );
    assert!(
        html.contains("<dt>IMEI</dt><dd>35 693803 564380 9</dd>"),
        "{html}"
    );
    assert!(
        html.contains("<dt>Phone number</dt><dd>+49 30 1234567</dd>"),
        "{html}"
    );
    assert!(!html.contains("<dt>name</dt>"), "{html}");
    let list = staff
        .get(app.url("/assets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("asset-name\">iPhone von Ben"), "{list}");
}

#[tokio::test]
async fn a_configured_category_table_and_tag_pattern_are_used() {
    let app = spawn_app_with(vec![
        (
            "assets.category_rules".into(),
            json!([{"model": "*iphone*", "category": "peripheral"}]),
        ),
        ("assets.import_tag_pattern".into(), json!("MOB-{n:3}")),
    ])
    .await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    // Over the API: the running service's settings apply.
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(ALL_DEVICES.as_bytes().to_vec())
                .file_name("devices.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
        .text("profile", "intune");
    let resp = app
        .client
        .post(app.url("/api/v1/assets/imports"))
        .bearer_auth(&manager)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let list: Value = app
        .get(&manager, "/api/v1/assets?serial=F2LXK1ABCD")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["category"], "peripheral");
    assert!(
        list["items"][0]["asset_tag"]
            .as_str()
            .unwrap()
            .starts_with("MOB-00"),
        "{list}"
    );
    // With only that rule, an iPad matches nothing: a laptop.
    let ipad: Value = app
        .get(&manager, "/api/v1/assets?serial=DMPXK2WXYZ")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ipad["items"][0]["category"], "laptop");
}
