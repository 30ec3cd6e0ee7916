//! Who may read the monthly report, and the errors that say what is wrong
//! (the API's problem documents, the page's field error); the page's files
//! and its printable page under its own policy.

use itdesk::auth::Role;

use crate::helpers::{assert_problem, spawn_app_with};

#[tokio::test]
async fn reports_are_for_staff_and_say_what_is_wrong() {
    let app = spawn_app_with(vec![]).await;
    let requester = app.token("req@example.org", Role::Requester).await;
    let r = app.get(&requester, "/api/v1/reports/monthly/2026-10").await;
    assert_problem(r, 403, "forbidden").await;
    let viewer = app.token("viewer@example.org", Role::Viewer).await;
    let r = app.get(&viewer, "/api/v1/reports/monthly/2026-13").await;
    let p = assert_problem(r, 422, "validation_failed").await;
    assert!(p.to_string().contains("month"), "{p}");
    let r = app
        .get(&viewer, "/api/v1/reports/monthly/2026-10?format=pdf")
        .await;
    let p = assert_problem(r, 422, "validation_failed").await;
    assert!(p.to_string().contains("use html, json, csv or xlsx"), "{p}");
    let r = app.get(&viewer, "/api/v1/reports/monthly/2099-01").await;
    let p = assert_problem(r, 422, "validation_failed").await;
    assert!(p.to_string().contains("has not begun"), "{p}");
    let csv = app
        .get(&viewer, "/api/v1/reports/monthly/2026-10?format=csv")
        .await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("section,metric,dimension,value,unit\r\n"),
        "{text}"
    );
    assert!(text.contains("tickets,created,,0,tickets\r\n"), "{text}");
    let html = app
        .get(&viewer, "/api/v1/reports/monthly/2026-10?format=html")
        .await;
    let page = html.text().await.unwrap();
    assert!(page.contains("<svg") && !page.contains("<script") && !page.contains("src=\"http"));
    assert!(page.contains("@page{size:A4"));
}

#[tokio::test]
async fn the_report_page_keeps_a_wrong_month_and_says_what_is_wrong() {
    let app = spawn_app_with(vec![]).await;
    app.user_with_password("viewer@example.org", Role::Viewer, "viewer password")
        .await;
    let client = crate::helpers::browser();
    crate::helpers::login(&app, &client, "viewer@example.org", "viewer password").await;
    let (status, page) =
        crate::helpers::page_text(&client, app.url("/reports/monthly?month=2026-13")).await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"2026-13\""), "the input is kept");
    assert!(
        page.contains(
            "class=\"field-error\" id=\"e-r-month\">`2026-13`: the month must be 01 to 12"
        ),
        "{page}"
    );
    let (status, _) =
        crate::helpers::page_text(&client, app.url("/reports/monthly?month=2099-01")).await;
    assert_eq!(status, 200);
    let resp = client
        .get(app.url("/reports/monthly?month=2026-10"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/reports/monthly/2026-10");
    let print = client
        .get(app.url("/reports/monthly/2026-10/print"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        print.headers()["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    );
    let html = print.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("<script"));
    let xlsx = client
        .get(app.url("/reports/monthly/2026-10/download?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("itdesk-report-2026-10.xlsx")
    );
    let (status, _) =
        crate::helpers::page_text(&client, app.url("/reports/monthly/nonsense")).await;
    assert_eq!(status, 404);
}
