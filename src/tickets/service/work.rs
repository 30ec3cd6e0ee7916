//! One submit of the ticket page: a reply or note with its files and a
//! change of status, assignment, classification or priority, saved in one
//! transaction — if any part is refused, nothing is saved. The form carries
//! the version of the ticket it was drawn from, so two people working the
//! same ticket never overwrite each other silently.

use chrono::NaiveDateTime;

use super::super::dto::{CreateComment, UpdateTicket};
use super::super::repo;
use super::attachments::{Attach, NewUpload, attach_in, store_files};
use super::comments::{NewComment, checked_body, comment_in};
use super::update::update_in;
use super::{Rules, TicketRef, TicketView, visible_ticket};
use crate::auth::User;
use crate::db::Db;
use crate::error::AppError;

/// What one submit asks for.
#[derive(Debug, Clone, Copy)]
pub struct Work<'a> {
    /// The reply or note; `None` when the message was left empty.
    pub comment: Option<&'a CreateComment>,
    /// Files to go with the comment.
    pub files: &'a [NewUpload],
    /// The change of the ticket's fields (all `None`: no change).
    pub update: &'a UpdateTicket,
    /// The ticket's version ([`version_of`]) when the form was drawn; a
    /// ticket changed since is refused with `ticket_changed`.
    pub seen: Option<i64>,
}

/// What one submit did.
#[derive(Debug, Clone)]
pub struct Worked {
    pub view: TicketView,
    pub comment_id: Option<String>,
    /// The ticket's status, assignment, classification or priority changed.
    pub changed: bool,
}

/// A ticket's version as the ticket page carries it: the microsecond of
/// its last change (a reply, a change of fields, a status move).
pub fn version_of(updated_at: NaiveDateTime) -> i64 {
    updated_at.and_utc().timestamp_micros()
}

fn is_empty(u: &UpdateTicket) -> bool {
    u.status.is_none()
        && u.hold_reason.is_none()
        && u.assignee.is_none()
        && u.queue.is_none()
        && u.category.is_none()
        && u.priority.is_none()
        && u.impact.is_none()
        && u.urgency.is_none()
}

/// The comment's text, or why this submit asks for nothing it can do.
fn checked<'a>(work: &Work<'a>) -> Result<Option<&'a str>, AppError> {
    Ok(match work.comment {
        Some(c) => Some(checked_body(&c.body)?),
        None if !work.files.is_empty() => {
            return Err(AppError::invalid(
                "body",
                "write a message to go with the files",
            ));
        }
        None if is_empty(work.update) => {
            return Err(AppError::invalid(
                "body",
                "write a message or change something about the ticket",
            ));
        }
        None => None,
    })
}

/// Saves a reply or note and a change together, or nothing.
pub fn work_ticket(
    db: &Db,
    rules: &Rules<'_>,
    actor: &User,
    r: &TicketRef,
    work: Work<'_>,
    now: NaiveDateTime,
) -> Result<Worked, AppError> {
    let body = checked(&work)?;
    if !work.files.is_empty() {
        // Check access before any bytes reach the disk.
        db.read(|conn| visible_ticket(conn, actor, r).map(|_| ()))?;
        store_files(rules.attachments, work.files)?;
    }
    db.write(|conn| {
        let (mut ticket, rel) = visible_ticket(conn, actor, r)?;
        if let Some(seen) = work.seen
            && version_of(ticket.updated_at) != seen
        {
            return Err(AppError::conflict(
                "ticket_changed",
                "someone changed this ticket after you opened it; nothing was saved. \
                 What changed is marked in the history; your message and choices are kept: \
                 send again to save them",
            ));
        }
        let ticket_id = ticket.id.clone();
        let mut comment_id = None;
        if let (Some(body), Some(c)) = (body, work.comment) {
            let new = NewComment {
                body,
                public: c.public,
                verified: true,
            };
            let view = comment_in(conn, rules, actor, ticket, rel, &new, now)?;
            if !work.files.is_empty() {
                let with = Attach {
                    comment_id: Some(&view.comment.id),
                    public: view.comment.is_public,
                };
                attach_in(
                    conn,
                    rules.attachments,
                    actor,
                    &ticket_id,
                    with,
                    work.files,
                    now,
                )?;
            }
            comment_id = Some(view.comment.id);
            ticket =
                repo::find(conn, &ticket_id)?.ok_or_else(|| AppError::NotFound("ticket".into()))?;
        }
        if is_empty(work.update) {
            let view = super::full_view(conn, ticket)?;
            return Ok(Worked {
                view,
                comment_id,
                changed: false,
            });
        }
        let (view, changed) = update_in(conn, rules, actor, ticket, rel, work.update, now)?;
        Ok(Worked {
            view,
            comment_id,
            changed,
        })
    })
}
