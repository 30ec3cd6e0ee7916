//! The monthly report as one value: every section's figures, nested as the
//! JSON other tools read, with the month, its zone and the definitions
//! version they follow.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::purchasing::PurchasingFigures;
use super::registers::{
    AssetFigures, ContractFigures, LicenseFigures, OnboardingFigures, VendorFigures,
};
use super::sla_figures::SlaFigures;
use super::ticket_figures::TicketFigures;
use super::workload::Workload;

/// The version of the definitions in `schema/metrics.md` the figures
/// follow; raised whenever a definition changes, and carried by every
/// report (a frozen month keeps the version it was frozen under).
pub const DEFINITIONS_VERSION: u32 = 2;

/// One month of the trend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TrendPoint {
    pub month: String,
    pub created: u64,
    pub resolved: u64,
    pub backlog_end: u64,
    pub sla_attainment: Option<f64>,
    /// The month's reopen rate and first-contact resolution (for the
    /// headline's change against the month before).
    pub reopen_rate: Option<f64>,
    pub fcr_rate: Option<f64>,
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
    #[serde(default)]
    pub tickets: TicketFigures,
    #[serde(default)]
    pub sla: SlaFigures,
    #[serde(default)]
    pub workload: Workload,
    /// The twelve months ending with this one, oldest first.
    #[serde(default)]
    pub trend: Vec<TrendPoint>,
    #[serde(default)]
    pub assets: AssetFigures,
    #[serde(default)]
    pub licenses: LicenseFigures,
    #[serde(default)]
    pub contracts: ContractFigures,
    #[serde(default)]
    pub onboarding: OnboardingFigures,
    #[serde(default)]
    pub vendors: VendorFigures,
    #[serde(default)]
    pub purchasing: PurchasingFigures,
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
            reopen_rate: self.tickets.reopen_rate,
            fcr_rate: self.tickets.fcr_rate,
            frozen: self.frozen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_report_reads_when_later_versions_add_figures() {
        let old = r#"{"month": "2026-10", "time_zone": "Europe/Berlin", "definitions_version": 1,
            "generated_at": "2026-11-02T00:30:00Z", "frozen": true,
            "tickets": {"created": {"total": 8}, "resolved": 6}}"#;
        let r: Report = serde_json::from_str(old).unwrap();
        assert_eq!((r.tickets.created.total, r.tickets.resolved), (8, 6));
        assert_eq!(r.tickets.reopen_rate, None);
        assert!(r.trend.is_empty());
    }
}
