//! The people pages: everyone by surname with filters, words instead of
//! codes, and one person's facts.

use itdesk::auth::Role;
use serde_json::json;

use crate::helpers::{browser, login, page_text as text, spawn_app};

#[tokio::test]
async fn staff_find_people_by_name_and_department_and_read_their_facts() {
    let app = spawn_app().await;
    let token = app.token("coord@example.org", Role::Coordinator).await;
    for body in [
        json!({"email": "grace@example.org", "given_name": "Grace", "surname": "Hopper", "department": "IT",
            "title": "Head of IT", "employee_id": "E-1"}),
        json!({"email": "zoe@example.org", "given_name": "Zoë", "surname": "O'Brien", "department": "Sales",
            "manager": "grace@example.org", "start_date": "2999-01-04"}),
    ] {
        let resp = app.post_json(&token, "/api/v1/people", &body).await;
        assert_eq!(resp.status(), 201);
    }
    app.user_with_password("a@example.org", Role::Agent, "agent password")
        .await;
    let c = browser();
    login(&app, &c, "a@example.org", "agent password").await;
    let (status, html) = text(&c, app.url("/people")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Grace Hopper") && html.contains("Zoë O&#39;Brien"),
        "{html}"
    );
    assert!(
        html.contains("Starts soon") && html.contains("Working here"),
        "words, not codes"
    );
    let (_, sales) = text(&c, app.url("/people?department=Sales")).await;
    assert!(
        sales.contains("O&#39;Brien") && !sales.contains("Head of IT"),
        "{sales}"
    );
    let (status, odd) = text(&c, app.url("/people?status=retired")).await;
    assert_eq!(status, 200);
    assert!(odd.contains("id=\"filter-error\""), "{odd}");
    let (status, one) = text(&c, app.url("/people/zoe@example.org")).await;
    assert_eq!(status, 200);
    assert!(
        one.contains("Grace Hopper") && one.contains("2999-01-04"),
        "{one}"
    );

    app.user_with_password("r@example.org", Role::Requester, "requester password")
        .await;
    let r = browser();
    login(&app, &r, "r@example.org", "requester password").await;
    let (status, _) = text(&r, app.url("/people")).await;
    assert!(matches!(status, 403 | 404), "{status}");
}
