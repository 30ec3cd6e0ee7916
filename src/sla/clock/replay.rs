//! A ticket's history replayed into what the clocks measure.

use super::{Event, EventKind, Phase, is_stopped};
use crate::calendar::Micros;
use crate::tickets::domain::{Priority, Status};

/// A ticket's history replayed: its status phases, its priorities over
/// time, when the first response was met, and the next-response cycles
/// (a requester message waiting for an answer, and when it came).
pub(super) struct Timeline {
    pub(super) phases: Vec<Phase>,
    pub(super) priorities: Vec<(Micros, Priority)>,
    pub(super) first_met: Option<Micros>,
    pub(super) cycles: Vec<(Micros, Option<Micros>)>,
}

pub(super) fn replay(
    priority: Priority,
    created_at: Micros,
    events: &[Event],
    now: Micros,
) -> Timeline {
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
