//! The ticket figures of a month, without I/O: from each ticket's facts
//! (its row and what its history says), exactly as `schema/metrics.md`
//! defines them. Instants are UTC; the month is `[start, end)`.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::history::FieldChange;
use super::history::value_at;
pub use super::sla_figures::Concluded;
use crate::vendors::performance::nearest_rank;

/// Statuses of the backlog: work not finished.
pub const BACKLOG: [&str; 4] = ["new", "triaged", "in_progress", "on_hold"];

/// The key for tickets without a queue or category.
pub const NONE: &str = "none";

/// One change of a ticket's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub at: NaiveDateTime,
    pub from: String,
    pub to: String,
}

/// What the figures need of one ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketFacts {
    pub id: String,
    pub ticket_type: String,
    pub priority: String,
    pub channel: String,
    /// Slugs; `None` without one.
    pub queue: Option<String>,
    pub category: Option<String>,
    pub created_at: NaiveDateTime,
    /// Its status now (after every change below).
    pub status: String,
    /// Status changes, oldest first.
    pub changes: Vec<StatusChange>,
    /// Public replies by staff, oldest first.
    pub public_replies: Vec<NaiveDateTime>,
    /// Moves from one queue to another.
    pub queue_moves: Vec<NaiveDateTime>,
    /// Queue changes (by slug), oldest first: the queue at an instant.
    pub queue_changes: Vec<FieldChange>,
    /// The assignee now (email) and its changes, oldest first.
    pub assignee: Option<String>,
    pub assignee_changes: Vec<FieldChange>,
    /// The SLA clocks that concluded in the month.
    pub clocks: Vec<Concluded>,
    /// Escalations to a vendor.
    pub vendor_escalations: Vec<NaiveDateTime>,
    /// Business seconds to the first public staff reply (as the SLA
    /// first-response clock counts them), when that reply is in the month.
    pub first_response_seconds: Option<i64>,
    /// Business seconds to its last resolution in the month (as the SLA
    /// resolution clock counts them), when it was resolved in the month.
    pub resolution_seconds: Option<i64>,
}

impl TicketFacts {
    /// Its status at instant `t` (after every change before `t`); `None`
    /// when it was filed at or after `t`.
    pub fn status_at(&self, t: NaiveDateTime) -> Option<&str> {
        if self.created_at >= t {
            return None;
        }
        Some(
            self.changes
                .iter()
                .find(|c| c.at >= t)
                .map_or(self.status.as_str(), |c| c.from.as_str()),
        )
    }

    /// Its queue (slug) at instant `t`.
    pub fn queue_at(&self, t: NaiveDateTime) -> Option<&str> {
        value_at(self.queue.as_deref(), &self.queue_changes, t)
    }

    /// Its assignee (email) at instant `t`.
    pub fn assignee_at(&self, t: NaiveDateTime) -> Option<&str> {
        value_at(self.assignee.as_deref(), &self.assignee_changes, t)
    }

    /// Whether it was in the backlog at instant `t`.
    pub fn in_backlog_at(&self, t: NaiveDateTime) -> bool {
        self.status_at(t).is_some_and(|s| BACKLOG.contains(&s))
    }

    /// When it entered `status` within `[from, to)`.
    pub fn entered(
        &self,
        status: &str,
        (from, to): (NaiveDateTime, NaiveDateTime),
    ) -> Vec<NaiveDateTime> {
        self.changes
            .iter()
            .filter(|c| c.to == status && c.from != status && c.at >= from && c.at < to)
            .map(|c| c.at)
            .collect()
    }

    /// Whether it was reopened (moved from `resolved` back to work) within
    /// `window` after the resolution at `resolved`.
    pub fn reopened_after(&self, resolved: NaiveDateTime, window: Duration) -> bool {
        self.changes.iter().any(|c| {
            c.from == "resolved"
                && BACKLOG.contains(&c.to.as_str())
                && c.at > resolved
                && c.at <= resolved + window
        })
    }
}

/// Count, median and p90 (nearest rank) of business seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Durations {
    pub count: u64,
    pub median_business_seconds: Option<i64>,
    pub p90_business_seconds: Option<i64>,
}

impl Durations {
    pub fn of(mut values: Vec<i64>) -> Durations {
        values.sort_unstable();
        Durations {
            count: values.len() as u64,
            median_business_seconds: nearest_rank(&values, 0.5),
            p90_business_seconds: nearest_rank(&values, 0.9),
        }
    }
}

