//! The conversation: public replies and internal notes.

use chrono::NaiveDateTime;

use super::super::domain::{Status, status_after_requester_message};
use super::super::dto::CreateComment;
use super::super::events::TicketEvent;
use super::super::model::{Comment, TicketChanges};
use super::super::{repo, search};
use super::attachments::{Attach, NewUpload, attach_in, store_files};
use super::create::MAX_BODY_CHARS;
use super::update::set_status;
use super::{Rules, TicketRef, visible_ticket};
use crate::audit;
use crate::auth::domain::{may_comment, may_see_internal};
use crate::auth::{User, people as users};
use crate::db::Db;
use crate::error::AppError;
use crate::ids;

/// A comment with its author.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub comment: Comment,
    pub author: User,
}

/// Adds a reply or note with its files (none, for a plain comment): the
/// comment and its files commit together or not at all, and the files take
/// the comment's visibility. A requester's reply wakes a ticket that waits
/// for them and reopens a resolved one (recorded as a status change).
pub fn add_comment(
    db: &Db,
    rules: &Rules<'_>,
    actor: &User,
    r: &TicketRef,
    input: &CreateComment,
    files: &[NewUpload],
    now: NaiveDateTime,
) -> Result<CommentView, AppError> {
    let body = checked_body(&input.body)?;
    if !files.is_empty() {
        // Check access before any bytes reach the disk.
        db.read(|conn| visible_ticket(conn, actor, r).map(|_| ()))?;
        store_files(rules.attachments, files)?;
    }
    db.write(|conn| {
        let (ticket, rel) = visible_ticket(conn, actor, r)?;
        let ticket_id = ticket.id.clone();
        let new = NewComment {
            body,
            public: input.public,
            verified: true,
        };
        let view = comment_in(conn, rules, actor, ticket, rel, &new, now)?;
        if !files.is_empty() {
            let with = Attach {
                comment_id: Some(&view.comment.id),
                public: view.comment.is_public,
            };
            attach_in(conn, rules.attachments, actor, &ticket_id, with, files, now)?;
        }
        Ok(view)
    })
}

/// A comment's text without trailing blanks, or why it cannot be one.
pub(super) fn checked_body(body: &str) -> Result<&str, AppError> {
    let body = body.trim_end();
    if body.trim().is_empty() {
        return Err(AppError::invalid("body", "must not be empty"));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::invalid(
            "body",
            format!("must be at most {MAX_BODY_CHARS} characters"),
        ));
    }
    Ok(body)
}

/// A comment to record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewComment<'a> {
    pub body: &'a str,
    pub public: bool,
    /// `false` for a mailed reply whose sender is not proven: kept for
    /// staff, it wakes or reopens nothing and mails nobody until confirmed
    /// ([`confirm_comment`]).
    pub verified: bool,
}

/// Adds a comment inside the caller's transaction (the mail pipeline files
/// a reply and records its message in one).
pub(crate) fn comment_in(
    conn: &mut crate::db::DbConn,
    rules: &Rules<'_>,
    actor: &User,
    ticket: super::super::model::Ticket,
    rel: crate::auth::domain::TicketRelation,
    new: &NewComment<'_>,
    now: NaiveDateTime,
) -> Result<CommentView, AppError> {
    let (body, public) = (new.body, new.public);
    if !may_comment(actor.role, rel) {
        return Err(AppError::Forbidden(format!(
            "a {} cannot comment on this ticket",
            actor.role
        )));
    }
    if !public && !may_see_internal(actor.role) {
        return Err(AppError::invalid(
            "public",
            "only staff may write internal notes",
        ));
    }
    let comment = Comment {
        id: ids::new_id(),
        ticket_id: ticket.id.clone(),
        author_id: actor.id.clone(),
        body: body.to_owned(),
        is_public: public,
        created_at: now,
        is_verified: new.verified,
    };
    repo::insert_comment(conn, &comment)?;
    search::index(
        conn,
        &[search::Document {
            ticket_id: &ticket.id,
            is_public: comment.is_public && comment.is_verified,
            text: comment.body.clone(),
        }],
    )?;
    audit::record(
        conn,
        audit::Entry {
            entity_type: "ticket",
            entity_id: &ticket.id,
            actor_id: Some(&actor.id),
            action: "commented",
            changes: serde_json::json!({
                "comment_id": comment.id,
                "public": comment.is_public,
                "by_requester": rel.is_requester,
                "by_staff": actor.role.works_tickets(),
                "unverified": !comment.is_verified,
            }),
            at: now,
        },
    )?;
    let change = status_after_comment(rules, actor, &ticket, rel, &comment);
    touch(conn, &ticket, actor, change, now)?;
    let fresh = repo::find(conn, &ticket.id)?.ok_or_else(|| AppError::NotFound("ticket".into()))?;
    rules.hooks.publish(
        conn,
        TicketEvent::Commented {
            ticket: &fresh,
            comment: &comment,
            actor,
        },
        now,
    )?;
    Ok(CommentView {
        comment,
        author: actor.clone(),
    })
}

