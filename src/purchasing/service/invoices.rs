//! Invoices: each matched, with the ones before it, against the value
//! received (its discount, tax and shipping); beyond the tolerance the
//! order is flagged.

use chrono::NaiveDateTime;
use serde_json::json;

use super::view::{figures, full};
use super::{may_change, record};
use crate::auth::User;
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::purchasing::Purchasing;
use crate::purchasing::domain::{Status, match_invoice};
use crate::purchasing::dto::{InvoiceInput, OrderDto};
use crate::purchasing::model::{Invoice, Order};
use crate::purchasing::repo;

/// Largest invoice, in minor units.
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// The invoice number, once the fields are right.
fn checked(input: &InvoiceInput, today: chrono::NaiveDate) -> Result<String, AppError> {
    let number = input.number.trim().to_owned();
    let mut errors = Vec::new();
    if number.is_empty() || number.chars().count() > 100 {
        errors.push(FieldError::new(
            "number",
            "the vendor's invoice number, 1 to 100 characters",
        ));
    }
    if !(0..=MAX_AMOUNT).contains(&input.amount_minor) {
        errors.push(FieldError::new("amount_minor", "0 or more"));
    }
    if input.received_on > today {
        errors.push(FieldError::new("received_on", "not in the future"));
    }
    if errors.is_empty() {
        Ok(number)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Refuses an invoice for an order not placed, or one recorded already.
fn may_invoice(o: &Order, before: &[Invoice], number: &str) -> Result<(), AppError> {
    if matches!(
        o.status,
        Status::Draft | Status::Submitted | Status::Approved | Status::Cancelled
    ) {
        return Err(AppError::conflict(
            "order_not_placed",
            format!(
                "{} is {}: invoices come for orders placed",
                o.number,
                o.status.as_str()
            ),
        ));
    }
    if before.iter().any(|i| i.number.eq_ignore_ascii_case(number)) {
        return Err(AppError::conflict(
            "duplicate_invoice",
            format!("invoice {number} is recorded on {} already", o.number),
        ));
    }
    Ok(())
}

/// Whether the order's invoices (if any) are off what arrived by now
/// beyond the tolerance: receipts after an invoice change the answer.
pub(super) fn flagged(
    conn: &mut crate::db::DbConn,
    p: &Purchasing,
    o: &Order,
    lines: &[crate::purchasing::model::Line],
) -> Result<bool, AppError> {
    let invoices = repo::invoices(conn, &o.id)?;
    if invoices.is_empty() {
        return Ok(false);
    }
    let tolerance = p
        .settings
        .tolerance_bp()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let (_, received) = figures(o, lines);
    let invoiced = invoices.iter().map(|i| i.amount_minor).sum();
    Ok(match_invoice(invoiced, received.total_minor, tolerance).flagged)
}

/// Records an invoice against an order that was placed.
pub fn add_invoice(
    p: &Purchasing,
    actor: &User,
    id: &str,
    input: &InvoiceInput,
    now: NaiveDateTime,
) -> Result<OrderDto, AppError> {
    may_change(actor)?;
    let number = checked(input, now.date())?;
    let tolerance = p
        .settings
        .tolerance_bp()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    p.db.write(|conn| {
        let mut o = repo::order_locked(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("purchase order {id}")))?;
        let before = repo::invoices(conn, &o.id)?;
        may_invoice(&o, &before, &number)?;
        let lines = repo::lines(conn, std::slice::from_ref(&o.id))?;
        let (_, received) = figures(&o, &lines);
        let invoiced: i64 = before.iter().map(|i| i.amount_minor).sum::<i64>() + input.amount_minor;
        let m = match_invoice(invoiced, received.total_minor, tolerance);
        let invoice = Invoice {
            id: ids::new_id(),
            order_id: o.id.clone(),
            number: number.clone(),
            amount_minor: input.amount_minor,
            received_on: input.received_on,
            expected_minor: m.expected_minor,
            variance_minor: m.variance_minor,
            flagged: m.flagged,
            created_by: Some(actor.id.clone()),
            created_at: now,
        };
        repo::insert_invoice(conn, &invoice)?;
        o.invoice_flagged = m.flagged;
        o.updated_at = now;
        repo::save_order(conn, &o)?;
        record(
            conn,
            actor,
            &o.id,
            "invoiced",
            json!({"number": number, "amount_minor": input.amount_minor,
                "expected_minor": m.expected_minor, "invoiced_minor": m.invoiced_minor,
                "variance_minor": m.variance_minor, "flagged": m.flagged}),
            now,
        )?;
        full(conn, p, &o)
    })
}
