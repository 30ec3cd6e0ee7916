//! The background sweep forgets what may be forgotten, and nothing else.

use itdesk::auth::Role;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn sweep_forgets_old_idempotency_keys_and_login_attempts_but_keeps_tickets() {
    let app = spawn_app().await;
    let token = app.token("req@example.org", Role::Requester).await;
    let resp = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&token)
        .header("Idempotency-Key", "k-1")
        .json(&json!({"subject": "s", "description": "d"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let db = app.state.db.clone();
    let login = app.state.settings.login.clone();
    let swept = tokio::task::spawn_blocking(move || {
        let now = itdesk::ids::now();
        let _ = itdesk::auth::login::password_login(
            &db,
            &login,
            "nobody@example.org",
            "wrong",
            "10.0.0.1",
            now,
        );
        let soon = itdesk::housekeeping::sweep(&db, login.window_minutes, now).unwrap();
        let later = itdesk::housekeeping::sweep(
            &db,
            login.window_minutes,
            now + chrono::Duration::hours(25),
        )
        .unwrap();
        (soon, later)
    })
    .await
    .unwrap();
    assert_eq!(
        swept.0,
        itdesk::housekeeping::Swept::default(),
        "nothing is young enough to go"
    );
    assert_eq!(swept.1.idempotency_keys, 1);
    assert_eq!(swept.1.login_attempts, 1);
    assert_eq!(app.count("tickets").await, 1);
    assert_eq!(app.count("idempotency_keys").await, 0);
}
