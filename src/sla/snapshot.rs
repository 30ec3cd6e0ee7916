//! What of an SLA report is stored on the ticket (for listing, sorting and
//! the timer worker's scan) and which thresholds it has crossed.

use super::clock::{ClockReport, ClockState, SlaReport};
use super::policy::{ClockKind, Threshold};
use crate::calendar::Micros;

/// The worst state over a ticket's clocks, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Summary {
    Breached,
    AtRisk,
    Running,
    Paused,
    Met,
}

impl Summary {
    pub fn as_str(self) -> &'static str {
        match self {
            Summary::Breached => "breached",
            Summary::AtRisk => "at_risk",
            Summary::Running => "running",
            Summary::Paused => "paused",
            Summary::Met => "met",
        }
    }
}

/// The stored part of a report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub policy: Option<String>,
    pub state: Option<Summary>,
    /// The nearest deadline among clocks still counting (a breached one is
    /// in the past and sorts first).
    pub due_at: Option<Micros>,
    /// When time alone next changes the picture: the next warning or
    /// deadline of a running clock.
    pub next_check_at: Option<Micros>,
    /// Every threshold still ahead, soonest first.
    pub schedule: Vec<Planned>,
}

/// A threshold a running clock will reach at `at` if nothing else happens.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Planned {
    pub clock: ClockKind,
    /// `warning:PERCENT` or `breach`.
    pub threshold: String,
    pub cycle: i32,
    pub at: Micros,
}

fn clock_summary(c: &ClockReport) -> Option<Summary> {
    Some(match c.state {
        ClockState::Breached => Summary::Breached,
        ClockState::Running if c.warnings.iter().any(|w| w.reached) => Summary::AtRisk,
        ClockState::Running => Summary::Running,
        ClockState::Paused if c.warnings.iter().any(|w| w.reached) => Summary::AtRisk,
        ClockState::Paused => Summary::Paused,
        ClockState::Met => Summary::Met,
        ClockState::Idle => return None,
    })
}

/// Summarises a report as of `now`.
pub fn snapshot(report: Option<&SlaReport>, now: Micros) -> Snapshot {
    let Some(report) = report else {
        return Snapshot::default();
    };
    let mut snap = Snapshot {
        policy: Some(report.policy.clone()),
        ..Snapshot::default()
    };
    for c in report.clocks() {
        if let Some(s) = clock_summary(c) {
            snap.state = Some(snap.state.map_or(s, |cur| cur.min(s)));
        }
        let counting = c.met_at.is_none() && c.state != ClockState::Idle;
        if counting && let Some(due) = c.due_at {
            snap.due_at = Some(snap.due_at.map_or(due, |d| d.min(due)));
        }
        if c.state == ClockState::Running {
            let cycle = c.cycles as i32;
            let warnings = c
                .warnings
                .iter()
                .filter(|w| !w.reached)
                .filter_map(|w| w.at.map(|at| (Threshold::Warning(w.percent), at)));
            for (threshold, at) in warnings.chain(c.due_at.map(|at| (Threshold::Breach, at))) {
                if at > now {
                    snap.schedule.push(Planned {
                        clock: c.kind,
                        threshold: threshold.key(),
                        cycle,
                        at,
                    });
                }
            }
        }
    }
    snap.schedule.sort_by_key(|p| p.at);
    snap.next_check_at = snap.schedule.first().map(|p| p.at);
    snap
}

/// A threshold a clock has crossed; `cycle` tells next-response cycles apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crossed {
    pub clock: ClockKind,
    pub threshold: Threshold,
    pub cycle: i32,
    pub at: Option<Micros>,
}

/// Every threshold the report's clocks have reached so far.
pub fn crossed(report: &SlaReport) -> Vec<Crossed> {
    let mut out = Vec::new();
    for c in report.clocks() {
        if c.state == ClockState::Idle {
            continue;
        }
        let cycle = c.cycles as i32;
        for w in c.warnings.iter().filter(|w| w.reached) {
            out.push(Crossed {
                clock: c.kind,
                threshold: Threshold::Warning(w.percent),
                cycle,
                at: w.at,
            });
        }
        if c.state == ClockState::Breached {
            out.push(Crossed {
                clock: c.kind,
                threshold: Threshold::Breach,
                cycle,
                at: c.breached_at,
            });
        }
    }
    out
}
