//! Ticket rules without I/O: the vocabulary (ITIL types, impact, urgency,
//! priority, statuses, hold reasons), the priority matrix, and which status
//! changes are allowed.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::text_enum;

text_enum! {
    /// ITIL record type.
    pub enum TicketType { Incident = "incident", ServiceRequest = "service_request" }
}

text_enum! {
    /// Impact or urgency of a ticket.
    pub enum Level { High = "high", Medium = "medium", Low = "low" }
}

text_enum! {
    /// Priority, P1 the most urgent.
    pub enum Priority { P1 = "P1", P2 = "P2", P3 = "P3", P4 = "P4" }
}

text_enum! {
    /// Lifecycle status of a ticket.
    pub enum Status {
        New = "new",
        Triaged = "triaged",
        InProgress = "in_progress",
        OnHold = "on_hold",
        Resolved = "resolved",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// Why a ticket is on hold.
    pub enum HoldReason {
        AwaitingRequester = "awaiting_requester",
        AwaitingVendor = "awaiting_vendor",
        AwaitingChange = "awaiting_change",
        AwaitingParts = "awaiting_parts",
        Scheduled = "scheduled",
    }
}

text_enum! {
    /// How a ticket reached us.
    pub enum Channel { Web = "web", Api = "api", Email = "email" }
}

impl Status {
    /// Statuses a coordinator still has to act on.
    pub const OPEN: &'static [Status] = &[
        Status::New,
        Status::Triaged,
        Status::InProgress,
        Status::OnHold,
    ];

    /// Whether the ticket still needs work.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// The statuses this one may change to. `closed` and `cancelled` are final;
    /// `resolved` may be reopened.
    pub fn allowed_next(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Triaged, InProgress, OnHold, Resolved, Cancelled],
            Triaged => &[InProgress, OnHold, Resolved, Cancelled],
            InProgress => &[Triaged, OnHold, Resolved, Cancelled],
            OnHold => &[Triaged, InProgress, Resolved, Cancelled],
            Resolved => &[InProgress, Triaged, Closed],
            Closed | Cancelled => &[],
        }
    }
}

/// A requested status change that the lifecycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error(
        "a ticket cannot go from `{from}` to `{to}`; allowed: {}",
        list(allowed)
    )]
    NotAllowed {
        from: Status,
        to: Status,
        allowed: &'static [Status],
    },
    #[error("`on_hold` needs a hold reason")]
    HoldReasonRequired,
    #[error("a hold reason is only valid with status `on_hold`")]
    HoldReasonWithoutHold,
}

fn list(statuses: &[Status]) -> String {
    if statuses.is_empty() {
        return "none (the status is final)".into();
    }
    statuses
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Status and hold reason a ticket ends up with after a requested change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub status: Status,
    pub hold_reason: Option<HoldReason>,
}

/// Checks a requested change of status and/or hold reason against the
/// current state and returns the resulting state.
///
/// Changing only the hold reason of a held ticket is allowed; a hold reason
/// is required for `on_hold` and refused for every other status.
pub fn transition(
    current: Status,
    current_hold: Option<HoldReason>,
    requested: Option<Status>,
    requested_hold: Option<HoldReason>,
) -> Result<StatusChange, TransitionError> {
    let target = requested.unwrap_or(current);
    if target != current && !current.allowed_next().contains(&target) {
        return Err(TransitionError::NotAllowed {
            from: current,
            to: target,
            allowed: current.allowed_next(),
        });
    }
    let hold_reason = match (target, requested_hold) {
        (Status::OnHold, Some(reason)) => Some(reason),
        (Status::OnHold, None) if current == Status::OnHold => current_hold,
        (Status::OnHold, None) => return Err(TransitionError::HoldReasonRequired),
        (_, Some(_)) => return Err(TransitionError::HoldReasonWithoutHold),
        (_, None) => None,
    };
    Ok(StatusChange {
        status: target,
        hold_reason,
    })
}

