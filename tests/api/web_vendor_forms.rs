//! The vendor and contract forms: added and changed from pages, refusals
//! beside their fields with the input kept, a renewal clicked twice done
//! once, and the terms and reminders shown on the contract's page.

use itdesk::auth::Role;
use serde_json::Value;

use crate::helpers::{
    TestApp, browser, csrf_of, login, page_text as text, post_form as post, spawn_app,
};

/// A vendor made over the API, and a contract with it (`contract` without
/// its `vendor_id`).
async fn vendor_with(
    app: &TestApp,
    token: &str,
    vendor: Value,
    mut contract: Value,
) -> (Value, Value) {
    let v: Value = app
        .post_json(token, "/api/v1/vendors", &vendor)
        .await
        .json()
        .await
        .unwrap();
    contract["vendor_id"] = v["id"].clone();
    let k: Value = app
        .post_json(token, "/api/v1/contracts", &contract)
        .await
        .json()
        .await
        .unwrap();
    (v, k)
}

async fn coordinator(app: &TestApp) -> reqwest::Client {
    app.user_with_password("c@example.org", Role::Coordinator, "coord password")
        .await;
    let c = browser();
    login(app, &c, "c@example.org", "coord password").await;
    c
}

#[tokio::test]
async fn a_vendor_and_its_contract_are_added_from_forms_that_keep_input_on_refusal() {
    let app = spawn_app().await;
    let c = coordinator(&app).await;
    let (status, form) = text(&c, app.url("/vendors/new")).await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&form);

    // A contact with a bad address: refused beside that box, input kept.
    let (status, _, html) = post(
        &c,
        app.url("/vendors/new"),
        &[
            ("csrf", &csrf),
            ("name", "Fabrikam Networks"),
            ("kind", "carrier"),
            ("contacts[0].name", "NOC"),
            ("contacts[0].email", "not-an-address"),
            ("contacts[0].phone", "+49 30 555"),
            ("contacts[1].name", ""),
        ],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("id=\"e-c0-email\""),
        "the fault beside the box: {html}"
    );
    assert!(html.contains("value=\"Fabrikam Networks\"") && html.contains("value=\"+49 30 555\""));

    let (status, location, _) = post(
        &c,
        app.url("/vendors/new"),
        &[
            ("csrf", &csrf),
            ("name", "Fabrikam Networks"),
            ("kind", "carrier"),
            ("contacts[0].name", "NOC"),
            ("contacts[0].email", "noc@fabrikam.example"),
            ("contacts[1].name", ""),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/vendors/"), "{location}");
    let vendor_id = location.trim_start_matches("/vendors/").to_owned();
    let (_, page) = text(&c, app.url(&location)).await;
    assert!(page.contains("The vendor is added.") && page.contains("noc@fabrikam.example"));
    let (_, list) = text(&c, app.url("/vendors?q=fabri")).await;
    assert!(list.contains("Fabrikam Networks"), "{list}");

    // A notice longer than the term is refused beside the notice box.
    let (_, form) = text(&c, app.url(&format!("/contracts/new?vendor={vendor_id}"))).await;
    assert!(
        form.contains(&format!("value=\"{vendor_id}\" selected")),
        "the vendor chosen"
    );
    let contract = |notice: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("vendor_id", vendor_id.clone()),
            ("kind", "support".to_owned()),
            ("title", "Fibre line".to_owned()),
            ("owner", "c@example.org".to_owned()),
            ("starts_on", "2027-01-01".to_owned()),
            ("ends_on", "2027-12-31".to_owned()),
            ("auto_renew", "1".to_owned()),
            ("renewal_months", "12".to_owned()),
            ("notice", notice.to_owned()),
            ("notice_unit", "months".to_owned()),
            ("amount", "1,250.00".to_owned()),
            ("currency", "EUR".to_owned()),
            ("billing", "monthly".to_owned()),
        ]
    };
    let bad = contract("18");
    let resp = c
        .post(app.url("/contracts/new"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"e-c-notice\""), "{html}");
    assert!(html.contains("value=\"Fibre line\"") && html.contains("value=\"1,250.00\""));

    let resp = c
        .post(app.url("/contracts/new"))
        .form(&contract("3"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let at = resp.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = text(&c, app.url(&at)).await;
    assert!(page.contains("The contract is added."), "{page}");
    assert!(page.contains("2027-09-30"), "the notice deadline: {page}");
    assert!(
        page.contains("15,000.00"),
        "a year of 1,250.00 a month: {page}"
    );

    // Changed from its form: the end moves, the deadline follows.
    let (_, edit) = text(&c, app.url(&format!("{at}/edit"))).await;
    assert!(edit.contains("value=\"Fibre line\""));
    let mut changed = contract("3");
    changed.retain(|(k, _)| *k != "ends_on");
    changed.push(("ends_on", "2028-06-30".into()));
    let resp = c
        .post(app.url(&format!("{at}/edit")))
        .form(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, page) = text(&c, app.url(&at)).await;
    assert!(
        page.contains("The contract is changed.") && page.contains("2028-03-31"),
        "{page}"
    );
}

#[tokio::test]
async fn a_renewal_clicked_twice_renews_once_and_the_page_shows_the_old_term() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let (_, k) = vendor_with(
        &app,
        &token,
        serde_json::json!({"name": "Tailspin", "kind": "software"}),
        serde_json::json!({"kind": "subscription", "title": "Design suite",
                "starts_on": "2026-01-01", "ends_on": "2026-12-31", "auto_renew": true, "renewal_months": 12,
                "notice_months": 1}),
    )
    .await;
    let c = coordinator(&app).await;
    let at = format!("/contracts/{}", k["id"].as_str().unwrap());
    let (_, page) = text(&c, app.url(&at)).await;
    assert!(page.contains("This is its first term."));
    let csrf = csrf_of(&page);
    let click = [("csrf", csrf.as_str()), ("ends_on", "2026-12-31")];
    let (status, location, _) = post(&c, app.url(&format!("{at}/renew")), &click).await;
    assert_eq!((status, location.as_str()), (303, at.as_str()));
    let (_, page) = text(&c, app.url(&at)).await;
    assert!(page.contains("The contract is renewed"), "{page}");
    // The second click of a double click: the page it came from showed
    // the old end.
    let (status, _, _) = post(&c, app.url(&format!("{at}/renew")), &click).await;
    assert_eq!(status, 303);
    let (_, page) = text(&c, app.url(&at)).await;
    assert!(page.contains("Nothing changed"), "{page}");
    assert!(
        page.contains("2027-12-31") && !page.contains("2028-12-31"),
        "{page}"
    );
    assert!(
        page.contains("id=\"terms\"") && page.contains("renewed by hand"),
        "{page}"
    );
}

