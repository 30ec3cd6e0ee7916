//! Outbound mail for what happens to tickets, written to the outbox in the
//! same transaction as the change (so a rolled-back change sends nothing and
//! a committed one is never forgotten) and sent by the `mail.send` job.

use chrono::NaiveDateTime;

use super::reply_keys;
use super::repo::{self, MailMessage};
use super::settings::ReplyKeys;
use super::templates::{self, TicketRef};
use crate::auth::{User, people as users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::outbox::{self, Outgoing, Rendered, id_domain};
use crate::sla::Notification;
use crate::sla::events::EscalationSubscriber;
use crate::tickets::Ticket;
use crate::tickets::domain::{Channel, Status};
use crate::tickets::events::{Reactions, TicketEvent, TicketSubscriber};

/// What mail about tickets needs: the helpdesk's address and words, the
/// ticket reference prefix, where the service is reached, and the secret
/// that makes reply keys. Registered at start-up as a subscriber of ticket
/// events and SLA escalations.
#[derive(Clone)]
pub struct Notifier {
    pub mail: std::sync::Arc<super::settings::MailSettings>,
    pub reference_prefix: String,
    pub public_url: String,
    pub reply_secret: std::sync::Arc<Vec<u8>>,
}

impl TicketSubscriber for Notifier {
    fn on_ticket(
        &self,
        conn: &mut DbConn,
        event: &TicketEvent<'_>,
        now: NaiveDateTime,
        _reactions: &mut Reactions,
    ) -> Result<(), AppError> {
        match *event {
            TicketEvent::Created { view, actor } => {
                ticket_created(conn, self, &view.ticket, &view.requester, actor, now)
            }
            TicketEvent::Updated {
                before,
                after,
                actor,
            } => ticket_updated(conn, self, before, after, actor, now),
            // An unverified reply mails nobody until staff confirm it.
            TicketEvent::Commented {
                ticket,
                comment,
                actor,
            } if comment.is_verified => comment_added(
                conn,
                self,
                ticket,
                actor,
                &comment.body,
                comment.is_public,
                now,
            ),
            TicketEvent::Commented { .. } | TicketEvent::CommentConfirmed { .. } => Ok(()),
        }
    }
}

impl EscalationSubscriber for Notifier {
    fn on_escalation(
        &self,
        conn: &mut DbConn,
        ticket: &Ticket,
        notified: &[Notification],
        what: &str,
        now: NaiveDateTime,
    ) -> Result<(), AppError> {
        escalation(conn, self, ticket, notified, what, now)
    }
}

/// The job kind that sends one outbox message.
pub use crate::outbox::SEND_JOB;

fn tref<'a>(notifier: &'a Notifier, t: &'a Ticket) -> TicketRef<'a> {
    TicketRef {
        tag: format!("[{}{}]", notifier.reference_prefix, t.number),
        subject: &t.subject,
        url: format!(
            "{}/tickets/{}",
            notifier.public_url.trim_end_matches('/'),
            t.number
        ),
        helpdesk: &notifier.mail.display_name,
    }
}

/// What to put in the outbox.
struct Mail<'a> {
    kind: &'static str,
    to: Vec<String>,
    rendered: Rendered,
    automatic: bool,
    /// Rate-limited automatic answer to this address.
    auto_to: Option<&'a str>,
}

/// Queues one message per recipient: each carries that person's reply key
/// (in its Message-ID, and with `reply_keys = "plus"` in its Reply-To) and
/// threads under the messages that person has seen.
fn enqueue(
    conn: &mut DbConn,
    notifier: &Notifier,
    t: &Ticket,
    mail: Mail<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let own = notifier.mail.address.to_lowercase();
    let mut to: Vec<String> = mail
        .to
        .into_iter()
        .map(|a| a.to_lowercase())
        .filter(|a| *a != own)
        .collect();
    to.sort();
    to.dedup();
    for recipient in to {
        let key = reply_keys::key(&notifier.reply_secret, &t.id, &recipient);
        let unique = uuid::Uuid::now_v7().simple().to_string();
        let message_id =
            reply_keys::keyed_message_id(&unique, &key, &id_domain(&notifier.mail.address));
        let outgoing = Outgoing {
            from_name: notifier.mail.display_name.clone(),
            from: notifier.mail.address.clone(),
            reply_to: (notifier.mail.reply_keys == ReplyKeys::Plus)
                .then(|| reply_keys::plus_address(&notifier.mail.address, &key)),
            to: vec![recipient.clone()],
            subject: mail.rendered.subject.clone(),
            text: mail.rendered.text.clone(),
            html: mail.rendered.html.clone(),
            message_id: message_id.clone(),
            thread: repo::thread_ids(conn, &t.id, &recipient)?,
            automatic: mail.automatic,
            ticket_number: Some(t.number),
        };
        if !outbox::queue(conn, Some(&t.id), mail.kind, mail.auto_to, &outgoing, now)? {
            continue; // not a usable address: nothing to send
        }
        repo::insert_message(
            conn,
            &MailMessage {
                id: ids::new_id(),
                direction: "out".into(),
                message_id,
                content_hash: String::new(),
                ticket_id: Some(t.id.clone()),
                comment_id: None,
                thread_index: None,
                from_address: notifier.mail.address.clone(),
                subject: outgoing.subject,
                action: "queued".into(),
                reason: mail.kind.into(),
                source: "outbox".into(),
                raw: Vec::new(),
                created_at: now,
                recipient: Some(recipient),
            },
        )?;
    }
    Ok(())
}

