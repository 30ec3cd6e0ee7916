//! Outbound mail as a queue any context writes to in its own transaction:
//! a message is built (our Message-ID, threading headers, text and HTML),
//! stored in the outbox with a `mail.send` job in the same transaction — so
//! a rolled-back change sends nothing and a committed one is never
//! forgotten — and sent over SMTP by that job after commit. What a message
//! says, and to whom, is the caller's business (tickets' mail in `mail`,
//! hand-overs and digests in `assets`).

mod compose;
mod model;
mod repo;
mod send;
mod settings;

use chrono::NaiveDateTime;
use serde_json::json;

pub use compose::{Enclosure, Outgoing, build, build_with, id_domain, new_message_id};
pub use model::OutboxRow;
pub use send::{send, send_job};
pub use settings::{MailTransport, SmtpSettings, TlsMode};

use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::jobs::queue::{self as jobs, NewJob};

/// The job kind that sends one outbox message.
pub const SEND_JOB: &str = "mail.send";

/// A message's subject and bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The sender and link base of a context's mail (digests, hand-overs,
/// reminders).
#[derive(Debug, Clone)]
pub struct MailFrom {
    pub address: String,
    pub display_name: String,
    pub public_url: String,
}

impl MailFrom {
    /// As the sender of a message.
    pub fn sender(&self) -> Sender<'_> {
        Sender {
            address: &self.address,
            display_name: &self.display_name,
        }
    }
}

/// Who mail comes from: the helpdesk's address and name.
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub address: &'a str,
    pub display_name: &'a str,
}

/// `s` with the characters HTML gives meaning to escaped.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Builds `outgoing`, writes it to the outbox and schedules its sending, in
/// the caller's transaction; `false` when nobody in it has a usable address.
/// `auto_to` marks an automatic answer to one address (see
/// [`autoreplies_since`]).
pub fn queue(
    conn: &mut DbConn,
    ticket_id: Option<&str>,
    kind: &str,
    auto_to: Option<&str>,
    outgoing: &Outgoing,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Ok((raw, to)) = compose::build(outgoing) else {
        return Ok(false);
    };
    insert(conn, ticket_id, kind, auto_to, outgoing, (raw, to), now)?;
    Ok(true)
}

/// [`queue`] for a message with images and attachments (not about a
/// ticket); `false` when nobody in it has a usable address.
pub fn queue_with(
    conn: &mut DbConn,
    kind: &str,
    outgoing: &Outgoing,
    files: &[Enclosure],
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Ok(built) = compose::build_with(outgoing, files) else {
        return Ok(false);
    };
    insert(conn, None, kind, None, outgoing, built, now)?;
    Ok(true)
}

fn insert(
    conn: &mut DbConn,
    ticket_id: Option<&str>,
    kind: &str,
    auto_to: Option<&str>,
    outgoing: &Outgoing,
    (raw, to): (Vec<u8>, Vec<String>),
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let row = OutboxRow {
        id: ids::new_id(),
        ticket_id: ticket_id.map(str::to_owned),
        kind: kind.into(),
        message_id: outgoing.message_id.clone(),
        sender: outgoing.from.clone(),
        recipients: serde_json::to_string(&to).unwrap_or_default(),
        auto_to: auto_to.map(str::to_lowercase),
        subject: outgoing.subject.clone(),
        raw,
        status: "queued".into(),
        attempts: 0,
        last_error: None,
        created_at: now,
        sent_at: None,
    };
    repo::insert(conn, &row)?;
    let mut job = NewJob::now(SEND_JOB, json!({ "outbox_id": row.id }), now);
    job.max_attempts = 20;
    jobs::enqueue(conn, job, now)?;
    Ok(())
}

/// Mail about something other than a ticket (an asset hand-over, a
/// digest) to one address: automatic, not threaded.
pub fn standalone(
    conn: &mut DbConn,
    from: Sender<'_>,
    kind: &'static str,
    to: &str,
    rendered: Rendered,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let outgoing = Outgoing {
        from_name: from.display_name.to_owned(),
        from: from.address.to_owned(),
        reply_to: None,
        to: vec![to.to_lowercase()],
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        message_id: new_message_id(from.address),
        thread: Vec::new(),
        automatic: true,
        ticket_number: None,
    };
    queue(conn, None, kind, None, &outgoing, now)?;
    Ok(())
}

/// The latest messages, newest first, of one status or all.
pub fn list(
    conn: &mut DbConn,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    Ok(repo::list(conn, status, limit)?)
}

/// The messages with one of these Message-IDs (a bounce names them).
pub fn by_message_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<OutboxRow>, AppError> {
    Ok(repo::by_message_ids(conn, ids)?)
}

/// Marks a message as bounced, with why.
pub fn mark_bounced(conn: &mut DbConn, id: &str, reason: &str) -> Result<(), AppError> {
    Ok(repo::mark_bounced(conn, id, reason)?)
}

/// How many automatic answers went to `address` since `since`.
pub fn autoreplies_since(
    conn: &mut DbConn,
    address: &str,
    since: NaiveDateTime,
) -> Result<i64, AppError> {
    Ok(repo::autoreplies_since(conn, address, since)?)
}

/// The bytes of a message as it went out.
pub fn raw_of(conn: &mut DbConn, message_id: &str) -> Result<Option<Vec<u8>>, AppError> {
    Ok(repo::raw_of(conn, message_id)?)
}

/// The outbox at run time: where messages go.
#[derive(Clone)]
pub struct Outbox {
    pub db: crate::db::Db,
    pub smtp: std::sync::Arc<SmtpSettings>,
}

impl Outbox {
    /// `mail.send`: one message over SMTP.
    pub fn jobs(&self) -> crate::jobs::Jobs {
        let me = self.clone();
        crate::jobs::Jobs::default().kind(SEND_JOB, move |job| send_job(&me.db, &me.smtp, job))
    }
}
