//! `POST /api/v1/assets/imports`: the import for scripts, with its report.

use itdesk::auth::Role;
use serde_json::Value;

use crate::asset_import::SNIPEIT;
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn scripts_import_over_the_api_and_read_the_reports() {
    use reqwest::multipart::{Form, Part};
    let app = spawn_app().await;
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    app.token("kim@example.org", Role::Requester).await;
    let post = |token: &str, form: Form| {
        app.client
            .post(app.url("/api/v1/assets/imports"))
            .bearer_auth(token)
            .multipart(form)
            .send()
    };
    let file = |csv: &str| {
        Part::bytes(csv.as_bytes().to_vec())
            .file_name("snipe.csv")
            .mime_str("text/csv")
            .unwrap()
    };
    // A dry run answers the report and writes nothing.
    let resp = post(
        &manager,
        Form::new()
            .part("file", file(SNIPEIT))
            .text("profile", "snipeit")
            .text("date_order", "mdy")
            .text("dry_run", "True"),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 201);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let report: Value = resp.json().await.unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["applied"], false);
    assert_eq!(report["created"], 2);
    assert_eq!(
        location,
        format!("/api/v1/assets/imports/{}", report["id"].as_str().unwrap())
    );
    assert_eq!(app.count("assets").await, 0);
    let stored: Value = app.get(&manager, &location).await.json().await.unwrap();
    assert_eq!(stored, report);

    let resp = post(
        &manager,
        Form::new()
            .part("file", file(SNIPEIT))
            .text("profile", "snipeit")
            .text("date_order", "mdy"),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 201);
    let report: Value = resp.json().await.unwrap();
    assert_eq!(report["applied"], true);
    assert_eq!(app.count("assets").await, 2);

    // Refusals name the part.
    let resp = post(
        &manager,
        Form::new()
            .part("file", file(SNIPEIT))
            .text("profile", "snipeit")
            .text("dry_run", "Yes please"),
    )
    .await
    .unwrap();
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(
        p["errors"][0]["field"], "dry_run",
        "an unclear flag is refused, not read as no"
    );
    let resp = post(&manager, Form::new().part("file", file(SNIPEIT)))
        .await
        .unwrap();
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "profile");
    let resp = post(
        &manager,
        Form::new()
            .part("file", file(SNIPEIT))
            .text("profile", "generic"),
    )
    .await
    .unwrap();
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "mapping", "{p}");
    let resp = post(
        &manager,
        Form::new()
            .part("file", file(SNIPEIT))
            .text("profile", "snipeit")
            .text("currency", "euro"),
    )
    .await
    .unwrap();
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "currency", "{p}");
    let resp = post(
        &manager,
        Form::new()
            .part("file", file("Asset Tag\n\"IT-1\n"))
            .text("profile", "snipeit"),
    )
    .await
    .unwrap();
    let p = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "file");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 2: a quote opened here is never closed"),
        "{p}"
    );
    let resp = app
        .client
        .post(app.url("/api/v1/assets/imports"))
        .bearer_auth(&manager)
        .header("Content-Type", "text/csv")
        .body(SNIPEIT)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);

    let runs: Value = app
        .get(&manager, "/api/v1/assets/imports")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        runs.as_array().unwrap().len(),
        2,
        "refused requests are not runs: {runs}"
    );
    assert_eq!(runs[0]["applied"], true);
    assert_eq!(runs[1]["dry_run"], true);

    let requester = app.token("kim@example.org", Role::Requester).await;
    let resp = post(
        &requester,
        Form::new()
            .part("file", file(SNIPEIT))
            .text("profile", "snipeit"),
    )
    .await
    .unwrap();
    assert_problem(resp, 403, "forbidden").await;
    assert_eq!(
        app.get(&requester, "/api/v1/assets/imports").await.status(),
        403
    );
}
