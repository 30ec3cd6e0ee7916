//! A message that answers a ticket: whose it is (the person, proven by a
//! reply key), and what it adds (a comment, its files).

use serde_json::json;

use super::super::quote::trim_reply;
use super::super::settings::StrangerWithTag;
use super::super::{authres, reply_keys};
use super::{Job, Outcome, Proof};
use crate::auth::domain::TicketRelation;
use crate::auth::{User, people as users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::outbox::id_domain;
use crate::tickets::Ticket;
use crate::tickets::service::lookup as tickets;
use crate::tickets::service::{Attach, NewComment, attach_in, comment_in};

impl Job<'_> {
    pub(super) fn person(&self, conn: &mut DbConn) -> Result<Outcome, AppError> {
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
    pub(super) fn proof(&self, ticket: &Ticket, author: &User) -> Proof {
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

    pub(super) fn append(
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

    pub(super) fn attach(
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
}
