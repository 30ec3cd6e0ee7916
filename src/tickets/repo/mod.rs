//! Queries of the ticket tables.

mod canned;
mod list;
pub mod reporting;
pub mod sla;
mod views;

pub use canned::{
    all_canned, canned, canned_for_queue, delete_canned, insert_canned, update_canned,
};
pub use list::{
    count_created_between, count_matching, count_open_by_status, count_resolved_between, list,
    list_ranked,
};
pub use views::{delete_view, insert_view, view, views_for};

use chrono::NaiveDateTime;
use diesel::dsl::{max, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::model::{
    Attachment, Category, Comment, IdempotencyKey, Queue, Ticket, TicketChanges, Watcher,
};
use crate::db::DbConn;
use crate::db::schema::{
    attachments, categories, comments, idempotency_keys, queues, ticket_watchers, tickets,
};

/// The next human ticket number: a sequence on PostgreSQL (no waiting on a
/// counter row; a failed insert leaves a gap), MAX+1 on SQLite (whose single
/// writer makes it exact).
pub fn next_number(conn: &mut DbConn) -> QueryResult<i64> {
    match conn {
        DbConn::Sqlite(_) => {
            // `get_result`, not `first`: a bound LIMIT makes SQLite prepare
            // the statement again on every run.
            let current: Option<i64> = tickets::table
                .select(max(tickets::number))
                .get_result(conn)?;
            Ok(current.unwrap_or(0) + 1)
        }
        DbConn::Postgres(_) => {
            diesel::select(sql::<BigInt>("nextval('ticket_number_seq')")).get_result(conn)
        }
    }
}

/// How many tickets exist.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    tickets::table.count().get_result(conn)
}

/// Takes `n` consecutive numbers; returns the first.
pub fn reserve_numbers(conn: &mut DbConn, n: i64) -> QueryResult<i64> {
    let first = next_number(conn)?;
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query(format!(
            "SELECT setval('ticket_number_seq', {})",
            first + n - 1
        ))
        .execute(c)?;
    }
    Ok(first)
}

