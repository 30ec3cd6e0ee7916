//! The purchase orders list (`/purchase-orders`): newest first, filtered
//! by status, vendor and a search, a page at a time.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::pages::{filter, page_number, some};
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render};
use crate::error::{AppError, blocking};
use crate::money::Money;
use crate::purchasing::domain::Status;
use crate::purchasing::dto::OrderDto;
use crate::purchasing::service::{self, OrderFilter};
use crate::state::AppState;

/// A status in words, and its badge.
pub(super) fn status_words(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Draft => ("Draft", "muted"),
        Status::Submitted => ("Waiting for approval", "sla-at_risk"),
        Status::Approved => ("Approved", "sla-running"),
        Status::Ordered => ("Ordered", "sla-running"),
        Status::PartiallyReceived => ("Partly received", "sla-at_risk"),
        Status::Received => ("Received", "sla-met"),
        Status::Closed => ("Closed", "muted"),
        Status::Cancelled => ("Cancelled", "muted"),
    }
}

/// A move offered as a button: what it says.
pub(super) fn move_words(s: Status) -> &'static str {
    match s {
        Status::Draft => "Return to draft",
        Status::Submitted => "Submit for approval",
        Status::Approved => "Approve",
        Status::Ordered => "Mark as ordered",
        Status::Closed => "Close",
        Status::Cancelled => "Cancel the order",
        Status::PartiallyReceived | Status::Received => "Receive",
    }
}

pub(super) fn amount(minor: i64, currency: &str) -> String {
    Money::from_parts(Some(minor), Some(currency)).map_or(minor.to_string(), |m| m.grouped())
}

/// An order in a row.
pub(super) struct Row {
    pub id: String,
    pub number: String,
    pub vendor: String,
    pub status: (&'static str, &'static str),
    pub total: String,
    pub received: String,
    pub expected: String,
    pub flagged: bool,
}

pub(super) fn row(o: &OrderDto) -> Row {
    let (ordered, arrived): (i64, i64) = o
        .lines
        .iter()
        .fold((0, 0), |(a, b), l| (a + l.quantity, b + l.received));
    Row {
        id: o.id.clone(),
        number: o.number.clone(),
        vendor: o.vendor.clone(),
        status: status_words(o.status),
        total: format!(
            "{} {}",
            amount(o.totals.total_minor, &o.currency),
            o.currency
        ),
        received: format!("{arrived} of {ordered}"),
        expected: o.expected_on.map_or(String::new(), |d| d.to_string()),
        flagged: o.invoice_flagged,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    q: String,
    /// 1, 2, …; anything else is the first page.
    #[serde(default)]
    page: String,
}

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "purchase_orders.html", config = "src/web/askama.toml")]
struct ListPage {
    nav: Nav,
    flash: Option<&'static str>,
    q: ListQuery,
    statuses: Vec<(String, String)>,
    vendors: Vec<(String, String)>,
    rows: Vec<Row>,
    total: i64,
    /// Links to the pages before and after, with the filters kept.
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
    can_change: bool,
}

fn link(q: &ListQuery, page: i64) -> String {
    format!(
        "/purchase-orders?status={}&vendor={}&q={}&page={page}",
        url_encode(&q.status),
        url_encode(&q.vendor),
        url_encode(&q.q)
    )
}

/// `GET /purchase-orders`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let q = query.into_inner();
    let mut error = None;
    let status = filter::<Status>(&q.status, &mut error);
    let page = page_number(&q.page);
    let filter = OrderFilter {
        status,
        vendor_id: some(&q.vendor),
        q: some(&q.q),
        limit: Some(PAGE),
        offset: Some((page - 1) * PAGE),
    };
    let (st, actor) = (state.clone(), user.user.clone());
    let ((rows, total), vendors) = blocking(move || {
        Ok::<_, AppError>((
            service::orders(&st.purchasing, &actor, &filter)?,
            crate::vendors::service::vendors(&st.db, &actor, None, None)?,
        ))
    })
    .await?;
    let page_view = ListPage {
        nav: user.nav("purchase-orders"),
        flash: flash::take(&req),
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), status_words(*s).0.to_owned()))
            .collect(),
        vendors: vendors.into_iter().map(|v| (v.id, v.name)).collect(),
        rows: rows.iter().map(row).collect(),
        previous: (page > 1).then(|| link(&q, page - 1)),
        next: (page * PAGE < total).then(|| link(&q, page + 1)),
        total,
        q,
        error,
        can_change: user.user.role.manages_contracts(),
    };
    let mut resp = render(&page_view)?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// A history entry in words.
pub(super) fn describe(action: &str, changes: &serde_json::Value) -> String {
    let s = |k: &str| changes[k].as_str().unwrap_or("").replace('_', " ");
    match action {
        "created" => "raised".into(),
        "transition" => {
            let reason = changes["reason"]
                .as_str()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            format!(
                "{} → {}{reason}",
                changes["status"]["from"]
                    .as_str()
                    .unwrap_or("")
                    .replace('_', " "),
                changes["status"]["to"]
                    .as_str()
                    .unwrap_or("")
                    .replace('_', " ")
            )
        }
        "received" => format!(
            "received ({} → {})",
            changes["status"]["from"]
                .as_str()
                .unwrap_or("")
                .replace('_', " "),
            changes["status"]["to"]
                .as_str()
                .unwrap_or("")
                .replace('_', " ")
        ),
        "invoiced" => format!(
            "invoice {}{}",
            s("number"),
            if changes["flagged"].as_bool() == Some(true) {
                " (flagged: off the received value)"
            } else {
                ""
            }
        ),
        "updated" => {
            let fields: Vec<String> = changes
                .as_object()
                .map(|m| m.keys().map(|k| k.replace('_', " ")).collect())
                .unwrap_or_default();
            format!("changed: {}", fields.join(", "))
        }
        other => other.replace('_', " "),
    }
}
