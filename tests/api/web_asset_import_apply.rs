//! "Apply this dry run" on the import page: the kept file is imported for
//! real without a second upload, exactly once.

use itdesk::auth::Role;

use crate::helpers::spawn_app;
use crate::web_asset_forms::{GOOD, upload};
use crate::web_pages::{browser, csrf_of, login};

#[tokio::test]
async fn a_dry_run_is_applied_without_a_second_upload_and_only_once() {
    let app = spawn_app().await;
    app.user_with_password("assets@example.org", Role::AssetManager, "pw-assets-123")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "pw-agent-1234")
        .await;
    let staff = browser();
    login(&app, &staff, "assets@example.org", "pw-assets-123").await;
    let html = staff
        .get(app.url("/assets/import"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let resp = staff
        .post(app.url("/assets/import"))
        .multipart(upload(&csrf, "snipeit", GOOD.as_bytes(), true))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let dry = resp.headers()["location"].to_str().unwrap().to_owned();
    let html = staff
        .get(app.url(&dry))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"apply-dry-run\""), "{html}");
    assert_eq!(app.count("assets").await, 0);

    // An agent sees the report but not the button, and may not apply it.
    let agent = browser();
    login(&app, &agent, "agent@example.org", "pw-agent-1234").await;
    let html = agent
        .get(app.url(&dry))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("id=\"apply-dry-run\""), "{html}");
    let agent_csrf = csrf_of(&html);
    let resp = agent
        .post(app.url(&format!("{dry}/apply")))
        .form(&[("csrf", agent_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(app.count("assets").await, 0);

    let resp = staff
        .post(app.url(&format!("{dry}/apply")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let applied = resp.headers()["location"].to_str().unwrap().to_owned();
    assert_ne!(applied, dry, "a run of its own");
    let html = staff
        .get(app.url(&applied))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("2 rows: 2 created"), "{html}");
    assert_eq!(app.count("assets").await, 2);

    // Again (a double click, a refresh): nothing imported twice.
    let resp = staff
        .post(app.url(&format!("{dry}/apply")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"].to_str().unwrap(), dry);
    assert!(
        resp.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("already_applied"),
        "{:?}",
        resp.headers()
    );
    let html = staff
        .get(app.url(&dry))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("already applied"), "{html}");
    assert!(!html.contains("id=\"apply-dry-run\""), "{html}");
    assert_eq!(app.count("assets").await, 2);
}
