//! Positions, their evidence and named seats as the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::licenses::domain::Resolution;
use crate::licenses::terms::Metric;

/// `?as_of=`: the day positions are taken on.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AsOfParams {
    /// YYYY-MM-DD, the end of that day in `licenses.time_zone` (default today).
    pub as_of: Option<NaiveDate>,
}

/// What the titles resolve to.
#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq, Eq)]
pub struct Resolved {
    pub titles: usize,
    pub products: usize,
    pub excluded: usize,
    pub unmatched: usize,
    /// After a full re-resolution: titles whose stored resolution it
    /// changed (0 when the incremental path kept everything current).
    pub changed: usize,
}

impl Resolved {
    pub fn of(items: &[(String, Resolution)]) -> Resolved {
        let mut r = Resolved {
            titles: items.len(),
            ..Resolved::default()
        };
        for (_, res) in items {
            match res {
                Resolution::Product { .. } => r.products += 1,
                Resolution::Excluded { .. } => r.excluded += 1,
                Resolution::Unmatched => r.unmatched += 1,
            }
        }
        r
    }
}

/// One (product, metric) position.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PositionDto {
    pub product_id: String,
    /// Publisher, name and edition.
    pub product: String,
    pub publisher: String,
    pub metric: Metric,
    /// Units the counting entitlements give; null for a site licence
    /// (unlimited).
    pub entitled: Option<i64>,
    pub consumed: i64,
    /// `entitled − consumed`; null when unlimited.
    pub balance: Option<i64>,
    /// `compliant`, `at_risk` or `non_compliant`.
    pub status: String,
    pub shortfall_cost_minor: i64,
    pub unused_cost_minor: i64,
    pub currency: Option<String>,
    /// Units of older versions this product's downgrade rights cover
    /// (part of `consumed`).
    pub covers_older: i64,
    /// Units of this product a newer version covers (not in `consumed`).
    pub covered_by_newer: i64,
}

/// Costs of one currency over every position.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct CostTotal {
    pub currency: String,
    pub shortfall_cost_minor: i64,
    pub unused_cost_minor: i64,
}

/// Counts of positions by status, and costs by currency.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Totals {
    pub positions: usize,
    pub compliant: usize,
    pub at_risk: usize,
    pub non_compliant: usize,
    pub costs: Vec<CostTotal>,
}

/// `GET /api/v1/licenses/positions`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PositionsDto {
    pub as_of: NaiveDate,
    pub items: Vec<PositionDto>,
    pub totals: Totals,
}

/// One consuming installation or named seat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvidenceDto {
    /// `installation` or `allocation`.
    pub kind: String,
    pub asset_id: Option<String>,
    pub asset_tag: Option<String>,
    pub hostname: Option<String>,
    pub serial: Option<String>,
    pub asset_status: Option<String>,
    pub assignee_email: Option<String>,
    pub product_id: String,
    pub product: String,
    pub discovered_name: Option<String>,
    pub version: Option<String>,
    pub publisher: Option<String>,
    pub rule_id: Option<String>,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub metric: Metric,
    /// Units counted for this row (a device's units stand on its first
    /// installation; under the factor rule, cores × factor before the
    /// total is rounded up).
    pub units: f64,
    /// e.g. `cores_unknown`, `stale`, `retired_device`, `named_seat`.
    pub flags: Vec<String>,
    /// The newer product whose downgrade rights cover it.
    pub covered_by: Option<String>,
    /// The entitlement of a named seat.
    pub entitlement_id: Option<String>,
}

/// `GET /api/v1/licenses/positions/{product_id}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PositionDetailDto {
    pub as_of: NaiveDate,
    pub product: super::ProductDto,
    pub items: Vec<PositionDto>,
    pub evidence: Vec<EvidenceDto>,
}

/// `POST …/entitlements/{id}/allocations`: a person or a device.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAllocation {
    /// A person's id or email (for `user` entitlements).
    pub person: Option<String>,
    /// An asset's id or tag (for `device` entitlements).
    pub asset: Option<String>,
}

/// A named seat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AllocationDto {
    pub id: String,
    pub entitlement_id: String,
    pub person_id: Option<String>,
    pub person_email: Option<String>,
    pub asset_id: Option<String>,
    pub asset_tag: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/licenses/audits`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAudit {
    /// The day (default today).
    pub as_of: Option<NaiveDate>,
    /// Only these product ids (default all).
    #[serde(default)]
    pub products: Vec<String>,
}

/// One stored file of a frozen audit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditFileDto {
    /// `xlsx`, `json`, `csv-summary`, `csv-evidence` or `csv-entitlements`.
    pub name: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

/// A frozen audit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FrozenAuditDto {
    pub id: String,
    pub as_of: NaiveDate,
    pub products: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub files: Vec<AuditFileDto>,
}

/// A licence that could be taken back.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReclaimItem {
    /// `installation` or `allocation`.
    pub kind: String,
    /// `stale`, `retired_device`, `missing_device`, `stolen_device`,
    /// `assignee_deactivated`, `person_deactivated`.
    pub reasons: Vec<String>,
    pub product_id: String,
    pub product: String,
    pub metric: Metric,
    pub asset_id: Option<String>,
    pub asset_tag: Option<String>,
    pub person_email: Option<String>,
    pub allocation_id: Option<String>,
    /// Units taking it back would free.
    pub units: i64,
    /// What those units cost (the position's unit cost).
    pub cost_minor: i64,
    pub currency: Option<String>,
}

/// `GET /api/v1/licenses/reclaim`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReclaimDto {
    pub as_of: NaiveDate,
    pub items: Vec<ReclaimItem>,
    /// Per currency, what all of it would free (`unused_cost_minor`).
    pub totals: Vec<CostTotal>,
}
