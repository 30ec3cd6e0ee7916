//! Every page's route, in one place (a test reads this file to check
//! each page's access decision).

use actix_web::web;

use super::*;

/// Registers the page routes (a path's fixed forms before its patterns:
/// `/tickets/new` before `/tickets/{number}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(actix_web::middleware::from_fn(
                error_layout::with_navigation,
            ))
            .configure(page_routes),
    );
}

fn page_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::home))
        .route("/dashboard", web::get().to(dashboard::show))
        .route("/static/app.css", web::get().to(stylesheet))
        .route("/static/app.js", web::get().to(script))
        .configure(account_routes)
        .configure(ticket_routes)
        .configure(asset_routes)
        .configure(license_routes)
        .configure(vendor_routes)
        .configure(purchase_routes)
        .route("/reports", web::get().to(reports::latest))
        .route("/reports/monthly", web::get().to(reports::pick))
        .route("/reports/monthly/{month}", web::get().to(reports::show))
        .route(
            "/reports/monthly/{month}/download",
            web::get().to(reports::download),
        )
        .route(
            "/reports/monthly/{month}/print",
            web::get().to(reports::print),
        )
        .route(
            "/reports/monthly/{month}/freeze",
            web::post().to(reports::freeze),
        )
        .route("/notifications", web::get().to(notifications::list))
        .route(
            "/notifications/{id}/read",
            web::post().to(notifications::mark_read),
        )
        .default_service(web::to(pages::not_found));
}

/// Logging in and out, one's own account, and access for admins.
fn account_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(login::form))
        .route("/login", web::post().to(login::submit))
        .route("/login/password", web::get().to(login_password::form))
        .route("/login/password", web::post().to(login_password::submit))
        .route("/logout", web::post().to(login::logout))
        .route("/account", web::get().to(account::show))
        .route(
            "/account/sessions/end",
            web::post().to(account::end_sessions),
        )
        .route("/account/tokens", web::post().to(account::create_token))
        .route(
            "/account/tokens/{id}/revoke",
            web::post().to(account::revoke_token),
        )
        .route(
            "/account/password",
            web::post().to(account::change_password),
        )
        .route("/admin/access", web::get().to(admin_access::show))
        .route("/admin/directory", web::get().to(directory_sync::show))
        .route(
            "/admin/directory/sync",
            web::post().to(directory_sync::start),
        )
        .route(
            "/admin/directory/syncs/{id}",
            web::get().to(directory_sync::run_page),
        )
        .route(
            "/admin/access/people/{id}",
            web::post().to(admin_access::set_active),
        );
}

/// Filing, the queue, one's tickets, and a ticket's page with its forms,
/// mail and files.
fn ticket_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/my/tickets", web::get().to(portal::my_tickets))
        .route("/my/equipment", web::get().to(portal::my_equipment))
        .route(
            "/my/equipment/{id}/confirm",
            web::post().to(portal::confirm_receipt),
        )
        .route(
            "/tickets/{number}/withdraw",
            web::get().to(portal::withdraw_form),
        )
        .route("/tickets/new", web::get().to(new_ticket::form))
        .route("/tickets/new", web::post().to(new_ticket::submit))
        .route("/queue", web::get().to(queue::queue))
        .route("/queue/bulk", web::post().to(queue_bulk::submit))
        .route("/queue/views", web::post().to(queue_views::save))
        .route("/responses", web::get().to(responses::list))
        .route("/responses", web::post().to(responses::save))
        .route("/responses/{id}", web::get().to(responses::one))
        .route("/responses/{id}", web::post().to(responses::save))
        .route(
            "/queue/views/{id}/delete",
            web::post().to(queue_views::delete),
        )
        .route("/tickets/{number}", web::get().to(ticket_page::show))
        .route("/tickets/{number}", web::post().to(ticket_work::work))
        .route(
            "/tickets/{number}/comments",
            web::post().to(ticket_forms::comment),
        )
        .route(
            "/tickets/{number}/comments/{id}/confirm",
            web::post().to(ticket_forms::confirm),
        )
        .route(
            "/tickets/{number}/update",
            web::post().to(ticket_forms::update),
        )
        .route(
            "/tickets/{number}/mail/{id}",
            web::get().to(mail_view::show),
        )
        .route(
            "/tickets/{number}/mail/{id}/raw",
            web::get().to(mail_view::raw),
        )
        .route(
            "/tickets/{number}/attachments/{attachment_id}",
            web::get().to(ticket_page::download),
        );
}

/// Purchase orders: the list, one order, its forms and receiving.
fn purchase_routes(cfg: &mut web::ServiceConfig) {
    use {purchase_order as one, purchase_order_form as form, purchase_receive as receive};
    cfg.route("/purchase-orders", web::get().to(purchase_orders::list))
        .route("/purchase-orders/new", web::get().to(form::new_form))
        .route("/purchase-orders/new", web::post().to(form::create))
        .route("/purchase-orders/{id}", web::get().to(one::show))
        .route("/purchase-orders/{id}/edit", web::get().to(form::edit_form))
        .route("/purchase-orders/{id}/edit", web::post().to(form::update))
        .route(
            "/purchase-orders/{id}/move",
            web::post().to(one::transition),
        )
        .route(
            "/purchase-orders/{id}/invoice",
            web::post().to(one::invoice),
        )
        .route(
            "/purchase-orders/{id}/receive",
            web::get().to(receive::form),
        )
        .route(
            "/purchase-orders/{id}/receive",
            web::post().to(receive::submit),
        );
}

