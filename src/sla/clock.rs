//! The SLA clocks as one pure function of a ticket's history.
//!
//! A clock runs while the ticket is open and not on a hold reason the policy
//! pauses on. Its target comes from the priority in force when it is read
//! (now, or when it was met): a priority change re-targets the clock from the
//! creation time, keeping every paused interval. A resolved ticket's
//! resolution clock stops; reopening resumes it with the time already used.
//! Nothing here reads the wall clock or a database: `now` and the events are
//! arguments, so the same inputs always give the same answers.

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

/// Cuts `[from, to)` by the phases into counted and paused intervals.
fn intervals(
    phases: &[Phase],
    policy: &Policy,
    calendar: &Calendar,
    from: Micros,
    to: Option<Micros>,
    now: Micros,
) -> Vec<Interval> {
    let mut out: Vec<Interval> = Vec::new();
    for p in phases {
        let start = p.from.max(from);
        let end = match (p.to, to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if end.is_some_and(|e| e <= start) || start > now || to.is_some_and(|t| start >= t) {
            continue;
        }
        let reason = if is_stopped(p.status) {
            Some(p.status.as_str())
        } else {
            p.hold
                .filter(|h| policy.pause_on.contains(h))
                .map(|h| h.as_str())
        };
        let counted = reason.is_none();
        if let Some(last) = out.last_mut()
            && last.counted == counted
            && last.reason == reason
            && last.to == Some(start)
        {
            last.to = end;
            continue;
        }
        out.push(Interval {
            from: start,
            to: end,
            counted,
            reason,
            business: 0,
        });
    }
    for i in &mut out {
        if i.counted {
            i.business = calendar.business_between(i.from, i.to.unwrap_or(now).min(now));
        }
    }
    out
}

/// For each of `amounts` (ascending), the instant the counted intervals
/// accumulate that much business time: within a finished interval, or
/// projected past the last one when the clock goes on (`continues_from`).
fn reach_all(
    calendar: &Calendar,
    counted: &[&Interval],
    amounts: &[i64],
    continues_from: Option<Micros>,
) -> Vec<Option<Micros>> {
    let mut out = Vec::with_capacity(amounts.len());
    let mut buf = Vec::with_capacity(amounts.len());
    let mut sum = 0;
    for i in counted {
        if out.len() == amounts.len() {
            return out;
        }
        let rest = &amounts[out.len()..];
        match i.to {
            Some(_) => {
                let within: Vec<i64> = rest
                    .iter()
                    .take_while(|a| **a - sum <= i.business)
                    .map(|a| a - sum)
                    .collect();
                if !within.is_empty() {
                    calendar.advance_many(i.from, &within, &mut buf);
                    out.extend_from_slice(&buf);
                }
                sum += i.business;
            }
            None => {
                let left: Vec<i64> = rest.iter().map(|a| a - sum).collect();
                calendar.advance_many(i.from, &left, &mut buf);
                out.extend_from_slice(&buf);
                return out;
            }
        }
    }
    if let Some(t) = continues_from
        && out.len() < amounts.len()
    {
        let left: Vec<i64> = amounts[out.len()..].iter().map(|a| a - sum).collect();
        calendar.advance_many(t, &left, &mut buf);
        out.extend_from_slice(&buf);
    }
    out.resize(amounts.len(), None);
    out
}

struct ClockInput<'a> {
    kind: ClockKind,
    start: Micros,
    met_at: Option<Micros>,
    phases: &'a [Phase],
    priorities: &'a [(Micros, Priority)],
}

fn priority_at(priorities: &[(Micros, Priority)], t: Micros) -> (Priority, Micros) {
    let mut current = priorities[0];
    for p in priorities {
        if p.0 <= t {
            current = *p;
        }
    }
    (current.1, current.0)
}

