//! SLA use cases: keeping a ticket's SLA current (and firing each crossed
//! threshold exactly once), syncing the configuration into the database, and
//! loading the registry.

mod clocks;
mod definitions;
mod escalation;

pub use clocks::TicketClocks;

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
use crate::sla::events::SlaHooks;
use crate::sla::history;
use crate::sla::policy::TicketFacts;
use crate::sla::registry::Registry;
use crate::sla::repo;
use crate::sla::snapshot::snapshot;
use crate::tickets::Ticket;
use crate::tickets::service::TicketView;
use crate::tickets::service::service_level::{
    self as tickets, ScheduleUpdate, Slugs, SnapshotColumns, stored_columns,
};

/// What keeping service levels applies: the definitions in force, and who
/// hears of escalations.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub sla: &'a Registry,
    pub hooks: &'a SlaHooks,
}

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
    let (queue, category) = tickets::slugs_of(conn, t)?;
    Ok(Facts {
        queue,
        category,
        requester: users::find_user(conn, &t.requester_id)?,
    })
}

/// The facts of many tickets from the names and people loaded once for
/// them all (the live refresh and the simulator build them the same way).
pub fn batch_facts<'a>(
    t: &Ticket,
    slugs: &'a Slugs,
    people: &'a std::collections::HashMap<String, User>,
) -> TicketFacts<'a> {
    facts_of(
        t,
        slugs.queue_of(t),
        slugs.category_of(t),
        people.get(&t.requester_id),
    )
}

/// The one place a ticket's facts are put together for policy selection:
/// the live service, the batch refresh and the simulator all call it.
fn facts_of<'a>(
    t: &Ticket,
    queue: Option<&'a str>,
    category: Option<&'a str>,
    requester: Option<&'a User>,
) -> TicketFacts<'a> {
    TicketFacts {
        ticket_type: t.ticket_type,
        priority: t.priority,
        queue,
        category,
        organization: requester.and_then(|u| u.organization.as_deref()),
        vip: requester.is_some_and(|u| u.is_vip),
    }
}

fn ticket_facts<'a>(t: &Ticket, f: &'a Facts) -> TicketFacts<'a> {
    facts_of(
        t,
        f.queue.as_deref(),
        f.category.as_deref(),
        f.requester.as_ref(),
    )
}

/// The snapshot of a ticket just filed: no history yet, so nothing to load
/// and nothing crossed.
pub fn initial(
    reg: &Registry,
    view: &TicketView,
    now: NaiveDateTime,
) -> (SnapshotColumns, Option<SlaReport>) {
    let t = &view.ticket;
    let facts = facts_of(
        t,
        view.queue.as_ref().map(|q| q.slug.as_str()),
        view.category.as_ref().map(|c| c.slug.as_str()),
        Some(&view.requester),
    );
    let report = reg.select(&facts).map(|(policy, calendar)| {
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

/// A ticket's SLA report at `now` from its clock events (the priority it
/// was created with, and its events), under the policy that covers it: for
/// callers that load many tickets' facts and histories at once.
pub fn evaluate_events(
    reg: &Registry,
    facts: &TicketFacts<'_>,
    t: &Ticket,
    (initial, events): &(
        crate::tickets::domain::Priority,
        Vec<crate::sla::clock::Event>,
    ),
    now: NaiveDateTime,
) -> Option<SlaReport> {
    reg.select(facts).map(|(policy, calendar)| {
        evaluate(
            calendar,
            policy,
            *initial,
            micros(t.created_at),
            events,
            micros(now),
        )
    })
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
        tickets::save_columns(conn, &current.id, &cols)?;
    }
    Ok(result)
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
    let slugs = Slugs::load(conn)?;
    let fired: HashSet<repo::MarkerKey> = repo::markers_of(conn, &ids)?.into_iter().collect();
    let mut updates = Vec::new();
    for t in batch {
        let facts = batch_facts(t, &slugs, &people);
        let history = histories.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
        let report = evaluate_events(reg, &facts, t, &history::events(history, t.priority), now);
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
            updates.push(ScheduleUpdate {
                ticket_id: t.id.clone(),
                cols,
            });
        }
    }
    tickets::save_many(conn, &updates)
}

/// The version of the stored definitions (bumped by every change).
pub fn stored_version(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(repo::version(conn)?)
}