#[tokio::test]
async fn a_ticket_is_handed_to_a_vendor_from_its_page_and_shows_the_vendor_clock() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let kim = app.token("kim@example.org", Role::Requester).await;
    let (v, k) = vendor_with(
        &app,
        &token,
        serde_json::json!({"name": "Northwind Telecom", "kind": "carrier"}),
        serde_json::json!({"kind": "support", "title": "Office internet",
                "response_target": "1h", "resolution_target": "8h"}),
    )
    .await;
    let t = app
        .create_ticket(
            &kim,
            serde_json::json!({"subject": "Internet down", "description": "no link"}),
        )
        .await;
    let path = format!("/tickets/{}", t["number"]);
    let c = coordinator(&app).await;
    let (_, html) = text(&c, app.url(&path)).await;
    assert!(html.contains("id=\"escalate-form\""), "{html}");
    let csrf = csrf_of(&html);
    let form = |vendor: &str| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("do", "escalate")
            .text("vendor_id", vendor.to_owned())
            .text("contract_id", k["id"].as_str().unwrap().to_owned())
            .text("vendor_reference", "NT-1")
    };
    let resp = c
        .post(app.url(&path))
        .multipart(form(""))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("id=\"e-esc-vendor\""),
        "the fault beside the vendor box: {html}"
    );
    let resp = c
        .post(app.url(&path))
        .multipart(form(v["id"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = text(&c, app.url(&path)).await;
    assert!(html.contains("The ticket is with the vendor"), "{html}");
    assert!(
        html.contains("Vendor answer") && html.contains("Vendor resolution"),
        "two vendor bars: {html}"
    );
    assert!(
        html.contains("case NT-1") && html.contains("waiting for the vendor"),
        "{html}"
    );
    let eid = html
        .split("id=\"escalation-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let answer = |what: &'static str| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("do", what)
            .text("escalation", eid.clone())
    };
    let resp = c
        .post(app.url(&path))
        .multipart(answer("vendor_resolve"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = text(&c, app.url(&path)).await;
    assert!(html.contains("the ticket is back with us"), "{html}");
    assert!(html.contains("resolved by the vendor"), "{html}");
    // A second click of the same button: said, nothing recorded twice.
    let resp = c
        .post(app.url(&path))
        .multipart(answer("vendor_resolve"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("id=\"escalation-error\"")
    );
    // The vendor page shows the figures.
    let (_, vendor_page) = text(
        &c,
        app.url(&format!("/vendors/{}", v["id"].as_str().unwrap())),
    )
    .await;
    assert!(
        vendor_page.contains("id=\"performance\"") && vendor_page.contains("100% (1 of 1)"),
        "{vendor_page}"
    );
}
