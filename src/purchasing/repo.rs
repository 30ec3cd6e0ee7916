//! Purchasing's tables.

use diesel::dsl::{max, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::domain::Status;
use super::model::{Invoice, Line, Order, Receipt, ReceiptLine, Unit};
use crate::db::DbConn;
use crate::db::schema::{
    purchase_invoices, purchase_order_lines, purchase_orders, purchase_receipt_lines,
    purchase_receipts, purchase_units,
};

/// The next order sequence number: a sequence on PostgreSQL, MAX+1 under
/// SQLite's single writer.
pub fn next_seq(conn: &mut DbConn) -> QueryResult<i64> {
    match conn {
        DbConn::Sqlite(_) => {
            let current: Option<i64> = purchase_orders::table
                .select(max(purchase_orders::seq))
                .first(conn)?;
            Ok(current.unwrap_or(0) + 1)
        }
        DbConn::Postgres(_) => {
            diesel::select(sql::<BigInt>("nextval('purchase_order_seq')")).get_result(conn)
        }
    }
}

pub fn insert_order(conn: &mut DbConn, o: &Order) -> QueryResult<()> {
    diesel::insert_into(purchase_orders::table)
        .values(o)
        .execute(conn)
        .map(|_| ())
}

pub fn save_order(conn: &mut DbConn, o: &Order) -> QueryResult<()> {
    diesel::update(purchase_orders::table.find(&o.id))
        .set(o)
        .execute(conn)
        .map(|_| ())
}

/// Moves an order only if it is still in `from` (another request may have
/// moved it): `true` when it moved.
pub fn move_order(conn: &mut DbConn, o: &Order, from: Status) -> QueryResult<bool> {
    diesel::update(
        purchase_orders::table
            .find(&o.id)
            .filter(purchase_orders::status.eq(from)),
    )
    .set(o)
    .execute(conn)
    .map(|n| n == 1)
}

/// By id or by number.
pub fn order(conn: &mut DbConn, id_or_number: &str) -> QueryResult<Option<Order>> {
    purchase_orders::table
        .filter(
            purchase_orders::id
                .eq(id_or_number)
                .or(purchase_orders::number.eq(id_or_number)),
        )
        .select(Order::as_select())
        .first(conn)
        .optional()
}

/// By id or number, locked until the transaction ends (PostgreSQL: `FOR
/// UPDATE`; SQLite's write transaction holds the whole database), so that
/// two requests changing one order take turns and each sees the other's
/// change.
pub fn order_locked(conn: &mut DbConn, id_or_number: &str) -> QueryResult<Option<Order>> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT 1 FROM purchase_orders WHERE id = $1 OR number = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(id_or_number)
            .execute(c)?;
    }
    order(conn, id_or_number)
}

/// What the order listing filters on.
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    pub status: Option<Status>,
    pub vendor_id: Option<String>,
    /// Numbers, cost centres or notes containing this (any case).
    pub q: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A page of orders, newest first, and how many match.
