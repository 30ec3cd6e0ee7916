//! Orders as the API and pages show them: lines, what was ordered and
//! what arrived priced alike, the base-currency value that decides who
//! approves, and names for ids.

use std::collections::HashMap;

use crate::auth::people;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids::utc;
use crate::money::Currency;
use crate::purchasing::Purchasing;
use crate::purchasing::domain::{self, Approver, OrderTotals, percent};
use crate::purchasing::dto::{InvoiceDto, LineDto, OrderDto, ReceiptDto, ReceiptLineDto};
use crate::purchasing::model::{Invoice, Line, Order};
use crate::purchasing::repo;
use crate::vendors::service::vendor_name;

use super::lines::{received_subtotal, subtotal};

/// What the order is worth in the base currency.
pub fn base_total(p: &Purchasing, o: &Order, total: i64) -> Result<i64, AppError> {
    let base = p
        .settings
        .base()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    if o.currency == base.code() {
        return Ok(total);
    }
    let from = Currency::parse(&o.currency)
        .map(|c| c.decimals())
        .unwrap_or(2);
    let rate = o.conversion_rate_micros.unwrap_or(domain::RATE_SCALE);
    Ok(domain::convert(total, from, base.decimals(), rate))
}

/// What was ordered and what arrived.
pub fn figures(o: &Order, lines: &[Line]) -> (OrderTotals, OrderTotals) {
    let received = received_subtotal(lines);
    (
        domain::totals(subtotal(lines), o.pricing(), true),
        domain::totals(received, o.pricing(), received > 0),
    )
}

fn line_dto(l: &Line) -> LineDto {
    LineDto {
        number: l.number,
        kind: l.kind,
        model_id: l.model_id.clone(),
        product_id: l.product_id.clone(),
        metric: l.metric.clone(),
        description: l.description.clone(),
        quantity: l.quantity,
        unit_cost_minor: l.unit_cost_minor,
        total_minor: l.quantity * l.unit_cost_minor,
        received: l.received,
    }
}

pub fn invoice_dto(i: &Invoice, invoiced: i64) -> InvoiceDto {
    InvoiceDto {
        id: i.id.clone(),
        number: i.number.clone(),
        amount_minor: i.amount_minor,
        received_on: i.received_on,
        matched: domain::InvoiceMatch {
            expected_minor: i.expected_minor,
            invoiced_minor: invoiced,
            variance_minor: i.variance_minor,
            flagged: i.flagged,
        },
        created_at: utc(i.created_at),
    }
}

/// Orders as shown in a list (without receipts and invoices).
pub fn dtos(
    conn: &mut DbConn,
    p: &Purchasing,
    orders: &[Order],
) -> Result<Vec<OrderDto>, AppError> {
    let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
    let mut lines: HashMap<String, Vec<Line>> = HashMap::new();
    for l in repo::lines(conn, &ids)? {
        lines.entry(l.order_id.clone()).or_default().push(l);
    }
    let people_ids: Vec<String> = orders
        .iter()
        .filter_map(|o| o.requested_by.clone())
        .collect();
    let names: HashMap<String, (String, String)> = people::find_users(conn, &people_ids)?
        .into_iter()
        .map(|u| (u.id, (u.display_name, u.email)))
        .collect();
    let mut vendors: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(orders.len());
    for o in orders {
        if !vendors.contains_key(&o.vendor_id) {
            let name = vendor_name(conn, &o.vendor_id)?.unwrap_or_default();
            vendors.insert(o.vendor_id.clone(), name);
        }
        let mine = lines.remove(&o.id).unwrap_or_default();
        let (totals, received) = figures(o, &mine);
        let base_total_minor = base_total(p, o, totals.total_minor)?;
        out.push(OrderDto {
            id: o.id.clone(),
            number: o.number.clone(),
            vendor_id: o.vendor_id.clone(),
            vendor: vendors[&o.vendor_id].clone(),
            created_by: o.created_by.clone(),
            requested_by: o.requested_by.clone(),
            requested_by_name: o
                .requested_by
                .as_ref()
                .and_then(|u| names.get(u).map(|n| n.0.clone())),
            requested_by_email: o
                .requested_by
                .as_ref()
                .and_then(|u| names.get(u).map(|n| n.1.clone())),
            cost_centre: o.cost_centre.clone(),
            currency: o.currency.clone(),
            conversion_rate: o
                .conversion_rate_micros
                .map(|r| r as f64 / domain::RATE_SCALE as f64),
            base_currency: p.settings.base_code(),
            tax_percent: percent(o.tax_bp),
            discount_percent: percent(o.discount_bp),
            shipping_minor: o.shipping_minor,
            expected_on: o.expected_on,
            status: o.status,
            allowed: o.status.allowed_next().to_vec(),
            notes: o.notes.clone(),
            approved_by: o.approved_by.clone(),
            ordered_on: o.ordered_on,
            lines: mine.iter().map(line_dto).collect(),
            totals,
            received,
            base_total_minor,
            needs_admin_approval: domain::approver(
                base_total_minor,
                p.settings.approval_limit_minor,
            ) == Approver::Admin,
            invoice_flagged: o.invoice_flagged,
            receipts: None,
            invoices: None,
            history: None,
            created_at: utc(o.created_at),
            updated_at: utc(o.updated_at),
        });
    }
    Ok(out)
}

/// One order with its receipts (and the assets each brought) and invoices.
pub fn full(conn: &mut DbConn, p: &Purchasing, o: &Order) -> Result<OrderDto, AppError> {
    let mut dto = dtos(conn, p, std::slice::from_ref(o))?.remove(0);
    let units = repo::units(conn, &o.id)?;
    let tags = crate::assets::service::receiving::tags_of(
        conn,
        &units.iter().map(|u| u.asset_id.clone()).collect::<Vec<_>>(),
    )?;
    let receipts = repo::receipts(conn, &o.id)?
        .into_iter()
        .map(|(r, lines)| ReceiptDto {
            lines: lines
                .iter()
                .map(|l| ReceiptLineDto {
                    line: l.line_number,
                    quantity: l.quantity,
                    asset_tags: units
                        .iter()
                        .filter(|u| {
                            u.receipt_id.as_deref() == Some(&r.id) && u.line_number == l.line_number
                        })
                        .filter_map(|u| tags.get(&u.asset_id).cloned())
                        .collect(),
                    entitlement_id: l.entitlement_id.clone(),
                })
                .collect(),
            id: r.id,
            received_on: r.received_on,
            location_id: r.location_id,
            received_by: r.received_by,
            created_at: utc(r.created_at),
        })
        .collect();
    let mut invoiced = 0;
    let invoices = repo::invoices(conn, &o.id)?
        .iter()
        .map(|i| {
            invoiced += i.amount_minor;
            invoice_dto(i, invoiced)
        })
        .collect();
    dto.receipts = Some(receipts);
    dto.invoices = Some(invoices);
    dto.history = Some(history(conn, &o.id)?);
    Ok(dto)
}

/// An order's history, oldest first, with who made each change.
fn history(
    conn: &mut DbConn,
    id: &str,
) -> Result<Vec<crate::auth::dto::HistoryEntryDto>, AppError> {
    let events = crate::audit::history(conn, "purchase_order", id)?;
    let ids: Vec<String> = events.iter().filter_map(|e| e.actor_id.clone()).collect();
    let people: HashMap<String, crate::auth::User> = people::find_users(conn, &ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    Ok(events
        .iter()
        .map(|e| {
            let who = e.actor_id.as_ref().and_then(|a| people.get(a));
            crate::auth::dto::HistoryEntryDto::new(e, who)
        })
        .collect())
}
