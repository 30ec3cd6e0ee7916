//! The mail tables: messages seen or sent, dead letters.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{mail_dead_letters, mail_messages};

/// A message taken in or sent.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_messages)]
pub struct MailMessage {
    pub id: String,
    /// `in` or `out`.
    pub direction: String,
    pub message_id: String,
    pub content_hash: String,
    pub ticket_id: Option<String>,
    pub comment_id: Option<String>,
    pub thread_index: Option<String>,
    pub from_address: String,
    pub subject: String,
    /// `created`, `appended`, `ignored`, `bounce`, `held`, `queued`.
    pub action: String,
    pub reason: String,
    /// `imap`, `mailgate`, `http`, `outbox`.
    pub source: String,
    pub raw: Vec<u8>,
    pub created_at: NaiveDateTime,
    /// An outgoing message's one recipient (older ones had several: none).
    pub recipient: Option<String>,
}

pub fn insert_message(conn: &mut DbConn, m: &MailMessage) -> QueryResult<()> {
    diesel::insert_into(mail_messages::table)
        .values(m)
        .execute(conn)
        .map(|_| ())
}

/// An inbound message already taken in with this id and content.
pub fn seen(
    conn: &mut DbConn,
    message_id: &str,
    content_hash: &str,
) -> QueryResult<Option<(String, Option<String>)>> {
    mail_messages::table
        .filter(mail_messages::direction.eq("in"))
        .filter(mail_messages::message_id.eq(message_id))
        .filter(mail_messages::content_hash.eq(content_hash))
        .select((mail_messages::action, mail_messages::ticket_id))
        .first(conn)
        .optional()
}

/// The ticket a message (in or out) with one of these ids belongs to.
pub fn ticket_of_ids(conn: &mut DbConn, ids: &[String]) -> QueryResult<Option<String>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let found: Vec<(String, Option<String>)> = mail_messages::table
        .filter(mail_messages::message_id.eq_any(ids))
        .filter(mail_messages::ticket_id.is_not_null())
        .select((mail_messages::message_id, mail_messages::ticket_id))
        .load(conn)?;
    // Prefer the id named first (In-Reply-To before References).
    Ok(ids.iter().find_map(|id| {
        found
            .iter()
            .find(|(m, _)| m == id)
            .and_then(|(_, t)| t.clone())
    }))
}

pub fn ticket_of_thread_index(conn: &mut DbConn, index: &str) -> QueryResult<Option<String>> {
    mail_messages::table
        .filter(mail_messages::thread_index.eq(index))
        .filter(mail_messages::ticket_id.is_not_null())
        .order(mail_messages::created_at.asc())
        .select(mail_messages::ticket_id)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// A ticket's Message-IDs, oldest first (for In-Reply-To and References).
/// The Message-IDs of a ticket's thread as `recipient` may see it, oldest
/// first: what came in, and what went out to them (never a message to
/// someone else, whose Message-ID carries that person's reply key).
pub fn thread_ids(conn: &mut DbConn, ticket_id: &str, recipient: &str) -> QueryResult<Vec<String>> {
    mail_messages::table
        .filter(mail_messages::ticket_id.eq(ticket_id))
        .filter(
            mail_messages::direction
                .eq("in")
                .or(mail_messages::recipient.eq(recipient))
                .or(mail_messages::recipient.is_null()),
        )
        .order((mail_messages::created_at.asc(), mail_messages::id.asc()))
        .select(mail_messages::message_id)
        .load(conn)
}

/// A ticket's mail as a list shows it (no bodies).
#[derive(Debug, Clone, Queryable)]
pub struct MailSummary {
    pub id: String,
    pub direction: String,
    pub from_address: String,
    pub subject: String,
    pub action: String,
    pub comment_id: Option<String>,
    pub created_at: NaiveDateTime,
    /// Why an outbound message was sent (`reply`, `sla`, `assignment`, …).
    pub reason: String,
}

impl MailSummary {
    /// A notice to staff (an SLA escalation, an assignment), not part of
    /// the conversation with the requester.
    pub fn is_staff_notice(&self) -> bool {
        self.direction == "out" && matches!(self.reason.as_str(), "sla" | "assignment")
    }
}

/// A ticket's mail, oldest first, without the bytes.
pub fn summaries_of(conn: &mut DbConn, ticket_id: &str) -> QueryResult<Vec<MailSummary>> {
    mail_messages::table
        .filter(mail_messages::ticket_id.eq(ticket_id))
        .order((mail_messages::created_at.asc(), mail_messages::id.asc()))
        .select((
            mail_messages::id,
            mail_messages::direction,
            mail_messages::from_address,
            mail_messages::subject,
            mail_messages::action,
            mail_messages::comment_id,
            mail_messages::created_at,
            mail_messages::reason,
        ))
        .load(conn)
}

/// A ticket's mail, oldest first, with the bytes of inbound messages.
pub fn messages_of(conn: &mut DbConn, ticket_id: &str) -> QueryResult<Vec<MailMessage>> {
    mail_messages::table
        .filter(mail_messages::ticket_id.eq(ticket_id))
        .order((mail_messages::created_at.asc(), mail_messages::id.asc()))
        .select(MailMessage::as_select())
        .load(conn)
}

pub fn message(conn: &mut DbConn, id: &str) -> QueryResult<Option<MailMessage>> {
    mail_messages::table
        .find(id)
        .select(MailMessage::as_select())
        .first(conn)
        .optional()
}

/// Held messages, newest first.
pub fn held(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<MailMessage>> {
    mail_messages::table
        .filter(mail_messages::action.eq("held"))
        .order(mail_messages::created_at.desc())
        .limit(limit)
        .select(MailMessage::as_select())
        .load(conn)
}

pub fn insert_dead_letter(
    conn: &mut DbConn,
    id: &str,
    source: &str,
    error: &str,
    raw: &[u8],
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(mail_dead_letters::table)
        .values((
            mail_dead_letters::id.eq(id),
            mail_dead_letters::source.eq(source),
            mail_dead_letters::error.eq(error),
            mail_dead_letters::raw.eq(raw),
            mail_dead_letters::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Input that was not a message, kept for a person.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = mail_dead_letters)]
pub struct DeadLetter {
    pub id: String,
    pub source: String,
    pub error: String,
    pub raw: Vec<u8>,
    pub created_at: NaiveDateTime,
}

/// Dead letters, newest first.
pub fn dead_letters(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<DeadLetter>> {
    mail_dead_letters::table
        .order(mail_dead_letters::created_at.desc())
        .limit(limit)
        .select(DeadLetter::as_select())
        .load(conn)
}