/// What a requester's public message does to their ticket: a ticket waiting
/// for them goes back to work, a resolved one reopens.
pub fn status_after_requester_message(status: Status, hold: Option<HoldReason>) -> Option<Status> {
    match (status, hold) {
        (Status::OnHold, Some(HoldReason::AwaitingRequester)) => Some(Status::InProgress),
        (Status::Resolved, _) => Some(Status::InProgress),
        _ => None,
    }
}

/// Impact (rows) × urgency (columns) → priority, from configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "BTreeMap<Level, BTreeMap<Level, Priority>>")]
pub struct PriorityMatrix {
    cells: BTreeMap<(Level, Level), Priority>,
}

impl TryFrom<BTreeMap<Level, BTreeMap<Level, Priority>>> for PriorityMatrix {
    type Error = String;

    fn try_from(rows: BTreeMap<Level, BTreeMap<Level, Priority>>) -> Result<Self, Self::Error> {
        let mut cells = BTreeMap::new();
        for impact in Level::ALL {
            let row = rows
                .get(impact)
                .ok_or_else(|| format!("priority matrix lacks the impact row `{impact}`"))?;
            for urgency in Level::ALL {
                let priority = row.get(urgency).ok_or_else(|| {
                    format!("priority matrix row `{impact}` lacks the urgency `{urgency}`")
                })?;
                cells.insert((*impact, *urgency), *priority);
            }
        }
        Ok(PriorityMatrix { cells })
    }
}

impl PriorityMatrix {
    /// The priority for an impact and an urgency.
    pub fn priority(&self, impact: Level, urgency: Level) -> Priority {
        self.cells[&(impact, urgency)]
    }
}

/// Priority of a ticket and whether it was set by hand rather than derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorityDecision {
    pub priority: Priority,
    pub overridden: bool,
}

/// The matrix decides unless someone names a priority explicitly; an explicit
/// priority equal to the matrix's answer is not an override.
pub fn decide_priority(
    matrix: &PriorityMatrix,
    impact: Level,
    urgency: Level,
    explicit: Option<Priority>,
) -> PriorityDecision {
    let derived = matrix.priority(impact, urgency);
    match explicit {
        Some(p) if p != derived => PriorityDecision {
            priority: p,
            overridden: true,
        },
        _ => PriorityDecision {
            priority: derived,
            overridden: false,
        },
    }
}

