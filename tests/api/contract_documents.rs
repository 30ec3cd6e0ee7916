//! Documents kept with a contract, on the rules of a ticket's files: the
//! size limit, allowed types checked against the bytes, cleaned names, a
//! cap per contract, downloads browsers will not render, staff only,
//! every addition and removal in the history, and bytes kept while a
//! document refers to them.

use itdesk::auth::Role;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, browser, csrf_of, login, page_text, spawn_app_with};
use crate::vendors::{contract, vendor};

fn part(name: &str, bytes: &[u8], mime: &str) -> Part {
    Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap()
}

async fn upload(app: &TestApp, token: &str, id: &str, form: Form) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/contracts/{id}/documents")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn listed(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let resp = app
        .get(token, &format!("/api/v1/contracts/{id}/documents"))
        .await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

#[tokio::test]
async fn documents_follow_the_rules_of_ticket_files_and_stay_with_staff() {
    let app = spawn_app_with(vec![
        ("attachments.max_per_ticket".into(), json!(3)),
        ("attachments.max_bytes".into(), json!(2000)),
    ])
    .await;
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    let agent = app.token("agent@example.org", Role::Agent).await;
    let requester = app.token("user@example.org", Role::Requester).await;
    let v = vendor(&app, &coord, "Contoso").await;
    let c = contract(
        &app,
        &coord,
        json!({"vendor_id": v, "kind": "support", "title": "Support"}),
    )
    .await;
    let id = c["id"].as_str().unwrap();

    // Two files at once; a path in the name is cleaned away.
    let form = Form::new()
        .part(
            "file",
            part("../../signed contract.pdf", PDF, "application/pdf"),
        )
        .part("file", part("prices.txt", b"seat: 12 EUR", "text/plain"));
    let resp = upload(&app, &coord, id, form).await;
    assert_eq!(resp.status(), 201);
    let added: Vec<Value> = resp.json().await.unwrap();
    assert_eq!(added.len(), 2);
    let names: Vec<&str> = added
        .iter()
        .map(|d| d["filename"].as_str().unwrap())
        .collect();
    assert!(
        !names[0].contains('/') && names[0].ends_with(".pdf"),
        "{names:?}"
    );
    assert_eq!(names[1], "prices.txt");

    // Staff read and download; the download is an attachment browsers will
    // not render or sniff.
    assert_eq!(listed(&app, &agent, id).await.len(), 2);
    let url = added[1]["download_url"].as_str().unwrap();
    let resp = app.get(&agent, url).await;
    assert_eq!(resp.status(), 200);
    let h = |n: &str| resp.headers()[n].to_str().unwrap().to_owned();
    assert!(
        h("content-disposition").starts_with("attachment"),
        "{}",
        h("content-disposition")
    );
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert!(h("content-security-policy").contains("sandbox"));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"seat: 12 EUR");

    // Requesters see nothing of contracts; agents may not add or remove.
    let refused = app
        .get(&requester, &format!("/api/v1/contracts/{id}/documents"))
        .await;
    assert_eq!(refused.status(), 403);
    let resp = upload(
        &app,
        &agent,
        id,
        Form::new().part("file", part("a.txt", b"a", "text/plain")),
    )
    .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .client
        .delete(app.url(url))
        .bearer_auth(&agent)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    // Refused whole, nothing kept: bytes that contradict the type, a file
    // over the limit, an empty one, one over the cap.
    let lying = Form::new()
        .part("file", part("ok.txt", b"fine", "text/plain"))
        .part("file", part("photo.png", b"not a png at all", "image/png"));
    assert_eq!(upload(&app, &coord, id, lying).await.status(), 415);
    let big = Form::new().part("file", part("big.txt", &[b'x'; 3000], "text/plain"));
    assert_eq!(upload(&app, &coord, id, big).await.status(), 413);
    let empty = Form::new().part("file", part("empty.txt", b"", "text/plain"));
    let problem = assert_problem(
        upload(&app, &coord, id, empty).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "file");
    let two_more = Form::new()
        .part("file", part("c.txt", b"c", "text/plain"))
        .part("file", part("d.txt", b"d", "text/plain"));
    assert_problem(
        upload(&app, &coord, id, two_more).await,
        409,
        "document_limit",
    )
    .await;
    assert_eq!(listed(&app, &coord, id).await.len(), 2, "nothing half-kept");
    let other = Form::new().part("file", part("x.txt", b"x", "text/plain"));
    assert_eq!(
        upload(&app, &coord, "no-such-contract", other)
            .await
            .status(),
        404
    );

    // Removed: gone from the list, its bytes collected; the other's stay.
    let resp = app
        .client
        .delete(app.url(url))
        .bearer_auth(&coord)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let left = listed(&app, &coord, id).await;
    assert_eq!(left.len(), 1);
    assert_eq!(app.get(&coord, url).await.status(), 404);
    let state = app.state.clone();
    let removed = tokio::task::spawn_blocking(move || {
        itdesk::housekeeping::collect_files(&state, std::time::Duration::ZERO).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        removed, 3,
        "the removed document's bytes and the two of the upload refused over the cap"
    );
    let kept = app
        .get(&coord, left[0]["download_url"].as_str().unwrap())
        .await;
    assert_eq!(kept.status(), 200);
    assert_eq!(kept.bytes().await.unwrap().as_ref(), PDF);
    assert_eq!(app.count("contract_documents").await, 1);
}

