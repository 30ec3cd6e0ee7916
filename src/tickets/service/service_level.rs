//! What the SLA context needs of tickets, without touching their tables:
//! the SLA columns a ticket keeps for listing and sorting (computed by the
//! SLA context, stored here), the open tickets due for a check, the tickets
//! filed in a period, the names conditions look at, and the escalation
//! moves (a raised priority, another queue) recorded in the ticket's
//! history. Everything runs in the caller's transaction.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::json;

use super::super::domain::Priority;
use super::super::model::{Ticket, TicketChanges};
use super::super::repo;
use crate::audit;
use crate::db::{Db, DbConn};
use crate::error::AppError;

pub use super::super::repo::sla::{ScheduleUpdate, SnapshotColumns};

/// Stores one ticket's SLA columns.
pub fn save_columns(
    conn: &mut DbConn,
    ticket_id: &str,
    cols: &SnapshotColumns,
) -> Result<(), AppError> {
    Ok(repo::sla::save_snapshot(conn, ticket_id, cols)?)
}

/// Stores many tickets' SLA columns in a few statements.
pub fn save_many(conn: &mut DbConn, rows: &[ScheduleUpdate]) -> Result<(), AppError> {
    Ok(repo::sla::update_schedules(conn, rows)?)
}

/// The SLA columns as a ticket has them stored.
pub fn stored_columns(t: &Ticket) -> SnapshotColumns {
    SnapshotColumns {
        sla_policy: t.sla_policy.clone(),
        sla_state: t.sla_state.clone(),
        sla_due_at: t.sla_due_at,
        sla_next_check_at: t.sla_next_check_at,
        sla_schedule: t.sla_schedule.clone(),
    }
}

/// Open tickets whose next check is due by `now`, oldest first; on
/// PostgreSQL locked, skipping rows another worker holds.
pub fn due_for_check(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Ticket>, AppError> {
    Ok(repo::sla::due_for_check(conn, now, limit)?)
}

/// A page of open tickets by id.
pub fn open_after(conn: &mut DbConn, after: &str, limit: i64) -> Result<Vec<Ticket>, AppError> {
    Ok(repo::sla::open_after(conn, after, limit)?)
}

/// Tickets filed in `[from, to)`, by filing time, after a cursor.
pub fn filed_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Ticket>, AppError> {
    Ok(repo::sla::filed_between(conn, from, to, after, limit)?)
}

/// How many tickets are open.
pub fn open_count(db: &Db) -> Result<i64, AppError> {
    repo::sla::open_count(db)
}

pub use super::lookup::find;

/// Queue and category slugs by id.
pub struct Slugs {
    pub queues: HashMap<String, String>,
    pub categories: HashMap<String, String>,
}

impl Slugs {
    pub fn load(conn: &mut DbConn) -> Result<Slugs, AppError> {
        Ok(Slugs {
            queues: repo::all_queues(conn)?
                .into_iter()
                .map(|q| (q.id, q.slug))
                .collect(),
            categories: repo::all_categories(conn)?
                .into_iter()
                .map(|c| (c.id, c.slug))
                .collect(),
        })
    }

    pub fn queue_of(&self, t: &Ticket) -> Option<&str> {
        t.queue_id
            .as_ref()
            .and_then(|id| self.queues.get(id))
            .map(String::as_str)
    }

    pub fn category_of(&self, t: &Ticket) -> Option<&str> {
        t.category_id
            .as_ref()
            .and_then(|id| self.categories.get(id))
            .map(String::as_str)
    }
}

/// The slugs of one ticket's queue and category.
pub fn slugs_of(
    conn: &mut DbConn,
    t: &Ticket,
) -> Result<(Option<String>, Option<String>), AppError> {
    let queue = match &t.queue_id {
        Some(id) => repo::find_queues(conn, std::slice::from_ref(id))?
            .pop()
            .map(|q| q.slug),
        None => None,
    };
    let category = match &t.category_id {
        Some(id) => repo::find_categories(conn, std::slice::from_ref(id))?
            .pop()
            .map(|c| c.slug),
        None => None,
    };
    Ok((queue, category))
}

/// The people named as a queue's own coordinators.
pub fn queue_coordinator_ids(conn: &mut DbConn, queue_id: &str) -> Result<Vec<String>, AppError> {
    Ok(repo::queue_coordinator_ids(conn, queue_id)?)
}

fn raised(p: Priority) -> Priority {
    match p {
        Priority::P4 => Priority::P3,
        Priority::P3 => Priority::P2,
        _ => Priority::P1,
    }
}

/// An escalation's moves: raise the priority one step and/or move the
/// ticket to the queue `move_to` (by slug; an unknown queue is ignored).
/// Records them in the ticket's history with `reason` and updates `t`;
/// returns whether anything changed.
pub fn escalate(
    conn: &mut DbConn,
    t: &mut Ticket,
    raise: bool,
    move_to: Option<&str>,
    reason: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let mut changes = serde_json::Map::new();
    if raise && t.priority != Priority::P1 {
        let to = raised(t.priority);
        changes.insert(
            "priority".into(),
            audit::change(t.priority.as_str(), to.as_str()),
        );
        changes.insert(
            "priority_overridden".into(),
            audit::change(t.priority_overridden, true),
        );
        t.priority = to;
        t.priority_overridden = true;
    }
    if let Some(slug) = move_to
        && let Some(q) = repo::find_queue_by_slug(conn, slug)?
        && t.queue_id.as_deref() != Some(q.id.as_str())
    {
        let from = match &t.queue_id {
            Some(id) => repo::find_queues(conn, std::slice::from_ref(id))?
                .pop()
                .map(|q| q.slug),
            None => None,
        };
        changes.insert("queue".into(), audit::change(from, slug));
        t.queue_id = Some(q.id);
    }
    if changes.is_empty() {
        return Ok(false);
    }
    changes.insert("reason".into(), json!(reason));
    t.updated_at = now;
    repo::update(conn, &t.id, &TicketChanges::from(&*t))?;
    audit::record(
        conn,
        audit::Entry {
            entity_type: "ticket",
            entity_id: &t.id,
            actor_id: None,
            action: "updated",
            changes: serde_json::Value::Object(changes),
            at: now,
        },
    )?;
    Ok(true)
}
