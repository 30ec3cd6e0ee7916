//! Receiving: what arrived goes into stock as assets (with their serials,
//! tags, cost, supplier, order number and warranty) or becomes license
//! entitlements, the order moves to partially received or received — all
//! of a receipt or none of it, once per `Idempotency-Key`.

use chrono::NaiveDateTime;
use serde_json::json;

use super::receipt_checks::{check_against, check_shape, codes};
use super::view::full;
use super::{may_change, record};
use crate::assets::service::receiving::{
    Arrival, Arrived, Tags, Unit as NewUnit, create_units, lock_for_units, model_facts, stock_units,
};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::licenses::service::purchased::{Purchased, receive_entitlement};
use crate::licenses::terms::Metric;
use crate::purchasing::Purchasing;
use crate::purchasing::domain::{LineKind, Open, Status, after_receipt};
use crate::purchasing::dto::{OrderDto, ReceiptInput, ReceiptLineInput};
use crate::purchasing::model::{Line, Order, Receipt, ReceiptLine, Unit};
use crate::purchasing::repo;
use crate::vendors::service::vendor_name;

/// What every line of one receipt is received with.
struct Taking<'a> {
    order: &'a Order,
    receipt: &'a Receipt,
    vendor: String,
    actor_id: &'a str,
    now: NaiveDateTime,
}

/// Takes a receipt on an order. `key` is the request's `Idempotency-Key`:
/// the same key again answers with the order as it is, receiving nothing
/// more. Returns the order and whether this call received anything.
pub fn receive(
    p: &Purchasing,
    actor: &User,
    id: &str,
    input: &ReceiptInput,
    key: Option<(String, String)>,
    now: NaiveDateTime,
) -> Result<(OrderDto, bool), AppError> {
    may_change(actor)?;
    check_shape(input, now.date())?;
    p.db.write(|conn| {
        let mut o = repo::order_locked(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("purchase order {id}")))?;
        if let Some((k, hash)) = &key
            && let Some(done) = repo::receipt_by_key(conn, &o.id, k)?
        {
            if done.request_hash.as_ref().is_some_and(|h| h != hash) {
                return Err(AppError::invalid(
                    "Idempotency-Key",
                    "this key was already used with a different receipt",
                ));
            }
            return Ok((full(conn, p, &o)?, false));
        }
        if !o.status.receives() {
            return Err(not_receiving(&o));
        }
        lock_for_units(conn)?;
        let mut lines = repo::lines(conn, std::slice::from_ref(&o.id))?;
        check_against(conn, &o, &lines, input)?;
        let receipt = Receipt {
            id: ids::new_id(),
            order_id: o.id.clone(),
            received_on: input.received_on.unwrap_or(now.date()),
            location_id: input.location_id.clone(),
            received_by: Some(actor.id.clone()),
            request_key: key.as_ref().map(|(k, _)| k.clone()),
            request_hash: key.map(|(_, h)| h),
            created_at: now,
        };
        repo::insert_receipt(conn, &receipt)?;
        let taking = Taking {
            order: &o,
            receipt: &receipt,
            vendor: vendor_name(conn, &o.vendor_id)?.unwrap_or_default(),
            actor_id: &actor.id,
            now,
        };
        let rows = apply(conn, p, &taking, &lines, input)?;
        repo::insert_receipt_lines(conn, &rows)?;
        count_in(conn, &o, &mut lines, input)?;
        let from = o.status;
        o.status = after_receipt(&open_lines(&lines));
        o.invoice_flagged = super::invoices::flagged(conn, p, &o, &lines)?;
        o.updated_at = now;
        repo::save_order(conn, &o)?;
        record(
            conn,
            actor,
            &o.id,
            "received",
            json!({"receipt_id": receipt.id, "received_on": receipt.received_on,
                "lines": input.lines.iter().map(|l| json!({"line": l.line, "quantity": l.quantity})).collect::<Vec<_>>(),
                "status": {"from": from.as_str(), "to": o.status.as_str()}}),
            now,
        )?;
        Ok((full(conn, p, &o)?, true))
    })
}

fn not_receiving(o: &Order) -> AppError {
    let why = match o.status {
        Status::Cancelled => "it is cancelled".to_owned(),
        s if s.finished() || s == Status::Received => format!("it is {}", s.as_str()),
        _ => "it has not been ordered yet".to_owned(),
    };
    AppError::conflict(
        "order_not_receiving",
        format!(
            "{} takes no receipts: {why}; nothing was received",
            o.number
        ),
    )
}

/// Adds what arrived to each line (guarded against a receipt taken
/// meanwhile).
fn count_in(
    conn: &mut DbConn,
    o: &Order,
    lines: &mut [Line],
    input: &ReceiptInput,
) -> Result<(), AppError> {
    for l in &input.lines {
        if !repo::add_received(conn, &o.id, l.line, l.quantity)? {
            return Err(AppError::conflict(
                "over_receipt",
                format!("line {} was received meanwhile; reload the order", l.line),
            ));
        }
        if let Some(x) = lines.iter_mut().find(|x| x.number == l.line) {
            x.received += l.quantity;
        }
    }
    Ok(())
}

