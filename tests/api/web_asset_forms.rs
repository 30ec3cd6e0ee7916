//! The asset forms in the web UI: check-out and check-in on the asset page,
//! and the import page with its report.

use itdesk::auth::Role;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};
use crate::web_pages::{browser, csrf_of, login};

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    crate::helpers::page_text(client, app.url(path)).await
}

#[tokio::test]
async fn an_asset_is_checked_out_and_back_in_from_its_page() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "pw-agent-1234")
        .await;
    app.token("kim@example.org", Role::Requester).await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    let resp = app
        .post_json(&token, "/api/v1/assets", &json!({"asset_tag": "IT-1"}))
        .await;
    assert_eq!(resp.status(), 201);

    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let (status, html) = page(&app, &staff, "/assets/IT-1").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"checkout-form\""), "{html}");
    let csrf = csrf_of(&html);

    // Someone who is not a person here: refused, the input kept.
    let resp = staff
        .post(app.url("/assets/IT-1/checkout"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("assignee", "ghost@example.org"),
            ("expected_return", "2027-01-31"),
            ("note", "for the trip"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("id=\"form-error\"") && html.contains("assignee"),
        "{html}"
    );
    assert!(
        html.contains("value=\"ghost@example.org\"") && html.contains("value=\"for the trip\""),
        "{html}"
    );
    assert!(
        !html.contains("id=\"co-accept\" name=\"require_acceptance\" value=\"true\" checked"),
        "the unticked box stays unticked"
    );

    // A forged form changes nothing.
    let resp = staff
        .post(app.url("/assets/IT-1/checkout"))
        .form(&[("csrf", "forged"), ("assignee", "kim@example.org")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    let resp = staff
        .post(app.url("/assets/IT-1/checkout"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("assignee", "kim@example.org"),
            ("expected_return", "2027-01-31"),
            ("note", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = page(&app, &staff, "/assets/IT-1").await;
    assert!(html.contains("id=\"checked-out\""), "{html}");
    assert!(
        html.contains("With kim@example.org") && html.contains("expected back 2027-01-31"),
        "{html}"
    );
    assert!(
        html.contains("id=\"checkin-form\"") && !html.contains("id=\"checkout-form\""),
        "{html}"
    );
    let api: serde_json::Value = app
        .get(&token, "/api/v1/assets/IT-1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["status"], "deployed");
    assert_eq!(api["assignee"]["email"], "kim@example.org");

    // An agent sees the hand-over but may not take it back.
    let agent = browser();
    login(&app, &agent, "agent@example.org", "pw-agent-1234").await;
    let (status, html) = page(&app, &agent, "/assets/IT-1").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("With kim@example.org") && !html.contains("id=\"checkin-form\""),
        "{html}"
    );

    let resp = staff
        .post(app.url("/assets/IT-1/checkin"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("reason", "back from the trip"),
            ("substate", "pending_repair"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = page(&app, &staff, "/assets/IT-1").await;
    assert!(html.contains("checked in — back from the trip"), "{html}");
    assert!(html.contains("id=\"checkout-form\""), "{html}");
    let api: serde_json::Value = app
        .get(&token, "/api/v1/assets/IT-1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["status"], "in_stock");
    assert_eq!(api["substate"], "pending_repair");
    assert!(api["assignee"].is_null());

    // Checking in what is not out is refused on the page, not with a 500.
    let resp = staff
        .post(app.url("/assets/IT-1/checkin"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("reason", "again"),
            ("substate", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("id=\"form-error\""));
}

pub const GOOD: &str = "Asset Tag,Serial Number,Model Name,Category,Manufacturer,Purchase Date,Purchase Cost\n\
    IT-10,S10,Latitude 7440,Laptops,Dell,2024-03-15,\"$1,299.00\"\n\
    IT-11,S11,Latitude 7440,Laptops,Dell,2024-03-16,$999\n";

pub fn upload(csrf: &str, profile: &str, csv: &[u8], dry_run: bool) -> Form {
    let mut form = Form::new()
        .text("csrf", csrf.to_owned())
        .text("profile", profile.to_owned())
        .text("date_order", "")
        .text("currency", "")
        .text("mapping", "")
        .part(
            "file",
            Part::bytes(csv.to_vec())
                .file_name("fleet.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    if dry_run {
        form = form.text("dry_run", "1");
    }
    form
}

#[tokio::test]
async fn the_import_page_runs_a_dry_run_then_the_import_and_shows_each_report() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    app.user_with_password("kim@example.org", Role::Requester, "pw-kim-12345")
        .await;
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let (_, list) = page(&app, &staff, "/assets").await;
    assert!(list.contains("href=\"/assets/import\""), "{list}");
    let (status, html) = page(&app, &staff, "/assets/import").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("enctype=\"multipart/form-data\"") && html.contains("Snipe-IT"),
        "{html}"
    );
    let csrf = csrf_of(&html);

    // Dry run: a report, nothing written.
    let resp = staff
        .post(app.url("/assets/import"))
        .multipart(upload(&csrf, "snipeit", GOOD.as_bytes(), true))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let report_url = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(report_url.starts_with("/assets/imports/"), "{report_url}");
    let (status, html) = page(&app, &staff, &report_url).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("2 rows: 2 would be created") && html.contains("dry run"),
        "{html}"
    );
    assert!(
        html.contains("New model: Dell Latitude 7440 (laptop)"),
        "{html}"
    );
    assert!(
        html.contains("Changes that would be made") && html.contains("IT-10"),
        "{html}"
    );
    assert_eq!(app.count("assets").await, 0);

    // A file with a bad row: the report names line and column.
    let bad = format!("{GOOD}IT-12,S12,Latitude 7440,Laptops,Dell,15.03.2024x,$5\n");
    let resp = staff
        .post(app.url("/assets/import"))
        .multipart(upload(&csrf, "snipeit", bad.as_bytes(), false))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = page(&app, &staff, resp.headers()["location"].to_str().unwrap()).await;
    assert!(html.contains("id=\"rejected\""), "{html}");
    assert!(
        html.contains("<td>4</td><td>6 (Purchase Date)</td><td>15.03.2024x</td>"),
        "{html}"
    );
    assert!(html.contains("nothing was written"), "{html}");
    assert_eq!(app.count("assets").await, 0);
    let csv_link = html
        .split("href=\"")
        .find(|p| p.contains("/rejected.csv"))
        .and_then(|p| p.split('"').next())
        .expect("a link to the rejected rows")
        .to_owned();
    let resp = staff.get(app.url(&csv_link)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("fleet-rejected.csv")
    );
    let csv = resp.text().await.unwrap();
    assert!(
        csv.starts_with("line,column,header,value,reason\r\n4,6,Purchase Date,15.03.2024x,"),
        "{csv}"
    );

    // The real run.
    let resp = staff
        .post(app.url("/assets/import"))
        .multipart(upload(&csrf, "snipeit", GOOD.as_bytes(), false))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = page(&app, &staff, resp.headers()["location"].to_str().unwrap()).await;
    assert!(html.contains("2 rows: 2 created"), "{html}");
    assert!(html.contains("href=\"/assets/IT-10\""), "{html}");
    assert_eq!(app.count("assets").await, 2);

    // A file that cannot be read: the form again, with the reason.
    let resp = staff
        .post(app.url("/assets/import"))
        .multipart(upload(&csrf, "snipeit", b"Asset Tag\nIT-\xff\n", false))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("id=\"import-error\"")
            && html.contains("line 2, column 4: the file is not UTF-8"),
        "{html}"
    );
    let resp = staff
        .post(app.url("/assets/import"))
        .multipart(upload(&csrf, "generic", GOOD.as_bytes(), false))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("mapping"));

    // Every run is listed.
    let (_, html) = page(&app, &staff, "/assets/import").await;
    assert!(
        html.contains("dry run: 2 would be created") && html.contains("refused: 1 rows rejected"),
        "{html}"
    );

    // Requesters may not import.
    let requester = browser();
    login(&app, &requester, "kim@example.org", "pw-kim-12345").await;
    let (status, _) = page(&app, &requester, "/assets/import").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_asset_manager_corrects_details_on_the_asset_page() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "IT-5", "serial": "SN-OLD", "supplier": "CDW"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let (_, html) = page(&app, &staff, "/assets/IT-5").await;
    assert!(
        html.contains("id=\"details-form\"") && html.contains("value=\"SN-OLD\""),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let form = |warranty: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("asset_tag", "IT-5".to_owned()),
            ("serial", "SN-NEW".to_owned()),
            ("hostname", "NB-005".to_owned()),
            ("purchase_date", "2024-02-01".to_owned()),
            ("warranty_end", warranty.to_owned()),
            ("supplier", "".to_owned()),
            ("po_number", "PO-9".to_owned()),
            ("notes", "new battery".to_owned()),
        ]
    };
    // A bad date: refused, the input kept, nothing changed.
    let resp = staff
        .post(app.url("/assets/IT-5/details"))
        .form(&form("2027-02-30"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains(
            "<p class=\"field-error\" id=\"e-ed-warranty\">&#34;2027-02-30&#34; is not a date"
        ),
        "the message stands beside the box: {html}"
    );
    assert!(
        html.contains("value=\"SN-NEW\"")
            && html.contains("<details class=\"card\" id=\"edit-details\" open>"),
        "{html}"
    );
    let a: serde_json::Value = app
        .get(&token, "/api/v1/assets/IT-5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["serial"], "SN-OLD");

    let resp = staff
        .post(app.url("/assets/IT-5/details"))
        .form(&form("2027-02-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let a: serde_json::Value = app
        .get(&token, "/api/v1/assets/IT-5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["serial"], "SN-NEW");
    assert_eq!(a["hostname"], "nb-005");
    assert_eq!(a["warranty_end"], "2027-02-01");
    assert!(a["supplier"].is_null(), "an emptied box clears: {a}");
    assert_eq!(a["notes"], "new battery");
    let (_, html) = page(&app, &staff, "/assets/IT-5").await;
    assert!(
        html.contains("details changed:")
            && html.contains("serial")
            && html.contains("edited on the asset page"),
        "{html}"
    );

    // Saving again with multi-line notes (sent as CRLF) and then without
    // any edit: the second save records nothing.
    let events = |a: &serde_json::Value| a["history"].as_array().unwrap().len();
    let mut again = form("2027-02-01");
    again.retain(|(k, _)| *k != "notes");
    again.push(("notes", "line one\r\nline two ".to_owned()));
    for _ in 0..2 {
        let resp = staff
            .post(app.url("/assets/IT-5/details"))
            .form(&again)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303);
    }
    let a: serde_json::Value = app
        .get(&token, "/api/v1/assets/IT-5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["notes"], "line one\nline two ");
    let after_one = events(&a);
    let resp = staff
        .post(app.url("/assets/IT-5/details"))
        .form(&again)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let a: serde_json::Value = app
        .get(&token, "/api/v1/assets/IT-5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events(&a), after_one, "an unchanged save records nothing");
}
