//! The asset workflow on the web: register with model, place, cost and
//! custom fields; every lifecycle move as a button, disposal with its
//! evidence; the complete edit form; book value; export and labels with the
//! browser session; tickets linked from both pages.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::setup;
use crate::helpers::{TestApp, spawn_app};
use crate::web_pages::{browser, csrf_of, login};

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let resp = client.get(app.url(path)).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let resp = client.post(app.url(path)).form(form).send().await.unwrap();
    let status = resp.status().as_u16();
    let to = resp
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, to, resp.text().await.unwrap())
}

async fn api(app: &TestApp, token: &str, tag: &str) -> Value {
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

#[tokio::test]
async fn export_and_labels_work_with_the_browser_session() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    app.user_with_password("kim@example.org", Role::Requester, "pw-kim-12345")
        .await;
    let (token, laptop, _) = setup(&app).await;
    for tag in ["IT-1", "IT-2", "IT-3"] {
        let resp = app
            .post_json(
                &token,
                "/api/v1/assets",
                &json!({"asset_tag": tag, "model_id": laptop, "serial": format!("SN-{tag}")}),
            )
            .await;
        assert_eq!(resp.status(), 201);
    }
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let resp = staff
        .get(app.url("/assets/export?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("assets.csv")
    );
    let csv = resp.text().await.unwrap();
    assert!(csv.contains("IT-1") && csv.contains("IT-3"), "{csv}");
    let resp = staff
        .get(app.url("/assets/export?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");

    let (status, html) = page(&app, &staff, "/assets/labels?layout=a4-3x7").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("<div class=\"label\">").count(), 3, "{html}");
    assert!(html.contains("<svg") && html.contains("SN-IT-2"), "{html}");
    assert!(
        html.contains("href=\"/assets/labels.css?layout=a4&#38;columns=3&#38;rows=7\""),
        "{html}"
    );
    let css = staff
        .get(app.url("/assets/labels.css?layout=a4&columns=3&rows=7"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        css.contains("@page { size: A4;") && css.contains("repeat(3,"),
        "{css}"
    );
    let (_, one) = page(&app, &staff, "/assets/labels?tag=IT-2&layout=tape-62x29").await;
    assert_eq!(one.matches("<div class=\"label\">").count(), 1, "{one}");
    let css = staff
        .get(app.url("/assets/labels.css?layout=tape&width_mm=62&height_mm=29"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        css.contains("@page { size: 62mm 29mm; margin: 0; }"),
        "{css}"
    );
    let (status, html) = page(&app, &staff, "/assets/labels?layout=a4&columns=40").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("columns is a whole number from 1 to 6"),
        "{html}"
    );

    let requester = browser();
    login(&app, &requester, "kim@example.org", "pw-kim-12345").await;
    let resp = requester
        .get(app.url("/assets/export?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let resp = requester
        .get(app.url("/assets/labels"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn tickets_and_assets_are_linked_and_unlinked_from_both_pages() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "pw-agent-1234")
        .await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    let resp = app
        .post_json(&token, "/api/v1/assets", &json!({"asset_tag": "IT-9"}))
        .await;
    assert_eq!(resp.status(), 201);
    let agent_token = app.token("agent@example.org", Role::Agent).await;
    let t: Value = app
        .post_json(
            &agent_token,
            "/api/v1/tickets",
            &json!({"subject": "Screen flickers", "description": "since Monday"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let number = t["number"].as_i64().unwrap().to_string();

    let agent = browser();
    login(&app, &agent, "agent@example.org", "pw-agent-1234").await;
    let ticket_path = format!("/tickets/{number}");
    let (_, html) = page(&app, &agent, &ticket_path).await;
    assert!(html.contains("id=\"link-asset-form\""), "{html}");
    let csrf = csrf_of(&html);
    let link = |asset: &'static str| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("do", "link_asset")
            .text("asset", asset)
    };
    let resp = agent
        .post(app.url(&ticket_path))
        .multipart(link("NOPE-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("id=\"e-asset\"") && html.contains("value=\"NOPE-1\""),
        "{html}"
    );
    let resp = agent
        .post(app.url(&ticket_path))
        .multipart(link("IT-9"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = page(&app, &agent, &ticket_path).await;
    assert!(
        html.contains("href=\"/assets/IT-9\"") && html.contains("are linked"),
        "{html}"
    );

    // The asset's page lists it and unlinks it.
    let (_, html) = page(&app, &agent, "/assets/IT-9").await;
    assert!(
        html.contains(&format!("href=\"/tickets/{number}\"")),
        "{html}"
    );
    assert!(html.contains("Screen flickers"), "{html}");
    let (status, _, _) = post(
        &app,
        &agent,
        "/assets/IT-9",
        &[("csrf", &csrf), ("do", "unlink"), ("ticket", &number)],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&app, &agent, "/assets/IT-9").await;
    assert!(html.contains("No tickets about this asset."), "{html}");
    assert!(
        html.contains(&format!("unlinked from ticket #{number}")),
        "{html}"
    );
    // …and links it again from there.
    let (status, _, _) = post(
        &app,
        &agent,
        "/assets/IT-9",
        &[
            ("csrf", &csrf),
            ("do", "link"),
            ("ticket", &format!("#{number}")),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&app, &agent, &ticket_path).await;
    assert!(html.contains("href=\"/assets/IT-9\""), "{html}");
    let (status, _, html) = post(
        &app,
        &agent,
        "/assets/IT-9",
        &[("csrf", &csrf), ("do", "link"), ("ticket", "99999")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-link-ticket\""), "{html}");
}
