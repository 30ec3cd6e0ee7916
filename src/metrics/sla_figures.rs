//! The service-level section: the SLA clocks that concluded in the month
//! (met at an instant in it, or breached at a due time in it), per clock
//! and priority, and the queues that kept them worst (pure).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ticket_figures::{NONE, TicketFacts, rate};
use crate::calendar::Micros;
use crate::sla::clock::{ClockReport, ClockState, SlaReport};
use crate::sla::policy::ClockKind;

/// How many queues the section names as the worst.
pub const WORST_QUEUES: usize = 5;

/// One clock that concluded in the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concluded {
    pub clock: ClockKind,
    /// The priority the clock was measured at.
    pub priority: String,
    pub met: bool,
    /// When it was met, or when it breached.
    pub at: NaiveDateTime,
}

fn instant(t: Micros) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_micros(t)
        .unwrap_or_default()
        .naive_utc()
}

fn within(t: Micros, (start, end): (NaiveDateTime, NaiveDateTime)) -> bool {
    let t = instant(t);
    t >= start && t < end
}

/// Whether one clock concluded in the month, and how: breached at a due
/// time in it, or met at an instant in it on time. A clock stopped by a
/// cancellation was not met (`cancelled` says whether its stop was one).
fn conclusion(
    r: &ClockReport,
    bounds: (NaiveDateTime, NaiveDateTime),
    cancelled: &dyn Fn(NaiveDateTime) -> bool,
) -> Option<Concluded> {
    let done = |met: bool, at: Micros| Concluded {
        clock: r.kind,
        priority: r.priority.as_str().to_owned(),
        met,
        at: instant(at),
    };
    match (r.state, r.breached_at, r.met_at) {
        (ClockState::Breached, Some(b), _) if within(b, bounds) => Some(done(false, b)),
        (ClockState::Met, _, Some(m)) if within(m, bounds) && !cancelled(instant(m)) => {
            Some(done(true, m))
        }
        _ => None,
    }
}

/// The clocks of one ticket that concluded in the month, from its SLA
/// report read at the month's end. The SLA clocks count a stop as an
/// answer; a stop by cancellation is no answer, so such clocks are left
/// out (breached ones stay breached).
pub fn concluded(
    report: &SlaReport,
    bounds: (NaiveDateTime, NaiveDateTime),
    cancelled: &dyn Fn(NaiveDateTime) -> bool,
) -> Vec<Concluded> {
    let mut out = Vec::new();
    out.extend(
        report
            .first_response
            .as_ref()
            .and_then(|r| conclusion(r, bounds, cancelled)),
    );
    for cycle in &report.next_response_cycles {
        out.extend(conclusion(cycle, bounds, cancelled));
    }
    out.extend(
        report
            .resolution
            .as_ref()
            .and_then(|r| conclusion(r, bounds, cancelled)),
    );
    out
}

/// Met, breached and their share.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Attainment {
    pub met: u64,
    pub breached: u64,
    pub attainment: Option<f64>,
}

impl Attainment {
    fn add(&mut self, met: bool) {
        if met {
            self.met += 1;
        } else {
            self.breached += 1;
        }
        self.attainment = rate(self.met, self.met + self.breached);
    }
}

/// One clock's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ClockFigures {
    pub met: u64,
    pub breached: u64,
    pub attainment: Option<f64>,
    pub by_priority: BTreeMap<String, Attainment>,
}

/// A queue's figures over every clock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct QueueAttainment {
    pub queue: String,
    pub met: u64,
    pub breached: u64,
    pub attainment: Option<f64>,
}

/// The service-level section of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SlaFigures {
    pub first_response: ClockFigures,
    pub next_response: ClockFigures,
    pub resolution: ClockFigures,
    /// Every clock together (the trend's figure).
    pub attainment: Option<f64>,
    /// The queues with breaches, worst attainment first (at most five).
    pub worst_queues: Vec<QueueAttainment>,
}

/// The service-level figures of the month from each ticket's concluded
/// clocks.
pub fn compute(tickets: &[TicketFacts]) -> SlaFigures {
    let mut fig = SlaFigures::default();
    let mut all = Attainment::default();
    let mut queues: BTreeMap<String, Attainment> = BTreeMap::new();
    for t in tickets {
        for c in &t.clocks {
            let clock = match c.clock {
                ClockKind::FirstResponse => &mut fig.first_response,
                ClockKind::NextResponse => &mut fig.next_response,
                ClockKind::Resolution => &mut fig.resolution,
            };
            if c.met {
                clock.met += 1;
            } else {
                clock.breached += 1;
            }
            clock.attainment = rate(clock.met, clock.met + clock.breached);
            clock
                .by_priority
                .entry(c.priority.clone())
                .or_default()
                .add(c.met);
            all.add(c.met);
            let queue = t.queue_at(c.at).unwrap_or(NONE).to_owned();
            queues.entry(queue).or_default().add(c.met);
        }
    }
    fig.attainment = all.attainment;
    let mut worst: Vec<QueueAttainment> = queues
        .into_iter()
        .filter(|(_, a)| a.breached > 0)
        .map(|(queue, a)| QueueAttainment {
            queue,
            met: a.met,
            breached: a.breached,
            attainment: a.attainment,
        })
        .collect();
    worst.sort_by(|a, b| {
        let share = |q: &QueueAttainment| q.attainment.unwrap_or(1.0);
        share(a)
            .total_cmp(&share(b))
            .then(b.breached.cmp(&a.breached))
            .then(a.queue.cmp(&b.queue))
    });
    worst.truncate(WORST_QUEUES);
    fig.worst_queues = worst;
    fig
}
