//! Files on tickets: limits, type checks, storage and who may download.

use itdesk::auth::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xDE,
];

fn file(name: &str, mime: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap()
}

async fn upload(app: &TestApp, token: &str, ticket_path: &str, form: Form) -> reqwest::Response {
    app.client
        .post(app.url(&format!("{ticket_path}/attachments")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn setup(app: &TestApp) -> (String, String, String) {
    let alice = app.token("alice@example.org", Role::Requester).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(
            &alice,
            json!({"subject": "Screen", "description": "Flickers"}),
        )
        .await;
    (
        alice,
        agent,
        format!("/api/v1/tickets/{}", t["id"].as_str().unwrap()),
    )
}

#[tokio::test]
async fn requester_attaches_a_screenshot_and_both_sides_can_download_it() {
    let app = spawn_app().await;
    let (alice, agent, path) = setup(&app).await;
    let form = Form::new()
        .part("file", file("screen.png", "image/png", PNG))
        .part(
            "file",
            file("../../notes.txt", "text/plain", b"steps to reproduce"),
        );
    let resp = upload(&app, &alice, &path, form).await;
    assert_eq!(resp.status(), 201);
    let rows: Value = resp.json().await.unwrap();
    assert_eq!(rows[0]["filename"], "screen.png");
    assert_eq!(rows[0]["content_type"], "image/png");
    assert_eq!(rows[0]["size_bytes"], PNG.len());
    assert_eq!(
        rows[1]["filename"], "notes.txt",
        "path components are dropped"
    );

    let url = rows[1]["download_url"].as_str().unwrap();
    let resp = app.get(&agent, url).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/plain");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"steps to reproduce");

    // Stored under the attachments folder by digest.
    let digest = rows[0]["sha256"].as_str().unwrap();
    assert!(
        app.attachments_dir()
            .join(&digest[..2])
            .join(digest)
            .is_file()
    );

    let listed: Value = app
        .get(&alice, &format!("{path}/attachments"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let history: Value = app
        .get(&agent, &format!("{path}/history"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        history
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["action"] == "attachment_added")
            .count(),
        2
    );
}

#[tokio::test]
async fn other_requesters_cannot_download_or_attach() {
    let app = spawn_app().await;
    let (alice, _, path) = setup(&app).await;
    let rows: Value = upload(
        &app,
        &alice,
        &path,
        Form::new().part("file", file("a.txt", "text/plain", b"secret")),
    )
    .await
    .json()
    .await
    .unwrap();
    let mallory = app.token("mallory@example.org", Role::Requester).await;
    let resp = app
        .get(&mallory, rows[0]["download_url"].as_str().unwrap())
        .await;
    assert_problem(resp, 404, "not_found").await;
    let resp = upload(
        &app,
        &mallory,
        &path,
        Form::new().part("file", file("b.txt", "text/plain", b"x")),
    )
    .await;
    assert_problem(resp, 404, "not_found").await;
}

#[tokio::test]
async fn wrong_types_disguised_files_and_oversize_files_are_refused_whole() {
    let app = spawn_app_with(vec![("attachments.max_bytes".into(), json!(1024))]).await;
    let (alice, _, path) = setup(&app).await;

    let resp = upload(
        &app,
        &alice,
        &path,
        Form::new().part(
            "file",
            file("tool.exe", "application/x-msdownload", b"MZ\x90\x00"),
        ),
    )
    .await;
    let p = assert_problem(resp, 415, "unsupported_media_type").await;
    assert!(p["detail"].as_str().unwrap().contains("not accepted"));

    let resp = upload(
        &app,
        &alice,
        &path,
        Form::new().part("file", file("photo.txt", "text/plain", PNG)),
    )
    .await;
    let p = assert_problem(resp, 415, "unsupported_media_type").await;
    assert!(p["detail"].as_str().unwrap().contains("image/png"));

    let form = Form::new()
        .part("file", file("ok.txt", "text/plain", b"fine"))
        .part("file", file("big.txt", "text/plain", &vec![b'a'; 2048]));
    let resp = upload(&app, &alice, &path, form).await;
    assert_problem(resp, 413, "payload_too_large").await;

    let resp = app
        .client
        .post(app.url(&format!("{path}/attachments")))
        .bearer_auth(&alice)
        .json(&json!({"file": "nope"}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 415, "unsupported_media_type").await;

    assert_eq!(
        app.count("attachments").await,
        0,
        "nothing was half-attached"
    );
}

#[tokio::test]
async fn per_ticket_attachment_limit_is_enforced() {
    let app = spawn_app_with(vec![("attachments.max_per_ticket".into(), json!(2))]).await;
    let (alice, _, path) = setup(&app).await;
    let two = Form::new()
        .part("file", file("1.txt", "text/plain", b"1"))
        .part("file", file("2.txt", "text/plain", b"2"));
    assert_eq!(upload(&app, &alice, &path, two).await.status(), 201);
    let resp = upload(
        &app,
        &alice,
        &path,
        Form::new().part("file", file("3.txt", "text/plain", b"3")),
    )
    .await;
    let p = assert_problem(resp, 409, "attachment_limit").await;
    assert!(p["detail"].as_str().unwrap().contains("at most 2"));
    assert_eq!(app.count("attachments").await, 2);
}
