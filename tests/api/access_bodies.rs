//! The bodies the access matrix sends: for each route one that someone
//! allowed would have accepted, so that the answer is the access decision.

use serde_json::{Value, json};

/// A request body the route would accept from someone allowed, so that the
/// answer is the access decision rather than a complaint about the body.
pub fn body(method: &str, path: &str, n: usize) -> Body {
    let j = |v: Value| Body::Json(v.to_string().replace("{n}", &n.to_string()));
    match (method, path) {
        ("POST", "/api/v1/assets") => j(json!({"asset_tag": "MX-A{n}", "model_id": "{model}"})),
        ("PATCH", "/api/v1/assets/{id}") => j(json!({"notes": "matrix {n}"})),
        ("POST", "/api/v1/assets/{id}/checkout") => j(json!({"assignee": "requester@example.org"})),
        ("POST", "/api/v1/assets/{id}/checkin") => j(json!({"reason": "matrix"})),
        ("POST", "/api/v1/assets/{id}/transitions") => {
            j(json!({"to": "in_repair", "reason": "matrix"}))
        }
        ("POST", "/api/v1/categories") => j(json!({"slug": "cat-{n}", "name": "Cat {n}"})),
        ("POST", "/api/v1/queues") => j(json!({"slug": "queue-{n}", "name": "Queue {n}"})),
        ("PUT", "/api/v1/queues/{slug}/coordinators") => {
            j(json!({"coordinators": ["coordinator@example.org"]}))
        }
        ("POST", "/api/v1/locations") => j(json!({"name": "Site {n}"})),
        ("POST", "/api/v1/licenses/entitlements") => {
            j(json!({"product_id": "{product}", "metric": "user", "quantity": 3}))
        }
        ("PATCH", "/api/v1/licenses/entitlements/{id}") => j(json!({"notes": "matrix {n}"})),
        ("POST", "/api/v1/licenses/entitlements/{id}/allocations") => j(json!({"asset": "MX-1"})),
        ("POST", "/api/v1/licenses/products") => {
            j(json!({"publisher": "Matrix", "name": "Product {n}"}))
        }
        ("POST", "/api/v1/licenses/rules" | "/api/v1/licenses/rules/preview") => {
            j(json!({"name_pattern": "Matrix tool {n}*", "exclude": true}))
        }
        ("POST", "/api/v1/reports/monthly/{month}/freeze") => j(json!({"refreeze": false})),
        ("POST", "/api/v1/manufacturers") => j(json!({"name": "Maker {n}"})),
        ("POST", "/api/v1/vendors") => j(json!({"name": "Vendor {n}", "kind": "other"})),
        ("POST", "/api/v1/people") => j(json!({"email": "person{n}@example.org",
            "given_name": "Given", "surname": "Surname {n}"})),
        ("PATCH", "/api/v1/people/{id}") => j(json!({"title": "Matrix {n}"})),
        ("PATCH", "/api/v1/vendors/{id}" | "/api/v1/contracts/{id}") => {
            j(json!({"notes": "matrix {n}"}))
        }
        ("POST", "/api/v1/contracts") => {
            j(json!({"vendor_id": "{vendor}", "kind": "support", "title": "Contract {n}"}))
        }
        ("POST", "/api/v1/tickets/{id}/vendor-escalations") => {
            j(json!({"vendor_id": "{vendor}", "note": "matrix {n}"}))
        }
        ("POST", "/api/v1/purchase-orders") => j(json!({"vendor_id": "{vendor}",
            "lines": [{"description": "Item {n}", "quantity": 1, "unit_cost_minor": 100}]})),
        ("PATCH", "/api/v1/purchase-orders/{id}") => j(json!({"notes": "matrix {n}"})),
        ("POST", "/api/v1/purchase-orders/{id}/transitions") => j(json!({"to": "submitted"})),
        ("POST", "/api/v1/purchase-orders/{id}/receipts") => {
            j(json!({"lines": [{"line": 1, "quantity": 1}]}))
        }
        ("POST", "/api/v1/purchase-orders/{id}/invoices") => j(json!({"number": "INV-{n}",
            "amount_minor": 100, "received_on": "2026-01-01"})),
        ("POST", "/api/v1/contracts/{id}/terminate") => {
            j(json!({"effective_on": "2030-12-31", "reason": "matrix {n}"}))
        }
        ("POST", "/api/v1/models") => {
            j(json!({"manufacturer": "Dell", "name": "Model {n}", "category": "laptop"}))
        }
        ("PUT", "/api/v1/sla/calendars/{name}") => {
            j(json!({"time_zone": "UTC", "hours": {"mon": ["08:00-17:00"]}}))
        }
        ("POST", "/api/v1/onboarding/runs") => j(json!({"kind": "onboard",
            "effective_on": "2030-01-01",
            "person": {"given_name": "Matrix", "surname": "Hire {n}", "email": "hire{n}@example.org"}})),
        ("PUT", "/api/v1/onboarding/templates/{name}") => {
            j(json!({"name": "matrix-nothing", "tasks": [{"title": "Matrix {n}", "due_days": 1}]}))
        }
        ("PUT", "/api/v1/sla/policies/{name}") => {
            j(json!({"calendar": "24x7", "targets": {"P3": {"resolution": "8h"}}}))
        }
        ("POST", "/api/v1/sla/preview") => j(json!({
            "calendar": {"time_zone": "UTC", "hours": {"mon": ["00:00-24:00"]}},
            "policy": {"targets": {"P3": {"resolution": "8h"}}},
            "priority": "P3", "created_at": "2026-03-02T08:00:00Z", "events": [],
            "now": "2026-03-02T09:00:00Z"
        })),
        ("POST", "/api/v1/tickets") => j(json!({"subject": "s {n}", "description": "d"})),
        ("PATCH", "/api/v1/tickets/{id}") => j(json!({"urgency": "low"})),
        ("POST", "/api/v1/tickets/{id}/assets") => j(json!({"asset": "MX-1"})),
        ("POST", "/api/v1/tickets/{id}/comments") => j(json!({"body": "matrix {n}"})),
        ("POST", "/api/v1/tokens") => j(json!({"label": "matrix {n}"})),
        ("POST", "/api/v1/checkouts/accept") => j(json!({"token": "no-such-token"})),
        ("POST", "/api/v1/tickets/{id}/attachments" | "/api/v1/contracts/{id}/documents") => {
            Body::File
        }
        ("POST", "/api/v1/assets/imports") => Body::Import,
        ("POST", "/api/v1/inbound/email") => Body::Mail(n),
        ("GET" | "DELETE", _) => Body::None,
        _ => j(json!({})),
    }
}

pub enum Body {
    None,
    Json(String),
    File,
    Import,
    Mail(usize),
}
