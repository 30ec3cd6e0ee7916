//! The asset workflow on the web: register with model, place, cost and
//! custom fields; every lifecycle move as a button, disposal with its
//! evidence; the complete edit form; book value; export and labels with the
//! browser session; tickets linked from both pages.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::setup;
use crate::helpers::{TestApp, spawn_app};
use crate::web_pages::{browser, csrf_of, login};

pub(crate) async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    crate::helpers::page_text(client, app.url(path)).await
}

pub(crate) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    crate::helpers::post_form(client, app.url(path), form).await
}

pub(crate) async fn api(app: &TestApp, token: &str, tag: &str) -> Value {
    app.get(token, &format!("/api/v1/assets/{tag}"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_asset_is_registered_on_the_web_and_a_refusal_keeps_every_box() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    let (token, laptop, berlin) = setup(&app).await;
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let (status, html) = page(&app, &staff, "/assets").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/assets/new\""), "{html}");
    let (status, html) = page(&app, &staff, "/assets/new").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("ThinkPad T14 Gen 5") && html.contains("Berlin HQ"),
        "models and places are offered: {html}"
    );
    assert!(
        html.contains("name=\"cf.ram_gb\"") && html.contains("(laptop only)"),
        "custom fields of each category: {html}"
    );
    let csrf = csrf_of(&html);
    let form = |cost: &'static str, ram: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("asset_tag", "IT-100".to_owned()),
            ("serial", "PF-4711".to_owned()),
            ("model_id", laptop.clone()),
            ("hostname", "nb-100".to_owned()),
            ("location_id", berlin.clone()),
            ("status", "in_stock".to_owned()),
            ("purchase_date", "2025-12-01".to_owned()),
            ("cost", cost.to_owned()),
            ("currency", "EUR".to_owned()),
            ("warranty_end", "2028-12-01".to_owned()),
            ("supplier", "Bechtle".to_owned()),
            ("po_number", "PO-77".to_owned()),
            ("notes", "".to_owned()),
            ("cf.ram_gb", ram.to_owned()),
        ]
    };
    // Two bad boxes: both named beside their box, every value kept.
    let resp = staff
        .post(app.url("/assets/new"))
        .form(&form("1.299,00", "lots"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("id=\"e-new-cost\"") && html.contains("id=\"e-cf.ram_gb\""),
        "{html}"
    );
    assert!(html.contains("Memory (GB) is a number"), "{html}");
    assert!(
        html.contains("value=\"PF-4711\"")
            && html.contains("value=\"1.299,00\"")
            && html.contains("value=\"lots\"")
            && html.contains("value=\"Bechtle\""),
        "{html}"
    );
    assert!(
        html.contains("id=\"new-cost\" name=\"cost\" value=\"1.299,00\" inputmode=\"decimal\" placeholder=\"1299.00\" aria-invalid=\"true\" aria-describedby=\"e-new-cost\" autofocus"),
        "focus on the first refused box: {html}"
    );
    let listed = app
        .get(&token, "/api/v1/assets")
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "nothing saved"
    );

    let resp = staff
        .post(app.url("/assets/new"))
        .form(&form("1,299.00", "32"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/assets/IT-100");
    let (_, html) = page(&app, &staff, "/assets/IT-100").await;
    assert!(html.contains("The asset is registered."), "{html}");
    let a = api(&app, &token, "IT-100").await;
    assert_eq!(
        a["cost"],
        json!({"amount_minor": 129900, "currency": "EUR"})
    );
    assert_eq!(a["location"]["name"], "Berlin HQ");
    assert_eq!(a["custom_fields"]["ram_gb"], 32);
    assert_eq!(a["model"]["name"], "ThinkPad T14 Gen 5");

    // The same tag again: said at the top, the input kept.
    let (status, _, html) = post(
        &app,
        &staff,
        "/assets/new",
        &form("10", "8")
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("already in use"), "{html}");
}

#[tokio::test]
async fn every_lifecycle_move_is_a_button_and_disposal_asks_for_evidence() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    let (token, laptop, _) = setup(&app).await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "IT-7", "model_id": laptop, "purchase_date": "2025-01-15",
                    "cost": {"amount_minor": 120000, "currency": "EUR"}, "warranty_end": "2025-06-30"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let (_, html) = page(&app, &staff, "/assets/IT-7").await;
    // In stock: the moves the lifecycle allows from there.
    for id in [
        "move-deployed",
        "move-in_repair",
        "move-retired",
        "move-missing",
        "move-stolen",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
    }
    assert!(
        !html.contains("id=\"dispose-form\""),
        "only a retired asset is disposed of"
    );
    assert!(
        html.contains("id=\"book-value\"") && html.contains("1,200.00 EUR"),
        "{html}"
    );
    assert!(
        html.contains("warranty-ended") && html.contains("ended on 2025-06-30"),
        "{html}"
    );
    let csrf = csrf_of(&html);

    // No reason: said beside the box, nothing moved.
    let (status, _, html) = post(
        &app,
        &staff,
        "/assets/IT-7",
        &[
            ("csrf", &csrf),
            ("do", "move"),
            ("to", "in_repair"),
            ("reason", " "),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-mv-reason\""), "{html}");
    assert!(html.contains("id=\"status-moves\" open"), "{html}");
    assert_eq!(api(&app, &token, "IT-7").await["status"], "in_stock");

    let (status, to, _) = post(
        &app,
        &staff,
        "/assets/IT-7",
        &[
            ("csrf", &csrf),
            ("do", "move"),
            ("to", "in_repair"),
            ("reason", "fan noise"),
        ],
    )
    .await;
    assert_eq!((status, to.as_str()), (303, "/assets/IT-7"));
    let (_, html) = page(&app, &staff, "/assets/IT-7").await;
    assert!(
        html.contains("The asset&#39;s status is changed.")
            || html.contains("The asset's status is changed."),
        "{html}"
    );
    assert!(
        html.contains("id=\"move-in_stock\"") && html.contains("Back from repair"),
        "{html}"
    );
    for (to, why) in [("in_stock", "repaired"), ("retired", "end of life")] {
        let (status, _, _) = post(
            &app,
            &staff,
            "/assets/IT-7",
            &[("csrf", &csrf), ("do", "move"), ("to", to), ("reason", why)],
        )
        .await;
        assert_eq!(status, 303, "{to}");
    }
    let (_, html) = page(&app, &staff, "/assets/IT-7").await;
    assert!(html.contains("id=\"dispose-form\""), "{html}");

    // Disposal without evidence: refused beside the box, input kept.
    let (status, _, html) = post(
        &app,
        &staff,
        "/assets/IT-7",
        &[
            ("csrf", &csrf),
            ("do", "dispose"),
            ("method", "recycled"),
            ("date", "2026-11-30"),
            ("evidence", ""),
            ("reason", "WEEE pickup"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-dp-evidence\""), "{html}");
    assert!(
        html.contains("value=\"WEEE pickup\"")
            && html.contains("<option value=\"recycled\" selected>"),
        "{html}"
    );
    assert_eq!(api(&app, &token, "IT-7").await["status"], "retired");

    let (status, _, _) = post(
        &app,
        &staff,
        "/assets/IT-7",
        &[
            ("csrf", &csrf),
            ("do", "dispose"),
            ("method", "recycled"),
            ("date", "2026-11-30"),
            ("evidence", "WIPE-2026-118"),
            ("reason", "WEEE pickup"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let a = api(&app, &token, "IT-7").await;
    assert_eq!(a["status"], "disposed");
    assert_eq!(a["disposal"]["evidence"], "WIPE-2026-118");
    let (_, html) = page(&app, &staff, "/assets/IT-7").await;
    assert!(
        html.contains("recycled on 2026-11-30 — evidence WIPE-2026-118"),
        "{html}"
    );
    assert!(
        !html.contains("id=\"move-form\""),
        "nothing follows disposal: {html}"
    );
}

#[tokio::test]
async fn the_complete_edit_form_changes_tag_model_place_cost_and_custom_fields() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    let (token, laptop, berlin) = setup(&app).await;
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets",
            &json!({"asset_tag": "OLD-1", "serial": "S1"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let (_, html) = page(&app, &staff, "/assets/OLD-1").await;
    let csrf = csrf_of(&html);
    let (status, to, _) = post(
        &app,
        &staff,
        "/assets/OLD-1",
        &[
            ("csrf", &csrf),
            ("do", "details"),
            ("asset_tag", "IT-200"),
            ("serial", "S1"),
            ("model_id", &laptop),
            ("hostname", ""),
            ("location_id", &berlin),
            ("purchase_date", "2026-01-10"),
            ("cost", "899.90"),
            ("currency", "EUR"),
            ("warranty_end", ""),
            ("supplier", ""),
            ("po_number", ""),
            ("notes", ""),
        ],
    )
    .await;
    assert_eq!((status, to.as_str()), (303, "/assets/IT-200"));
    let a = api(&app, &token, "IT-200").await;
    assert_eq!(a["model"]["id"], laptop.as_str());
    assert_eq!(a["location"]["name"], "Berlin HQ");
    assert_eq!(a["cost"]["amount_minor"], 89990);
    // Now a laptop: its fields are on the form.
    let (_, html) = page(&app, &staff, "/assets/IT-200").await;
    assert!(html.contains("name=\"cf.ram_gb\""), "{html}");
    let (status, _, _) = post(
        &app,
        &staff,
        "/assets/IT-200",
        &[
            ("csrf", &csrf),
            ("do", "details"),
            ("asset_tag", "IT-200"),
            ("serial", "S1"),
            ("model_id", &laptop),
            ("location_id", &berlin),
            ("purchase_date", "2026-01-10"),
            ("cost", "899.90"),
            ("currency", "EUR"),
            ("cf.ram_gb", "16"),
            ("cf.encrypted", "true"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let a = api(&app, &token, "IT-200").await;
    assert_eq!(a["custom_fields"]["ram_gb"], 16);
    assert_eq!(a["custom_fields"]["encrypted"], true);
}