/// A new ticket: acknowledge mail, and tell a requester someone filed for them.
pub fn ticket_created(
    conn: &mut DbConn,
    notifier: &Notifier,
    t: &Ticket,
    requester: &User,
    actor: &User,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // Mail is acknowledged by the pipeline once the message itself is
    // recorded, so that the acknowledgement answers it (`acknowledge`).
    let on_behalf = actor.id != requester.id && !requester.role.sees_all_tickets();
    if t.channel == Channel::Email || !on_behalf {
        return Ok(());
    }
    acknowledge(conn, notifier, t, requester, now)
}

/// The acknowledgement of a new ticket, threaded under what the ticket's
/// mail holds so far; at most `autoreplies_per_hour` to one address.
pub fn acknowledge(
    conn: &mut DbConn,
    notifier: &Notifier,
    t: &Ticket,
    requester: &User,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if t.channel == Channel::Email && !notifier.mail.send_acknowledgement {
        return Ok(());
    }
    let since = now - chrono::Duration::hours(1);
    if outbox::autoreplies_since(conn, &requester.email, since)?
        >= notifier.mail.autoreplies_per_hour
    {
        return Ok(()); // a storm of mail from one address gets no storm of answers
    }
    let rendered = templates::acknowledgement(&tref(notifier, t), &requester.display_name);
    enqueue(
        conn,
        notifier,
        t,
        Mail {
            kind: "acknowledgement",
            to: vec![requester.email.clone()],
            rendered,
            automatic: true,
            auto_to: Some(&requester.email),
        },
        now,
    )
}

fn emails(conn: &mut DbConn, ids: &[String]) -> Result<Vec<String>, AppError> {
    Ok(users::find_users(conn, ids)?
        .into_iter()
        .filter(|u| u.is_active)
        .map(|u| u.email)
        .collect())
}

/// A public reply by staff goes to the requester and the watchers.
pub fn comment_added(
    conn: &mut DbConn,
    notifier: &Notifier,
    t: &Ticket,
    author: &User,
    body: &str,
    public: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if !public || !author.role.works_tickets() {
        return Ok(());
    }
    let mut ids = crate::tickets::service::watcher_ids(conn, &t.id)?;
    ids.push(t.requester_id.clone());
    ids.retain(|id| *id != author.id);
    let to = emails(conn, &ids)?;
    let rendered = templates::reply(&tref(notifier, t), &author.display_name, body);
    enqueue(
        conn,
        notifier,
        t,
        Mail {
            kind: "reply",
            to,
            rendered,
            automatic: false,
            auto_to: None,
        },
        now,
    )
}

/// Status changes the requester should hear about, and new assignments.
pub fn ticket_updated(
    conn: &mut DbConn,
    notifier: &Notifier,
    before: &Ticket,
    after: &Ticket,
    actor: &User,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let r = tref(notifier, after);
    if before.status != after.status && after.requester_id != actor.id {
        let what = match (before.status, after.status) {
            (_, Status::Resolved) => Some(templates::resolution(&r)),
            (_, Status::OnHold) => Some(templates::status(
                &r,
                &match after.hold_reason {
                    Some(crate::tickets::domain::HoldReason::AwaitingRequester) => {
                        format!(
                            "{} is waiting for your answer. Reply to this message to continue.",
                            r.tag
                        )
                    }
                    Some(h) => format!("{} is on hold ({}).", r.tag, h.as_str().replace('_', " ")),
                    None => format!("{} is on hold.", r.tag),
                },
            )),
            (_, Status::Cancelled) => Some(templates::status(
                &r,
                &format!("{} has been cancelled.", r.tag),
            )),
            (Status::Resolved, Status::InProgress | Status::Triaged) => Some(templates::status(
                &r,
                &format!("{} has been reopened.", r.tag),
            )),
            _ => None,
        };
        if let Some(rendered) = what {
            let kind = if after.status == Status::Resolved {
                "resolution"
            } else {
                "status"
            };
            let to = emails(conn, std::slice::from_ref(&after.requester_id))?;
            enqueue(
                conn,
                notifier,
                after,
                Mail {
                    kind,
                    to,
                    rendered,
                    automatic: true,
                    auto_to: None,
                },
                now,
            )?;
        }
    }
    if let Some(assignee) = &after.assignee_id
        && before.assignee_id.as_ref() != Some(assignee)
        && *assignee != actor.id
    {
        let to = emails(conn, std::slice::from_ref(assignee))?;
        let rendered = templates::assignment(&r, &actor.display_name);
        enqueue(
            conn,
            notifier,
            after,
            Mail {
                kind: "assignment",
                to,
                rendered,
                automatic: true,
                auto_to: None,
            },
            now,
        )?;
    }
    Ok(())
}

/// SLA escalations reach their recipients by mail as well as in the app.
pub fn escalation(
    conn: &mut DbConn,
    notifier: &Notifier,
    t: &Ticket,
    rows: &[Notification],
    what: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let user_ids: Vec<String> = rows
        .iter()
        .filter(|r| r.email.is_none())
        .filter_map(|r| r.user_id.clone())
        .collect();
    let mut to = emails(conn, &user_ids)?;
    to.extend(rows.iter().filter_map(|r| r.email.clone()));
    let rendered = templates::escalation(&tref(notifier, t), what);
    enqueue(
        conn,
        notifier,
        t,
        Mail {
            kind: "sla",
            to,
            rendered,
            automatic: true,
            auto_to: None,
        },
        now,
    )
}
