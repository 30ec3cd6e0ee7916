//! The SLA's JSON: reports, previews, stored calendars and policies,
//! notifications.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::clock::{ClockReport, Event, EventKind, SlaReport};
use super::policy::PolicySpec;
use super::snapshot::snapshot;
use crate::calendar::{CalendarSpec, Micros};
use crate::error::FieldError;
use crate::tickets::domain::{HoldReason, Priority, Status};
pub use crate::tickets::service_level::{ClockDto, IntervalDto, SlaDto, SlaSummaryDto, WarningDto};

fn utc(t: Micros) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t).unwrap_or_default()
}

fn secs(us: i64) -> i64 {
    us.div_euclid(1_000_000)
}

/// A clock as the API shows it.
pub fn clock_dto(c: &ClockReport) -> ClockDto {
    let next = c.kind == super::policy::ClockKind::NextResponse;
    ClockDto {
        priority: c.priority,
        target_seconds: secs(c.target),
        due_at: c.due_at.map(utc),
        met_at: c.met_at.map(utc),
        breached_at: c.breached_at.map(utc),
        elapsed_seconds: secs(c.elapsed),
        remaining_seconds: secs(c.target) - secs(c.elapsed),
        state: c.state.as_str(),
        warnings: c
            .warnings
            .iter()
            .map(|w| WarningDto {
                percent: w.percent,
                at: w.at.map(utc),
                reached: w.reached,
            })
            .collect(),
        intervals: c
            .intervals
            .iter()
            .map(|i| IntervalDto {
                from: utc(i.from),
                to: i.to.map(utc),
                kind: if i.counted { "counted" } else { "paused" },
                reason: i.reason,
                business_seconds: secs(i.business),
            })
            .collect(),
        cycles: next.then_some(c.cycles),
        breached_cycles: next.then_some(c.breached_cycles),
    }
}

/// A report as the API shows it at `now`.
pub fn sla_dto(r: &SlaReport, now: Micros) -> SlaDto {
    let snap = snapshot(Some(r), now);
    SlaDto {
        policy: r.policy.clone(),
        state: snap.state.map(|s| s.as_str()),
        due_at: snap.due_at.map(utc),
        first_response: r.first_response.as_ref().map(clock_dto),
        next_response: r.next_response.as_ref().map(clock_dto),
        resolution: r.resolution.as_ref().map(clock_dto),
    }
}

/// One event of a preview's history.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PreviewEvent {
    Status {
        at: DateTime<Utc>,
        status: Status,
        #[serde(default)]
        hold_reason: Option<HoldReason>,
    },
    PublicReply {
        at: DateTime<Utc>,
    },
    RequesterMessage {
        at: DateTime<Utc>,
    },
    Priority {
        at: DateTime<Utc>,
        priority: Priority,
    },
}

impl PreviewEvent {
    fn at(&self) -> DateTime<Utc> {
        match self {
            PreviewEvent::Status { at, .. }
            | PreviewEvent::PublicReply { at }
            | PreviewEvent::RequesterMessage { at }
            | PreviewEvent::Priority { at, .. } => *at,
        }
    }

    fn to_event(&self) -> Event {
        let kind = match self {
            PreviewEvent::Status {
                status,
                hold_reason,
                ..
            } => EventKind::Status {
                status: *status,
                hold_reason: *hold_reason,
            },
            PreviewEvent::PublicReply { .. } => EventKind::PublicReply,
            PreviewEvent::RequesterMessage { .. } => EventKind::RequesterMessage,
            PreviewEvent::Priority { priority, .. } => EventKind::Priority {
                priority: *priority,
            },
        };
        Event {
            at: self.at().timestamp_micros(),
            kind,
        }
    }
}

/// `POST /api/v1/sla/preview`: a calendar and a policy to try, and a
/// ticket's history to run them on.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub calendar: CalendarSpec,
    pub policy: PolicySpec,
    pub priority: Priority,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub events: Vec<PreviewEvent>,
    pub now: DateTime<Utc>,
}

impl PreviewRequest {
    /// The events as clock events, refusing ones outside `[created_at, now]`.
    pub fn events(&self) -> Result<Vec<Event>, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.now < self.created_at {
            errors.push(FieldError::new("now", "is before created_at"));
        }
        for (i, e) in self.events.iter().enumerate() {
            if e.at() < self.created_at || e.at() > self.now {
                errors.push(FieldError::new(
                    format!("events[{i}].at"),
                    "must lie between created_at and now",
                ));
            }
        }
        if !self.calendar.holiday_files.is_empty() {
            errors.push(FieldError::new(
                "calendar.holiday_files",
                "files cannot be read in a preview; list the dates in holidays instead",
            ));
        }
        if errors.is_empty() {
            Ok(self.events.iter().map(PreviewEvent::to_event).collect())
        } else {
            Err(errors)
        }
    }
}

/// A stored calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoredCalendarDto {
    pub name: String,
    /// `config` (edit the configuration) or `api`.
    pub source: String,
    pub calendar: CalendarSpec,
}

/// A stored policy.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoredPolicyDto {
    pub name: String,
    pub position: i32,
    pub source: String,
    pub policy: PolicySpec,
}

/// An in-app notification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: String,
    pub kind: String,
    pub message: String,
    pub ticket_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<&super::repo::Notification> for NotificationDto {
    fn from(n: &super::repo::Notification) -> NotificationDto {
        NotificationDto {
            id: n.id.clone(),
            kind: n.kind.clone(),
            message: n.message.clone(),
            ticket_id: n.ticket_id.clone(),
            created_at: n.created_at.and_utc(),
            read_at: n.read_at.map(|t| t.and_utc()),
        }
    }
}
