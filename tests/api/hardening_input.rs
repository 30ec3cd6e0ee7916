//! Hostile input: control characters in text, addresses and mail (item 2),
//! where login sends you afterwards (item 3), and the smaller leaks and
//! rough edges (item 10) — the same answers on SQLite and PostgreSQL.

use diesel::RunQueryDsl;
use itdesk::auth::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};
use crate::mail::{inbound, mail};
use crate::web_pages::{browser, csrf_of, login};

async fn raw_of_mail(app: &TestApp, message_id: &str) -> Vec<u8> {
    #[derive(diesel::QueryableByName)]
    struct Raw {
        #[diesel(sql_type = diesel::sql_types::Binary)]
        raw: Vec<u8>,
    }
    let db = app.state.db.clone();
    let id = message_id.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.reader().unwrap();
        let rows: Vec<Raw> = diesel::sql_query(format!(
            "SELECT raw FROM mail_messages WHERE message_id = '{id}'"
        ))
        .load(&mut *conn)
        .unwrap();
        rows.into_iter().next().expect("the message is kept").raw
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn control_characters_are_removed_from_text_on_every_door() {
    let app = spawn_app().await;
    let agent = app.token("agent@example.org", Role::Agent).await;

    // JSON: subject, description and comment lose NUL and other controls.
    let t = app
        .create_ticket(
            &agent,
            json!({"subject": "nul\u{0000}byte", "description": "bell\u{0007} and\ttab\r\nnext"}),
        )
        .await;
    assert_eq!(t["subject"], "nulbyte");
    assert_eq!(t["description"], "bell and\ttab\r\nnext");
    let id = t["id"].as_str().unwrap().to_owned();
    let resp = app
        .post_json(
            &agent,
            &format!("/api/v1/tickets/{id}/comments"),
            &json!({"body": "esc\u{001b}[31m red"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.json::<Value>().await.unwrap()["body"], "esc[31m red");

    // Addresses and queries: a NUL is gone before any lookup.
    let resp = app.get(&agent, &format!("/api/v1/tickets/{id}%00")).await;
    assert_eq!(resp.status(), 200, "the id without its NUL");
    for q in [
        "/api/v1/tickets?assignee=agent%40example.org%00",
        "/api/v1/tickets?queue=%00",
        "/api/v1/tickets?q=nul%00byte",
        "/api/v1/tickets?status=open%00",
    ] {
        let resp = app.get(&agent, q).await;
        let status = resp.status().as_u16();
        assert!(status == 200 || status == 422, "{q}: {status}");
    }
    let list: Value = app
        .get(&agent, "/api/v1/tickets?q=nul%00byte")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");

    // An asset tag.
    let manager = app.token("assets@example.org", Role::AssetManager).await;
    let model: Value = app
        .post_json(
            &manager,
            "/api/v1/models",
            &json!({"manufacturer": "Dell", "name": "Latitude 5440", "category": "laptop"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let resp = app
        .post_json(
            &manager,
            "/api/v1/assets",
            &json!({"asset_tag": "IT-\u{0000}77", "model_id": model["id"], "status": "ordered"}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.json::<Value>().await.unwrap()["asset_tag"], "IT-77");

    // Pages: a URL-encoded form, a multipart form and a search.
    app.user_with_password("coord@example.org", Role::Coordinator, "coord password")
        .await;
    let staff = browser();
    login(&app, &staff, "coord@example.org", "coord password").await;
    let page = staff
        .get(app.url(&format!("/tickets/{}", t["number"])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let resp = staff
        .post(app.url(&format!("/tickets/{}/comments", t["number"])))
        .multipart(
            Form::new()
                .text("csrf", csrf_of(&page))
                .text("body", "multi\u{0}part")
                .text("visibility", "internal"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let resp = staff
        .get(app.url("/assets?q=IT-%0077"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("IT-77"));
    let bodies: Vec<String> = app
        .get(&agent, &format!("/api/v1/tickets/{id}/comments"))
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap().to_owned())
        .collect();
    assert!(bodies.contains(&"multipart".to_owned()), "{bodies:?}");
}

#[tokio::test]
async fn a_mail_with_a_nul_is_taken_in_and_its_original_kept_byte_exact() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let raw = mail(
        "Nina <nina@example.com>",
        "=?utf-8?q?nul=00byte?=",
        "nul-1@mail.example.com",
        "",
        "body with a =00 that is not encoded",
    );
    let out = inbound(&app, &gate, raw.clone()).await;
    assert_eq!(out["action"], "created", "{out}");
    let t: Value = app
        .get(&gate, &format!("/api/v1/tickets/{}", out["ticket"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["subject"], "nulbyte");
    assert_eq!(
        raw_of_mail(&app, "nul-1@mail.example.com").await,
        raw.as_bytes()
    );

    // The MTA pipe door takes the same message in (exit 0), not 75 forever.
    let other = raw.replace("nul-1@", "nul-2@");
    let (code, stdout, stderr) = crate::mail_cli::mailgate(&app.db.url, &[], other.as_bytes());
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert_eq!(crate::mail_cli::line(&stdout)["action"], "created");
}

#[tokio::test]
async fn login_only_ever_sends_you_to_a_local_path() {
    let app = spawn_app().await;
    app.user_with_password("coord@example.org", Role::Coordinator, "coord password")
        .await;
    let client = browser();
    for hostile in [
        "/%09/evil.example",
        "/%0a/x",
        "%2F%2Fevil.example",
        "/%5Cevil",
    ] {
        let page = client
            .get(app.url(&format!("/login?next={hostile}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{hostile}");
        let html = page.text().await.unwrap();
        assert!(!html.contains("evil.example"), "{hostile}: {html}");
    }
    for hostile in ["/\t/evil.example", "/\n/x", "//evil.example", "/\\evil"] {
        let client = browser();
        let page = client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let resp = client
            .post(app.url("/login"))
            .form(&[
                ("csrf", csrf_of(&page).as_str()),
                ("email", "coord@example.org"),
                ("password", "coord password"),
                ("next", hostile),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303, "{hostile:?}");
        assert_eq!(resp.headers()["location"], "/", "{hostile:?}");
        // Logged in now: the login page itself redirects, home.
        let resp = client
            .get(app.url("/login?next=/%09/evil.example"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], "/");
    }
}

#[tokio::test]
async fn requesters_do_not_see_sla_events_in_their_history() {
    let app = spawn_app_with(crate::sla::quick_policy()).await;
    let alice = app.token("alice@example.org", Role::Requester).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(&alice, json!({"subject": "VPN", "description": "drops"}))
        .await;
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        itdesk::sla::worker::scan(&state.sla, itdesk::ids::now() + chrono::Duration::hours(30))
            .unwrap()
    })
    .await
    .unwrap();
    let path = format!("/api/v1/tickets/{}/history", t["id"].as_str().unwrap());
    let staff = app.get(&agent, &path).await.text().await.unwrap();
    assert!(staff.contains("sla_breached"), "{staff}");
    let mine = app.get(&alice, &path).await.text().await.unwrap();
    assert!(!mine.contains("sla_"), "{mine}");
    assert!(mine.contains("\"created\""), "{mine}");
}

#[tokio::test]
async fn json_bodies_are_read_whole_and_retries_compared_by_meaning() {
    let app = spawn_app().await;
    let token = app.token("alice@example.org", Role::Requester).await;
    let send = |body: &'static str, key: Option<&'static str>| {
        let mut req = app
            .client
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        req.send()
    };
    let resp = send(r#"{"subject":"a","description":"b"} xx"#, None)
        .await
        .unwrap();
    let p = assert_problem(resp, 400, "invalid_json").await;
    assert!(p["detail"].as_str().unwrap().contains("trailing"), "{p}");
    assert_eq!(app.count("tickets").await, 0);

    let first = send(r#"{"subject":"VPN","description":"drops"}"#, Some("k-1"))
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send(
        "{\n  \"description\" : \"drops\",\n  \"subject\" : \"VPN\"\n}\n",
        Some("k-1"),
    )
    .await
    .unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let changed = send(r#"{"subject":"VPN","description":"other"}"#, Some("k-1"))
        .await
        .unwrap();
    assert_problem(changed, 422, "validation_failed").await;
}

#[tokio::test]
async fn file_names_lose_bidi_controls_and_keep_their_letters_when_downloaded() {
    let app = spawn_app().await;
    let alice = app.token("alice@example.org", Role::Requester).await;
    let t = app
        .create_ticket(&alice, json!({"subject": "Invoice", "description": "x"}))
        .await;
    let path = format!("/api/v1/tickets/{}/attachments", t["id"].as_str().unwrap());
    let upload = |name: &str| {
        Form::new().part(
            "file",
            Part::bytes(b"plain text".to_vec())
                .file_name(name.to_owned())
                .mime_str("text/plain")
                .unwrap(),
        )
    };
    let resp = app
        .client
        .post(app.url(&path))
        .bearer_auth(&alice)
        .multipart(upload("invoice\u{202e}txt.exe"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let rows: Vec<Value> = resp.json().await.unwrap();
    assert_eq!(rows[0]["filename"], "invoicetxt.exe");

    let resp = app
        .client
        .post(app.url(&path))
        .bearer_auth(&alice)
        .multipart(upload("Übersicht März.txt"))
        .send()
        .await
        .unwrap();
    let rows: Vec<Value> = resp.json().await.unwrap();
    let download = app
        .get(&alice, rows[0]["download_url"].as_str().unwrap())
        .await;
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''%C3%9Cbersicht%20M%C3%A4rz.txt"),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename=\"_bersicht M_rz.txt\""),
        "{disposition}"
    );
}

#[tokio::test]
async fn a_broken_form_is_answered_with_a_page() {
    let app = spawn_app().await;
    let resp = browser()
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=x&email=")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(resp.text().await.unwrap().contains("password"));
}
