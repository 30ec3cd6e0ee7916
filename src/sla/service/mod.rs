//! SLA use cases: keeping a ticket's SLA current (and firing each crossed
//! threshold exactly once), syncing the configuration into the database, and
//! loading the registry.

mod definitions;
mod escalation;

pub use definitions::*;
use escalation::fire;
pub use escalation::{Recipients, describe};

use chrono::NaiveDateTime;

use crate::audit;
use crate::auth::{User, people as users};
use crate::calendar::Micros;
use crate::db::DbConn;
use crate::error::AppError;
use crate::sla::clock::{SlaReport, evaluate};
use crate::sla::history;
use crate::sla::policy::TicketFacts;
use crate::sla::registry::Registry;
use crate::sla::repo::{self, SnapshotColumns};
use crate::sla::snapshot::snapshot;
use crate::tickets::model::Ticket;
use crate::tickets::repo as tickets;
use crate::tickets::service::Rules;

pub(super) fn micros(t: NaiveDateTime) -> Micros {
    t.and_utc().timestamp_micros()
}

pub(super) fn naive(t: Micros) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_micros(t)
        .unwrap_or_default()
        .naive_utc()
}

/// What the policy conditions look at, loaded for a ticket.
pub struct Facts {
    pub queue: Option<String>,
    pub category: Option<String>,
    pub requester: Option<User>,
}

pub fn load_facts(conn: &mut DbConn, t: &Ticket) -> Result<Facts, AppError> {
    let queue = match &t.queue_id {
        Some(id) => tickets::find_queues(conn, std::slice::from_ref(id))?
            .pop()
            .map(|q| q.slug),
        None => None,
    };
    let category = match &t.category_id {
        Some(id) => tickets::find_categories(conn, std::slice::from_ref(id))?
            .pop()
            .map(|c| c.slug),
        None => None,
    };
    Ok(Facts {
        queue,
        category,
        requester: users::find_user(conn, &t.requester_id)?,
    })
}

fn ticket_facts<'a>(t: &Ticket, f: &'a Facts) -> TicketFacts<'a> {
    TicketFacts {
        ticket_type: t.ticket_type,
        priority: t.priority,
        queue: f.queue.as_deref(),
        category: f.category.as_deref(),
        organization: f.requester.as_ref().and_then(|u| u.organization.as_deref()),
        vip: f.requester.as_ref().is_some_and(|u| u.is_vip),
    }
}

/// The snapshot of a ticket about to be filed: no history yet, so nothing
/// to load and nothing crossed.
pub fn initial(
    reg: &Registry,
    t: &Ticket,
    facts: &TicketFacts<'_>,
    now: NaiveDateTime,
) -> (SnapshotColumns, Option<SlaReport>) {
    let report = reg.select(facts).map(|(policy, calendar)| {
        evaluate(
            calendar,
            policy,
            t.priority,
            micros(t.created_at),
            &[],
            micros(now),
        )
    });
    (columns(snapshot(report.as_ref(), micros(now))), report)
}

fn columns(snap: super::snapshot::Snapshot) -> SnapshotColumns {
    SnapshotColumns {
        sla_schedule: (!snap.schedule.is_empty())
            .then(|| serde_json::to_string(&snap.schedule).unwrap_or_default()),
        sla_policy: snap.policy,
        sla_state: snap.state.map(|s| s.as_str().to_owned()),
        sla_due_at: snap.due_at.map(naive),
        sla_next_check_at: snap.next_check_at.map(naive),
    }
}

/// The live SLA report of a ticket from its history.
pub fn report(
    conn: &mut DbConn,
    reg: &Registry,
    t: &Ticket,
    now: NaiveDateTime,
) -> Result<Option<SlaReport>, AppError> {
    let facts = load_facts(conn, t)?;
    let Some((policy, calendar)) = reg.select(&ticket_facts(t, &facts)) else {
        return Ok(None);
    };
    let history = audit::history(conn, "ticket", &t.id)?;
    let (initial, events) = history::events(&history, t.priority);
    Ok(Some(evaluate(
        calendar,
        policy,
        initial,
        micros(t.created_at),
        &events,
        micros(now),
    )))
}

