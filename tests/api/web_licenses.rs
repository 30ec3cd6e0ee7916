//! The license pages: positions with a bar per row and filters, a
//! product's page with entitlements, seats (refused beside the box when
//! none is left, the input kept), evidence and history, the audit download
//! and a frozen audit.

use itdesk::auth::Role;
use serde_json::json;

use crate::fixtures::inventory_credentials;
use crate::helpers::{browser, csrf_of, login, page_text as text, spawn_app_with};
use crate::license_fixtures::{entitle, fleet, product};

#[tokio::test]
async fn managers_read_positions_and_give_seats_from_the_pages() {
    let app = spawn_app_with(inventory_credentials()).await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &manager).await;
    let visio = product(&app, &manager, "Visio", "Microsoft Visio*").await;
    let sql = product(&app, &manager, "SQL Server", "SQL Server*").await;
    let seats = entitle(
        &app,
        &manager,
        json!({"product_id": visio, "metric": "user", "quantity": 1,
        "unit_cost_minor": 12_000, "currency": "EUR", "license_key": "VISIO-KEY"}),
    )
    .await;
    entitle(
        &app,
        &manager,
        json!({"product_id": sql, "metric": "device", "quantity": 10}),
    )
    .await;
    app.user_with_password("mgr@example.org", Role::AssetManager, "manager password")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;
    let c = browser();
    login(&app, &c, "mgr@example.org", "manager password").await;

    let (status, html) = text(&c, app.url("/licenses?as_of=2026-12-31")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Licenses on 2026-12-31"), "{html}");
    // Visio: kim, lee and the unassigned machine against one seat.
    assert!(
        html.contains("Vendor Visio") && html.contains(">Short<"),
        "{html}"
    );
    assert!(
        html.contains("aria-label=\"3 of 1 used\""),
        "a bar per row: {html}"
    );
    assert!(html.contains("240.00"), "two short at 120.00: {html}");
    let (_, short_only) = text(
        &c,
        app.url("/licenses?as_of=2026-12-31&status=non_compliant"),
    )
    .await;
    assert!(
        short_only.contains("Vendor Visio") && !short_only.contains("Vendor SQL Server"),
        "{short_only}"
    );
    let (_, vendor) = text(&c, app.url("/licenses?as_of=2026-12-31&publisher=Vendor")).await;
    assert!(
        vendor.contains("Vendor Visio") && vendor.contains("Vendor SQL Server"),
        "{vendor}"
    );
    let (_, other) = text(&c, app.url("/licenses?as_of=2026-12-31&publisher=Adobe")).await;
    assert!(
        !other.contains("Vendor Visio"),
        "filtered by publisher: {other}"
    );
    let (_, bad_day) = text(&c, app.url("/licenses?as_of=31.12.2026")).await;
    assert!(
        bad_day.contains("is not a date: use YYYY-MM-DD"),
        "{bad_day}"
    );

    // The product page: entitlement with its key, evidence, history.
    let page = format!("/licenses/products/{visio}?as_of=2026-12-31");
    let (status, html) = text(&c, app.url(&page)).await;
    assert_eq!(status, 200);
    assert!(html.contains("VISIO-KEY"), "managers see keys");
    assert!(
        html.contains("IT-3") && html.contains("nobody assigned"),
        "evidence in words: {html}"
    );
    assert!(html.contains("entitlement: created"), "history: {html}");
    let csrf = csrf_of(&html);
    let eid = seats["id"].as_str().unwrap();
    let give = |who: &'static str| {
        let (c, csrf, url, visio) = (
            c.clone(),
            csrf.clone(),
            app.url(&format!("/licenses/entitlements/{eid}/allocations")),
            visio.clone(),
        );
        async move {
            c.post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("product", visio.as_str()),
                    ("as_of", "2026-12-31"),
                    ("kind", "person"),
                    ("person", who),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let resp = give("kim@example.org").await;
    assert_eq!(resp.status(), 303);
    let (_, html) = text(&c, app.url(&page)).await;
    assert!(
        html.contains("The seat is given.") && html.contains("Named seats (1 of 1)"),
        "{html}"
    );
    // No seat left: said beside the box, the typed address kept.
    let resp = give("lee@example.org").await;
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("class=\"field-error\"")
            && html.contains("all 1 seats of this entitlement are allocated"),
        "{html}"
    );
    assert!(
        html.contains("value=\"lee@example.org\""),
        "input kept: {html}"
    );

    // The audit downloads, and a frozen audit keeps its bytes.
    let resp = c
        .get(app.url("/licenses/audit?as_of=2026-12-31&format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.text()
            .await
            .unwrap()
            .starts_with("asset_tag,hostname,serial")
    );
    let resp = c
        .post(app.url("/licenses/audits"))
        .form(&[("csrf", csrf.as_str()), ("as_of", "2026-12-31")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = text(&c, app.url("/licenses?as_of=2026-12-31")).await;
    assert!(html.contains("The audit is frozen"), "{html}");
    let link = html
        .split("href=\"/licenses/audits/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let resp = c
        .get(app.url(&format!("/licenses/audits/{link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    // An agent reads the register but sees no keys and no seat forms.
    let agent = browser();
    login(&app, &agent, "agent@example.org", "agent password").await;
    let (status, html) = text(&agent, app.url(&page)).await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("VISIO-KEY") && !html.contains("Give a seat"),
        "{html}"
    );
}