#[tokio::test]
async fn the_contract_page_keeps_documents_and_says_why_one_is_refused() {
    let app = spawn_app_with(vec![("attachments.max_bytes".into(), json!(2000))]).await;
    let coord = app.token("coord@example.org", Role::Coordinator).await;
    let v = vendor(&app, &coord, "Contoso").await;
    let c = contract(
        &app,
        &coord,
        json!({"vendor_id": v, "kind": "lease", "title": "Printers"}),
    )
    .await;
    let id = c["id"].as_str().unwrap();
    app.user_with_password("c@example.org", Role::Coordinator, "coord password")
        .await;
    let b = browser();
    login(&app, &b, "c@example.org", "coord password").await;
    let page = format!("/contracts/{id}");
    let (status, html) = page_text(&b, app.url(&page)).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"no-documents\""), "{html}");
    let csrf = csrf_of(&html);
    let post = |form: Form| {
        b.post(app.url(&format!("{page}/documents")))
            .multipart(form)
            .send()
    };

    let resp = post(
        Form::new()
            .text("csrf", csrf.clone())
            .part("file", part("lease.pdf", PDF, "application/pdf")),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = page_text(&b, app.url(&page)).await;
    assert!(
        html.contains("The documents are kept with the contract."),
        "{html}"
    );
    assert!(html.contains(">lease.pdf</a>") && html.contains("document added: lease.pdf"));

    // Refused beside the file box, with a 422 and nothing kept.
    let resp = post(
        Form::new()
            .text("csrf", csrf.clone())
            .part("file", part("fake.png", b"plain words", "image/png")),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"d-file-error\""), "{html}");
    let resp = post(
        Form::new()
            .text("csrf", csrf.clone())
            .part("file", part("", b"", "application/octet-stream")),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("choose one or more files")
    );
    // Without the form's token nothing is kept.
    let resp = post(Form::new().part("file", part("x.txt", b"x", "text/plain")))
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(app.count("contract_documents").await, 1);

    // Downloaded from the page, and removed with its history kept.
    let docs = listed(&app, &coord, id).await;
    let doc = docs[0]["id"].as_str().unwrap();
    let resp = b
        .get(app.url(&format!("{page}/documents/{doc}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), PDF);
    let resp = b
        .post(app.url(&format!("{page}/documents/{doc}/delete")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = page_text(&b, app.url(&page)).await;
    assert!(html.contains("id=\"no-documents\"") && html.contains("document removed: lease.pdf"));
}
