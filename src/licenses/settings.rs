//! The license register's settings: `[licenses]` and its
//! `[[licenses.core_factors]]` table.

use serde::Deserialize;

use super::consume::CoreFactor;

/// How positions are judged and dated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseSettings {
    /// A compliant position consuming at least this share of what it is
    /// entitled to is `at_risk`.
    pub at_risk_ratio: f64,
    /// A position whose counting entitlement ends within this many days is
    /// `at_risk`.
    pub expiry_warning_days: i64,
    /// Devices not inventoried for this many days are reclaim candidates.
    pub stale_days: i64,
    /// A date means the end of that day in this IANA time zone.
    pub time_zone: String,
    /// Processor-name globs and their core factors (first match; else 1.0).
    pub core_factors: Vec<CoreFactor>,
}

impl LicenseSettings {
    /// Refuses settings that would make positions meaningless.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.at_risk_ratio > 0.0 && self.at_risk_ratio <= 1.0) {
            return Err(format!(
                "licenses.at_risk_ratio must be above 0 and at most 1, not {}",
                self.at_risk_ratio
            ));
        }
        if self.expiry_warning_days < 0 || self.stale_days < 1 {
            return Err(
                "licenses.expiry_warning_days must be 0 or more and licenses.stale_days 1 or more"
                    .into(),
            );
        }
        self.zone()?;
        for f in &self.core_factors {
            if f.factor.is_nan() || f.factor <= 0.0 {
                return Err(format!(
                    "licenses.core_factors: the factor of \"{}\" must be above 0, not {}",
                    f.cpu, f.factor
                ));
            }
        }
        Ok(())
    }

    /// The time zone dates are read in.
    pub fn zone(&self) -> Result<chrono_tz::Tz, String> {
        self.time_zone.parse().map_err(|_| {
            format!(
                "licenses.time_zone `{}` is not an IANA time zone such as Europe/Berlin",
                self.time_zone
            )
        })
    }
}