/// Tickets filed in the month, in total and by each dimension.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Created {
    pub total: u64,
    pub by_type: BTreeMap<String, u64>,
    pub by_priority: BTreeMap<String, u64>,
    pub by_channel: BTreeMap<String, u64>,
    pub by_queue: BTreeMap<String, u64>,
    pub by_category: BTreeMap<String, u64>,
}

/// Ages of the backlog at the month's end, in calendar days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Aging {
    #[serde(rename = "0-2d")]
    pub up_to_2: u64,
    #[serde(rename = "3-7d")]
    pub up_to_7: u64,
    #[serde(rename = "8-30d")]
    pub up_to_30: u64,
    #[serde(rename = ">30d")]
    pub older: u64,
}

impl Aging {
    fn add(&mut self, days: i64) {
        match days {
            i64::MIN..=2 => self.up_to_2 += 1,
            3..=7 => self.up_to_7 += 1,
            8..=30 => self.up_to_30 += 1,
            _ => self.older += 1,
        }
    }
}

/// The ticket section of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TicketFigures {
    pub created: Created,
    pub resolved: u64,
    pub cancelled: u64,
    pub backlog_start: u64,
    pub backlog_end: u64,
    pub reopen_rate: Option<f64>,
    pub fcr_rate: Option<f64>,
    pub aging_end: Aging,
    pub first_response: Durations,
    pub resolution: Durations,
}

/// How the month is cut.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// `[start, end)` in UTC.
    pub bounds: (NaiveDateTime, NaiveDateTime),
    /// The month's last local day (ages are counted to it).
    pub last_day: NaiveDate,
    /// The report's zone (ages are counted in its local days).
    pub zone: chrono_tz::Tz,
    /// A reopen within this long of a resolution counts against it.
    pub reopen_window: Duration,
}

/// A share, `None` when there is nothing to divide.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Every ticket figure of the month from the facts of every ticket that
/// was filed, open or changed in it (others add nothing).
pub fn compute(frame: &Frame, tickets: &[TicketFacts]) -> TicketFigures {
    let (start, end) = frame.bounds;
    let mut fig = TicketFigures::default();
    let (mut reopened, mut first_contact) = (0, 0);
    let (mut first_response, mut resolution) = (Vec::new(), Vec::new());
    for t in tickets {
        if t.created_at >= start && t.created_at < end {
            count_created(&mut fig.created, t);
        }
        fig.backlog_start += u64::from(t.in_backlog_at(start));
        if t.in_backlog_at(end) {
            fig.backlog_end += 1;
            let filed = frame.zone.from_utc_datetime(&t.created_at).date_naive();
            fig.aging_end.add((frame.last_day - filed).num_days());
        }
        fig.cancelled += u64::from(!t.entered("cancelled", frame.bounds).is_empty());
        let resolutions = t.entered("resolved", frame.bounds);
        if let Some(&last) = resolutions.last() {
            fig.resolved += 1;
            let again = resolutions
                .iter()
                .any(|r| t.reopened_after(*r, frame.reopen_window));
            reopened += u64::from(again);
            first_contact += u64::from(!again && first_contact_at(t, last));
            resolution.extend(t.resolution_seconds);
        }
        first_response.extend(t.first_response_seconds);
    }
    fig.reopen_rate = rate(reopened, fig.resolved);
    fig.fcr_rate = rate(first_contact, fig.resolved);
    fig.first_response = Durations::of(first_response);
    fig.resolution = Durations::of(resolution);
    fig
}

/// Resolved at `last` with at most one public staff reply before it, never
/// moved to another queue nor escalated to a vendor before it.
fn first_contact_at(t: &TicketFacts, last: NaiveDateTime) -> bool {
    t.public_replies.iter().filter(|at| **at <= last).count() <= 1
        && !t.queue_moves.iter().any(|at| *at <= last)
        && !t.vendor_escalations.iter().any(|at| *at <= last)
}

fn count_created(c: &mut Created, t: &TicketFacts) {
    c.total += 1;
    *c.by_type.entry(t.ticket_type.clone()).or_default() += 1;
    *c.by_priority.entry(t.priority.clone()).or_default() += 1;
    *c.by_channel.entry(t.channel.clone()).or_default() += 1;
    let queue = t.queue.clone().unwrap_or_else(|| NONE.into());
    *c.by_queue.entry(queue).or_default() += 1;
    let category = t.category.clone().unwrap_or_else(|| NONE.into());
    *c.by_category.entry(category).or_default() += 1;
}

#[cfg(test)]
#[path = "ticket_figures_tests.rs"]
mod tests;
