//! Server-rendered HTML pages that work without JavaScript: login, the
//! requester portal (file a ticket, my tickets), the coordinator queue and
//! the ticket page. Sessions are signed cookies; every form carries the
//! session's CSRF token.

mod account;
mod admin_access;
mod asset_accept;
mod asset_form;
mod asset_forms;
mod asset_import;
mod asset_labels;
mod asset_moves;
mod asset_new;
mod asset_page;
mod asset_view;
mod assets;
mod chart;
mod contract;
mod contract_documents;
mod contract_form;
mod contracts;
mod dashboard;
mod directory_sync;
mod error_layout;
mod flash;
mod form;
mod format;
mod license_catalog;
mod license_entitlement_boxes;
mod license_entitlement_form;
mod license_import;
mod license_product;
mod licenses;
mod login;
mod login_password;
mod mail_view;
mod new_ticket;
mod notifications;
mod onboarding;
mod onboarding_form;
mod onboarding_history;
mod onboarding_templates;
mod pages;
mod people;
mod portal;
mod purchase_order;
mod purchase_order_boxes;
mod purchase_order_form;
mod purchase_orders;
mod purchase_receive;
mod queue;
mod queue_bulk;
mod queue_views;
mod reports;
mod responses;
mod routes;
mod session;
mod sla_view;
mod ticket_assets;
mod ticket_canned;
mod ticket_forms;
mod ticket_page;
mod ticket_rows;
mod ticket_vendors;
mod ticket_work;
mod vendor_form;
mod vendors;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError, web};
use askama::Template;

use crate::error::AppError;

pub use routes::configure;
pub use session::{Nav, WebSession, WebUser};

/// Form bodies that do not parse are shown as a page, as every other error
/// of a page is (not actix's plain text).
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(1 << 20)
        .error_handler(|err, _req| {
            PageError::App(AppError::bad_request("invalid_form", err.to_string())).into()
        })
}

/// Query strings of pages that do not parse, as a page.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        PageError::App(AppError::bad_request("invalid_query", err.to_string())).into()
    })
}

const CSS: &str = include_str!("static/app.css");
const JS: &str = include_str!("static/app.js");

async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(JS)
}

/// The pages' stylesheet, with the monthly report's rules (one source
/// for the page and the standalone report).
static STYLESHEET: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{CSS}\n{}", crate::metrics::html::REPORT_STYLE));

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET.as_str())
}

/// Content-Security-Policy of every page: nothing but our own resources.
const PAGE_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'";

/// Renders a template as a 200 page.
pub fn render(t: &impl Template) -> Result<HttpResponse, PageError> {
    render_with(StatusCode::OK, t)
}

/// Renders a template with a status.
pub fn render_with(status: StatusCode, t: &impl Template) -> Result<HttpResponse, PageError> {
    let html = t.render().map_err(|e| {
        PageError::App(AppError::Internal(anyhow::anyhow!("rendering a page: {e}")))
    })?;
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header(("Content-Security-Policy", PAGE_CSP))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html))
}

/// A 303 to another page (the Post/Redirect/Get pattern).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// What a page handler can fail with: a redirect (to log in) or an error
/// shown as a page.
#[derive(Debug)]
pub enum PageError {
    Redirect(String),
    App(AppError),
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::Redirect(to) => write!(f, "redirect to {to}"),
            PageError::App(e) => e.fmt(f),
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> PageError {
        PageError::App(e)
    }
}

#[derive(Template)]
#[template(path = "error.html", config = "src/web/askama.toml")]
struct ErrorPage {
    nav: Nav,
    title: String,
    detail: String,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::Redirect(_) => StatusCode::SEE_OTHER,
            PageError::App(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            PageError::Redirect(to) => see_other(to),
            PageError::App(e) => {
                crate::error::log_if_server_error(e);
                let page = ErrorPage {
                    nav: Nav::anonymous(),
                    title: e.problem().title,
                    detail: e.public_detail(),
                };
                let mut resp = render_with(e.status_code(), &page).unwrap_or_else(|_| {
                    HttpResponse::build(e.status_code()).body(e.public_detail())
                });
                resp.extensions_mut().insert(error_layout::ErrorBody {
                    title: page.title,
                    detail: page.detail,
                });
                if let AppError::RateLimited { retry_after_secs } = e
                    && let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string())
                {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                resp
            }
        }
    }
}
