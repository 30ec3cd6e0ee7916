//! The inbound pipeline every door shares. One message, one transaction:
//! its ticket or comment, its attachments, its acknowledgement in the
//! outbox and its own record (with the original bytes) commit together, so a
//! crash never half-takes a message, and the record's unique key makes a
//! second delivery of the same message a no-op.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;

mod new_ticket;
mod reply;

use super::Mail;
use super::classify::{Kind, classify};
use super::parse::{Inbound, NotAMessage, parse};
use super::repo::{self, MailMessage};
use super::thread::subject_tag;
use crate::audit;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::outbox::id_domain;
use crate::tickets::Ticket;
use crate::tickets::service::lookup as tickets;
use crate::tickets::service::{NewUpload, Rules, Upload, store_files};

/// What happened to a message (the line `itdesk mailgate` prints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// `created`, `appended`, `ignored`, `bounce` or `held`.
    pub action: &'static str,
    /// The ticket's number, if the message concerns one.
    pub ticket: Option<i64>,
    pub reason: String,
}

/// Why a message could not be taken in.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    NotAMessage(#[from] NotAMessage),
    #[error(transparent)]
    Failed(#[from] AppError),
}

/// Keeps input that is not a message for a person to look at.
pub fn dead_letter(state: &Mail, source: &str, error: &str, raw: &[u8]) -> Result<(), AppError> {
    state.db.write(|conn| {
        Ok(repo::insert_dead_letter(
            conn,
            &ids::new_id(),
            source,
            error,
            raw,
            ids::now(),
        )?)
    })
}

/// Takes in one message from `source` (`imap`, `mailgate`, `http`).
pub fn ingest(
    state: &Mail,
    raw: &[u8],
    source: &str,
    now: NaiveDateTime,
) -> Result<Outcome, IngestError> {
    let m = parse(raw)?;
    ingest_parsed(state, raw, &m, source, now)
}

/// [`ingest`] of a message the caller has parsed already.
pub fn ingest_parsed(
    state: &Mail,
    raw: &[u8],
    m: &Inbound,
    source: &str,
    now: NaiveDateTime,
) -> Result<Outcome, IngestError> {
    let limits = &state.tickets.attachments;
    let mut files = Vec::new();
    let mut dropped = Vec::new();
    for part in &m.parts {
        let upload = Upload {
            part: String::new(),
            filename: part.filename.clone(),
            declared_type: part.content_type.clone(),
            bytes: part.bytes.clone(),
        };
        match NewUpload::check(upload, limits) {
            Ok(f) => files.push(f),
            Err(e) => dropped.push(json!({"filename": part.filename, "size_bytes": part.bytes.len(), "reason": e.public_detail()})),
        }
    }
    let too_many = files
        .len()
        .saturating_sub(limits.max_per_ticket.max(0) as usize);
    for f in files.drain(files.len() - too_many..) {
        dropped.push(json!({"filename": f.filename, "size_bytes": f.bytes.len(), "reason": "more attachments than a ticket may carry"}));
    }
    store_files(limits, &files)?;
    let rules = state.tickets.rules();
    let job = Job {
        state,
        rules: &rules,
        notifier: &state.notifier,
        m,
        raw,
        source,
        files: &files,
        dropped: &dropped,
        now,
    };
    let mut result = state.db.write(|conn| job.run(conn));
    // Two deliveries of one message racing (PostgreSQL): the loser rolled
    // back whole; once more, and it finds the winner's record.
    if let Err(AppError::Conflict {
        code: "already_exists",
        ..
    }) = result
    {
        result = state.db.write(|conn| job.run(conn));
    }
    Ok(result?)
}

/// What a reply brings to prove its sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proof {
    /// The key of the message it answers was made for this sender.
    Key,
    /// No key of ours at all.
    NoKey,
    /// Keys, but made for somebody else.
    OthersKey,
    /// Our MTA found the author domain's DMARC (or DKIM and SPF) failing.
    AuthenticationFailed,
}

impl Proof {
    fn describe(self) -> &'static str {
        match self {
            Proof::Key => "reply key",
            Proof::NoKey => "no reply key",
            Proof::OthersKey => "a reply key made for someone else",
            Proof::AuthenticationFailed => "the domain's authentication failed",
        }
    }
}

struct Job<'a> {
    state: &'a Mail,
    rules: &'a Rules<'a>,
    notifier: &'a super::notify::Notifier,
    m: &'a Inbound,
    raw: &'a [u8],
    source: &'a str,
    files: &'a [NewUpload],
    dropped: &'a [serde_json::Value],
    now: NaiveDateTime,
}

