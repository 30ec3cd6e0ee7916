//! Who may use each route: the decisions the access matrix checks
//! (`access_matrix.rs`), one rule per API route and per page.

use itdesk::auth::Role;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
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
    pub fn allows(self, role: Role) -> bool {
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
pub fn api_rule(method: &str, path: &str) -> Option<Rule> {
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
        ("GET", "/api/v1/reports/monthly/{month}") => Staff,
        ("GET", "/api/v1/tickets/export") => Staff,
        ("POST", "/api/v1/reports/monthly/{month}/freeze") => Coordinators,
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
        ("POST", "/api/v1/directory/sync") => Admins,
        ("GET", "/api/v1/onboarding/templates") => Staff,
        ("PUT" | "DELETE", "/api/v1/onboarding/templates/{name}") => Coordinators,
        (
            "GET",
            "/api/v1/onboarding/runs"
            | "/api/v1/onboarding/runs/{id}"
            | "/api/v1/onboarding/runs/{id}/history",
        ) => Staff,
        ("POST", "/api/v1/onboarding/runs") => Coordinators,
        (
            "POST",
            "/api/v1/onboarding/runs/{id}/approve"
            | "/api/v1/onboarding/runs/{id}/retry"
            | "/api/v1/onboarding/runs/{id}/revert"
            | "/api/v1/onboarding/runs/{id}/reveal-password",
        ) => Coordinators,
        ("GET", "/api/v1/directory/syncs" | "/api/v1/directory/syncs/{id}") => Admins,
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
        ("GET", "/api/v1/me" | "/api/v1/tokens") => Everyone,
        ("POST", "/api/v1/tokens") => Everyone,
        ("DELETE", "/api/v1/tokens/{id}") => Everyone,
        ("POST", "/api/v1/users/{id}/activate") => Admins,
        ("POST", "/api/v1/users/{id}/deactivate") => Admins,
        _ => return None,
    };
    Some(rule)
}

/// The decision for each page.
pub fn page_rule(method: &str, path: &str) -> Option<Rule> {
    use Rule::*;
    let rule = match (method, path) {
        (
            "GET",
            "/static/app.css"
            | "/static/app.js"
            | "/login"
            | "/login/password"
            | "/assets/accept/{token}",
        ) => Public,
        ("GET", "/") => Everyone,
        ("POST", "/login" | "/login/password" | "/logout" | "/assets/accept/{token}") => Public,
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
        ("GET", "/admin/directory" | "/admin/directory/syncs/{id}") => Admins,
        ("GET", "/licenses" | "/licenses/audit") => Staff,
        ("GET", "/licenses/products/{id}" | "/licenses/audits/{id}") => Staff,
        ("GET", "/licenses/catalog") => Staff,
        ("GET", "/contracts" | "/contracts/{id}" | "/vendors" | "/vendors/{id}") => Staff,
        ("GET", "/people" | "/people/{id}") => Staff,
        ("GET", "/onboarding" | "/onboarding/runs/{id}" | "/onboarding/templates") => Staff,
        (
            "GET",
            "/onboarding/new" | "/onboarding/templates/new" | "/onboarding/templates/{name}/edit",
        ) => Coordinators,
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
        ("GET", "/reports" | "/reports/monthly" | "/reports/monthly/{month}") => Staff,
        ("GET", "/reports/monthly/{month}/download" | "/reports/monthly/{month}/print") => Staff,
        // Forms: who may act is decided by the same services as the API
        // (checked there); here only that nobody acts without logging in.
        ("POST", _) => Everyone,
        _ => return None,
    };
    Some(rule)
}
