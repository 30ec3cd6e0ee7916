//! The monthly report as one value: every section's figures, nested as the
//! JSON other tools read, with the month, its zone and the definitions
//! version they follow.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::registers::{
    AssetFigures, ContractFigures, LicenseFigures, OnboardingFigures, VendorFigures,
};
use super::sla_figures::SlaFigures;
use super::ticket_figures::TicketFigures;
use super::workload::Workload;

/// The version of the definitions in `schema/metrics.md` the figures
/// follow; raised whenever a definition changes, and carried by every
/// report (a frozen month keeps the version it was frozen under).
pub const DEFINITIONS_VERSION: u32 = 1;

/// One month of the trend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrendPoint {
    pub month: String,
    pub created: u64,
    pub resolved: u64,
    pub backlog_end: u64,
    pub sla_attainment: Option<f64>,
    /// Whether the figures come from the frozen month.
    pub frozen: bool,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Report {
    pub month: String,
    pub time_zone: String,
    pub definitions_version: u32,
    pub generated_at: DateTime<Utc>,
    pub frozen: bool,
    pub tickets: TicketFigures,
    pub sla: SlaFigures,
    pub workload: Workload,
    /// The twelve months ending with this one, oldest first.
    pub trend: Vec<TrendPoint>,
    pub assets: AssetFigures,
    pub licenses: LicenseFigures,
    pub contracts: ContractFigures,
    pub onboarding: OnboardingFigures,
    pub vendors: VendorFigures,
}

impl Report {
    /// This month as a point of a trend.
    pub fn trend_point(&self) -> TrendPoint {
        TrendPoint {
            month: self.month.clone(),
            created: self.tickets.created.total,
            resolved: self.tickets.resolved,
            backlog_end: self.tickets.backlog_end,
            sla_attainment: self.sla.attainment,
            frozen: self.frozen,
        }
    }
}
