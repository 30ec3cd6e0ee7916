//! The tickets a report period touches, read through indexes: filed in
//! it, open now and filed before it, or closed since it began.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::tickets;

/// Ids of every ticket filed before `end` whose status may have been in
/// force or changed in `[start, end)`: filed in it; filed before it and
/// open now; filed before it, not open now and changed since `start` (a
/// status change touches the ticket). Three disjoint index ranges.
pub fn ids_touching(
    conn: &mut DbConn,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    let mut ids: Vec<String> = tickets::table
        .filter(tickets::created_at.ge(start))
        .filter(tickets::created_at.lt(end))
        .select(tickets::id)
        .load(conn)?;
    ids.extend(
        tickets::table
            .filter(tickets::is_open.eq(true))
            .filter(tickets::created_at.lt(start))
            .select(tickets::id)
            .load::<String>(conn)?,
    );
    ids.extend(
        tickets::table
            .filter(tickets::is_open.eq(false))
            .filter(tickets::updated_at.ge(start))
            .filter(tickets::created_at.lt(start))
            .select(tickets::id)
            .load::<String>(conn)?,
    );
    Ok(ids)
}
