//! A ticket's service level as the API and the pages show it. Tickets do
//! not compute it: the context that keeps service levels (the SLA) fills it
//! in, through a [`ServiceLevels`] source registered at start-up and as a
//! reaction to ticket events (see [`super::events`]).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::domain::Priority;
use super::model::Ticket;
use crate::db::DbConn;
use crate::error::AppError;

/// Computes the live service level of one ticket.
pub trait ServiceLevels: Send + Sync {
    /// `None` when no policy covers the ticket.
    fn service_level(
        &self,
        conn: &mut DbConn,
        ticket: &Ticket,
        now: NaiveDateTime,
    ) -> Result<Option<SlaDto>, AppError>;
}

/// One stretch of a clock's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntervalDto {
    pub from: DateTime<Utc>,
    /// `null` while it lasts.
    pub to: Option<DateTime<Utc>>,
    /// `counted` or `paused`.
    pub kind: &'static str,
    /// Why it was paused: the hold reason, or `resolved`/`closed`/`cancelled`.
    pub reason: Option<&'static str>,
    /// Business seconds counted in it.
    pub business_seconds: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WarningDto {
    pub percent: u8,
    pub at: Option<DateTime<Utc>>,
    pub reached: bool,
}

/// One clock: its deadline, progress and explanation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClockDto {
    /// The priority whose target applies.
    pub priority: Priority,
    pub target_seconds: i64,
    pub due_at: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
    pub elapsed_seconds: i64,
    /// Negative once overdue.
    pub remaining_seconds: i64,
    /// `running`, `paused`, `met`, `breached`, or `idle` (next response with
    /// nothing to answer).
    pub state: &'static str,
    pub warnings: Vec<WarningDto>,
    pub intervals: Vec<IntervalDto>,
    /// Next response only: how many cycles so far, and how many breached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycles: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breached_cycles: Option<u32>,
}

/// A ticket's SLA, every clock its policy defines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlaDto {
    pub policy: String,
    /// The most urgent state: `breached`, `at_risk`, `running`, `paused`, `met`.
    pub state: Option<&'static str>,
    /// The nearest deadline of a clock still counting.
    pub due_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_response: Option<ClockDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_response: Option<ClockDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<ClockDto>,
}

/// The SLA columns of a ticket in a listing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlaSummaryDto {
    pub policy: String,
    pub state: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
}
