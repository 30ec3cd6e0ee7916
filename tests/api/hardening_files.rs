//! Files keep the visibility of the comment they came with, a comment and
//! its files commit together, and parallel uploads respect the limit
//! (hardening items 1, 6 and 8).

use itdesk::auth::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};
use crate::web_pages::{browser, csrf_of, login};

fn file(name: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str("text/plain")
        .unwrap()
}

struct Desk {
    alice: String,
    agent: String,
    number: i64,
    id: String,
}

/// Alice (requester, password "alice password") files a ticket that the
/// agent (password "agent password") works.
async fn desk(app: &TestApp) -> Desk {
    app.user_with_password("alice@example.org", Role::Requester, "alice password")
        .await;
    app.user_with_password("agent@example.org", Role::Agent, "agent password")
        .await;
    let alice = app.token("alice@example.org", Role::Requester).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let t = app
        .create_ticket(
            &alice,
            json!({"subject": "Laptop", "description": "Will not boot"}),
        )
        .await;
    Desk {
        alice,
        agent,
        number: t["number"].as_i64().unwrap(),
        id: t["id"].as_str().unwrap().to_owned(),
    }
}

async fn files_seen(app: &TestApp, token: &str, d: &Desk) -> Vec<Value> {
    let resp = app
        .get(token, &format!("/api/v1/tickets/{}/attachments", d.id))
        .await;
    assert_eq!(resp.status(), 200);
    resp.json::<Vec<Value>>().await.unwrap()
}

async fn history_text(app: &TestApp, token: &str, d: &Desk) -> String {
    app.get(token, &format!("/api/v1/tickets/{}/history", d.id))
        .await
        .text()
        .await
        .unwrap()
}

/// Asserts that the requester sees none of the file named, wherever files
/// show, while staff see it marked internal.
async fn hidden_from_requester(app: &TestApp, d: &Desk, name: &str, with_note: bool) {
    let staff = files_seen(app, &d.agent, d).await;
    let row = staff
        .iter()
        .find(|f| f["filename"] == name)
        .unwrap_or_else(|| panic!("staff see {name}: {staff:?}"));
    assert_eq!(row["public"], false, "{row}");
    assert_eq!(row["comment_id"].is_string(), with_note, "{row}");
    let aid = row["id"].as_str().unwrap();

    let mine = files_seen(app, &d.alice, d).await;
    assert!(mine.iter().all(|f| f["filename"] != name), "{mine:?}");
    let download = app
        .get(
            &d.alice,
            &format!("/api/v1/tickets/{}/attachments/{aid}", d.id),
        )
        .await;
    assert_problem(download, 404, "not_found").await;
    let staff_download = app
        .get(
            &d.agent,
            &format!("/api/v1/tickets/{}/attachments/{aid}", d.id),
        )
        .await;
    assert_eq!(staff_download.status(), 200);
    assert!(!history_text(app, &d.alice, d).await.contains(name));
    assert!(history_text(app, &d.agent, d).await.contains(name));
}

