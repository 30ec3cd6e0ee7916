//! The workload section: per queue and per agent, the tickets that came to
//! them in the month, those they resolved, those open at its end and the
//! median resolution time (pure).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ticket_figures::{Frame, NONE, TicketFacts};
use crate::vendors::performance::nearest_rank;

/// One queue's or agent's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Load {
    /// The queue's slug or the agent's email (`none`: no queue).
    pub name: String,
    /// Tickets that came to it in the month: filed with it, or moved or
    /// assigned to it (each ticket once).
    pub assigned: u64,
    /// Of the month's resolved tickets, those it held at the last
    /// resolution in the month.
    pub resolved: u64,
    /// Backlog at the month's end that it held then.
    pub open_end: u64,
    /// Median business seconds to resolution of those it resolved.
    pub median_resolution_business_seconds: Option<i64>,
}

/// The workload section of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Workload {
    pub queues: Vec<Load>,
    pub agents: Vec<Load>,
}

#[derive(Default)]
struct Tally {
    assigned: u64,
    resolved: u64,
    open_end: u64,
    seconds: Vec<i64>,
}

/// Which holder a ticket has at an instant, and every holder it was given
/// in the month (filed with, or changed to).
trait Holder {
    fn at(&self, t: &TicketFacts, when: chrono::NaiveDateTime) -> Option<String>;
    fn given(&self, t: &TicketFacts, frame: &Frame) -> Vec<String>;
}

struct QueueOf;
struct AgentOf;

fn given(
    t: &TicketFacts,
    frame: &Frame,
    initial: Option<&str>,
    changes: &[super::history::FieldChange],
) -> Vec<String> {
    let (start, end) = frame.bounds;
    let mut out: Vec<String> = Vec::new();
    if t.created_at >= start && t.created_at < end {
        out.extend(initial.map(str::to_owned));
    }
    out.extend(
        changes
            .iter()
            .filter(|c| c.at >= start && c.at < end)
            .filter_map(|c| c.to.clone()),
    );
    out.sort();
    out.dedup();
    out
}

impl Holder for QueueOf {
    fn at(&self, t: &TicketFacts, when: chrono::NaiveDateTime) -> Option<String> {
        Some(t.queue_at(when).unwrap_or(NONE).to_owned())
    }
    fn given(&self, t: &TicketFacts, frame: &Frame) -> Vec<String> {
        let initial = t.queue_at(t.created_at).or(Some(NONE));
        let mut out = given(t, frame, initial, &t.queue_changes);
        if out.is_empty() && t.created_at >= frame.bounds.0 && t.created_at < frame.bounds.1 {
            out.push(NONE.into());
        }
        out
    }
}

impl Holder for AgentOf {
    fn at(&self, t: &TicketFacts, when: chrono::NaiveDateTime) -> Option<String> {
        t.assignee_at(when).map(str::to_owned)
    }
    fn given(&self, t: &TicketFacts, frame: &Frame) -> Vec<String> {
        given(t, frame, t.assignee_at(t.created_at), &t.assignee_changes)
    }
}

fn loads(frame: &Frame, tickets: &[TicketFacts], holder: &dyn Holder) -> Vec<Load> {
    let (_, end) = frame.bounds;
    let mut by: BTreeMap<String, Tally> = BTreeMap::new();
    for t in tickets {
        for name in holder.given(t, frame) {
            by.entry(name).or_default().assigned += 1;
        }
        if let Some(&last) = t.entered("resolved", frame.bounds).last()
            && let Some(name) = holder.at(t, last)
        {
            let tally = by.entry(name).or_default();
            tally.resolved += 1;
            tally.seconds.extend(t.resolution_seconds);
        }
        if t.in_backlog_at(end)
            && let Some(name) = holder.at(t, end)
        {
            by.entry(name).or_default().open_end += 1;
        }
    }
    by.into_iter()
        .map(|(name, mut tally)| {
            tally.seconds.sort_unstable();
            Load {
                name,
                assigned: tally.assigned,
                resolved: tally.resolved,
                open_end: tally.open_end,
                median_resolution_business_seconds: nearest_rank(&tally.seconds, 0.5),
            }
        })
        .collect()
}

/// The workload of the month by queue and by agent.
pub fn compute(frame: &Frame, tickets: &[TicketFacts]) -> Workload {
    Workload {
        queues: loads(frame, tickets, &QueueOf),
        agents: loads(frame, tickets, &AgentOf),
    }
}
