//! One purchase order (`/purchase-orders/{id}`): its terms, lines and
//! figures, the moves it may make, what arrived, its invoices (and the
//! form for the next one) and its history.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::form::{Problems, Reader};
use super::purchase_orders::{amount, move_words, status_words};
use super::session::{Nav, url_encode};
use super::{PageError, WebUser, flash, render_with};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::purchasing::domain::{LineKind, Status};
use crate::purchasing::dto::{InvoiceInput, OrderDto, TransitionInput};
use crate::purchasing::service;
use crate::state::AppState;

/// A line in words: (number, what, kind, quantity, received, unit cost,
/// line total).
type LineRow = (i32, String, &'static str, i64, i64, String, String);

/// A receipt in words: (received on, [(what, asset tags)]).
type ReceiptRow = (String, Vec<(String, Vec<String>)>);

/// The invoice form's boxes as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct InvoiceBoxes {
    pub number: String,
    pub amount: String,
    pub received_on: String,
}

#[derive(Template)]
#[template(path = "purchase_order.html", config = "src/web/askama.toml")]
struct OrderPage {
    nav: Nav,
    flash: Option<&'static str>,
    o: OrderDto,
    status: (&'static str, &'static str),
    facts: Vec<(&'static str, String)>,
    lines: Vec<LineRow>,
    /// (label, amount) of the ordered figures; then the received ones.
    totals: Vec<(&'static str, String)>,
    received: Vec<(&'static str, String)>,
    /// The total in the base currency, for an order in another one.
    base_total: Option<String>,
    /// (status, words) of the moves a person may make from here.
    moves: Vec<(&'static str, &'static str)>,
    /// Why this person does not get an Approve button, when the order
    /// waits for approval.
    approval_note: Option<String>,
    /// (received on, what) of each receipt, with the assets' tags.
    receipts: Vec<ReceiptRow>,
    /// (number, received on, amount, variance, flagged) of each invoice.
    invoices: Vec<(String, String, String, String, bool)>,
    history: Vec<(String, String)>,
    can_change: bool,
    receives: bool,
    takes_invoices: bool,
    problems: Problems,
    /// Faults no box on the page shows (a bad move, a long note).
    unplaced: Vec<String>,
    reason: String,
    inv: InvoiceBoxes,
}

fn facts(o: &OrderDto) -> Vec<(&'static str, String)> {
    let mut f = vec![("Vendor", o.vendor.clone())];
    let mut push = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            f.push((k, v));
        }
    };
    push("For", o.requested_by_name.clone());
    push("Cost centre", o.cost_centre.clone());
    push(
        "Currency",
        Some(match o.conversion_rate {
            Some(r) => format!(
                "{} (1 {} = {r} {})",
                o.currency, o.currency, o.base_currency
            ),
            None => o.currency.clone(),
        }),
    );
    push("Expected", o.expected_on.map(|d| d.to_string()));
    push("Ordered on", o.ordered_on.map(|d| d.to_string()));
    f
}

fn figures(
    t: &crate::purchasing::domain::OrderTotals,
    currency: &str,
    o: &OrderDto,
) -> Vec<(&'static str, String)> {
    let mut v = vec![("Lines", amount(t.subtotal_minor, currency))];
    if t.discount_minor != 0 {
        v.push((
            "Discount",
            format!(
                "{} ({} %)",
                amount(-t.discount_minor, currency),
                o.discount_percent
            ),
        ));
    }
    if o.tax_percent != 0.0 {
        v.push((
            "Tax",
            format!("{} ({} %)", amount(t.tax_minor, currency), o.tax_percent),
        ));
    }
    if t.shipping_minor != 0 {
        v.push(("Shipping", amount(t.shipping_minor, currency)));
    }
    v.push(("Total", amount(t.total_minor, currency)));
    v
}

fn line_rows(o: &OrderDto) -> Vec<LineRow> {
    o.lines
        .iter()
        .map(|l| {
            let kind = match l.kind {
                LineKind::Asset => "device",
                LineKind::License => "licence",
                LineKind::Other => "other",
            };
            (
                l.number,
                l.description.clone(),
                kind,
                l.quantity,
                l.received,
                amount(l.unit_cost_minor, &o.currency),
                amount(l.total_minor, &o.currency),
            )
        })
        .collect()
}

fn receipt_rows(o: &OrderDto) -> Vec<ReceiptRow> {
    let what = |n: i32| {
        o.lines
            .iter()
            .find(|l| l.number == n)
            .map_or(String::new(), |l| l.description.clone())
    };
    o.receipts
        .iter()
        .flatten()
        .map(|r| {
            let lines = r
                .lines
                .iter()
                .map(|l| {
                    (
                        format!("{} × {}", l.quantity, what(l.line)),
                        l.asset_tags.clone(),
                    )
                })
                .collect();
            (r.received_on.to_string(), lines)
        })
        .collect()
}

/// Why `me` may not approve `o` (the service refuses the same), if so.
fn approval_blocker(o: &OrderDto, me: &crate::auth::User) -> Option<String> {
    use crate::auth::Role;
    if !o.allowed.contains(&Status::Approved) {
        return None;
    }
    let own = o.created_by.as_deref() == Some(me.id.as_str())
        || o.requested_by.as_deref() == Some(me.id.as_str());
    if own {
        Some(
            "You raised or asked for this order: another coordinator or an admin approves it."
                .into(),
        )
    } else if !matches!(me.role, Role::Coordinator | Role::Admin) {
        Some("A coordinator or an admin approves it.".into())
    } else if o.needs_admin_approval && me.role != Role::Admin {
        Some("Above the approval limit: an admin approves it.".into())
    } else {
        None
    }
}

/// (status, words) of the moves `me` may make: no Approve button for
/// someone the service would refuse.
fn moves(o: &OrderDto, me: &crate::auth::User) -> Vec<(&'static str, &'static str)> {
    o.allowed
        .iter()
        .filter(|s| **s != Status::Approved || approval_blocker(o, me).is_none())
        .map(|s| (s.as_str(), move_words(*s)))
        .collect()
}

async fn order_page(
    state: web::Data<AppState>,
    user: WebUser,
    id: String,
    flash: Option<&'static str>,
    (problems, reason, inv): (Problems, String, InvoiceBoxes),
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let (st, actor) = (state.clone(), user.user.clone());
    let o = blocking(move || service::order(&st.purchasing, &actor, &id)).await?;
    let can_change = user.user.role.manages_contracts();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = OrderPage {
        nav: user.nav("purchase-orders"),
        flash,
        status: status_words(o.status),
        facts: facts(&o),
        lines: line_rows(&o),
        totals: figures(&o.totals, &o.currency, &o),
        received: figures(&o.received, &o.currency, &o),
        base_total: o
            .conversion_rate
            .map(|_| amount(o.base_total_minor, &o.base_currency)),
        approval_note: approval_blocker(&o, &user.user),
        moves: moves(&o, &user.user),
        receipts: receipt_rows(&o),
        invoices: o
            .invoices
            .iter()
            .flatten()
            .map(|i| {
                (
                    i.number.clone(),
                    i.received_on.to_string(),
                    amount(i.amount_minor, &o.currency),
                    amount(i.matched.variance_minor, &o.currency),
                    i.matched.flagged,
                )
            })
            .collect(),
        history: o
            .history
            .iter()
            .flatten()
            .map(|e| {
                let who = e
                    .actor
                    .as_ref()
                    .map_or("itdesk".to_owned(), |p| p.name.clone());
                (
                    super::format::when(e.at.naive_utc()),
                    format!(
                        "{} — {who}",
                        super::purchase_orders::describe(&e.action, &e.changes)
                    ),
                )
            })
            .collect(),
        receives: o.status.receives(),
        takes_invoices: !matches!(
            o.status,
            Status::Draft | Status::Submitted | Status::Approved | Status::Cancelled
        ),
        can_change,
        o,
        unplaced: problems.unplaced(&["number", "amount", "received_on"]),
        problems,
        reason,
        inv,
    };
    render_with(status, &page)
}

/// `GET /purchase-orders/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let none = (Problems::default(), String::new(), InvoiceBoxes::default());
    let mut resp = order_page(state, user, path.into_inner(), flash::take(&req), none).await?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// A refusal to show on the page: field and conflict messages, and a
/// refused approval (above the limit, or by a role that approves nothing)
/// too — the person may change orders, or they would not be here.
fn shown(e: AppError) -> Result<Problems, PageError> {
    match e {
        AppError::Forbidden(why) => Ok(Problems {
            fields: Vec::new(),
            general: Some(why),
        }),
        e => Problems::refusal(e),
    }
}

/// `POST /purchase-orders/{id}/move`: the button names where to.
pub async fn transition(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    super::contract_form::managers(&user)?;
    let id = path.into_inner();
    let reason = form_field(&form, "reason");
    let input = TransitionInput {
        to: form_field(&form, "to"),
        reason: Some(reason.clone()),
    };
    let (st, actor, oid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        Ok(service::transition(
            &st.purchasing,
            &actor,
            &oid,
            &input,
            crate::ids::now(),
        ))
    })
    .await?;
    match done {
        Ok(o) => Ok(flash::redirect(
            &format!("/purchase-orders/{}", url_encode(&o.id)),
            "order_moved",
        )),
        Err(e) => {
            let p = shown(e)?;
            order_page(state, user, id, None, (p, reason, InvoiceBoxes::default())).await
        }
    }
}

