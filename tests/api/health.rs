use crate::helpers::{assert_problem, postgres_base_url, spawn_app};

#[tokio::test]
async fn healthz_names_the_backend_in_use() {
    let app = spawn_app().await;
    let resp = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let expected = if postgres_base_url().is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["backend"], expected);
    assert_eq!(app.db.is_postgres(), expected == "postgres");
}

#[tokio::test]
async fn unknown_api_route_is_a_problem_not_a_page() {
    let app = spawn_app().await;
    let resp = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 404, "not_found").await;
}

#[tokio::test]
async fn api_without_token_is_401_with_a_challenge() {
    let app = spawn_app().await;
    let resp = app
        .client
        .get(app.url("/api/v1/tickets"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["www-authenticate"],
        "Bearer realm=\"itdesk\""
    );
    assert_problem(resp, 401, "unauthenticated").await;
    let resp = app
        .client
        .get(app.url("/api/v1/tickets"))
        .bearer_auth("itd_not-a-real-token")
        .send()
        .await
        .unwrap();
    let body = assert_problem(resp, 401, "unauthenticated").await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("unknown or revoked")
    );
}
