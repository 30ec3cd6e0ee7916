//! What the monthly report reads of tickets, without touching their
//! tables: the tickets a month touches.

use chrono::NaiveDateTime;

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
