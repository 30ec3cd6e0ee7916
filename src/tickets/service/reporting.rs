//! What the monthly report reads of tickets, without touching their
//! tables: the tickets a month touches, and counts by filing time.

use chrono::NaiveDateTime;

use super::super::model::Ticket;
use super::super::repo::reporting as repo;
use crate::db::DbConn;
use crate::error::AppError;

/// Ids of every ticket whose status may have been in force or changed in
/// `[start, end)` (a superset: the figures decide from each history).
pub fn ids_touching(
    conn: &mut DbConn,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    Ok(repo::ids_touching(conn, start, end)?)
}

/// The tickets with these ids (any order).
pub fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<Ticket>, AppError> {
    Ok(repo::by_ids(conn, ids)?)
}

/// How many tickets were filed in `[from, to)`.
pub fn filed_count(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<u64, AppError> {
    Ok(repo::filed_count(conn, from, to)? as u64)
}
