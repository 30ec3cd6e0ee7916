//! Queries of the vendor escalation table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::Escalation;
use crate::db::DbConn;
use crate::db::schema::vendor_escalations as e;

pub fn insert(conn: &mut DbConn, row: &Escalation) -> QueryResult<()> {
    diesel::insert_into(e::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<Escalation>> {
    e::table
        .find(id)
        .select(Escalation::as_select())
        .first(conn)
        .optional()
}

/// A ticket's escalations, oldest first.
pub fn of_ticket(conn: &mut DbConn, ticket: &str) -> QueryResult<Vec<Escalation>> {
    e::table
        .filter(e::ticket_id.eq(ticket))
        .order((e::escalated_at.asc(), e::id.asc()))
        .select(Escalation::as_select())
        .load(conn)
}

/// A vendor's escalations made in `[from, to)`, oldest first.
pub fn of_vendor(
    conn: &mut DbConn,
    vendor: &str,
    (from, to): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<Vec<Escalation>> {
    e::table
        .filter(e::vendor_id.eq(vendor))
        .filter(e::escalated_at.ge(from))
        .filter(e::escalated_at.lt(to))
        .order((e::escalated_at.asc(), e::id.asc()))
        .select(Escalation::as_select())
        .load(conn)
}

/// Records the vendor's first answer, unless one is there: `true` when
/// this call recorded it.
pub fn answer(conn: &mut DbConn, id: &str, at: NaiveDateTime, seconds: i64) -> QueryResult<bool> {
    diesel::update(e::table.find(id).filter(e::responded_at.is_null()))
        .set((e::responded_at.eq(at), e::response_seconds.eq(seconds)))
        .execute(conn)
        .map(|n| n == 1)
}

/// Records the resolution, unless one is there: `true` when this call
/// recorded it.
pub fn resolve(
    conn: &mut DbConn,
    id: &str,
    at: NaiveDateTime,
    seconds: i64,
    note: Option<&str>,
) -> QueryResult<bool> {
    // Not before the vendor's answer, checked in the update itself: an
    // answer recorded meanwhile by someone else counts.
    diesel::update(
        e::table
            .find(id)
            .filter(e::resolved_at.is_null())
            .filter(e::responded_at.is_null().or(e::responded_at.le(at))),
    )
    .set((
        e::resolved_at.eq(at),
        e::resolution_seconds.eq(seconds),
        e::resolution_note.eq(note),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Every vendor's escalations made in `[from, to)`, oldest first.
pub fn between(
    conn: &mut DbConn,
    (from, to): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<Vec<Escalation>> {
    e::table
        .filter(e::escalated_at.ge(from))
        .filter(e::escalated_at.lt(to))
        .order((e::escalated_at.asc(), e::id.asc()))
        .select(Escalation::as_select())
        .load(conn)
}
