//! The API's JSON for software, book values and stock.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::super::domain::Category;

/// One package on a device.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstallationDto {
    pub name: String,
    pub version: String,
    pub publisher: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// When an inventory no longer listed it.
    pub ended_at: Option<DateTime<Utc>>,
}

/// Query of `GET /api/v1/assets/{id}/installations`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InstallationParams {
    pub ended: Option<bool>,
}

/// Query of `GET /api/v1/assets/depreciation`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DepreciationParams {
    /// The day to value on (YYYY-MM-DD; default today).
    pub on: Option<NaiveDate>,
}

/// Book value of one category in one currency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepreciationTotal {
    pub category: Option<Category>,
    pub currency: String,
    pub assets: i64,
    pub cost_minor: i64,
    pub value_minor: i64,
}

/// `GET /api/v1/assets/depreciation`
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepreciationReport {
    pub on: NaiveDate,
    /// By category and currency (disposed assets left out).
    pub totals: Vec<DepreciationTotal>,
    /// Assets left out for want of a cost or a purchase date.
    pub unvalued: i64,
}

/// Stock of one model (assets not disposed).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockLine {
    pub model_id: Option<String>,
    /// "Manufacturer Model", or "(no model)".
    pub model: String,
    pub category: Option<Category>,
    pub available: i64,
    pub reserved: i64,
    pub pending_repair: i64,
    pub deployed: i64,
    pub in_repair: i64,
    pub ordered: i64,
    /// Retired, missing or stolen.
    pub other: i64,
}
