//! The license register's forms: products and rules on the catalog page
//! (a rule previewed before it is saved, the triage list drafting it),
//! entitlements added, changed and deleted from the product page, and the
//! entitlement import page. Refusals are said beside the field with the
//! input kept.

use itdesk::auth::Role;
use reqwest::multipart::Form;

use crate::fixtures::inventory_credentials;
use crate::helpers::{browser, csrf_of, login, page_text as text, spawn_app_with};
use crate::license_fixtures::{fleet, json_at};

fn location(resp: &reqwest::Response) -> String {
    resp.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_manager_builds_the_catalog_and_the_book_from_the_pages() {
    let app = spawn_app_with(inventory_credentials()).await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    fleet(&app, &token).await;
    app.user_with_password("mgr@example.org", Role::AssetManager, "manager password")
        .await;
    let c = browser();
    login(&app, &c, "mgr@example.org", "manager password").await;

    // The triage list names what the fleet runs and drafts its rule.
    let (status, html) = text(&c, app.url("/licenses/catalog")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"unmatched\"") && html.contains("Microsoft Visio"),
        "{html}"
    );
    assert!(
        html.contains("/licenses/catalog?name_pattern=Microsoft%20Visio"),
        "{html}"
    );
    let csrf = csrf_of(&html);

    // A product without a name: refused beside the box, the rest kept.
    let resp = c
        .post(app.url("/licenses/products"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("publisher", "Microsoft"),
            ("name", " "),
            ("family", "Visio"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("id=\"e-p-name\"") && html.contains("1 to 200 characters"),
        "{html}"
    );
    assert!(
        html.contains("value=\"Microsoft\"") && html.contains("value=\"Visio\""),
        "input kept"
    );
    let resp = c
        .post(app.url("/licenses/products"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("publisher", "Microsoft"),
            ("name", "Visio"),
            ("edition", "Professional"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let product_page = location(&resp);
    let product = product_page.rsplit('/').next().unwrap().to_owned();
    let (_, html) = text(&c, app.url(&product_page)).await;
    assert!(html.contains("The product is in the catalog."), "{html}");
    let (_, again) = text(&c, app.url(&product_page)).await;
    assert!(
        !again.contains("The product is in the catalog."),
        "said once: {again}"
    );

    // A rule previewed: what it would take, nothing saved; then saved.
    let rule = |action: &'static str, pattern: &'static str| {
        let (c, url, csrf, product) = (
            c.clone(),
            app.url("/licenses/rules"),
            csrf.clone(),
            product.clone(),
        );
        async move {
            c.post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("product_id", product.as_str()),
                    ("name_pattern", pattern),
                    ("do", action),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let resp = rule("preview", "Microsoft Visio*").await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("This rule would take 4 installations on 4 devices"),
        "{html}"
    );
    assert_eq!(
        json_at(&app, &token, "/api/v1/licenses/rules").await,
        serde_json::json!([])
    );
    let resp = rule("save", "").await;
    assert_eq!(resp.status(), 422, "an empty pattern is refused");
    assert!(resp.text().await.unwrap().contains("id=\"e-r-name\""));
    let resp = rule("save", "Microsoft Visio*").await;
    assert_eq!(resp.status(), 303);
    let (_, html) = text(&c, app.url("/licenses/catalog")).await;
    assert!(
        html.contains("The rule is saved") && html.contains("name Microsoft Visio*"),
        "{html}"
    );
    assert!(
        !html.contains("<td>Microsoft Visio Professional 2021</td>"),
        "no longer unmatched: {html}"
    );

    // An entitlement that ends before it starts: said beside the date.
    let (status, html) = text(
        &c,
        app.url(&format!("/licenses/products/{product}/entitlements/new")),
    )
    .await;
    assert_eq!(status, 200);
    let new = app.url(&format!("/licenses/products/{product}/entitlements"));
    let fields = |ends: &'static str| {
        vec![
            ("csrf", csrf_of(&html)),
            ("product", product.clone()),
            ("metric", "device".into()),
            ("quantity", "2".into()),
            ("starts_on", "2026-01-01".into()),
            ("ends_on", ends.into()),
            ("unit_cost", "150.00".into()),
            ("currency", "EUR".into()),
            ("vendor", "Contoso".into()),
        ]
    };
    let resp = c
        .post(&new)
        .form(&fields("2025-12-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html_err = resp.text().await.unwrap();
    assert!(html_err.contains("id=\"e-e-ends\""), "{html_err}");
    assert!(
        html_err.contains("value=\"Contoso\"") && html_err.contains("value=\"150.00\""),
        "input kept"
    );
    let resp = c
        .post(&new)
        .form(&fields("2027-12-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let list = json_at(
        &app,
        &token,
        &format!("/api/v1/licenses/entitlements?product_id={product}"),
    )
    .await;
    let ent = &list[0];
    assert_eq!(
        (ent["quantity"].as_i64(), ent["unit_cost_minor"].as_i64()),
        (Some(2), Some(15_000))
    );
    let eid = ent["id"].as_str().unwrap().to_owned();

    // Changed: the form comes filled in.
    let (_, html) = text(&c, app.url(&format!("/licenses/entitlements/{eid}/edit"))).await;
    assert!(
        html.contains("value=\"2027-12-31\"") && html.contains("value=\"150.00\""),
        "{html}"
    );
    let mut changed = fields("2027-12-31");
    changed[3] = ("quantity", "5".into());
    let resp = c
        .post(app.url(&format!("/licenses/entitlements/{eid}/edit")))
        .form(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = text(&c, app.url(&product_page)).await;
    assert!(
        html.contains("The entitlement is changed.") && html.contains("5 per device"),
        "{html}"
    );
    let resp = c
        .post(app.url(&format!("/licenses/entitlements/{eid}/delete")))
        .form(&[("csrf", csrf.as_str()), ("product", product.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(
        json_at(&app, &token, "/api/v1/licenses/entitlements").await,
        serde_json::json!([])
    );
}

#[tokio::test]
async fn the_import_page_runs_a_dry_run_and_shows_its_report() {
    let app = spawn_app_with(inventory_credentials()).await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    app.user_with_password("mgr@example.org", Role::AssetManager, "manager password")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;
    let c = browser();
    login(&app, &c, "mgr@example.org", "manager password").await;
    let (status, html) = text(&c, app.url("/licenses/import")).await;
    assert_eq!(status, 200);
    let csv = "id,Name,Manufacturer,Seats,Purchase Cost,Purchase Date\n1,Acrobat Pro,Adobe,4,400.00,2025-01-01\n2,Photoshop,Adobe,two,,\n";
    let form = |dry: bool, partial: bool| {
        let mut f = Form::new()
            .text("csrf", csrf_of(&html))
            .text("profile", "snipeit")
            .text("metric", "user")
            .text("currency", "EUR")
            .text("mapping", "")
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("licenses.csv"),
            );
        if dry {
            f = f.text("dry_run", "1");
        }
        if partial {
            f = f.text("partial", "1");
        }
        f
    };
    let resp = c
        .post(app.url("/licenses/import"))
        .multipart(form(true, false))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, report) = text(&c, app.url(&location(&resp))).await;
    assert!(
        report.contains("2 rows: 1 would be created") && report.contains("dry run"),
        "{report}"
    );
    assert!(
        report.contains("Seats") && report.contains("not a whole number"),
        "the rejected cell: {report}"
    );
    assert!(
        report.contains("Product that would be added: Adobe Acrobat Pro"),
        "{report}"
    );
    assert_eq!(
        json_at(&app, &token, "/api/v1/licenses/entitlements").await,
        serde_json::json!([])
    );

    let resp = c
        .post(app.url("/licenses/import"))
        .multipart(form(false, true))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, report) = text(&c, app.url(&location(&resp))).await;
    assert!(report.contains("1 created"), "{report}");
    let ents = json_at(&app, &token, "/api/v1/licenses/entitlements").await;
    assert_eq!(ents[0]["metric"], "user");
    assert_eq!(ents[0]["unit_cost_minor"], 10_000);
    let (_, page) = text(&c, app.url("/licenses/import")).await;
    assert!(
        page.contains("1 added, 0 updated, 1 rejected"),
        "the runs: {page}"
    );

    // Agents read the register but import nothing.
    let agent = browser();
    login(&app, &agent, "agent@example.org", "agent password").await;
    let (status, _) = text(&agent, app.url("/licenses/import")).await;
    assert_eq!(status, 403);
}
