//! Ticket use cases. Each opens its own transaction through [`Db`], checks
//! access with [`crate::auth::domain`], applies [`super::domain`] rules, and
//! appends to the audit history in the same transaction.

mod attachments;
pub mod bulk;
pub mod canned;
pub mod catalog;
mod comments;
mod create;
pub mod dashboard;
pub(crate) mod for_onboarding;
pub mod lookup;
mod named;
mod query;
pub mod reporting;
pub mod service_level;
mod update;
pub mod vendor_hold;
pub mod views;
mod work;

use std::collections::HashMap;

pub(crate) use attachments::{Attach, attach_in};
pub use attachments::{
    NewUpload, Upload, add_attachment, attachment_for_download, collect_orphans, list_attachments,
    store_files, stored_path,
};
pub use comments::{CommentView, add_comment, confirm_comment, list_comments};
pub(crate) use comments::{NewComment, comment_in};
pub(crate) use create::insert_ticket;
pub use create::{
    Created, Filing, IdempotencyRequest, MAX_BODY_CHARS, MAX_SUBJECT_CHARS, MAX_WATCHERS,
    create_ticket,
};
pub use query::{ListPage, QueueSummary, get_ticket, history, list_tickets, queue_summary};
pub use update::{BatchOutcome, MAX_BATCH, update_many, update_ticket};
pub use work::{Work, Worked, version_of, work_ticket};

use super::model::{Category, Queue, Ticket};
use super::repo;
use crate::auth::User;
use crate::auth::domain::{TicketRelation, may_view_ticket};
use crate::auth::people as users;
pub(crate) use crate::auth::people::find_person;
use crate::db::DbConn;
use crate::error::AppError;

/// What ticket use cases apply besides the database: the ticket settings,
/// the limits of files, and the subscribers that react to changes.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub tickets: &'a crate::tickets::settings::TicketSettings,
    /// Size, count and type limits of files.
    pub attachments: &'a crate::tickets::settings::AttachmentSettings,
    /// Who hears of changes, and where service levels come from.
    pub hooks: &'a super::events::Hooks,
}

/// A ticket with the people and names it refers to.
#[derive(Debug, Clone)]
pub struct TicketView {
    pub ticket: Ticket,
    pub requester: User,
    pub assignee: Option<User>,
    pub queue: Option<Queue>,
    pub category: Option<Category>,
    /// Empty in listings.
    pub watchers: Vec<User>,
    /// The live service level, for staff viewing one ticket; `None` in
    /// listings.
    pub sla: Option<crate::tickets::service_level::SlaDto>,
}

/// How a ticket is named in a URL: its id or its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketRef {
    Id(String),
    Number(i64),
}

impl TicketRef {
    pub fn parse(s: &str) -> TicketRef {
        let trimmed = s.trim_start_matches('#');
        match trimmed.parse::<i64>() {
            Ok(n) if n > 0 => TicketRef::Number(n),
            _ => TicketRef::Id(s.to_owned()),
        }
    }
}

fn not_found(r: &TicketRef) -> AppError {
    match r {
        TicketRef::Id(id) => AppError::NotFound(format!("ticket {id}")),
        TicketRef::Number(n) => AppError::NotFound(format!("ticket #{n}")),
    }
}

/// Loads a ticket the actor may see, with their relation to it. A ticket
/// that is not visible is reported as not found, so ids cannot be probed.
pub(crate) fn visible_ticket(
    conn: &mut DbConn,
    actor: &User,
    r: &TicketRef,
) -> Result<(Ticket, TicketRelation), AppError> {
    let ticket = match r {
        TicketRef::Id(id) => repo::find(conn, id)?,
        TicketRef::Number(n) => repo::find_by_number(conn, *n)?,
    }
    .ok_or_else(|| not_found(r))?;
    let is_requester = ticket.requester_id == actor.id;
    let is_watcher = !actor.role.sees_all_tickets()
        && !is_requester
        && repo::is_watcher(conn, &ticket.id, &actor.id)?;
    let rel = TicketRelation {
        is_requester,
        is_watcher,
    };
    if !may_view_ticket(actor.role, rel) {
        return Err(not_found(r));
    }
    Ok((ticket, rel))
}

/// The ticket as stored, if the actor may see it (not found otherwise).
pub fn find_visible(conn: &mut DbConn, actor: &User, r: &TicketRef) -> Result<Ticket, AppError> {
    visible_ticket(conn, actor, r).map(|(t, _)| t)
}

