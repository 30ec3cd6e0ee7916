//! Measuring one clock over a ticket's phases: the business time counted
//! and paused, when each warning and the target fall, and the clock's
//! state now.

use super::{ClockReport, ClockState, Interval, Phase, WarningPoint, is_stopped};
use crate::calendar::{Calendar, Micros};
use crate::sla::policy::{ClockKind, Policy};
use crate::tickets::domain::Priority;

/// Cuts `[from, to)` by the phases into counted and paused intervals.
pub(super) fn intervals(
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
pub(super) fn reach_all(
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

pub(super) struct ClockInput<'a> {
    pub(super) kind: ClockKind,
    pub(super) start: Micros,
    pub(super) met_at: Option<Micros>,
    pub(super) phases: &'a [Phase],
    pub(super) priorities: &'a [(Micros, Priority)],
}

pub(super) fn priority_at(priorities: &[(Micros, Priority)], t: Micros) -> (Priority, Micros) {
    let mut current = priorities[0];
    for p in priorities {
        if p.0 <= t {
            current = *p;
        }
    }
    (current.1, current.0)
}

pub(super) fn report(
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
