//! The OpenAPI document, generated from the handlers' annotations. The
//! checked-in copy at `schema/openapi.json` is compared with it by a test;
//! regenerate it with `itdesk openapi > schema/openapi.json`.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "itdesk",
        description = "IT helpdesk and asset management. Errors are RFC 7807 `application/problem+json` documents with a stable snake_case `code`.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        crate::health::healthz,
    ),
    modifiers(&BearerToken),
    tags(
        (name = "tickets", description = "The ticket queue"),
        (name = "catalog", description = "Queues and categories"),
        (name = "sla", description = "Service levels: calendars, policies, previews, notifications"),
        (name = "mail", description = "Mail in and out"),
        (name = "assets", description = "The asset register: assets, their lifecycle, models, locations"),
        (name = "licenses", description = "The license register: products, normalization rules, unmatched installations"),
        (name = "people", description = "People: employees with department, manager, dates, status and their directory link"),
        (name = "onboarding", description = "Onboarding, offboarding and moves: templates per department or role, planned and approved runs"),
        (name = "vendors", description = "Vendors, their contacts, and contracts: terms, notice deadlines, costs, renewal"),
        (name = "purchasing", description = "Purchase orders: approval, receiving into stock and entitlements, invoices"),
        (name = "reports", description = "The monthly report: ticket, service-level and workload figures, frozen once a month is over"),
        (name = "access", description = "API tokens and deactivating people"),
        (name = "system", description = "Health"),
    )
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from `itdesk admin create-token`"))
                    .build(),
            ),
        );
    }
}

/// The document as pretty JSON with a trailing newline (the checked-in form).
pub fn document() -> String {
    let mut doc = ApiDoc::openapi();
    // Each context's operations: the one list a new context's part joins.
    for part in [
        crate::auth::handlers::Api::openapi(),
        crate::tickets::handlers::Api::openapi(),
        crate::sla::handlers::Api::openapi(),
        crate::mail::handlers::Api::openapi(),
        crate::assets::handlers::Api::openapi(),
        crate::licenses::handlers::Api::openapi(),
        crate::licenses::book_handlers::Api::openapi(),
        crate::licenses::audit_handlers::Api::openapi(),
        crate::people::handlers::Api::openapi(),
        crate::people::sync_handlers::Api::openapi(),
        crate::onboarding::handlers::Api::openapi(),
        crate::onboarding::run_handlers::Api::openapi(),
        crate::vendors::handlers::Api::openapi(),
        crate::vendors::escalation_handlers::Api::openapi(),
        crate::vendors::document_handlers::Api::openapi(),
        crate::purchasing::handlers::Api::openapi(),
        crate::metrics::handlers::Api::openapi(),
    ] {
        doc.merge(part);
    }
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut value = serde_json::to_value(&doc).unwrap_or_default();
    complete_errors(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The answers every operation can give besides the ones its handler
/// names, added once here so that no operation forgets one: 401 and 403
/// where a token is needed (every route has an access decision), 404 and
/// 400 where the path names something, 400, 413, 415 and 422 where a body
/// is read, 422 where a query is. Every error is `application/problem+json`.
fn complete_errors(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in ops.iter_mut() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let add = extra_answers(path, op);
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            for (code, description) in add {
                responses
                    .entry(code.to_owned())
                    .or_insert_with(|| serde_json::json!({"description": description}));
            }
            as_problems(responses);
        }
    }
}

/// The answers an operation can give besides its handler's: 401 and 403
/// when it needs a token, 400 and 404 when its path names something, 400,
/// 413, 415 and 422 when it reads a body, 422 when it reads a query.
fn extra_answers(path: &str, op: &serde_json::Value) -> Vec<(&'static str, &'static str)> {
    let secured = op.get("security").is_some_and(|s| {
        s.as_array()
            .is_some_and(|a| a.iter().any(|r| r.get("token").is_some()))
    });
    let has_body = op.get("requestBody").is_some();
    let params = |kind: &str| {
        op.get("parameters")
            .and_then(|p| p.as_array())
            .is_some_and(|a| a.iter().any(|p| p["in"] == kind))
    };
    let (in_path, in_query) = (params("path") || path.contains('{'), params("query"));
    let mut add: Vec<(&str, &str)> = Vec::new();
    if secured {
        add.push(("401", "No valid API token"));
        add.push(("403", "The token's role may not do this"));
    }
    if in_path {
        add.push(("400", "A path segment that does not parse"));
        add.push(("404", "Nothing by that name, or nothing the caller may see"));
    }
    if has_body {
        add.push((
            "400",
            "A body that is not valid (JSON with line and column)",
        ));
        add.push(("413", "The body is larger than the limit"));
        add.push((
            "415",
            "The body's content type is not one this operation reads",
        ));
        add.push((
            "422",
            "A field is missing, of the wrong type or not allowed",
        ));
    }
    if in_query {
        add.push(("422", "A query parameter that does not parse, naming it"));
    }
    add
}

/// Every error answer is a problem document (unless it is another kind of
/// answer on purpose).
fn as_problems(responses: &mut serde_json::Map<String, serde_json::Value>) {
    for (code, response) in responses.iter_mut() {
        if !code.starts_with('4') && !code.starts_with('5') {
            continue;
        }
        let content = response
            .as_object_mut()
            .map(|r| r.entry("content").or_insert_with(|| serde_json::json!({})));
        if let Some(content) = content.and_then(|c| c.as_object_mut()) {
            content.remove("application/json");
            if !content.is_empty() {
                continue; // another kind of answer on purpose (agents read text)
            }
            content.insert(
                "application/problem+json".into(),
                serde_json::json!({"schema": {"$ref": "#/components/schemas/Problem"}}),
            );
        }
    }
}

/// `GET /api/v1/openapi.json`
pub async fn serve() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document())
}
