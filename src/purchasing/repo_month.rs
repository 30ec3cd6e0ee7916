//! Purchasing's tables read for a month: the orders that were placed by
//! its last day and could still have been open at its end, what arrived
//! by then, and the receipts and invoices dated in it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::Status;
use super::model::{Invoice, Order};
use crate::db::DbConn;
use crate::db::schema::{
    purchase_invoices, purchase_orders, purchase_receipt_lines, purchase_receipts,
};

/// Orders placed on or before `last`, except those settled (received in
/// full, closed or cancelled) by a last change before `since`: those
/// placed in `[first, last]`, those waiting for goods now, and those
/// changed since `since`.
pub fn placed_through(
    conn: &mut DbConn,
    (first, last): (NaiveDate, NaiveDate),
    since: NaiveDateTime,
) -> QueryResult<Vec<Order>> {
    purchase_orders::table
        .filter(purchase_orders::ordered_on.le(last))
        .filter(
            purchase_orders::ordered_on
                .ge(first)
                .or(purchase_orders::status.eq_any([Status::Ordered, Status::PartiallyReceived]))
                .or(purchase_orders::updated_at.ge(since)),
        )
        .order(purchase_orders::seq.asc())
        .select(Order::as_select())
        .load(conn)
}

/// Orders by id.
pub fn orders_by_id(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Order>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            purchase_orders::table
                .filter(purchase_orders::id.eq_any(chunk))
                .select(Order::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// What arrived on these orders' lines on or before `last`, as (order id,
/// line number, quantity), one row per receipt line.
pub fn received_through(
    conn: &mut DbConn,
    order_ids: &[String],
    last: NaiveDate,
) -> QueryResult<Vec<(String, i32, i64)>> {
    let mut out = Vec::new();
    for chunk in order_ids.chunks(500) {
        out.extend(
            purchase_receipt_lines::table
                .inner_join(purchase_receipts::table)
                .filter(purchase_receipts::order_id.eq_any(chunk))
                .filter(purchase_receipts::received_on.le(last))
                .select((
                    purchase_receipts::order_id,
                    purchase_receipt_lines::line_number,
                    purchase_receipt_lines::quantity,
                ))
                .load::<(String, i32, i64)>(conn)?,
        );
    }
    Ok(out)
}

/// Receipts dated in `[first, last]`: (receipt id, quantity of one of its
/// lines), one row per receipt line.
pub fn receipts_between(
    conn: &mut DbConn,
    (first, last): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<(String, i64)>> {
    purchase_receipt_lines::table
        .inner_join(purchase_receipts::table)
        .filter(purchase_receipts::received_on.ge(first))
        .filter(purchase_receipts::received_on.le(last))
        .select((purchase_receipts::id, purchase_receipt_lines::quantity))
        .load(conn)
}

/// Invoices dated in `[first, last]`.
pub fn invoices_between(
    conn: &mut DbConn,
    (first, last): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<Invoice>> {
    purchase_invoices::table
        .filter(purchase_invoices::received_on.ge(first))
        .filter(purchase_invoices::received_on.le(last))
        .order(purchase_invoices::created_at.asc())
        .select(Invoice::as_select())
        .load(conn)
}
