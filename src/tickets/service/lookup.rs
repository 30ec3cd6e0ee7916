//! Reading tickets as the system does, without a person's visibility: for
//! background work and the mail pipeline, which decide access themselves.
//! Everything runs in the caller's transaction.

use super::super::model::Ticket;
use super::super::repo;
use crate::db::DbConn;
use crate::error::AppError;

/// One ticket by id.
pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<Ticket>, AppError> {
    Ok(repo::find(conn, id)?)
}

/// Tickets by id (unknown ids left out, in no particular order).
pub fn find_many(conn: &mut DbConn, ids: &[String]) -> Result<Vec<Ticket>, AppError> {
    Ok(repo::find_many(conn, ids)?)
}

/// One ticket by number.
pub fn find_by_number(conn: &mut DbConn, number: i64) -> Result<Option<Ticket>, AppError> {
    Ok(repo::find_by_number(conn, number)?)
}

/// Whether the person watches the ticket.
pub fn is_watcher(conn: &mut DbConn, ticket_id: &str, user_id: &str) -> Result<bool, AppError> {
    Ok(repo::is_watcher(conn, ticket_id, user_id)?)
}

/// The newest `limit` tickets `user_id` asked for, newest first.
pub fn requested_by(conn: &mut DbConn, user_id: &str, limit: i64) -> Result<Vec<Ticket>, AppError> {
    use crate::db::schema::tickets::dsl as t;
    use diesel::prelude::*;
    Ok(t::tickets
        .filter(t::requester_id.eq(user_id))
        .order((t::created_at.desc(), t::id.desc()))
        .limit(limit)
        .select(Ticket::as_select())
        .load(conn)?)
}

/// How many files the ticket carries.
pub fn count_attachments(conn: &mut DbConn, ticket_id: &str) -> Result<i64, AppError> {
    Ok(repo::count_attachments(conn, ticket_id)?)
}

/// The numbers of the newest `limit` open tickets (new, triaged or in
/// progress), newest first.
pub fn newest_open(conn: &mut DbConn, limit: i64) -> Result<Vec<i64>, AppError> {
    use crate::db::schema::tickets::dsl as t;
    use crate::tickets::domain::Status;
    use diesel::prelude::*;
    Ok(t::tickets
        .filter(t::status.eq_any([Status::New, Status::Triaged, Status::InProgress]))
        .order((t::created_at.desc(), t::id.asc()))
        .select(t::number)
        .limit(limit)
        .load(conn)?)
}