/// Recomputes a ticket's SLA from its history, fires every crossed threshold
/// that has not fired yet (history event, escalation actions) and stores the
/// snapshot. Runs inside the caller's transaction.
pub fn refresh(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    ticket: &Ticket,
    now: NaiveDateTime,
) -> Result<Option<SlaReport>, AppError> {
    let reg = rules.sla;
    let mut current = ticket.clone();
    let mut result = report(conn, reg, &current, now)?;
    // Escalations may change the priority or queue; evaluate again after them
    // (twice at most: a raise can cross the new, shorter target at once).
    for _ in 0..3 {
        let Some(r) = &result else { break };
        let crossed = super::snapshot::crossed(r);
        if crossed.is_empty() {
            break;
        }
        let changed = fire(conn, rules, &mut current, r, &crossed, now)?;
        if !changed {
            break;
        }
        result = report(conn, reg, &current, now)?;
    }
    let cols = columns(snapshot(result.as_ref(), micros(now)));
    if cols != stored_columns(&current) {
        repo::save_snapshot(conn, &current.id, &cols)?;
    }
    Ok(result)
}

fn stored_columns(t: &Ticket) -> SnapshotColumns {
    SnapshotColumns {
        sla_policy: t.sla_policy.clone(),
        sla_state: t.sla_state.clone(),
        sla_due_at: t.sla_due_at,
        sla_next_check_at: t.sla_next_check_at,
        sla_schedule: t.sla_schedule.clone(),
    }
}

/// [`refresh`] for many tickets with a handful of batched reads; tickets
/// with a threshold still to fire take the one-by-one path.
pub fn refresh_many(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    batch: &[Ticket],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let reg = rules.sla;
    use std::collections::{HashMap, HashSet};
    if batch.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = batch.iter().map(|t| t.id.clone()).collect();
    let mut requester_ids: Vec<String> = batch.iter().map(|t| t.requester_id.clone()).collect();
    requester_ids.sort();
    requester_ids.dedup();
    let histories = audit::history_many(conn, "ticket", &ids)?;
    let people: HashMap<String, User> = users::find_users(conn, &requester_ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let queues: HashMap<String, String> = tickets::all_queues(conn)?
        .into_iter()
        .map(|q| (q.id, q.slug))
        .collect();
    let categories: HashMap<String, String> = tickets::all_categories(conn)?
        .into_iter()
        .map(|c| (c.id, c.slug))
        .collect();
    let fired: HashSet<repo::MarkerKey> = repo::markers_of(conn, &ids)?.into_iter().collect();
    let mut updates = Vec::new();
    for t in batch {
        let requester = people.get(&t.requester_id);
        let facts = TicketFacts {
            ticket_type: t.ticket_type,
            priority: t.priority,
            queue: t
                .queue_id
                .as_ref()
                .and_then(|id| queues.get(id))
                .map(String::as_str),
            category: t
                .category_id
                .as_ref()
                .and_then(|id| categories.get(id))
                .map(String::as_str),
            organization: requester.and_then(|u| u.organization.as_deref()),
            vip: requester.is_some_and(|u| u.is_vip),
        };
        let report = reg.select(&facts).map(|(policy, calendar)| {
            let history = histories.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
            let (initial, events) = history::events(history, t.priority);
            evaluate(
                calendar,
                policy,
                initial,
                micros(t.created_at),
                &events,
                micros(now),
            )
        });
        let unfired = report.as_ref().is_some_and(|r| {
            super::snapshot::crossed(r).iter().any(|c| {
                !fired.contains(&repo::MarkerKey {
                    ticket_id: t.id.clone(),
                    clock: c.clock.as_str().to_owned(),
                    threshold: c.threshold.key(),
                    cycle: c.cycle,
                })
            })
        });
        if unfired {
            refresh(conn, rules, t, now)?;
            continue;
        }
        let cols = columns(snapshot(report.as_ref(), micros(now)));
        if cols != stored_columns(t) {
            updates.push(repo::ScheduleUpdate {
                ticket_id: t.id.clone(),
                cols,
            });
        }
    }
    Ok(repo::update_schedules(conn, &updates)?)
}

/// How many in-app notifications the person has not read yet.
pub fn unread_notifications(db: &crate::db::Db, user: &User) -> Result<i64, AppError> {
    db.read(|conn| Ok(crate::sla::repo::unread_count(conn, &user.id)?))
}