/// Where a new comment moves its ticket, and why: a requester's message
/// wakes a ticket waiting for them; a first public reply from staff starts
/// work on a new or triaged one (when the setting says so).
fn status_after_comment(
    rules: &Rules<'_>,
    actor: &User,
    ticket: &super::super::model::Ticket,
    rel: crate::auth::domain::TicketRelation,
    comment: &Comment,
) -> Option<(Status, &'static str)> {
    let counts = comment.is_public && comment.is_verified;
    if rel.is_requester {
        return counts
            .then(|| status_after_requester_message(ticket.status, ticket.hold_reason))
            .flatten()
            .map(|next| (next, "requester replied"));
    }
    let starts = counts
        && actor.role.works_tickets()
        && rules.tickets.first_reply_starts_work
        && matches!(ticket.status, Status::New | Status::Triaged);
    starts.then_some((Status::InProgress, "first reply to the requester"))
}

/// Staff confirm that an unverified mailed reply came from whom it says:
/// it becomes visible to the requester and watchers, and does now what it
/// would have done (wake a ticket waiting for the requester, reopen a
/// resolved one, count for the SLA). Confirming twice changes nothing.
pub fn confirm_comment(
    db: &Db,
    rules: &Rules<'_>,
    actor: &User,
    r: &TicketRef,
    comment_id: &str,
    now: NaiveDateTime,
) -> Result<CommentView, AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(format!(
            "a {} cannot confirm replies",
            actor.role
        )));
    }
    db.write(|conn| {
        let (ticket, _) = visible_ticket(conn, actor, r)?;
        let mut comment = repo::find_comment(conn, &ticket.id, comment_id)?
            .ok_or_else(|| AppError::NotFound(format!("comment {comment_id}")))?;
        let author = users::find_user(conn, &comment.author_id)?
            .ok_or_else(|| AppError::NotFound("the comment's author".into()))?;
        if comment.is_verified {
            return Ok(CommentView { comment, author });
        }
        repo::confirm_comment(conn, &comment.id)?;
        comment.is_verified = true;
        if comment.is_public {
            search::index(
                conn,
                &[search::Document {
                    ticket_id: &ticket.id,
                    is_public: true,
                    text: comment.body.clone(),
                }],
            )?;
        }
        audit::record(
            conn,
            audit::Entry {
                entity_type: "ticket",
                entity_id: &ticket.id,
                actor_id: Some(&actor.id),
                action: "comment_confirmed",
                changes: serde_json::json!({
                    "comment_id": comment.id,
                    "author_id": author.id,
                    "by_requester": author.id == ticket.requester_id,
                }),
                at: now,
            },
        )?;
        let wakes = author.id == ticket.requester_id && comment.is_public;
        let change = wakes
            .then(|| status_after_requester_message(ticket.status, ticket.hold_reason))
            .flatten()
            .map(|next| (next, "requester replied (confirmed)"));
        touch(conn, &ticket, actor, change, now)?;
        let fresh =
            repo::find(conn, &ticket.id)?.ok_or_else(|| AppError::NotFound("ticket".into()))?;
        rules.hooks.publish(
            conn,
            TicketEvent::CommentConfirmed {
                ticket: &fresh,
                comment: &comment,
                actor,
            },
            now,
        )?;
        Ok(CommentView { comment, author })
    })
}

/// Marks the ticket as changed by a comment, and moves it when the comment
/// does (`change`: the status and why, recorded in its history): a
/// requester's message wakes a ticket waiting for them and reopens a
/// resolved one; a first public reply from staff starts work on a new one.
fn touch(
    conn: &mut crate::db::DbConn,
    ticket: &super::super::model::Ticket,
    actor: &User,
    change: Option<(Status, &str)>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut updated = ticket.clone();
    updated.updated_at = now;
    if let Some((next, reason)) = change {
        set_status(&mut updated, next, now);
        updated.hold_reason = None;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "ticket",
                entity_id: &ticket.id,
                actor_id: Some(&actor.id),
                action: "updated",
                changes: serde_json::json!({
                    "status": audit::change(ticket.status.as_str(), next.as_str()),
                    "hold_reason": audit::change(ticket.hold_reason.map(|h| h.as_str()), None::<&str>),
                    "reason": reason,
                }),
                at: now,
            },
        )?;
    }
    repo::update(conn, &ticket.id, &TicketChanges::from(&updated))?;
    Ok(())
}

/// The conversation the actor may read, oldest first.
pub fn list_comments(db: &Db, actor: &User, r: &TicketRef) -> Result<Vec<CommentView>, AppError> {
    db.read(|conn| {
        let (ticket, _) = visible_ticket(conn, actor, r)?;
        let comments = repo::comments(conn, &ticket.id, may_see_internal(actor.role))?;
        let mut author_ids: Vec<String> = comments.iter().map(|c| c.author_id.clone()).collect();
        author_ids.sort();
        author_ids.dedup();
        let authors = users::find_users(conn, &author_ids)?;
        comments
            .into_iter()
            .map(|comment| {
                let author = authors
                    .iter()
                    .find(|u| u.id == comment.author_id)
                    .cloned()
                    .ok_or_else(|| {
                        AppError::Internal(anyhow::anyhow!("author of {} missing", comment.id))
                    })?;
                Ok(CommentView { comment, author })
            })
            .collect()
    })
}