#[tokio::test]
async fn an_internal_notes_files_stay_with_staff_on_every_door() {
    let app = spawn_app().await;
    let d = desk(&app).await;

    // The web form.
    let staff = browser();
    login(&app, &staff, "agent@example.org", "agent password").await;
    let page = staff
        .get(app.url(&format!("/tickets/{}", d.number)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let note = Form::new()
        .text("csrf", csrf_of(&page))
        .text("body", "Vendor quote attached, do not share")
        .text("visibility", "internal")
        .part("file", file("web-quote.txt", b"EUR 1,200 net"));
    let resp = staff
        .post(app.url(&format!("/tickets/{}/comments", d.number)))
        .multipart(note)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    hidden_from_requester(&app, &d, "web-quote.txt", true).await;

    // The API: a note with files as multipart, and a bare upload marked internal.
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{}/comments", d.id)))
        .bearer_auth(&d.agent)
        .multipart(
            Form::new()
                .text("body", "Serial numbers of the replacement")
                .text("public", "false")
                .part("file", file("api-serials.txt", b"SN-1 SN-2")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let comment: Value = resp.json().await.unwrap();
    assert_eq!(comment["public"], false);
    hidden_from_requester(&app, &d, "api-serials.txt", true).await;
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{}/attachments", d.id)))
        .bearer_auth(&d.agent)
        .multipart(
            Form::new()
                .text("public", "FALSE")
                .part("file", file("api-internal.txt", b"internal")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    hidden_from_requester(&app, &d, "api-internal.txt", false).await;

    // A requester cannot make a file internal, nor send a wrong flag.
    for (public, code) in [
        ("false", "validation_failed"),
        ("maybe", "validation_failed"),
    ] {
        let resp = app
            .client
            .post(app.url(&format!("/api/v1/tickets/{}/attachments", d.id)))
            .bearer_auth(&d.alice)
            .multipart(
                Form::new()
                    .text("public", public)
                    .part("file", file("x.txt", b"x")),
            )
            .send()
            .await
            .unwrap();
        let p = assert_problem(resp, 422, code).await;
        assert_eq!(p["errors"][0]["field"], "public", "{p}");
    }

    // The portal page lists none of them; a public reply's file shows.
    let portal = browser();
    login(&app, &portal, "alice@example.org", "alice password").await;
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{}/comments", d.id)))
        .bearer_auth(&d.agent)
        .multipart(
            Form::new()
                .text("body", "Here is the guide")
                .part("file", file("guide.txt", b"press F12")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let html = portal
        .get(app.url(&format!("/tickets/{}", d.number)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("guide.txt"), "public file shown");
    for name in ["web-quote.txt", "api-serials.txt", "api-internal.txt"] {
        assert!(!html.contains(name), "{name} on the portal page");
    }
    let mine = files_seen(&app, &d.alice, &d).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["public"], true);
}

#[tokio::test]
async fn a_comment_and_its_files_are_saved_together_or_not_at_all() {
    let app = spawn_app_with(vec![("attachments.max_per_ticket".into(), json!(2))]).await;
    let d = desk(&app).await;
    let two = Form::new()
        .part("file", file("1.txt", b"1"))
        .part("file", file("2.txt", b"2"));
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{}/attachments", d.id)))
        .bearer_auth(&d.alice)
        .multipart(two)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let comments_before = app.count("comments").await;

    // The web form: refused, the draft kept, nothing saved.
    let staff = browser();
    login(&app, &staff, "agent@example.org", "agent password").await;
    let page = staff
        .get(app.url(&format!("/tickets/{}", d.number)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let note = Form::new()
        .text("csrf", csrf_of(&page))
        .text("body", "Note with one file too many")
        .text("visibility", "internal")
        .part("file", file("3.txt", b"3"));
    let resp = staff
        .post(app.url(&format!("/tickets/{}/comments", d.number)))
        .multipart(note)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    let html = resp.text().await.unwrap();
    assert!(html.contains("Note with one file too many"), "draft kept");
    assert_eq!(app.count("comments").await, comments_before);

    // The API door: the same.
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{}/comments", d.id)))
        .bearer_auth(&d.agent)
        .multipart(
            Form::new()
                .text("body", "API note with a file too many")
                .part("file", file("4.txt", b"4")),
        )
        .send()
        .await
        .unwrap();
    assert_problem(resp, 409, "attachment_limit").await;
    assert_eq!(app.count("comments").await, comments_before);
    assert_eq!(app.count("attachments").await, 2);
    let history = history_text(&app, &d.agent, &d).await;
    assert!(!history.contains("API note"), "{history}");

    // A new ticket from the web form with more files than allowed files nothing.
    app.user_with_password("bob@example.org", Role::Requester, "bob password")
        .await;
    let bob = browser();
    login(&app, &bob, "bob@example.org", "bob password").await;
    let form = bob
        .get(app.url("/tickets/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let tickets_before = app.count("tickets").await;
    let resp = bob
        .post(app.url("/tickets/new"))
        .multipart(
            Form::new()
                .text("csrf", csrf_of(&form))
                .text("type", "incident")
                .text("subject", "Three screenshots")
                .text("description", "see files")
                .text("urgency", "low")
                .part("file", file("a.txt", b"a"))
                .part("file", file("b.txt", b"b"))
                .part("file", file("c.txt", b"c")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("Three screenshots"));
    assert_eq!(app.count("tickets").await, tickets_before);
}

#[tokio::test]
async fn parallel_uploads_cannot_pass_the_attachment_limit() {
    let app = spawn_app_with(vec![("attachments.max_per_ticket".into(), json!(20))]).await;
    let d = desk(&app).await;
    let mut handles = Vec::new();
    for i in 0..40 {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/tickets/{}/attachments", d.id));
        let token = d.agent.clone();
        handles.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .multipart(Form::new().part("file", file(&format!("{i}.txt"), b"x")))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut created = 0;
    for h in handles {
        match h.await.unwrap() {
            201 => created += 1,
            409 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(created, 20);
    assert_eq!(app.count("attachments").await, 20);
}

fn age(path: &std::path::Path, hours: u64) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(hours * 3600);
    std::fs::File::options()
        .append(true)
        .open(path)
        .unwrap()
        .set_modified(past)
        .unwrap();
}

fn stored_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .flat_map(|shard| std::fs::read_dir(shard.path()).unwrap().flatten())
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn files_left_by_a_refused_transaction_are_collected_later() {
    let app = spawn_app_with(vec![("attachments.max_per_ticket".into(), json!(1))]).await;
    let d = desk(&app).await;
    let upload = |name: &'static str, body: &'static [u8]| {
        app.client
            .post(app.url(&format!("/api/v1/tickets/{}/comments", d.id)))
            .bearer_auth(&d.agent)
            .multipart(
                Form::new()
                    .text("body", "with a file")
                    .part("file", file(name, body)),
            )
            .send()
    };
    assert_eq!(upload("kept.txt", b"kept").await.unwrap().status(), 201);
    // Refused at the limit: its bytes were written before the transaction.
    assert_eq!(
        upload("refused.txt", b"refused").await.unwrap().status(),
        409
    );
    let dir = app.attachments_dir();
    let files = stored_files(&dir);
    assert_eq!(files.len(), 2, "{files:?}");
    std::fs::create_dir_all(dir.join("ab")).unwrap();
    let stray = dir.join("ab").join(format!(".{}.tmp", "ab".repeat(32)));
    std::fs::write(&stray, b"half written").unwrap();

    let collect = |grace_hours: u64| {
        let state = app.state.clone();
        tokio::task::spawn_blocking(move || {
            itdesk::housekeeping::collect_files(
                &state,
                std::time::Duration::from_secs(grace_hours * 3600),
            )
            .unwrap()
        })
    };
    assert_eq!(collect(1).await.unwrap(), 0, "young files are left alone");
    for f in stored_files(&dir) {
        age(&f, 2);
    }
    assert_eq!(
        collect(1).await.unwrap(),
        2,
        "the refused file and the stray"
    );
    let left = stored_files(&dir);
    assert_eq!(left.len(), 1, "{left:?}");
    let rows = files_seen(&app, &d.agent, &d).await;
    let download = app
        .get(&d.agent, rows[0]["download_url"].as_str().unwrap())
        .await;
    assert_eq!(download.bytes().await.unwrap().as_ref(), b"kept");
}