fn open_lines(lines: &[Line]) -> Vec<Open> {
    lines
        .iter()
        .map(|l| Open {
            number: l.number,
            ordered: l.quantity,
            received: l.received,
        })
        .collect()
}

/// Brings each received line into its register; the receipt's lines.
fn apply(
    conn: &mut DbConn,
    p: &Purchasing,
    t: &Taking<'_>,
    lines: &[Line],
    input: &ReceiptInput,
) -> Result<Vec<ReceiptLine>, AppError> {
    let model_ids: Vec<String> = lines.iter().filter_map(|l| l.model_id.clone()).collect();
    let models = model_facts(conn, &model_ids)?;
    let mut units = repo::units(conn, &t.order.id)?;
    let mut tags = Tags::load(conn, &p.tag_pattern)?;
    tags.reserve(input.lines.iter().filter_map(|l| codes(l, false)).flatten());
    let mut rows = Vec::new();
    for l in &input.lines {
        let line = lines.iter().find(|x| x.number == l.line).expect("checked");
        let mut row = ReceiptLine {
            receipt_id: t.receipt.id.clone(),
            line_number: l.line,
            quantity: l.quantity,
            entitlement_id: None,
        };
        match (line.kind, &line.model_id, &line.product_id) {
            (LineKind::Asset, Some(model_id), _) => {
                let warranty = models.get(model_id).and_then(|m| m.warranty_months);
                let arrival = arrival(t, line, model_id, warranty);
                receive_units(conn, t, &arrival, l, &mut units, &mut tags)?;
            }
            (LineKind::License, _, Some(product_id)) => {
                row.entitlement_id = Some(receive_seats(conn, t, line, l, product_id)?);
            }
            _ => {}
        }
        rows.push(row);
    }
    Ok(rows)
}

fn arrival<'a>(
    t: &'a Taking<'_>,
    line: &Line,
    model_id: &'a str,
    warranty_months: Option<i32>,
) -> Arrival<'a> {
    Arrival {
        model_id,
        unit_cost_minor: line.unit_cost_minor,
        currency: &t.order.currency,
        vendor_id: &t.order.vendor_id,
        vendor_name: &t.vendor,
        po_number: &t.order.number,
        on: t.receipt.received_on,
        warranty_months,
        location_id: t.receipt.location_id.as_deref(),
    }
}

/// The units of an asset line: those placed with the order move into
/// stock with their serials; otherwise new assets are created in stock.
fn receive_units(
    conn: &mut DbConn,
    t: &Taking<'_>,
    arrival: &Arrival<'_>,
    l: &ReceiptLineInput,
    units: &mut [Unit],
    tags: &mut Tags,
) -> Result<(), AppError> {
    let serials = codes(l, true);
    let given_tags = codes(l, false);
    let waiting: Vec<&mut Unit> = units
        .iter_mut()
        .filter(|u| u.line_number == l.line && u.receipt_id.is_none())
        .take(l.quantity as usize)
        .collect();
    if waiting.len() as i64 == l.quantity {
        let moved: Vec<Arrived> = waiting
            .iter()
            .enumerate()
            .map(|(k, u)| Arrived {
                asset_id: u.asset_id.clone(),
                serial: serials.as_ref().map(|s| s[k].clone()),
                tag: given_tags.as_ref().map(|t| t[k].clone()),
            })
            .collect();
        stock_units(conn, &moved, arrival, Some(t.actor_id), t.now)?;
        let ids: Vec<String> = moved.into_iter().map(|a| a.asset_id).collect();
        repo::mark_units_received(conn, &ids, &t.receipt.id)?;
        for u in waiting {
            u.receipt_id = Some(t.receipt.id.clone());
        }
        return Ok(());
    }
    let new: Vec<NewUnit> = (0..l.quantity as usize)
        .map(|k| NewUnit {
            tag: given_tags.as_ref().map(|g| g[k].clone()),
            serial: serials.as_ref().map(|s| s[k].clone()),
        })
        .collect();
    let made = create_units(conn, arrival, &new, false, tags, Some(t.actor_id), t.now)?;
    let placed: Vec<Unit> = made
        .into_iter()
        .map(|(asset_id, _)| Unit {
            asset_id,
            order_id: t.order.id.clone(),
            line_number: l.line,
            receipt_id: Some(t.receipt.id.clone()),
        })
        .collect();
    repo::insert_units(conn, &placed)?;
    Ok(())
}

/// The entitlement a license line becomes; its id.
fn receive_seats(
    conn: &mut DbConn,
    t: &Taking<'_>,
    line: &Line,
    l: &ReceiptLineInput,
    product_id: &str,
) -> Result<String, AppError> {
    let metric = line
        .metric
        .as_deref()
        .and_then(|m| m.parse::<Metric>().ok())
        .unwrap_or(Metric::Device);
    let purchased = Purchased {
        product_id,
        metric,
        quantity: l.quantity,
        unit_cost_minor: line.unit_cost_minor,
        currency: &t.order.currency,
        vendor: &t.vendor,
        po_number: &t.order.number,
        starts_on: t.receipt.received_on,
    };
    receive_entitlement(conn, &purchased, Some(t.actor_id), t.now)
}
