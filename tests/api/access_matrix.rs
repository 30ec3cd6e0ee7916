//! Every route × every role (hardening: make it stay closed). The routes
//! come from the route table itself — the OpenAPI document for the API
//! (and a check that every route the source registers is in it) and the
//! page routes `src/web/routes.rs` registers — so a new route without a
//! decision below fails this test until someone decides who may use it.

use itdesk::auth::Role;
use serde_json::{Value, json};

use crate::access_fixture::{call, expand, fixture};
use crate::helpers::{spawn_app, spawn_app_with};
use crate::web_pages::{browser, login};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone, logged in or not.
    Public,
    /// Its own credentials (inventory agents: HTTP basic).
    OwnAuth,
    /// Anyone logged in.
    Everyone,
    /// Anyone logged in but viewers (who change nothing).
    NotViewers,
    /// Staff: everyone but requesters.
    Staff,
    /// Those who work tickets: agents, coordinators, asset managers, admins.
    Workers,
    /// Coordinators and admins.
    Coordinators,
    /// Asset managers and admins.
    Managers,
    /// Admins.
    Admins,
    /// Coordinators, asset managers and admins (vendors and contracts).
    ContractManagers,
    /// Only the person the resource is about (here: the requester, to
    /// whom the fixture's asset is checked out).
    TheRequester,
}

pub const ROLES: [Role; 6] = [
    Role::Requester,
    Role::Agent,
    Role::Coordinator,
    Role::AssetManager,
    Role::Admin,
    Role::Viewer,
];

impl Rule {
    fn allows(self, role: Role) -> bool {
        use Role::*;
        match self {
            Rule::Public | Rule::OwnAuth | Rule::Everyone => true,
            Rule::NotViewers => role != Viewer,
            Rule::Staff => role != Requester,
            Rule::Workers => matches!(role, Agent | Coordinator | AssetManager | Admin),
            Rule::Coordinators => matches!(role, Coordinator | Admin),
            Rule::Managers => matches!(role, AssetManager | Admin),
            Rule::Admins => role == Admin,
            Rule::ContractManagers => matches!(role, Coordinator | AssetManager | Admin),
            Rule::TheRequester => role == Requester,
        }
    }
}

