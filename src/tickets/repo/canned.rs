//! Queries of saved replies.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::model::CannedResponse;
use crate::db::DbConn;
use crate::db::schema::canned_responses;

pub fn insert_canned(conn: &mut DbConn, row: &CannedResponse) -> QueryResult<()> {
    diesel::insert_into(canned_responses::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Every saved reply, by name.
pub fn all_canned(conn: &mut DbConn) -> QueryResult<Vec<CannedResponse>> {
    canned_responses::table
        .order((canned_responses::name.asc(), canned_responses::id.asc()))
        .select(CannedResponse::as_select())
        .load(conn)
}

/// The replies offered in a queue: its own and those for every queue.
pub fn canned_for_queue(
    conn: &mut DbConn,
    queue_id: Option<&str>,
) -> QueryResult<Vec<CannedResponse>> {
    let mut q = canned_responses::table
        .select(CannedResponse::as_select())
        .order((canned_responses::name.asc(), canned_responses::id.asc()))
        .into_boxed();
    q = match queue_id {
        Some(id) => q.filter(
            canned_responses::queue_id
                .is_null()
                .or(canned_responses::queue_id.eq(id.to_owned())),
        ),
        None => q.filter(canned_responses::queue_id.is_null()),
    };
    q.load(conn)
}

pub fn canned(conn: &mut DbConn, id: &str) -> QueryResult<Option<CannedResponse>> {
    canned_responses::table
        .find(id)
        .select(CannedResponse::as_select())
        .first(conn)
        .optional()
}

pub fn update_canned(
    conn: &mut DbConn,
    id: &str,
    (queue_id, name, body): (Option<&str>, &str, &str),
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(canned_responses::table.find(id))
        .set((
            canned_responses::queue_id.eq(queue_id),
            canned_responses::name.eq(name),
            canned_responses::body.eq(body),
            canned_responses::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

pub fn delete_canned(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::delete(canned_responses::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}
