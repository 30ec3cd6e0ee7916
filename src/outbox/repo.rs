//! The outbox table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::OutboxRow;
use crate::db::DbConn;
use crate::db::schema::mail_outbox;

pub fn insert(conn: &mut DbConn, row: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(mail_outbox::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<OutboxRow>> {
    mail_outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut DbConn, status: Option<&str>, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    let mut q = mail_outbox::table
        .order(mail_outbox::created_at.desc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(mail_outbox::status.eq(s.to_owned()));
    }
    q.load(conn)
}

pub fn set_status(
    conn: &mut DbConn,
    id: &str,
    status: &str,
    error: Option<&str>,
    sent_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq(status),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            mail_outbox::last_error.eq(error),
            mail_outbox::sent_at.eq(sent_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The outbox rows with one of these Message-IDs (a bounce names them).
pub fn by_message_ids(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<OutboxRow>> {
    mail_outbox::table
        .filter(mail_outbox::message_id.eq_any(ids))
        .select(OutboxRow::as_select())
        .load(conn)
}

pub fn mark_bounced(conn: &mut DbConn, id: &str, reason: &str) -> QueryResult<()> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq("bounced"),
            mail_outbox::last_error.eq(reason),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Automatic replies to an address since `since`.
pub fn autoreplies_since(
    conn: &mut DbConn,
    address: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    mail_outbox::table
        .filter(mail_outbox::auto_to.eq(address))
        .filter(mail_outbox::created_at.ge(since))
        .count()
        .get_result(conn)
}

pub fn raw_of(conn: &mut DbConn, message_id: &str) -> QueryResult<Option<Vec<u8>>> {
    mail_outbox::table
        .filter(mail_outbox::message_id.eq(message_id))
        .select(mail_outbox::raw)
        .first::<Vec<u8>>(conn)
        .optional()
}