/// The decision for each API operation.
fn api_rule(method: &str, path: &str) -> Option<Rule> {
    use Rule::*;
    let rule = match (method, path) {
        ("GET", "/healthz") => Public,
        ("GET", "/api/v1/assets") => Staff,
        ("POST", "/api/v1/assets") => Managers,
        ("GET", "/api/v1/assets/depreciation") => Staff,
        ("GET", "/api/v1/assets/export") => Staff,
        ("GET", "/api/v1/assets/imports") => Staff,
        ("POST", "/api/v1/assets/imports") => Managers,
        ("GET", "/api/v1/assets/imports/{id}") => Staff,
        ("GET", "/api/v1/assets/stock") => Staff,
        ("GET", "/api/v1/assets/{id}") => Staff,
        ("PATCH", "/api/v1/assets/{id}") => Managers,
        ("POST", "/api/v1/assets/{id}/checkin") => Managers,
        ("POST", "/api/v1/assets/{id}/checkout") => Managers,
        ("GET", "/api/v1/assets/{id}/installations") => Staff,
        ("GET", "/api/v1/assets/{id}/tickets") => Staff,
        ("POST", "/api/v1/assets/{id}/transitions") => Managers,
        ("GET", "/api/v1/categories") => Everyone,
        ("POST", "/api/v1/categories") => Coordinators,
        ("GET", "/api/v1/checkouts") => Staff,
        ("POST", "/api/v1/checkouts/accept") => Public,
        ("POST", "/api/v1/checkouts/{id}/accept") => TheRequester,
        ("POST", "/api/v1/inbound/email") => Workers,
        ("POST", "/api/v1/inventory/ocs") => OwnAuth,
        ("GET", "/api/v1/licenses/entitlements" | "/api/v1/licenses/entitlements/{id}") => Staff,
        ("POST", "/api/v1/licenses/entitlements") => Managers,
        ("PATCH" | "DELETE", "/api/v1/licenses/entitlements/{id}") => Managers,
        ("GET", "/api/v1/licenses/products" | "/api/v1/licenses/products/{id}") => Staff,
        ("POST", "/api/v1/licenses/products") => Managers,
        ("PATCH" | "DELETE", "/api/v1/licenses/products/{id}") => Managers,
        ("GET", "/api/v1/licenses/rules" | "/api/v1/licenses/unmatched") => Staff,
        ("POST", "/api/v1/licenses/rules") => Managers,
        ("POST", "/api/v1/licenses/rules/preview") => Staff,
        ("PATCH" | "DELETE", "/api/v1/licenses/rules/{id}") => Managers,
        ("GET", "/api/v1/licenses/positions" | "/api/v1/licenses/positions/{product_id}") => Staff,
        ("GET", "/api/v1/licenses/entitlements/{id}/allocations") => Staff,
        ("POST", "/api/v1/licenses/entitlements/{id}/allocations") => Managers,
        ("DELETE", "/api/v1/licenses/entitlements/{id}/allocations/{allocation_id}") => Managers,
        ("POST", "/api/v1/licenses/resolve") => Managers,
        ("GET", "/api/v1/licenses/audit" | "/api/v1/licenses/audits") => Staff,
        ("GET", "/api/v1/licenses/reclaim") => Staff,
        ("GET", "/api/v1/licenses/audits/{id}") => Staff,
        ("POST", "/api/v1/licenses/audits") => Managers,
        ("GET", "/api/v1/vendors" | "/api/v1/vendors/{id}") => Staff,
        ("GET", "/api/v1/people" | "/api/v1/people/{id}") => Staff,
        ("POST", "/api/v1/people") | ("PATCH", "/api/v1/people/{id}") => Coordinators,
        ("POST", "/api/v1/vendors") | ("PATCH", "/api/v1/vendors/{id}") => ContractManagers,
        (
            "GET",
            "/api/v1/contracts"
            | "/api/v1/contracts/{id}"
            | "/api/v1/contracts/{id}/terms"
            | "/api/v1/contracts/{id}/reminders",
        ) => Staff,
        ("POST", "/api/v1/contracts") | ("PATCH", "/api/v1/contracts/{id}") => ContractManagers,
        ("POST", "/api/v1/contracts/{id}/terminate" | "/api/v1/contracts/{id}/renew") => {
            ContractManagers
        }
        (
            "GET",
            "/api/v1/contracts/{id}/documents" | "/api/v1/contracts/{id}/documents/{document_id}",
        ) => Staff,
        ("POST", "/api/v1/contracts/{id}/documents") => ContractManagers,
        ("DELETE", "/api/v1/contracts/{id}/documents/{document_id}") => ContractManagers,
        ("GET", "/api/v1/locations") => Staff,
        ("POST", "/api/v1/locations") => Managers,
        ("GET", "/api/v1/mail/dead-letters") => Workers,
        ("GET", "/api/v1/mail/held") => Workers,
        ("GET", "/api/v1/mail/outbox") => Workers,
        ("GET", "/api/v1/manufacturers") => Staff,
        ("POST", "/api/v1/manufacturers") => Managers,
        ("GET", "/api/v1/models") => Staff,
        ("POST", "/api/v1/models") => Managers,
        ("GET", "/api/v1/notifications") => Everyone,
        ("POST", "/api/v1/notifications/{id}/read") => Everyone,
        ("GET", "/api/v1/queues") => Everyone,
        ("POST", "/api/v1/queues") => Coordinators,
        ("GET", "/api/v1/queues/{slug}/coordinators") => Staff,
        ("PUT", "/api/v1/queues/{slug}/coordinators") => Coordinators,
        ("GET", "/api/v1/sla/calendars") => Staff,
        ("PUT", "/api/v1/sla/calendars/{name}") => Coordinators,
        ("DELETE", "/api/v1/sla/calendars/{name}") => Coordinators,
        ("GET", "/api/v1/sla/policies") => Staff,
        ("PUT", "/api/v1/sla/policies/{name}") => Coordinators,
        ("DELETE", "/api/v1/sla/policies/{name}") => Coordinators,
        ("POST", "/api/v1/sla/preview") => Staff,
        ("GET", "/api/v1/tickets") => Everyone,
        ("POST", "/api/v1/tickets") => NotViewers,
        ("GET", "/api/v1/tickets/{id}") => Everyone,
        // Requesters may only withdraw or confirm (a status); the matrix
        // asks for an urgency change.
        ("PATCH", "/api/v1/tickets/{id}") => Workers,
        ("GET", "/api/v1/tickets/{id}/assets") => Staff,
        ("GET", "/api/v1/tickets/{id}/vendor-escalations") => Staff,
        ("POST", "/api/v1/tickets/{id}/vendor-escalations") => Workers,
        (
            "POST",
            "/api/v1/tickets/{id}/vendor-escalations/{eid}/response"
            | "/api/v1/tickets/{id}/vendor-escalations/{eid}/resolve",
        ) => Workers,
        ("GET", "/api/v1/vendors/{id}/performance") => Staff,
        ("GET", "/api/v1/purchase-orders" | "/api/v1/purchase-orders/{id}") => Staff,
        ("POST", "/api/v1/purchase-orders") | ("PATCH", "/api/v1/purchase-orders/{id}") => {
            ContractManagers
        }
        (
            "POST",
            "/api/v1/purchase-orders/{id}/transitions"
            | "/api/v1/purchase-orders/{id}/receipts"
            | "/api/v1/purchase-orders/{id}/invoices",
        ) => ContractManagers,
        ("POST", "/api/v1/tickets/{id}/assets") => Workers,
        ("DELETE", "/api/v1/tickets/{id}/assets/{asset}") => Workers,
        ("GET", "/api/v1/tickets/{id}/attachments") => Everyone,
        ("POST", "/api/v1/tickets/{id}/attachments") => NotViewers,
        ("GET", "/api/v1/tickets/{id}/attachments/{attachment_id}") => Everyone,
        ("GET", "/api/v1/tickets/{id}/comments") => Everyone,
        ("POST", "/api/v1/tickets/{id}/comments") => NotViewers,
        ("POST", "/api/v1/tickets/{id}/comments/{comment_id}/confirm") => Workers,
        ("GET", "/api/v1/tickets/{id}/history") => Everyone,
        ("GET", "/api/v1/tickets/{id}/mail") => Workers,
        ("GET", "/api/v1/tokens") => Everyone,
        ("POST", "/api/v1/tokens") => Everyone,
        ("DELETE", "/api/v1/tokens/{id}") => Everyone,
        ("POST", "/api/v1/users/{id}/activate") => Admins,
        ("POST", "/api/v1/users/{id}/deactivate") => Admins,
        _ => return None,
    };
    Some(rule)
}

