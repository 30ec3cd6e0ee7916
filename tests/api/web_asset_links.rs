//! Assets beyond their own page: export and labels with the browser
//! session, and tickets and assets linked from both pages.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::assets::setup;
use crate::helpers::spawn_app;
use crate::web_asset_lifecycle::{page, post};
use crate::web_pages::{browser, csrf_of, login};

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
