//! Every route × every role (hardening: make it stay closed). The routes
//! come from the route table itself — the OpenAPI document for the API
//! (and a check that every route the source registers is in it) and the
//! page routes `src/web/routes.rs` registers — so a new route without a
//! decision below fails this test until someone decides who may use it.

use serde_json::{Value, json};

use crate::access_fixture::{call, expand, fixture};
use crate::access_rules::{ROLES, Rule, api_rule, page_rule};
use crate::helpers::{spawn_app, spawn_app_with};
use crate::web_pages::{browser, login};

/// The API operations of the OpenAPI document.
fn api_routes() -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(&itdesk::openapi::document()).unwrap();
    let mut routes = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                routes.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// The first string literal after each `.route(` / `web::resource(` in a
/// source file, and the method that follows it (`None` for a resource).
fn registered(source: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    for marker in [".route(", "web::resource("] {
        let mut rest = source;
        while let Some(at) = rest.find(marker) {
            rest = &rest[at + marker.len()..];
            let Some(open) = rest.find('"') else { break };
            if !rest[..open].trim().is_empty() {
                continue;
            }
            let path = rest[open + 1..].split('"').next().unwrap().to_owned();
            let method = (marker == ".route(")
                .then(|| {
                    let after = &rest[open + path.len() + 2..];
                    ["get", "post", "put", "patch", "delete"]
                        .iter()
                        .map(|m| (after.find(&format!("web::{m}()")), m))
                        .filter_map(|(i, m)| i.map(|i| (i, m)))
                        .min()
                        .map(|(_, m)| m.to_uppercase())
                })
                .flatten();
            out.push((method, path));
        }
    }
    out
}

fn source_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            source_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn page_routes() -> Vec<(String, String)> {
    let src =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/routes.rs")).unwrap();
    registered(&src)
        .into_iter()
        .map(|(m, p)| (m.expect("pages are registered with .route"), p))
        .collect()
}

#[test]
fn every_api_route_the_source_registers_is_in_the_openapi_document() {
    let documented: Vec<String> = api_routes().into_iter().map(|(_, p)| p).collect();
    let mut files = Vec::new();
    source_files(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    let mut missing = Vec::new();
    for f in files.iter().filter(|f| !f.ends_with("web/routes.rs")) {
        let src = std::fs::read_to_string(f).unwrap();
        for (_, path) in registered(&src) {
            let full = if path == "/healthz" {
                path
            } else {
                format!("/api/v1{path}")
            };
            if full != "/api/v1/openapi.json" && !documented.contains(&full) {
                missing.push(format!("{full} ({})", f.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without an OpenAPI entry (and so without an access decision): {missing:?}"
    );
    assert!(documented.len() > 60);
}

#[test]
fn every_route_has_an_access_decision() {
    let mut undecided: Vec<String> = api_routes()
        .into_iter()
        .filter(|(m, p)| api_rule(m, p).is_none())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    undecided.extend(
        page_routes()
            .into_iter()
            .filter(|(m, p)| page_rule(m, p).is_none())
            .map(|(m, p)| format!("page {m} {p}")),
    );
    assert!(undecided.is_empty(), "decide who may use: {undecided:?}");
}

#[tokio::test]
async fn every_api_route_answers_every_role_as_decided() {
    let app = spawn_app_with(vec![
        ("inventory.username".into(), json!("agent")),
        ("inventory.password".into(), json!("inventory secret")),
    ])
    .await;
    let f = fixture(&app).await;
    let mut wrong = Vec::new();
    let mut routes = api_routes();
    // Ending things last, so that the rest still finds them.
    routes.sort_by_key(|(m, p)| (m == "DELETE" || p.ends_with("deactivate"), p.clone()));
    for (method, path) in &routes {
        let rule = api_rule(method, path).expect("decided (see the test above)");
        let anon = call(&app, &f, method, path, None).await;
        let anon_ok = match rule {
            Rule::Public => anon != 401 && anon != 403,
            _ => anon == 401,
        };
        if !anon_ok {
            wrong.push(format!("{method} {path} anonymous → {anon}"));
        }
        if rule == Rule::OwnAuth || rule == Rule::Public {
            continue;
        }
        for (role, token) in &f.tokens {
            let status = call(&app, &f, method, path, Some(token)).await;
            let allowed = rule.allows(*role);
            let ok = if allowed {
                let refused = matches!(status, 401 | 403);
                let missing = method == "GET" && status == 404;
                !refused && !missing
            } else {
                matches!(status, 403 | 404)
            };
            if !ok {
                let expected = if allowed { "allowed" } else { "refused" };
                wrong.push(format!(
                    "{method} {path} as {role} → {status} (should be {expected})"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the decisions:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn every_page_answers_every_role_as_decided() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let mut sessions = Vec::new();
    for role in ROLES {
        let client = browser();
        let resp = login(
            &app,
            &client,
            &format!("{role}@example.org"),
            "matrix password",
        )
        .await;
        assert_eq!(resp.status(), 303, "{role} logs in");
        sessions.push((role, client));
    }
    let mut wrong = Vec::new();
    for (method, path) in page_routes() {
        let rule = page_rule(&method, &path).expect("decided");
        let url = expand(&path, &f);
        let anon = browser()
            .request(method.parse().unwrap(), app.url(&url))
            .send()
            .await
            .unwrap();
        let to_login = anon.status() == 303
            && anon.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login");
        let anon_ok = match rule {
            Rule::Public => !to_login && anon.status() != 401,
            // A form posted without a session is refused (its CSRF token
            // cannot match) or sent to log in.
            _ if method == "POST" => to_login || anon.status() == 403,
            _ => to_login,
        };
        if !anon_ok {
            wrong.push(format!(
                "page {method} {path} anonymous → {}",
                anon.status()
            ));
        }
        if method != "GET" || rule == Rule::Public {
            continue;
        }
        for (role, client) in &sessions {
            let resp = client.get(app.url(&url)).send().await.unwrap();
            let status = resp.status().as_u16();
            let to_login = status == 303
                && resp.headers()["location"]
                    .to_str()
                    .unwrap()
                    .starts_with("/login");
            let allowed = rule.allows(*role);
            let ok = if allowed {
                !matches!(status, 401 | 403) && !to_login
            } else {
                matches!(status, 403 | 404)
            };
            if !ok {
                let expected = if allowed { "allowed" } else { "refused" };
                wrong.push(format!(
                    "page {path} as {role} → {status} (should be {expected})"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the decisions:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