/// `POST /purchase-orders/{id}/invoice`.
pub async fn invoice(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    super::contract_form::managers(&user)?;
    let id = path.into_inner();
    let f = |n: &str| form_field(&form, n).trim().to_owned();
    let inv = InvoiceBoxes {
        number: f("number"),
        amount: f("amount"),
        received_on: f("received_on"),
    };
    let (st, actor, oid) = (state.clone(), user.user.clone(), id.clone());
    let currency = blocking(move || service::order(&st.purchasing, &actor, &oid))
        .await?
        .currency;
    let mut r = Reader::default();
    let amount = r.money("amount", &inv.amount, &currency);
    let day = r.date("received_on", &inv.received_on);
    let (Some(Some(amount_minor)), Some(Some(received_on))) = (amount, day) else {
        let mut p = r.problems;
        if p.of("amount").is_none() && inv.amount.is_empty() {
            p.push("amount", "the invoice's total, tax and shipping in");
        }
        if p.of("received_on").is_none() && inv.received_on.is_empty() {
            p.push("received_on", "the day the invoice came");
        }
        return order_page(state, user, id, None, (p, String::new(), inv)).await;
    };
    let input = InvoiceInput {
        number: inv.number.clone(),
        amount_minor,
        received_on,
    };
    let (st, actor, oid) = (state.clone(), user.user.clone(), id.clone());
    let done = blocking(move || {
        Ok(service::add_invoice(
            &st.purchasing,
            &actor,
            &oid,
            &input,
            crate::ids::now(),
        ))
    })
    .await?;
    match done {
        Ok(o) => Ok(flash::redirect(
            &format!("/purchase-orders/{}#invoices", url_encode(&o.id)),
            if o.invoice_flagged {
                "invoice_flagged"
            } else {
                "invoice_recorded"
            },
        )),
        Err(e) => {
            let mut p = Problems::refusal(e)?;
            for e in p.fields.iter_mut() {
                if e.field == "amount_minor" {
                    e.field = "amount".into();
                }
            }
            order_page(state, user, id, None, (p, String::new(), inv)).await
        }
    }
}