/// Forgets idempotency keys used before `before` (housekeeping).
pub fn purge_idempotency_keys(
    conn: &mut DbConn,
    before: chrono::NaiveDateTime,
) -> Result<usize, AppError> {
    Ok(repo::purge_idempotency_keys(conn, before)?)
}

/// The people watching a ticket.
pub fn watcher_ids(conn: &mut DbConn, ticket_id: &str) -> Result<Vec<String>, AppError> {
    Ok(repo::watcher_ids(conn, ticket_id)?)
}

/// Views of several tickets: their people in one batched lookup, queues
/// and categories from memory (no watchers).
pub(crate) fn views(conn: &mut DbConn, tickets: Vec<Ticket>) -> Result<Vec<TicketView>, AppError> {
    let mut user_ids: Vec<String> = tickets
        .iter()
        .flat_map(|t| std::iter::once(t.requester_id.clone()).chain(t.assignee_id.clone()))
        .collect();
    user_ids.sort();
    user_ids.dedup();
    let mut queue_ids: Vec<String> = tickets.iter().filter_map(|t| t.queue_id.clone()).collect();
    queue_ids.sort();
    queue_ids.dedup();
    let mut category_ids: Vec<String> = tickets
        .iter()
        .filter_map(|t| t.category_id.clone())
        .collect();
    category_ids.sort();
    category_ids.dedup();

    let people: HashMap<String, User> = users::find_users(conn, &user_ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let queues: HashMap<String, Queue> = named::queues(conn, &queue_ids)?;
    let categories: HashMap<String, Category> = named::categories(conn, &category_ids)?;

    tickets
        .into_iter()
        .map(|ticket| {
            let requester = people.get(&ticket.requester_id).cloned().ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("requester of {} missing", ticket.id))
            })?;
            Ok(TicketView {
                assignee: ticket
                    .assignee_id
                    .as_ref()
                    .and_then(|id| people.get(id).cloned()),
                queue: ticket
                    .queue_id
                    .as_ref()
                    .and_then(|id| queues.get(id).cloned()),
                category: ticket
                    .category_id
                    .as_ref()
                    .and_then(|id| categories.get(id).cloned()),
                requester,
                watchers: Vec::new(),
                sla: None,
                ticket,
            })
        })
        .collect()
}

/// The full view of one ticket, watchers included.
pub(crate) fn full_view(conn: &mut DbConn, ticket: Ticket) -> Result<TicketView, AppError> {
    let watcher_ids = repo::watcher_ids(conn, &ticket.id)?;
    let mut watchers = users::find_users(conn, &watcher_ids)?;
    watchers.sort_by_key(|u| watcher_ids.iter().position(|id| *id == u.id));
    let mut view = views(conn, vec![ticket])?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("view of a loaded ticket vanished")))?;
    view.watchers = watchers;
    Ok(view)
}

/// Resolves a queue slug, naming the valid ones when it is unknown.
pub(crate) fn resolve_queue(conn: &mut DbConn, field: &str, slug: &str) -> Result<Queue, AppError> {
    if let Some(q) = repo::find_queue_by_slug(conn, slug)? {
        return Ok(q);
    }
    let known: Vec<String> = repo::all_queues(conn)?
        .into_iter()
        .map(|q| q.slug)
        .collect();
    Err(AppError::invalid(
        field,
        format!("no queue `{slug}`; known queues: {}", or_none(&known)),
    ))
}

/// Resolves a category slug, naming the valid ones when it is unknown.
pub(crate) fn resolve_category(
    conn: &mut DbConn,
    field: &str,
    slug: &str,
) -> Result<Category, AppError> {
    if let Some(c) = repo::find_category_by_slug(conn, slug)? {
        return Ok(c);
    }
    let known: Vec<String> = repo::all_categories(conn)?
        .into_iter()
        .map(|c| c.slug)
        .collect();
    Err(AppError::invalid(
        field,
        format!(
            "no category `{slug}`; known categories: {}",
            or_none(&known)
        ),
    ))
}

fn or_none(list: &[String]) -> String {
    if list.is_empty() {
        "(none yet)".into()
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::TicketRef;

    #[test]
    fn ticket_refs_accept_numbers_with_or_without_hash() {
        assert_eq!(TicketRef::parse("42"), TicketRef::Number(42));
        assert_eq!(TicketRef::parse("#42"), TicketRef::Number(42));
        assert_eq!(
            TicketRef::parse("0193a1b2-0000-7000-8000-000000000000"),
            TicketRef::Id("0193a1b2-0000-7000-8000-000000000000".into())
        );
    }
}
