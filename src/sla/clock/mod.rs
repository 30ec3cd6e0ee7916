//! The SLA clocks as one pure function of a ticket's history.
//!
//! A clock runs while the ticket is open and not on a hold reason the policy
//! pauses on. Its target comes from the priority in force when it is read
//! (now, or when it was met): a priority change re-targets the clock from the
//! creation time, keeping every paused interval. A resolved ticket's
//! resolution clock stops; reopening resumes it with the time already used.
//! Nothing here reads the wall clock or a database: `now` and the events are
//! arguments, so the same inputs always give the same answers.

mod measure;
mod replay;

use measure::{ClockInput, priority_at, report};
use replay::{Timeline, replay};

use super::policy::{ClockKind, Policy};
use crate::calendar::{Calendar, Micros};
use crate::tickets::domain::{HoldReason, Priority, Status};

/// What happened to a ticket, as far as its clocks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Status {
        status: Status,
        hold_reason: Option<HoldReason>,
    },
    /// A public reply by staff.
    PublicReply,
    /// A public message by the requester (or another non-staff person).
    RequesterMessage,
    Priority {
        priority: Priority,
    },
}

/// One event at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub at: Micros,
    pub kind: EventKind,
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    Running,
    Paused,
    Met,
    Breached,
    /// A next-response clock with no requester message waiting.
    Idle,
}

impl ClockState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
            ClockState::Idle => "idle",
        }
    }
}

/// A stretch of wall time and whether it counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    pub from: Micros,
    /// `None`: still going at `now`.
    pub to: Option<Micros>,
    pub counted: bool,
    /// Why it did not count: a hold reason, or the status that stopped it.
    pub reason: Option<&'static str>,
    /// Business time inside it (counted intervals only).
    pub business: i64,
}

/// A warning threshold of a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarningPoint {
    pub percent: u8,
    /// When the clock reaches it (past or projected); `None` while paused
    /// before reaching it.
    pub at: Option<Micros>,
    pub reached: bool,
}

/// One clock, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockReport {
    pub kind: ClockKind,
    pub priority: Priority,
    pub target: i64,
    pub due_at: Option<Micros>,
    pub met_at: Option<Micros>,
    pub breached_at: Option<Micros>,
    pub elapsed: i64,
    /// Target minus elapsed; negative when overdue.
    pub remaining: i64,
    pub state: ClockState,
    pub warnings: Vec<WarningPoint>,
    pub intervals: Vec<Interval>,
    /// Next response only: cycles so far and how many of them breached.
    pub cycles: u32,
    pub breached_cycles: u32,
}

/// Every clock the policy defines for the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaReport {
    pub policy: String,
    pub first_response: Option<ClockReport>,
    pub next_response: Option<ClockReport>,
    pub resolution: Option<ClockReport>,
    /// Every next-response cycle, oldest first (`next_response` is the
    /// last of them).
    pub next_response_cycles: Vec<ClockReport>,
}

impl SlaReport {
    pub fn clocks(&self) -> impl Iterator<Item = &ClockReport> {
        [&self.first_response, &self.next_response, &self.resolution]
            .into_iter()
            .flatten()
    }
}

/// The ticket's state between events.
#[derive(Debug, Clone, Copy)]
struct Phase {
    from: Micros,
    to: Option<Micros>,
    status: Status,
    hold: Option<HoldReason>,
}

fn is_stopped(s: Status) -> bool {
    matches!(s, Status::Resolved | Status::Closed | Status::Cancelled)
}

/// Evaluates every clock the policy defines for a ticket created at
/// `created_at` with `priority`, given its events (any order; those after
/// `now` are ignored).
pub fn evaluate(
    calendar: &Calendar,
    policy: &Policy,
    priority: Priority,
    created_at: Micros,
    events: &[Event],
    now: Micros,
) -> SlaReport {
    let Timeline {
        phases,
        priorities,
        first_met,
        cycles,
    } = replay(priority, created_at, events, now);
    // Met when the final run of stopped phases began: resolved and then
    // closed was resolved at the first of them.
    let resolution_met = phases
        .iter()
        .rev()
        .take_while(|p| is_stopped(p.status))
        .last()
        .map(|p| p.from);
    let clock = |kind, start, met_at| {
        report(
            calendar,
            policy,
            ClockInput {
                kind,
                start,
                met_at,
                phases: &phases,
                priorities: &priorities,
            },
            now,
        )
    };
    let first_response = clock(ClockKind::FirstResponse, created_at, first_met);
    let resolution = clock(ClockKind::Resolution, created_at, resolution_met);
    let next_response_cycles: Vec<ClockReport> = if policy.defines(ClockKind::NextResponse) {
        cycles
            .iter()
            .filter_map(|(start, end)| clock(ClockKind::NextResponse, *start, *end))
            .collect()
    } else {
        Vec::new()
    };
    let next_response = policy
        .defines(ClockKind::NextResponse)
        .then(|| {
            next_response(
                &next_response_cycles,
                policy,
                priority_at(&priorities, now).0,
            )
        })
        .flatten();
    SlaReport {
        policy: policy.name.clone(),
        first_response,
        next_response,
        resolution,
        next_response_cycles,
    }
}

/// The last next-response cycle, with how many cycles there were and how
/// many breached; idle when there has been none.
fn next_response(
    cycles: &[ClockReport],
    policy: &Policy,
    priority_now: Priority,
) -> Option<ClockReport> {
    let count = cycles.len() as u32;
    let breached = cycles
        .iter()
        .filter(|r| r.state == ClockState::Breached)
        .count() as u32;
    match cycles.last().cloned() {
        Some(mut r) => {
            r.cycles = count;
            r.breached_cycles = breached;
            Some(r)
        }
        None => idle(policy, priority_now),
    }
}

fn idle(policy: &Policy, priority: Priority) -> Option<ClockReport> {
    let target = policy.target(ClockKind::NextResponse, priority)?.seconds() * 1_000_000;
    Some(ClockReport {
        kind: ClockKind::NextResponse,
        priority,
        target,
        due_at: None,
        met_at: None,
        breached_at: None,
        elapsed: 0,
        remaining: target,
        state: ClockState::Idle,
        warnings: Vec::new(),
        intervals: Vec::new(),
        cycles: 0,
        breached_cycles: 0,
    })
}
