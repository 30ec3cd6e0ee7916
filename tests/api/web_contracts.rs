//! The contracts pages: the nearest decision first with filters, one
//! contract in words, and notice given from its page (refused beside the
//! field, the input kept).

use chrono::Duration;
use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{browser, csrf_of, login, page_text as text, spawn_app};

#[tokio::test]
async fn coordinators_see_what_to_decide_and_give_notice_from_the_page() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let vendor: Value = app
        .post_json(
            &token,
            "/api/v1/vendors",
            &json!({"name": "Northwind", "kind": "msp"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let day = |n: i64| (chrono::Utc::now().date_naive() + Duration::days(n)).to_string();
    let backup: Value = app
        .post_json(
            &token,
            "/api/v1/contracts",
            &json!({"vendor_id": vendor["id"], "kind": "subscription", "title": "Backup service",
                "starts_on": day(-265), "ends_on": day(100), "auto_renew": true, "renewal_months": 12,
                "notice_days": 30, "amount_minor": 25_000, "currency": "EUR", "billing": "monthly"}),
        )
        .await
        .json()
        .await
        .unwrap();
    app.post_json(
        &token,
        "/api/v1/contracts",
        &json!({"vendor_id": vendor["id"], "kind": "lease", "title": "Printer lease", "starts_on": day(-10), "ends_on": day(700)}),
    )
    .await;
    app.user_with_password("c@example.org", Role::Coordinator, "coord password")
        .await;
    let c = browser();
    login(&app, &c, "c@example.org", "coord password").await;

    let (status, html) = text(&c, app.url("/contracts")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Decide on renewal") && html.contains(&format!("notice by {}", day(70))),
        "{html}"
    );
    let backup_at = html.find("Backup service").unwrap();
    assert!(
        backup_at < html.find("Printer lease").unwrap(),
        "the nearest decision first"
    );
    let (_, due) = text(&c, app.url("/contracts?status=notice_due")).await;
    assert!(
        due.contains("Backup service") && !due.contains("Printer lease"),
        "{due}"
    );
    let (_, bad) = text(&c, app.url("/contracts?status=soon")).await;
    assert!(bad.contains("id=\"filter-error\""), "{bad}");

    let page = format!("/contracts/{}", backup["id"].as_str().unwrap());
    let (status, html) = text(&c, app.url(&page)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Notice deadline") && html.contains(&day(70)),
        "{html}"
    );
    assert!(
        html.contains("3,000.00"),
        "a year at 250.00 a month: {html}"
    );
    let csrf = csrf_of(&html);
    let resp = c
        .post(app.url(&format!("{page}/terminate")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("effective_on", day(100).as_str()),
            ("reason", " "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("id=\"e-t-reason\"") && html.contains(&format!("value=\"{}\"", day(100))),
        "{html}"
    );
    let resp = c
        .post(app.url(&format!("{page}/terminate")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("effective_on", day(100).as_str()),
            ("reason", "moving to another provider"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = text(&c, app.url(&page)).await;
    assert!(
        html.contains("Notice is recorded") && html.contains(">Ending<"),
        "{html}"
    );
    assert!(html.contains("terminated"), "in the history: {html}");
}

#[tokio::test]
async fn the_contracts_page_shows_fifty_at_a_time_with_the_filters_kept() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    let vendor: Value = app
        .post_json(
            &token,
            "/api/v1/vendors",
            &json!({"name": "Fabrikam", "kind": "carrier"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let day = |n: i64| (chrono::Utc::now().date_naive() + Duration::days(n)).to_string();
    for n in 1..=52 {
        let resp = app
            .post_json(
                &token,
                "/api/v1/contracts",
                &json!({"vendor_id": vendor["id"], "kind": "lease", "title": format!("Line {n:02}"),
                    "starts_on": day(-10), "ends_on": day(100 + n)}),
            )
            .await;
        assert_eq!(resp.status(), 201);
    }
    app.user_with_password("c@example.org", Role::Coordinator, "coord password")
        .await;
    let c = browser();
    login(&app, &c, "c@example.org", "coord password").await;
    let (status, html) = text(&c, app.url("/contracts?kind=lease")).await;
    assert_eq!(status, 200);
    assert!(html.contains("52 contracts, 1–50 shown"), "{html}");
    assert!(
        html.contains("Line 50") && !html.contains("Line 51"),
        "soonest end first"
    );
    assert!(
        html.contains(
            "href=\"/contracts?vendor=&#38;kind=lease&#38;status=&#38;owner=&#38;page=2\""
        ),
        "{html}"
    );
    let (_, second) = text(&c, app.url("/contracts?kind=lease&page=2")).await;
    assert!(second.contains("52 contracts, 51–52 shown"), "{second}");
    assert!(second.contains("Line 52") && !second.contains("Line 49"));
    assert!(second.contains("id=\"previous-page\"") && !second.contains("id=\"next-page\""));
    let (_, odd) = text(&c, app.url("/contracts?kind=lease&page=abc")).await;
    assert!(
        odd.contains("1–50 shown"),
        "a page that is no number is the first"
    );
}