pub fn orders(conn: &mut DbConn, q: &OrderQuery) -> QueryResult<(Vec<Order>, i64)> {
    let filtered = || {
        let mut b = purchase_orders::table.into_boxed();
        if let Some(s) = q.status {
            b = b.filter(purchase_orders::status.eq(s));
        }
        if let Some(v) = &q.vendor_id {
            b = b.filter(purchase_orders::vendor_id.eq(v.clone()));
        }
        if let Some(text) = &q.q {
            // `%`, `_` and `\` typed are themselves, not wildcards.
            let like = crate::text::like_contains(text);
            b = b.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("(lower(purchase_orders.number) LIKE ")
                    .bind::<diesel::sql_types::Text, _>(like.clone())
                    .sql(" ESCAPE '\\' OR lower(coalesce(purchase_orders.cost_centre, '')) LIKE ")
                    .bind::<diesel::sql_types::Text, _>(like.clone())
                    .sql(" ESCAPE '\\' OR lower(purchase_orders.notes) LIKE ")
                    .bind::<diesel::sql_types::Text, _>(like)
                    .sql(" ESCAPE '\\')"),
            );
        }
        b
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(purchase_orders::seq.desc())
        .limit(q.limit)
        .offset(q.offset)
        .select(Order::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn lines(conn: &mut DbConn, order_ids: &[String]) -> QueryResult<Vec<Line>> {
    purchase_order_lines::table
        .filter(purchase_order_lines::order_id.eq_any(order_ids))
        .order((
            purchase_order_lines::order_id.asc(),
            purchase_order_lines::number.asc(),
        ))
        .select(Line::as_select())
        .load(conn)
}

pub fn replace_lines(conn: &mut DbConn, order_id: &str, lines: &[Line]) -> QueryResult<()> {
    diesel::delete(purchase_order_lines::table.filter(purchase_order_lines::order_id.eq(order_id)))
        .execute(conn)?;
    if !lines.is_empty() {
        crate::insert_all!(conn, purchase_order_lines::table, lines)?;
    }
    Ok(())
}

/// Adds `n` to what a line received, unless that would pass what was
/// ordered: `true` when it was added.
pub fn add_received(conn: &mut DbConn, order_id: &str, line: i32, n: i64) -> QueryResult<bool> {
    diesel::update(
        purchase_order_lines::table
            .find((order_id, line))
            .filter(purchase_order_lines::received.le(purchase_order_lines::quantity - n)),
    )
    .set(purchase_order_lines::received.eq(purchase_order_lines::received + n))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn insert_receipt(conn: &mut DbConn, r: &Receipt) -> QueryResult<()> {
    diesel::insert_into(purchase_receipts::table)
        .values(r)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_receipt_lines(conn: &mut DbConn, lines: &[ReceiptLine]) -> QueryResult<()> {
    crate::insert_all!(conn, purchase_receipt_lines::table, lines).map(|_| ())
}

/// The receipt posted with this key on this order.
pub fn receipt_by_key(
    conn: &mut DbConn,
    order_id: &str,
    key: &str,
) -> QueryResult<Option<Receipt>> {
    purchase_receipts::table
        .filter(purchase_receipts::order_id.eq(order_id))
        .filter(purchase_receipts::request_key.eq(key))
        .select(Receipt::as_select())
        .first(conn)
        .optional()
}

/// An order's receipts, oldest first, with their lines.
pub fn receipts(
    conn: &mut DbConn,
    order_id: &str,
) -> QueryResult<Vec<(Receipt, Vec<ReceiptLine>)>> {
    let rs: Vec<Receipt> = purchase_receipts::table
        .filter(purchase_receipts::order_id.eq(order_id))
        .order((
            purchase_receipts::created_at.asc(),
            purchase_receipts::id.asc(),
        ))
        .select(Receipt::as_select())
        .load(conn)?;
    let ids: Vec<&String> = rs.iter().map(|r| &r.id).collect();
    let mut lines: Vec<ReceiptLine> = purchase_receipt_lines::table
        .filter(purchase_receipt_lines::receipt_id.eq_any(ids))
        .select(ReceiptLine::as_select())
        .load(conn)?;
    lines.sort_by_key(|l| l.line_number);
    Ok(rs
        .into_iter()
        .map(|r| {
            let mine = lines
                .iter()
                .filter(|l| l.receipt_id == r.id)
                .cloned()
                .collect();
            (r, mine)
        })
        .collect())
}

pub fn insert_units(conn: &mut DbConn, units: &[Unit]) -> QueryResult<()> {
    for chunk in units.chunks(200) {
        crate::insert_all!(conn, purchase_units::table, chunk)?;
    }
    Ok(())
}

/// An order's units, in the order they were created (by line).
pub fn units(conn: &mut DbConn, order_id: &str) -> QueryResult<Vec<Unit>> {
    purchase_units::table
        .filter(purchase_units::order_id.eq(order_id))
        .order((
            purchase_units::line_number.asc(),
            purchase_units::asset_id.asc(),
        ))
        .select(Unit::as_select())
        .load(conn)
}

pub fn mark_units_received(
    conn: &mut DbConn,
    asset_ids: &[String],
    receipt_id: &str,
) -> QueryResult<()> {
    for chunk in asset_ids.chunks(500) {
        diesel::update(purchase_units::table.filter(purchase_units::asset_id.eq_any(chunk)))
            .set(purchase_units::receipt_id.eq(receipt_id))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_units(conn: &mut DbConn, asset_ids: &[String]) -> QueryResult<()> {
    diesel::delete(purchase_units::table.filter(purchase_units::asset_id.eq_any(asset_ids)))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_invoice(conn: &mut DbConn, i: &Invoice) -> QueryResult<()> {
    diesel::insert_into(purchase_invoices::table)
        .values(i)
        .execute(conn)
        .map(|_| ())
}

pub fn invoices(conn: &mut DbConn, order_id: &str) -> QueryResult<Vec<Invoice>> {
    purchase_invoices::table
        .filter(purchase_invoices::order_id.eq(order_id))
        .order((
            purchase_invoices::created_at.asc(),
            purchase_invoices::id.asc(),
        ))
        .select(Invoice::as_select())
        .load(conn)
}
