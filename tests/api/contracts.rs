//! Contracts other tools rely on: the OpenAPI document, migrations.

use itdesk::db::{Db, migrations};

use crate::helpers::{TestDb, spawn_app, test_settings};

#[tokio::test]
async fn served_openapi_matches_the_checked_in_copy() {
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/openapi.json"))
            .expect("schema/openapi.json exists");
    let generated = itdesk::openapi::document();
    assert!(
        checked_in == generated,
        "schema/openapi.json is out of date: run `cargo run -- openapi > schema/openapi.json` and commit it"
    );
    let app = spawn_app().await;
    let served = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(served, generated);
    let doc: serde_json::Value = serde_json::from_str(&served).unwrap();
    assert_eq!(doc["info"]["title"], "itdesk");
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
        "/api/v1/tickets/{id}/comments",
        "/api/v1/tickets/{id}/history",
        "/api/v1/tickets/{id}/attachments",
        "/healthz",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
}

#[test]
fn both_backends_have_the_same_migrations() {
    let names = |backend: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!(
            "{}/migrations/{backend}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
    assert!(!names("sqlite").is_empty());
}

#[test]
fn migrations_go_up_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let settings = test_settings(&db, dir.path(), Vec::new());
    let handle = Db::connect(&settings.database).unwrap();
    assert!(!migrations::run(&handle).unwrap().is_empty());
    handle.with_writer(migrations::revert_all).unwrap().unwrap();
    let again = migrations::run(&handle).unwrap();
    assert_eq!(
        again.len(),
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .unwrap()
            .count()
    );
    assert!(migrations::run(&handle).unwrap().is_empty());
}