impl Job<'_> {
    fn record(
        &self,
        conn: &mut DbConn,
        action: &'static str,
        reason: &str,
        ticket: Option<&Ticket>,
        comment: Option<&str>,
    ) -> Result<Outcome, AppError> {
        repo::insert_message(
            conn,
            &MailMessage {
                id: ids::new_id(),
                direction: "in".into(),
                message_id: self.m.message_id.clone(),
                content_hash: self.m.content_hash.clone(),
                ticket_id: ticket.map(|t| t.id.clone()),
                comment_id: comment.map(str::to_owned),
                thread_index: self.m.thread_index.clone(),
                from_address: self.m.from.address.clone(),
                subject: self.m.subject.chars().take(500).collect(),
                action: action.into(),
                reason: reason.into(),
                source: self.source.into(),
                raw: self.raw.to_vec(),
                created_at: self.now,
                recipient: None,
            },
        )?;
        Ok(Outcome {
            action,
            ticket: ticket.map(|t| t.number),
            reason: reason.into(),
        })
    }

    fn note(
        &self,
        conn: &mut DbConn,
        t: &Ticket,
        action: &str,
        changes: serde_json::Value,
    ) -> Result<(), AppError> {
        Ok(audit::record(
            conn,
            audit::Entry {
                entity_type: "ticket",
                entity_id: &t.id,
                actor_id: None,
                action,
                changes,
                at: self.now,
            },
        )?)
    }

    fn run(&self, conn: &mut DbConn) -> Result<Outcome, AppError> {
        let m = self.m;
        if let Some((action, ticket_id)) = repo::seen(conn, &m.message_id, &m.content_hash)? {
            let number = match ticket_id {
                Some(id) => tickets::find(conn, &id)?.map(|t| t.number),
                None => None,
            };
            return Ok(Outcome {
                action: "ignored",
                ticket: number,
                reason: format!("already taken in (then: {action})"),
            });
        }
        let mail = &*self.notifier.mail;
        match classify(m, &mail.address, &id_domain(&mail.address)) {
            Kind::Own => self.record(conn, "ignored", "our own mail", None, None),
            Kind::Bulk(why) => self.record(
                conn,
                "ignored",
                &format!("bulk mail ({why}): no ticket, no answer"),
                None,
                None,
            ),
            Kind::Bounce => self.bounce(conn),
            Kind::AutoReply(why) => {
                let thread = self.thread(conn)?;
                if let Some(t) = &thread {
                    self.note(
                        conn,
                        t,
                        "mail_autoreply",
                        json!({"from": m.from.address, "subject": m.subject, "reason": why}),
                    )?;
                }
                self.record(
                    conn,
                    "ignored",
                    &format!("automatic reply ({why}): recorded, not answered"),
                    thread.as_ref(),
                    None,
                )
            }
            Kind::Person => self.person(conn),
        }
    }

    fn thread(&self, conn: &mut DbConn) -> Result<Option<Ticket>, AppError> {
        let m = self.m;
        if let Some(n) = subject_tag(&m.subject, &self.rules.tickets.reference_prefix)
            && let Some(t) = tickets::find_by_number(conn, n)?
        {
            return Ok(Some(t));
        }
        let mut ids = m.in_reply_to.clone();
        ids.extend(m.references.iter().rev().cloned());
        if let Some(id) = repo::ticket_of_ids(conn, &ids)? {
            return tickets::find(conn, &id);
        }
        if let Some(index) = &m.thread_index
            && let Some(id) = repo::ticket_of_thread_index(conn, index)?
        {
            return tickets::find(conn, &id);
        }
        Ok(None)
    }

    fn bounce(&self, conn: &mut DbConn) -> Result<Outcome, AppError> {
        let m = self.m;
        let mut ids = m.bounced_ids.clone();
        ids.extend(m.in_reply_to.iter().cloned());
        ids.extend(m.references.iter().cloned());
        let bounced = crate::outbox::by_message_ids(conn, &ids)?;
        for row in &bounced {
            crate::outbox::mark_bounced(conn, &row.id, &format!("bounced: {}", m.subject))?;
        }
        let ticket_id = bounced
            .iter()
            .find_map(|r| r.ticket_id.clone())
            .or(repo::ticket_of_ids(conn, &ids)?);
        let ticket = match ticket_id {
            Some(id) => tickets::find(conn, &id)?,
            None => None,
        };
        if let Some(t) = &ticket {
            let recipients: Vec<String> = bounced
                .iter()
                .flat_map(|r| {
                    serde_json::from_str::<Vec<String>>(&r.recipients).unwrap_or_default()
                })
                .collect();
            self.note(
                conn,
                t,
                "mail_bounced",
                json!({"subject": m.subject, "from": m.from.address, "recipients": recipients}),
            )?;
        }
        self.record(
            conn,
            "bounce",
            "delivery failure report: recorded on the ticket, never a new ticket",
            ticket.as_ref(),
            None,
        )
    }
}
