//! Rows of the ticket tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::{Channel, HoldReason, Level, Priority, Status, TicketType};
use crate::db::schema::{
    attachments, canned_responses, categories, comments, idempotency_keys, queues, saved_views,
    ticket_watchers, tickets,
};

/// A ticket as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Insertable)]
// `None` is stored as NULL (the table has no defaults): a fixed INSERT
// whose prepared statement diesel keeps, instead of one built per row.
#[diesel(table_name = tickets, treat_none_as_default_value = false)]
pub struct Ticket {
    pub id: String,
    pub number: i64,
    pub ticket_type: TicketType,
    pub subject: String,
    pub description: String,
    pub requester_id: String,
    pub queue_id: Option<String>,
    pub category_id: Option<String>,
    pub assignee_id: Option<String>,
    pub impact: Level,
    pub urgency: Level,
    pub priority: Priority,
    pub priority_overridden: bool,
    pub status: Status,
    pub hold_reason: Option<HoldReason>,
    /// Derived from `status`, stored so the open queue is one index range.
    pub is_open: bool,
    pub channel: Channel,
    pub created_by_id: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    /// The SLA as last computed from the history (written by the SLA context).
    pub sla_policy: Option<String>,
    pub sla_state: Option<String>,
    pub sla_due_at: Option<NaiveDateTime>,
    pub sla_next_check_at: Option<NaiveDateTime>,
    /// Thresholds still ahead (JSON), as the SLA timer planned them.
    pub sla_schedule: Option<String>,
}

/// Every column a ticket update may set; `None` writes NULL.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = tickets, treat_none_as_null = true)]
pub struct TicketChanges {
    pub queue_id: Option<String>,
    pub category_id: Option<String>,
    pub assignee_id: Option<String>,
    pub impact: Level,
    pub urgency: Level,
    pub priority: Priority,
    pub priority_overridden: bool,
    pub status: Status,
    pub hold_reason: Option<HoldReason>,
    pub is_open: bool,
    pub updated_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
}

impl From<&Ticket> for TicketChanges {
    fn from(t: &Ticket) -> TicketChanges {
        TicketChanges {
            queue_id: t.queue_id.clone(),
            category_id: t.category_id.clone(),
            assignee_id: t.assignee_id.clone(),
            impact: t.impact,
            urgency: t.urgency,
            priority: t.priority,
            priority_overridden: t.priority_overridden,
            status: t.status,
            hold_reason: t.hold_reason,
            is_open: t.is_open,
            updated_at: t.updated_at,
            resolved_at: t.resolved_at,
            closed_at: t.closed_at,
        }
    }
}

/// A named queue view: the query string of a filter and sort.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = saved_views)]
pub struct SavedView {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    /// `status=open&queue=network&sort=priority`, without the `?`.
    pub query: String,
    /// Every member of staff sees it (coordinators and admins share).
    pub shared: bool,
    pub created_at: NaiveDateTime,
}

/// A team's queue.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = queues)]
pub struct Queue {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

/// A category of problem or request.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ticket_watchers)]
pub struct Watcher {
    pub ticket_id: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
}

/// A public reply or an internal note.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: String,
    pub ticket_id: String,
    pub author_id: String,
    pub body: String,
    pub is_public: bool,
    pub created_at: NaiveDateTime,
    /// `false`: a mailed reply whose sender is not proven yet (staff see it,
    /// nobody else until staff confirm it).
    pub is_verified: bool,
}

/// A stored file; the bytes live under the attachments folder by digest.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: String,
    pub ticket_id: String,
    pub comment_id: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by_id: String,
    pub created_at: NaiveDateTime,
    /// Whether the requester and watchers see it: the visibility of the
    /// comment it came with (an internal note's files are internal).
    pub is_public: bool,
}

/// The first outcome of a POST made with an `Idempotency-Key`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyKey {
    pub user_id: String,
    pub idem_key: String,
    pub request_hash: String,
    pub ticket_id: String,
    pub created_at: NaiveDateTime,
}

/// A saved reply: inserted into a ticket's reply with its placeholders
/// filled.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = canned_responses)]
pub struct CannedResponse {
    pub id: String,
    /// `None`: offered in every queue.
    pub queue_id: Option<String>,
    pub name: String,
    pub body: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
