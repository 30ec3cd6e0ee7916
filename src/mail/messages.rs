//! Reading the mail the service took in and sent, for staff: held messages,
//! dead letters, the outbox, and a ticket's mail with its original bytes.
//! Every function checks that the caller may see it.

use super::repo::{self, DeadLetter, MailMessage, MailSummary};
use crate::auth::User;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::outbox::OutboxRow;
use crate::tickets::service::{TicketRef, find_visible};

/// How many rows the administration lists show.
const LIST_LIMIT: i64 = 200;

/// Mail administration (and the HTTP door) is for staff.
pub fn staff(user: &User) -> Result<(), AppError> {
    if user.role.works_tickets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "mail administration is for staff".into(),
        ))
    }
}

/// Messages held for a person (strangers, unknown domains), newest first.
pub fn held(db: &Db, actor: &User) -> Result<Vec<MailMessage>, AppError> {
    staff(actor)?;
    db.read(|conn| Ok(repo::held(conn, LIST_LIMIT)?))
}

/// Input that was not a message at all, newest first.
pub fn dead_letters(db: &Db, actor: &User) -> Result<Vec<DeadLetter>, AppError> {
    staff(actor)?;
    db.read(|conn| Ok(repo::dead_letters(conn, LIST_LIMIT)?))
}

/// Outbound mail, newest first, of one status or all.
pub fn outbox(db: &Db, actor: &User, status: Option<&str>) -> Result<Vec<OutboxRow>, AppError> {
    staff(actor)?;
    db.read(|conn| crate::outbox::list(conn, status, LIST_LIMIT))
}

/// A ticket's mail, in and out, each with its original bytes.
pub fn of_ticket(db: &Db, actor: &User, r: &TicketRef) -> Result<Vec<MailMessage>, AppError> {
    staff(actor)?;
    db.read(|conn| {
        let ticket = find_visible(conn, actor, r)?;
        let mut rows = repo::messages_of(conn, &ticket.id)?;
        for m in rows.iter_mut().filter(|m| m.raw.is_empty()) {
            m.raw = original(conn, m)?;
        }
        Ok(rows)
    })
}

/// The ticket page's list of its mail (staff see it; others get nothing).
pub fn summaries(db: &Db, actor: &User, ticket_id: &str) -> Result<Vec<MailSummary>, AppError> {
    if !actor.role.works_tickets() {
        return Ok(Vec::new());
    }
    db.read(|conn| Ok(repo::summaries_of(conn, ticket_id)?))
}

/// One message of a ticket with its original bytes, and the ticket's
/// number and subject.
pub fn one_of_ticket(
    db: &Db,
    actor: &User,
    r: &TicketRef,
    id: &str,
) -> Result<(i64, String, MailMessage, Vec<u8>), AppError> {
    staff(actor)?;
    db.read(|conn| {
        let ticket = find_visible(conn, actor, r)?;
        let m = repo::message(conn, id)?
            .filter(|m| m.ticket_id.as_deref() == Some(ticket.id.as_str()))
            .ok_or_else(|| AppError::NotFound(format!("message {id} of this ticket")))?;
        let raw = original(conn, &m)?;
        Ok((ticket.number, ticket.subject, m, raw))
    })
}

/// The bytes of a message as it went over the wire: kept with inbound
/// messages, in the outbox for outbound ones.
pub fn original(conn: &mut DbConn, m: &MailMessage) -> Result<Vec<u8>, AppError> {
    if !m.raw.is_empty() || m.direction != "out" {
        return Ok(m.raw.clone());
    }
    Ok(crate::outbox::raw_of(conn, &m.message_id)?.unwrap_or_default())
}