pub fn insert(conn: &mut DbConn, ticket: &Ticket) -> QueryResult<()> {
    diesel::insert_into(tickets::table)
        .values(ticket)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_many(conn: &mut DbConn, rows: &[Ticket]) -> QueryResult<()> {
    crate::insert_all!(conn, tickets::table, rows).map(|_| ())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<Ticket>> {
    tickets::table
        .find(id)
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

/// Holds a ticket's row until the transaction ends (PostgreSQL), so that
/// counts and checks made under it cannot be raced by another process;
/// SQLite's single writer already serialises them.
pub fn find_many(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Ticket>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            tickets::table
                .filter(tickets::id.eq_any(chunk))
                .select(Ticket::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

pub fn lock(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT id FROM tickets WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(c)?;
    }
    Ok(())
}

pub fn find_by_number(conn: &mut DbConn, number: i64) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::number.eq(number))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

pub fn update(conn: &mut DbConn, id: &str, changes: &TicketChanges) -> QueryResult<()> {
    diesel::update(tickets::table.find(id))
        .set(changes)
        .execute(conn)
        .map(|_| ())
}

pub fn touch(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(tickets::table.find(id))
        .set(tickets::updated_at.eq(at))
        .execute(conn)
        .map(|_| ())
}

pub fn watcher_ids(conn: &mut DbConn, ticket_id: &str) -> QueryResult<Vec<String>> {
    ticket_watchers::table
        .filter(ticket_watchers::ticket_id.eq(ticket_id))
        .order(ticket_watchers::created_at.asc())
        .select(ticket_watchers::user_id)
        .load(conn)
}

pub fn is_watcher(conn: &mut DbConn, ticket_id: &str, user_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        ticket_watchers::table
            .filter(ticket_watchers::ticket_id.eq(ticket_id))
            .filter(ticket_watchers::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

pub fn insert_watchers(conn: &mut DbConn, rows: &[Watcher]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    crate::insert_all!(conn, ticket_watchers::table, rows).map(|_| ())
}

pub fn insert_comment(conn: &mut DbConn, comment: &Comment) -> QueryResult<()> {
    diesel::insert_into(comments::table)
        .values(comment)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_comments(conn: &mut DbConn, rows: &[Comment]) -> QueryResult<()> {
    crate::insert_all!(conn, comments::table, rows).map(|_| ())
}

/// A ticket's conversation, oldest first; internal notes only if asked.
pub fn comments(
    conn: &mut DbConn,
    ticket_id: &str,
    include_internal: bool,
) -> QueryResult<Vec<Comment>> {
    let mut q = comments::table
        .filter(comments::ticket_id.eq(ticket_id))
        .select(Comment::as_select())
        .order((comments::created_at.asc(), comments::id.asc()))
        .into_boxed();
    if !include_internal {
        q = q
            .filter(comments::is_public.eq(true))
            .filter(comments::is_verified.eq(true));
    }
    q.load(conn)
}

pub fn find_comment(conn: &mut DbConn, ticket_id: &str, id: &str) -> QueryResult<Option<Comment>> {
    comments::table
        .filter(comments::ticket_id.eq(ticket_id))
        .filter(comments::id.eq(id))
        .select(Comment::as_select())
        .first(conn)
        .optional()
}

pub fn confirm_comment(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::update(comments::table.find(id))
        .set(comments::is_verified.eq(true))
        .execute(conn)
        .map(|_| ())
}

/// A ticket's files, oldest first; internal ones only when asked for.
pub fn attachments(
    conn: &mut DbConn,
    ticket_id: &str,
    include_internal: bool,
) -> QueryResult<Vec<Attachment>> {
    let mut q = attachments::table
        .filter(attachments::ticket_id.eq(ticket_id))
        .order((attachments::created_at.asc(), attachments::id.asc()))
        .select(Attachment::as_select())
        .into_boxed();
    if !include_internal {
        q = q.filter(attachments::is_public.eq(true));
    }
    q.load(conn)
}

pub fn count_attachments(conn: &mut DbConn, ticket_id: &str) -> QueryResult<i64> {
    attachments::table
        .filter(attachments::ticket_id.eq(ticket_id))
        .count()
        .get_result(conn)
}

/// One file of a ticket; an internal one only when asked for.
pub fn find_attachment(
    conn: &mut DbConn,
    ticket_id: &str,
    id: &str,
    include_internal: bool,
) -> QueryResult<Option<Attachment>> {
    let mut q = attachments::table
        .filter(attachments::ticket_id.eq(ticket_id))
        .filter(attachments::id.eq(id))
        .select(Attachment::as_select())
        .into_boxed();
    if !include_internal {
        q = q.filter(attachments::is_public.eq(true));
    }
    q.first(conn).optional()
}

/// Which of these digests some attachment stores its bytes under.
pub fn referenced_digests(conn: &mut DbConn, digests: &[String]) -> QueryResult<Vec<String>> {
    attachments::table
        .filter(attachments::sha256.eq_any(digests))
        .select(attachments::sha256)
        .distinct()
        .load(conn)
}

pub fn insert_attachment(conn: &mut DbConn, row: &Attachment) -> QueryResult<()> {
    diesel::insert_into(attachments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn all_queues(conn: &mut DbConn) -> QueryResult<Vec<Queue>> {
    queues::table
        .order(queues::name.asc())
        .select(Queue::as_select())
        .load(conn)
}

pub fn insert_queue(conn: &mut DbConn, row: &Queue) -> QueryResult<()> {
    diesel::insert_into(queues::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn all_categories(conn: &mut DbConn) -> QueryResult<Vec<Category>> {
    categories::table
        .order(categories::name.asc())
        .select(Category::as_select())
        .load(conn)
}

pub fn insert_category(conn: &mut DbConn, row: &Category) -> QueryResult<()> {
    diesel::insert_into(categories::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_idempotency_key(
    conn: &mut DbConn,
    user_id: &str,
    key: &str,
) -> QueryResult<Option<IdempotencyKey>> {
    idempotency_keys::table
        .find((user_id, key))
        .select(IdempotencyKey::as_select())
        .first(conn)
        .optional()
}

pub fn insert_idempotency_key(conn: &mut DbConn, row: &IdempotencyKey) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Forgets idempotency keys older than `before` (housekeeping).
pub fn purge_idempotency_keys(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
        .execute(conn)
}

pub fn find_queue_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Queue>> {
    queues::table
        .filter(queues::slug.eq(slug))
        .select(Queue::as_select())
        .first(conn)
        .optional()
}

pub fn find_category_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Category>> {
    categories::table
        .filter(categories::slug.eq(slug))
        .select(Category::as_select())
        .first(conn)
        .optional()
}

pub fn find_queues(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Queue>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    queues::table
        .filter(queues::id.eq_any(ids))
        .select(Queue::as_select())
        .load(conn)
}

pub fn find_categories(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Category>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    categories::table
        .filter(categories::id.eq_any(ids))
        .select(Category::as_select())
        .load(conn)
}

/// The coordinators named for a queue.
pub fn queue_coordinator_ids(conn: &mut DbConn, queue_id: &str) -> QueryResult<Vec<String>> {
    use crate::db::schema::queue_coordinators as qc;
    qc::table
        .filter(qc::queue_id.eq(queue_id))
        .select(qc::user_id)
        .load(conn)
}

/// Replaces the coordinators of a queue.
pub fn set_queue_coordinators(
    conn: &mut DbConn,
    queue_id: &str,
    user_ids: &[String],
) -> QueryResult<()> {
    use crate::db::schema::queue_coordinators as qc;
    diesel::delete(qc::table.filter(qc::queue_id.eq(queue_id))).execute(conn)?;
    for id in user_ids {
        diesel::insert_into(qc::table)
            .values((qc::queue_id.eq(queue_id), qc::user_id.eq(id)))
            .execute(conn)?;
    }
    Ok(())
}