/// A refused move answers 409 `transition_not_allowed` with the statuses
/// that are allowed; hold reason faults name the field.
impl From<TransitionError> for crate::error::AppError {
    fn from(err: TransitionError) -> crate::error::AppError {
        match &err {
            TransitionError::NotAllowed { allowed, .. } => {
                let mut extensions = serde_json::Map::new();
                extensions.insert(
                    "allowed".into(),
                    serde_json::Value::Array(
                        allowed
                            .iter()
                            .map(|s| serde_json::Value::from(s.as_str()))
                            .collect(),
                    ),
                );
                crate::error::AppError::Conflict {
                    code: "transition_not_allowed",
                    detail: err.to_string(),
                    extensions,
                }
            }
            TransitionError::HoldReasonRequired => {
                crate::error::AppError::invalid("hold_reason", err.to_string())
            }
            TransitionError::HoldReasonWithoutHold => {
                crate::error::AppError::invalid("hold_reason", err.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::Format;

    #[test]
    fn a_refused_transition_is_a_conflict_naming_the_allowed_statuses() {
        let refused = transition(Status::Closed, None, Some(Status::New), None).unwrap_err();
        match crate::error::AppError::from(refused) {
            crate::error::AppError::Conflict {
                code, extensions, ..
            } => {
                assert_eq!(code, "transition_not_allowed");
                assert_eq!(extensions["allowed"], serde_json::json!([]));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    fn matrix() -> PriorityMatrix {
        let toml = r#"
            high = { high = "P1", medium = "P2", low = "P3" }
            medium = { high = "P2", medium = "P3", low = "P4" }
            low = { high = "P3", medium = "P4", low = "P4" }
        "#;
        figment::Figment::from(figment::providers::Toml::string(toml))
            .extract()
            .unwrap()
    }

    #[test]
    fn matrix_maps_high_high_to_p1_and_low_low_to_p4() {
        let m = matrix();
        assert_eq!(m.priority(Level::High, Level::High), Priority::P1);
        assert_eq!(m.priority(Level::Medium, Level::High), Priority::P2);
        assert_eq!(m.priority(Level::Low, Level::Low), Priority::P4);
    }

    #[test]
    fn incomplete_matrix_is_refused_naming_the_gap() {
        let toml = r#"high = { high = "P1" }"#;
        let err = figment::Figment::from(figment::providers::Toml::string(toml))
            .extract::<PriorityMatrix>()
            .unwrap_err();
        assert!(err.to_string().contains("lacks"), "{err}");
    }

    #[test]
    fn explicit_priority_is_an_override_only_when_it_differs() {
        let m = matrix();
        let d = decide_priority(&m, Level::Medium, Level::Medium, Some(Priority::P1));
        assert_eq!(
            d,
            PriorityDecision {
                priority: Priority::P1,
                overridden: true
            }
        );
        let same = decide_priority(&m, Level::Medium, Level::Medium, Some(Priority::P3));
        assert!(!same.overridden);
        let none = decide_priority(&m, Level::High, Level::Medium, None);
        assert_eq!(none.priority, Priority::P2);
        assert!(!none.overridden);
    }

    #[test]
    fn closed_and_cancelled_are_final() {
        for from in [Status::Closed, Status::Cancelled] {
            for to in Status::ALL.iter().filter(|s| **s != from) {
                let err = transition(from, None, Some(*to), None).unwrap_err();
                assert!(matches!(err, TransitionError::NotAllowed { .. }));
            }
        }
    }

    #[test]
    fn resolved_ticket_can_be_reopened_but_new_cannot_be_closed() {
        let reopened = transition(Status::Resolved, None, Some(Status::InProgress), None).unwrap();
        assert_eq!(reopened.status, Status::InProgress);
        let err = transition(Status::New, None, Some(Status::Closed), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a ticket cannot go from `new` to `closed`; allowed: triaged, in_progress, on_hold, resolved, cancelled"
        );
    }

    #[test]
    fn on_hold_requires_a_reason_and_other_statuses_refuse_one() {
        assert_eq!(
            transition(Status::InProgress, None, Some(Status::OnHold), None),
            Err(TransitionError::HoldReasonRequired)
        );
        assert_eq!(
            transition(
                Status::New,
                None,
                Some(Status::InProgress),
                Some(HoldReason::Scheduled)
            ),
            Err(TransitionError::HoldReasonWithoutHold)
        );
        let held = transition(
            Status::InProgress,
            None,
            Some(Status::OnHold),
            Some(HoldReason::AwaitingVendor),
        )
        .unwrap();
        assert_eq!(held.hold_reason, Some(HoldReason::AwaitingVendor));
    }

    #[test]
    fn hold_reason_of_a_held_ticket_can_change_alone_and_is_cleared_on_leaving_hold() {
        let changed = transition(
            Status::OnHold,
            Some(HoldReason::AwaitingVendor),
            None,
            Some(HoldReason::AwaitingParts),
        )
        .unwrap();
        assert_eq!(changed.hold_reason, Some(HoldReason::AwaitingParts));
        let resumed = transition(
            Status::OnHold,
            Some(HoldReason::AwaitingVendor),
            Some(Status::InProgress),
            None,
        )
        .unwrap();
        assert_eq!(resumed.hold_reason, None);
    }

    #[test]
    fn requester_reply_wakes_tickets_waiting_for_them_and_reopens_resolved() {
        assert_eq!(
            status_after_requester_message(Status::OnHold, Some(HoldReason::AwaitingRequester)),
            Some(Status::InProgress)
        );
        assert_eq!(
            status_after_requester_message(Status::OnHold, Some(HoldReason::AwaitingVendor)),
            None
        );
        assert_eq!(
            status_after_requester_message(Status::Resolved, None),
            Some(Status::InProgress)
        );
        assert_eq!(status_after_requester_message(Status::New, None), None);
    }

    #[test]
    fn every_status_round_trips_through_its_word() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), *s);
        }
        let err = "opened".parse::<Status>().unwrap_err();
        assert!(err.to_string().contains("expected one of: new, triaged"));
    }
}