/// Vendors and contracts, with their forms.
fn vendor_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/contracts", web::get().to(contracts::list))
        .route("/contracts/new", web::get().to(contract_form::new_form))
        .route("/contracts/new", web::post().to(contract_form::create))
        .route("/contracts/{id}", web::get().to(contract::show))
        .route(
            "/contracts/{id}/edit",
            web::get().to(contract_form::edit_form),
        )
        .route(
            "/contracts/{id}/edit",
            web::post().to(contract_form::update),
        )
        .route(
            "/contracts/{id}/terminate",
            web::post().to(contract::terminate),
        )
        .route("/contracts/{id}/renew", web::post().to(contract::renew))
        .route(
            "/contracts/{id}/documents",
            web::post().to(contract_documents::upload),
        )
        .route(
            "/contracts/{id}/documents/{document_id}",
            web::get().to(contract_documents::download),
        )
        .route(
            "/contracts/{id}/documents/{document_id}/delete",
            web::post().to(contract_documents::remove),
        )
        .route("/onboarding", web::get().to(onboarding::list))
        .route("/onboarding/new", web::get().to(onboarding_form::new))
        .route("/onboarding/new", web::post().to(onboarding_form::create))
        .route("/onboarding/runs/{id}", web::get().to(onboarding::show))
        .route(
            "/onboarding/runs/{id}/{action}",
            web::post().to(onboarding::act),
        )
        .route(
            "/onboarding/templates",
            web::get().to(onboarding_templates::list),
        )
        .route(
            "/onboarding/templates",
            web::post().to(onboarding_templates::save),
        )
        .route(
            "/onboarding/templates/new",
            web::get().to(onboarding_templates::form),
        )
        .route(
            "/onboarding/templates/{name}/edit",
            web::get().to(onboarding_templates::form),
        )
        .route(
            "/onboarding/templates/{name}/delete",
            web::post().to(onboarding_templates::delete),
        )
        .route("/people", web::get().to(people::list))
        .route("/people/{id}", web::get().to(people::show))
        .route("/vendors", web::get().to(vendors::list))
        .route("/vendors/new", web::get().to(vendor_form::new_form))
        .route("/vendors/new", web::post().to(vendor_form::create))
        .route("/vendors/{id}", web::get().to(vendors::show))
        .route("/vendors/{id}/edit", web::get().to(vendor_form::edit_form))
        .route("/vendors/{id}/edit", web::post().to(vendor_form::update));
}

/// The register, imports, hand-over confirmations, and an asset's page
/// with its forms.
fn license_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/licenses", web::get().to(licenses::positions))
        .route("/licenses/audit", web::get().to(licenses::audit))
        .route("/licenses/audits", web::post().to(licenses::freeze))
        .route("/licenses/audits/{id}", web::get().to(licenses::frozen))
        .route("/licenses/catalog", web::get().to(license_catalog::show))
        .route(
            "/licenses/products",
            web::post().to(license_catalog::create_product),
        )
        .route(
            "/licenses/rules",
            web::post().to(license_catalog::create_rule),
        )
        .route(
            "/licenses/rules/{id}/delete",
            web::post().to(license_catalog::delete_rule),
        )
        .route("/licenses/import", web::get().to(license_import::show))
        .route("/licenses/import", web::post().to(license_import::submit))
        .route(
            "/licenses/imports/{id}",
            web::get().to(license_import::report),
        )
        .route(
            "/licenses/products/{id}",
            web::get().to(license_product::show),
        )
        .route(
            "/licenses/products/{id}/entitlements/new",
            web::get().to(license_entitlement_form::new_form),
        )
        .route(
            "/licenses/products/{id}/entitlements",
            web::post().to(license_entitlement_form::create),
        )
        .route(
            "/licenses/entitlements/{id}/edit",
            web::get().to(license_entitlement_form::edit_form),
        )
        .route(
            "/licenses/entitlements/{id}/edit",
            web::post().to(license_entitlement_form::update),
        )
        .route(
            "/licenses/entitlements/{id}/delete",
            web::post().to(license_entitlement_form::delete),
        )
        .route(
            "/licenses/entitlements/{id}/allocations",
            web::post().to(license_product::allocate),
        )
        .route(
            "/licenses/entitlements/{id}/allocations/{aid}/release",
            web::post().to(license_product::release),
        );
}

fn asset_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets", web::get().to(assets::list))
        .route("/assets/accept/{token}", web::get().to(asset_accept::show))
        .route(
            "/assets/accept/{token}",
            web::post().to(asset_accept::confirm),
        )
        .route("/assets/new", web::get().to(asset_new::form))
        .route("/assets/labels", web::get().to(asset_labels::show))
        .route(
            "/assets/labels.css",
            web::get().to(asset_labels::stylesheet),
        )
        .route("/assets/export", web::get().to(assets::export))
        .route("/assets/new", web::post().to(asset_new::submit))
        .route("/assets/import", web::get().to(asset_import::show))
        .route("/assets/import", web::post().to(asset_import::submit))
        .route("/assets/imports/{id}", web::get().to(asset_import::report))
        .route(
            "/assets/imports/{id}/apply",
            web::post().to(asset_import::apply),
        )
        .route(
            "/assets/imports/{id}/rejected.csv",
            web::get().to(asset_import::rejected_csv),
        )
        .route("/assets/{tag}", web::get().to(asset_page::show))
        .route("/assets/{tag}", web::post().to(asset_forms::work))
        .route("/assets/{tag}/{form}", web::post().to(asset_forms::legacy));
}
