//! The access matrix's fixture: one of everything the routes name,
//! created once, a body each route would accept from someone allowed, and
//! one call of a route as a role.

use std::collections::BTreeMap;

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::access_bodies::{Body, body};
use crate::access_rules::ROLES;
use crate::helpers::TestApp;

/// Everything the paths name, created once.
pub struct Fixture {
    pub values: BTreeMap<&'static str, String>,
    pub tokens: Vec<(Role, String)>,
}

pub async fn fixture(app: &TestApp) -> Fixture {
    let mut tokens = Vec::new();
    for role in ROLES {
        let email = format!("{role}@example.org");
        app.user_with_password(&email, role, "matrix password")
            .await;
        tokens.push((role, app.token(&email, role).await));
    }
    let token = |r: Role| tokens.iter().find(|(x, _)| *x == r).unwrap().1.clone();
    let (requester, manager, admin) = (
        token(Role::Requester),
        token(Role::AssetManager),
        token(Role::Admin),
    );
    let t = app
        .create_ticket(
            &requester,
            json!({"subject": "Matrix", "description": "every door"}),
        )
        .await;
    let ticket = t["number"].to_string();
    let att: Vec<Value> = app
        .client
        .post(app.url(&format!("/api/v1/tickets/{ticket}/attachments")))
        .bearer_auth(&requester)
        .multipart(
            reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(b"x".to_vec())
                    .file_name("x.txt")
                    .mime_str("text/plain")
                    .unwrap(),
            ),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let comment: Value = app
        .post_json(
            &requester,
            &format!("/api/v1/tickets/{ticket}/comments"),
            &json!({"body": "hi"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let model: Value = app
        .post_json(
            &manager,
            "/api/v1/models",
            &json!({"manufacturer": "Dell", "name": "Latitude 7450", "category": "laptop"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let product: Value = app
        .post_json(
            &manager,
            "/api/v1/licenses/products",
            &json!({"publisher": "Matrix", "name": "Matrix Suite"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let rule: Value = app
        .post_json(
            &manager,
            "/api/v1/licenses/rules",
            &json!({"name_pattern": "Matrix runtime*", "exclude": true}),
        )
        .await
        .json()
        .await
        .unwrap();
    let entitlement: Value = app
        .post_json(
            &manager,
            "/api/v1/licenses/entitlements",
            &json!({"product_id": product["id"], "metric": "device", "quantity": 5}),
        )
        .await
        .json()
        .await
        .unwrap();
    let person: Value = app
        .post_json(
            &admin,
            "/api/v1/people",
            &json!({"email": "matrix.person@example.org", "given_name": "Matrix", "surname": "Person"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let vendor: Value = app
        .post_json(
            &manager,
            "/api/v1/vendors",
            &json!({"name": "Matrix Vendor", "kind": "msp"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let contract: Value = app
        .post_json(
            &manager,
            "/api/v1/contracts",
            &json!({"vendor_id": vendor["id"], "kind": "support", "title": "Matrix support",
                "ends_on": "2030-12-31", "auto_renew": true, "renewal_months": 12}),
        )
        .await
        .json()
        .await
        .unwrap();
    let document: Vec<Value> = app
        .client
        .post(app.url(&format!(
            "/api/v1/contracts/{}/documents",
            contract["id"].as_str().unwrap()
        )))
        .bearer_auth(&manager)
        .multipart(
            reqwest::multipart::Form::new()
                .part("file", file_part("signed.txt", b"signed", "text/plain")),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let order: Value = app
        .post_json(
            &manager,
            "/api/v1/purchase-orders",
            &json!({"vendor_id": vendor["id"],
                "lines": [{"description": "Matrix cables", "quantity": 2, "unit_cost_minor": 500}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let frozen: Value = app
        .post_json(&manager, "/api/v1/licenses/audits", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let asset: Value = app
        .post_json(
            &manager,
            "/api/v1/assets",
            &json!({"asset_tag": "MX-1", "model_id": model["id"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let checkout: Value = app
        .post_json(
            &manager,
            "/api/v1/assets/MX-1/checkout",
            &json!({"assignee": "requester@example.org"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let link = app
        .post_json(
            &manager,
            &format!("/api/v1/tickets/{ticket}/assets"),
            &json!({"asset": "MX-1"}),
        )
        .await;
    assert_eq!(link.status(), 200, "{}", link.text().await.unwrap());
    let import: Value = app
        .client
        .post(app.url("/api/v1/assets/imports"))
        .bearer_auth(&manager)
        .multipart(
            reqwest::multipart::Form::new()
                .text("profile", "snipeit")
                .text("dry_run", "true")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(b"Asset Tag,Serial Number\nMX-2,S2\n".to_vec())
                        .file_name("a.csv")
                        .mime_str("text/csv")
                        .unwrap(),
                ),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let queue = app
        .post_json(
            &admin,
            "/api/v1/queues",
            &json!({"slug": "network", "name": "Network"}),
        )
        .await;
    assert_eq!(queue.status(), 201);
    let throwaway = app.token("throwaway@example.org", Role::Agent).await;
    let throwaway_token: Vec<Value> = app
        .get(&throwaway, "/api/v1/tokens")
        .await
        .json()
        .await
        .unwrap();
    // With no directory configured a sync fails, and the failed run is kept.
    let sync = app
        .post_json(&admin, "/api/v1/directory/sync", &json!({}))
        .await;
    assert_eq!(sync.status(), 409);
    let runs: Vec<Value> = app
        .get(&admin, "/api/v1/directory/syncs")
        .await
        .json()
        .await
        .unwrap();
    // A planned onboarding (no directory: the new hire's address given).
    let onboarding: Value = app
        .post_json(
            &admin,
            "/api/v1/onboarding/runs",
            &json!({"kind": "onboard", "effective_on": "2030-01-01",
                "person": {"given_name": "Matrix", "surname": "Run", "email": "run@example.org"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut values = BTreeMap::new();
    values.insert("{id}@runs", onboarding["id"].as_str().unwrap().to_owned());
    values.insert("{id}@syncs", runs[0]["id"].as_str().unwrap().to_owned());
    values.insert("{id}@tickets", ticket.clone());
    values.insert("{number}", ticket);
    values.insert("{attachment_id}", att[0]["id"].as_str().unwrap().to_owned());
    values.insert("{comment_id}", comment["id"].as_str().unwrap().to_owned());
    values.insert(
        "{id}@assets",
        asset["asset_tag"].as_str().unwrap().to_owned(),
    );
    values.insert("{tag}", "MX-1".into());
    values.insert("{asset}", "MX-1".into());
    values.insert(
        "{id}@checkouts",
        checkout["checkout"]["id"]
            .as_str()
            .or(checkout["id"].as_str())
            .unwrap_or("none")
            .to_owned(),
    );
    values.insert("{id}@imports", import["id"].as_str().unwrap().to_owned());
    values.insert("{slug}", "network".into());
    values.insert("{name}", "matrix-nothing".into());
    values.insert(
        "{id}@tokens",
        throwaway_token[0]["id"].as_str().unwrap().to_owned(),
    );
    values.insert("{id}@users", "throwaway@example.org".into());
    values.insert("{id}@notifications", "no-such-notification".into());
    values.insert("{id}@mail", "no-such-mail".into());
    values.insert("{token}", "no-such-token".into());
    values.insert("{model}", model["id"].as_str().unwrap().to_owned());
    values.insert("{id}@products", product["id"].as_str().unwrap().to_owned());
    values.insert("{id}@rules", rule["id"].as_str().unwrap().to_owned());
    values.insert("{product_id}", product["id"].as_str().unwrap().to_owned());
    values.insert("{allocation_id}", "no-such-allocation".into());
    values.insert("{month}", "2026-10".into());
    values.insert(
        "{document_id}",
        document[0]["id"].as_str().unwrap().to_owned(),
    );
    values.insert("{eid}", "no-such-escalation".into());
    values.insert("{id}@audits", frozen["id"].as_str().unwrap().to_owned());
    values.insert("{id}@vendors", vendor["id"].as_str().unwrap().to_owned());
    values.insert("{id}@people", person["id"].as_str().unwrap().to_owned());
    values.insert(
        "{id}@purchase-orders",
        order["id"].as_str().unwrap().to_owned(),
    );
    values.insert(
        "{id}@contracts",
        contract["id"].as_str().unwrap().to_owned(),
    );
    values.insert(
        "{id}@entitlements",
        entitlement["id"].as_str().unwrap().to_owned(),
    );
    Fixture { values, tokens }
}

/// A concrete address for a route template.
pub fn expand(path: &str, f: &Fixture) -> String {
    let scope = [
        "entitlements",
        "audits",
        "vendors",
        "people",
        "syncs",
        "runs",
        "contracts",
        "purchase-orders",
        "products",
        "rules",
        "imports",
        "checkouts",
        "tokens",
        "users",
        "notifications",
        "mail",
        "assets",
        "tickets",
    ]
    .into_iter()
    .find(|s| {
        path.split('/')
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0] == *s && w[1] == "{id}")
    });
    let mut out = path.to_owned();
    if let Some(s) = scope {
        out = out.replacen("{id}", &f.values[format!("{{id}}@{s}").as_str()], 1);
    }
    for (k, v) in &f.values {
        if !k.contains('@') {
            out = out.replace(k, v);
        }
    }
    out
}

pub fn file_part(name: &str, bytes: &[u8], mime: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap()
}

pub async fn call(
    app: &TestApp,
    f: &Fixture,
    method: &str,
    path: &str,
    token: Option<&str>,
) -> u16 {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // A removal would take away the document the downloads read.
    let path = &if method == "DELETE" {
        path.replace("{document_id}", "no-such-document")
    } else {
        path.to_owned()
    };
    let mut req = app
        .client
        .request(method.parse().unwrap(), app.url(&expand(path, f)));
    req = match body(method, path, n) {
        Body::None => req,
        Body::Json(text) => req.header("content-type", "application/json").body(
            text.replace("{model}", &f.values["{model}"])
                .replace("{product}", &f.values["{id}@products"])
                .replace("{vendor}", &f.values["{id}@vendors"]),
        ),
        Body::File => req.multipart(
            reqwest::multipart::Form::new().part("file", file_part("m.txt", b"m", "text/plain")),
        ),
        Body::Import => req.multipart(
            reqwest::multipart::Form::new()
                .text("profile", "snipeit")
                .text("dry_run", "true")
                .part("file", file_part("a.csv", b"Asset Tag\nMX-9\n", "text/csv")),
        ),
        Body::Mail(n) => req.header("content-type", "message/rfc822").body(format!(
            "From: someone@example.com\r\nTo: helpdesk@example.org\r\nSubject: matrix {n}\r\n\
             Message-ID: <matrix-{n}@example.com>\r\n\r\nhello\r\n"
        )),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().status().as_u16()
}