/// The decision for each page.
fn page_rule(method: &str, path: &str) -> Option<Rule> {
    use Rule::*;
    let rule = match (method, path) {
        ("GET", "/static/app.css" | "/static/app.js" | "/login" | "/assets/accept/{token}") => {
            Public
        }
        ("GET", "/") => Everyone,
        ("POST", "/login" | "/logout" | "/assets/accept/{token}") => Public,
        ("GET", "/my/tickets" | "/tickets/new" | "/tickets/{number}" | "/account") => Everyone,
        ("GET", "/my/equipment" | "/tickets/{number}/withdraw") => Everyone,
        ("GET", "/tickets/{number}/attachments/{attachment_id}") => Everyone,
        ("GET", "/notifications") => Everyone,
        ("GET", "/queue" | "/dashboard" | "/assets" | "/assets/{tag}") => Staff,
        ("GET", "/tickets/{number}/mail/{id}" | "/tickets/{number}/mail/{id}/raw") => Workers,
        ("GET", "/assets/import" | "/assets/new") => Managers,
        ("GET", "/responses" | "/responses/{id}") => Workers,
        ("GET", "/assets/labels" | "/assets/export") => Staff,
        ("GET", "/assets/labels.css") => Public,
        ("GET", "/assets/imports/{id}" | "/assets/imports/{id}/rejected.csv") => Staff,
        ("GET", "/admin/access") => Admins,
        ("GET", "/licenses" | "/licenses/audit") => Staff,
        ("GET", "/licenses/products/{id}" | "/licenses/audits/{id}") => Staff,
        ("GET", "/licenses/catalog") => Staff,
        ("GET", "/contracts" | "/contracts/{id}" | "/vendors" | "/vendors/{id}") => Staff,
        ("GET", "/people" | "/people/{id}") => Staff,
        ("GET", "/contracts/new" | "/contracts/{id}/edit") => ContractManagers,
        ("GET", "/contracts/{id}/documents/{document_id}") => Staff,
        ("GET", "/vendors/new" | "/vendors/{id}/edit") => ContractManagers,
        ("GET", "/purchase-orders" | "/purchase-orders/{id}") => Staff,
        (
            "GET",
            "/purchase-orders/new" | "/purchase-orders/{id}/edit" | "/purchase-orders/{id}/receive",
        ) => ContractManagers,
        ("GET", "/licenses/import" | "/licenses/imports/{id}") => Managers,
        ("GET", "/licenses/products/{id}/entitlements/new") => Managers,
        ("GET", "/licenses/entitlements/{id}/edit") => Managers,
        // Forms: who may act is decided by the same services as the API
        // (checked there); here only that nobody acts without logging in.
        ("POST", _) => Everyone,
        _ => return None,
    };
    Some(rule)
}

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