fn report(
    calendar: &Calendar,
    policy: &Policy,
    input: ClockInput<'_>,
    now: Micros,
) -> Option<ClockReport> {
    let read_at = input.met_at.unwrap_or(now);
    let (priority, priority_since) = priority_at(input.priorities, read_at);
    let target = policy.target(input.kind, priority)?.seconds() * 1_000_000;
    let ivals = intervals(
        input.phases,
        policy,
        calendar,
        input.start,
        input.met_at,
        now,
    );
    let counted: Vec<&Interval> = ivals.iter().filter(|i| i.counted).collect();
    let elapsed: i64 = counted.iter().map(|i| i.business).sum();
    let running_now =
        input.met_at.is_none() && ivals.last().is_some_and(|i| i.counted && i.to.is_none());
    let continues_from = if running_now {
        None // the open interval already projects forward
    } else {
        input.met_at
    };
    // Warning thresholds ascending, then the target itself, in one walk.
    let mut amounts: Vec<i64> = policy
        .warn_at_percent
        .iter()
        .map(|p| target * i64::from(*p) / 100)
        .collect();
    amounts.push(target);
    let reached = reach_all(calendar, &counted, &amounts, continues_from);
    let due_at = reached[amounts.len() - 1];
    let over = elapsed >= target && target > 0;
    let state = match input.met_at {
        Some(_) if over => ClockState::Breached,
        Some(_) => ClockState::Met,
        None if over => ClockState::Breached,
        None if running_now => ClockState::Running,
        None => ClockState::Paused,
    };
    let breached_at =
        (state == ClockState::Breached).then(|| due_at.unwrap_or(read_at).max(priority_since));
    let warnings = policy
        .warn_at_percent
        .iter()
        .zip(amounts.iter().zip(&reached))
        .map(|(p, (amount, at))| WarningPoint {
            percent: *p,
            at: *at,
            reached: elapsed >= *amount,
        })
        .collect();
    Some(ClockReport {
        kind: input.kind,
        priority,
        target,
        due_at,
        met_at: input.met_at,
        breached_at,
        elapsed,
        remaining: target - elapsed,
        state,
        warnings,
        intervals: ivals,
        cycles: 0,
        breached_cycles: 0,
    })
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
    let resolution_met = {
        let last = phases.last().expect("phase");
        is_stopped(last.status).then_some(last.from)
    };
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
    let next_response = policy
        .defines(ClockKind::NextResponse)
        .then(|| {
            let cycles = cycles
                .iter()
                .map(|(start, end)| clock(ClockKind::NextResponse, *start, *end));
            next_response(cycles, policy, priority_at(&priorities, now).0)
        })
        .flatten();
    SlaReport {
        policy: policy.name.clone(),
        first_response,
        next_response,
        resolution,
    }
}

/// A ticket's history replayed: its status phases, its priorities over
/// time, when the first response was met, and the next-response cycles
/// (a requester message waiting for an answer, and when it came).
struct Timeline {
    phases: Vec<Phase>,
    priorities: Vec<(Micros, Priority)>,
    first_met: Option<Micros>,
    cycles: Vec<(Micros, Option<Micros>)>,
}

fn replay(priority: Priority, created_at: Micros, events: &[Event], now: Micros) -> Timeline {
    let mut events: Vec<Event> = events
        .iter()
        .filter(|e| e.at <= now && e.at >= created_at)
        .copied()
        .collect();
    events.sort_by_key(|e| e.at);

    let mut phases = vec![Phase {
        from: created_at,
        to: None,
        status: Status::New,
        hold: None,
    }];
    let mut priorities = vec![(created_at, priority)];
    let mut first_met: Option<Micros> = None;
    let mut cycles: Vec<(Micros, Option<Micros>)> = Vec::new();
    for e in &events {
        let current = *phases.last().expect("at least one phase");
        match e.kind {
            EventKind::Status {
                status,
                hold_reason,
            } => {
                let hold = if status == Status::OnHold {
                    hold_reason
                } else {
                    None
                };
                if status != current.status || hold != current.hold {
                    phases.last_mut().expect("phase").to = Some(e.at);
                    phases.push(Phase {
                        from: e.at,
                        to: None,
                        status,
                        hold,
                    });
                }
                if is_stopped(status) && !is_stopped(current.status) {
                    first_met.get_or_insert(e.at);
                    if let Some(open) = cycles.last_mut()
                        && open.1.is_none()
                        && open.0 < e.at
                    {
                        open.1 = Some(e.at);
                    }
                }
            }
            EventKind::PublicReply => {
                first_met.get_or_insert(e.at);
                if let Some(open) = cycles.last_mut()
                    && open.1.is_none()
                {
                    open.1 = Some(e.at);
                }
            }
            EventKind::RequesterMessage => {
                let waiting = cycles.last().is_some_and(|c| c.1.is_none());
                if first_met.is_some_and(|m| m <= e.at) && !waiting {
                    cycles.push((e.at, None));
                }
            }
            EventKind::Priority { priority } => priorities.push((e.at, priority)),
        }
    }

    Timeline {
        phases,
        priorities,
        first_met,
        cycles,
    }
}

/// The last next-response cycle, with how many cycles there were and how
/// many breached; idle when there has been none.
fn next_response(
    cycles: impl ExactSizeIterator<Item = Option<ClockReport>>,
    policy: &Policy,
    priority_now: Priority,
) -> Option<ClockReport> {
    let count = cycles.len() as u32;
    let mut breached = 0;
    let mut last = None;
    for r in cycles {
        if r.as_ref().is_some_and(|r| r.state == ClockState::Breached) {
            breached += 1;
        }
        last = r;
    }
    match last {
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
