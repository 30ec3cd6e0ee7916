//! The asset pages: the register with filters and one asset's timeline.

use itdesk::auth::Role;
use serde_json::json;

use crate::helpers::spawn_app;
use crate::web_pages::{browser, login};

#[tokio::test]
async fn staff_browse_the_register_and_read_an_assets_timeline() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    app.user_with_password("kim@example.org", Role::Requester, "pw-kim-12345")
        .await;
    let token = app.token("assets@example.org", Role::AssetManager).await;
    for (tag, host) in [("IT-1", "nb-kim"), ("IT-2", "nb-lee")] {
        let resp = app
            .post_json(
                &token,
                "/api/v1/assets",
                &json!({"asset_tag": tag, "hostname": host}),
            )
            .await;
        assert_eq!(resp.status(), 201);
    }
    let resp = app
        .post_json(
            &token,
            "/api/v1/assets/IT-1/transitions",
            &json!({"to": "deployed", "assignee": "kim@example.org", "reason": "handed over"}),
        )
        .await;
    assert_eq!(resp.status(), 200);

    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let list = staff.get(app.url("/assets")).send().await.unwrap();
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    assert!(
        html.contains("href=\"/assets/IT-1\"") && html.contains("IT-2"),
        "{html}"
    );
    assert!(
        html.contains("Stock by model") && html.contains("(no model)"),
        "{html}"
    );
    let filtered = staff
        .get(app.url("/assets?status=deployed"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        filtered.contains("IT-1") && !filtered.contains("IT-2"),
        "{filtered}"
    );

    let page = staff.get(app.url("/assets/IT-1")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("registered as in_stock"), "{html}");
    assert!(html.contains("in_stock → deployed — handed over"), "{html}");
    assert!(html.contains("kim@example.org"), "{html}");

    let requester = browser();
    login(&app, &requester, "kim@example.org", "pw-kim-12345").await;
    let denied = requester.get(app.url("/assets")).send().await.unwrap();
    assert_eq!(denied.status(), 403);
}
