//! The inbound pipeline every door shares. One message, one transaction:
//! its ticket or comment, its attachments, its acknowledgement in the
//! outbox and its own record (with the original bytes) commit together, so a
//! crash never half-takes a message, and the record's unique key makes a
//! second delivery of the same message a no-op.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;

use super::Mail;
use super::classify::{Kind, classify};
use super::parse::{Inbound, NotAMessage, parse};
use super::quote::trim_reply;
use super::repo::{self, MailMessage};
use super::settings::{StrangerWithTag, UnknownDomain};
use super::thread::{clean_subject, subject_tag};
use super::{authres, reply_keys};
use crate::audit;
use crate::auth::domain::TicketRelation;
use crate::auth::{User, people as users, service as people};
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::outbox::id_domain;
use crate::tickets::Ticket;
use crate::tickets::domain::Channel;
use crate::tickets::dto::CreateTicket;
use crate::tickets::service::lookup as tickets;
use crate::tickets::service::{
    Attach, NewComment, NewUpload, Rules, Upload, attach_in, comment_in, insert_ticket, store_files,
};

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

    fn person(&self, conn: &mut DbConn) -> Result<Outcome, AppError> {
        let m = self.m;
        let sender = users::find_user_by_email(conn, &m.from.address)?;
        if let Some(ticket) = self.thread(conn)? {
            let rel = TicketRelation {
                is_requester: sender.as_ref().is_some_and(|u| u.id == ticket.requester_id),
                is_watcher: match &sender {
                    Some(u) => tickets::is_watcher(conn, &ticket.id, &u.id)?,
                    None => false,
                },
            };
            let allowed = sender.as_ref().is_some_and(|u| {
                u.is_active && (rel.is_requester || rel.is_watcher || u.role.works_tickets())
            });
            if let (true, Some(author)) = (allowed, &sender) {
                let proof = self.proof(&ticket, author);
                if author.role.works_tickets() && proof != Proof::Key {
                    return self.record(
                        conn,
                        "held",
                        &format!(
                            "claims to come from {} of the staff without their reply key ({}); held for review, not posted as them",
                            author.email,
                            proof.describe()
                        ),
                        Some(&ticket),
                        None,
                    );
                }
                return self.append(conn, ticket, author, rel, proof);
            }
            if self.notifier.mail.stranger_with_tag == StrangerWithTag::Hold {
                return self.record(
                    conn,
                    "held",
                    &format!(
                        "{} may not add to ticket {}; held for a person",
                        m.from.address, ticket.number
                    ),
                    None,
                    None,
                );
            }
        }
        self.new_ticket(conn, sender)
    }

    /// What proves that `author` sent this reply to `ticket`.
    fn proof(&self, ticket: &Ticket, author: &User) -> Proof {
        let m = self.m;
        let mail = &*self.notifier.mail;
        let verdict = authres::trusted_verdict(
            &m.trace,
            &mail.trusted_authserv_id,
            mail.trusted_received_hops,
        );
        if verdict == Some(authres::Verdict::Fail) {
            return Proof::AuthenticationFailed;
        }
        let keys = reply_keys::carried_keys(
            m.in_reply_to
                .iter()
                .chain(&m.references)
                .map(String::as_str),
            m.delivered_to(),
            &mail.address,
            &id_domain(&mail.address),
        );
        if keys
            .iter()
            .any(|k| reply_keys::proves(&self.notifier.reply_secret, &ticket.id, &author.email, k))
        {
            Proof::Key
        } else if keys.is_empty() {
            Proof::NoKey
        } else {
            Proof::OthersKey
        }
    }

    fn append(
        &self,
        conn: &mut DbConn,
        ticket: Ticket,
        author: &User,
        rel: TicketRelation,
        proof: Proof,
    ) -> Result<Outcome, AppError> {
        let text = trim_reply(&self.m.text);
        let body = if text.trim().is_empty() {
            "(no text)".to_owned()
        } else {
            text
        };
        let body: String = body
            .chars()
            .take(crate::tickets::service::MAX_BODY_CHARS)
            .collect();
        let new = NewComment {
            body: &body,
            public: true,
            verified: proof == Proof::Key,
        };
        let view = comment_in(
            conn,
            self.rules,
            author,
            ticket.clone(),
            rel,
            &new,
            self.now,
        )?;
        self.attach(conn, &ticket, author, Some(&view.comment.id))?;
        let reason = if new.verified {
            format!("reply from {}", self.m.from.address)
        } else {
            format!(
                "reply from {}, unverified ({}): added for staff to confirm; it changes nothing and mails nobody until then",
                self.m.from.address,
                proof.describe()
            )
        };
        self.record(
            conn,
            "appended",
            &reason,
            Some(&ticket),
            Some(&view.comment.id),
        )
    }

    fn attach(
        &self,
        conn: &mut DbConn,
        t: &Ticket,
        author: &User,
        comment: Option<&str>,
    ) -> Result<(), AppError> {
        if !self.files.is_empty() {
            let room = (self.state.tickets.attachments.max_per_ticket
                - tickets::count_attachments(conn, &t.id)?)
            .max(0) as usize;
            let (kept, over) = self.files.split_at(self.files.len().min(room));
            // A mailed comment is public, and so are its files.
            let with = Attach {
                comment_id: comment,
                public: true,
            };
            attach_in(
                conn,
                &self.state.tickets.attachments,
                author,
                &t.id,
                with,
                kept,
                self.now,
            )?;
            for f in over {
                self.note(conn, t, "mail_attachment_dropped", json!({"filename": f.filename, "size_bytes": f.bytes.len(), "reason": "the ticket has no room for more attachments"}))?;
            }
        }
        for d in self.dropped {
            self.note(conn, t, "mail_attachment_dropped", d.clone())?;
        }
        Ok(())
    }

    fn new_ticket(&self, conn: &mut DbConn, sender: Option<User>) -> Result<Outcome, AppError> {
        let m = self.m;
        let mail = &*self.notifier.mail;
        let domain = m.from.address.rsplit('@').next().unwrap_or("");
        let domain_ok = mail.allowed_domains.is_empty()
            || mail
                .allowed_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain));
        if sender.is_none() && !domain_ok {
            return match mail.unknown_domain {
                UnknownDomain::Hold => self.record(
                    conn,
                    "held",
                    &format!("{domain} is not an allowed domain; held for a person"),
                    None,
                    None,
                ),
                UnknownDomain::Reject => self.record(
                    conn,
                    "ignored",
                    &format!("{domain} is not an allowed domain; rejected"),
                    None,
                    None,
                ),
            };
        }
        let requester = match sender {
            Some(u) => u,
            None => people::ensure_contact_named(
                conn,
                &m.from.address,
                m.from.name.as_deref(),
                "from",
                None,
                self.now,
            )?,
        };
        if !requester.is_active {
            return self.record(
                conn,
                "held",
                "the sender's account is deactivated",
                None,
                None,
            );
        }
        let own = mail.address.to_lowercase();
        let watchers: Vec<String> =
            m.cc.iter()
                .chain(m.to.iter())
                .map(|b| b.address.clone())
                .filter(|a| {
                    *a != own
                        && *a != requester.email
                        && crate::auth::domain::normalize_email(a).is_ok()
                })
                .take(crate::tickets::service::MAX_WATCHERS)
                .collect();
        let subject: String = clean_subject(&m.subject, &self.rules.tickets.reference_prefix)
            .chars()
            .take(crate::tickets::service::MAX_SUBJECT_CHARS)
            .collect();
        let text = m.text.trim();
        let description: String = if text.is_empty() {
            "(no text)".to_owned()
        } else {
            text.chars()
                .take(crate::tickets::service::MAX_BODY_CHARS)
                .collect()
        };
        let input = CreateTicket {
            subject,
            description,
            requester_email: None,
            ticket_type: None,
            impact: None,
            urgency: None,
            priority: None,
            category: None,
            queue: None,
            watchers,
        };
        let view = insert_ticket(
            conn,
            self.rules,
            &requester,
            &input,
            Channel::Email,
            self.now,
        )?;
        self.attach(conn, &view.ticket, &requester, None)?;
        let outcome = self.record(
            conn,
            "created",
            &format!("new ticket from {}", m.from.address),
            Some(&view.ticket),
            None,
        )?;
        super::notify::acknowledge(conn, self.notifier, &view.ticket, &requester, self.now)?;
        Ok(outcome)
    }
}
