//! `[vendors]`: when contracts warn and what day it is for them.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSettings {
    /// Days before a notice deadline (or the end of a contract that will
    /// not renew) that its owner is reminded; the longest is the window in
    /// which a contract is `notice_due` or `expiring`.
    pub reminder_days: Vec<u32>,
    /// Contract dates are days in this IANA time zone.
    pub time_zone: String,
}

impl VendorSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.reminder_days.is_empty() || self.reminder_days.iter().any(|d| *d > 3650) {
            return Err(
                "vendors.reminder_days needs at least one offset, each at most 3650 days".into(),
            );
        }
        self.zone()?;
        Ok(())
    }

    /// The window before a deadline in which a contract asks for a decision.
    pub fn window(&self) -> i64 {
        self.reminder_days.iter().copied().max().unwrap_or(0) as i64
    }

    pub fn zone(&self) -> Result<chrono_tz::Tz, String> {
        self.time_zone.parse().map_err(|_| {
            format!(
                "vendors.time_zone `{}` is not an IANA time zone such as Europe/Berlin",
                self.time_zone
            )
        })
    }

    /// Today in the contracts' time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        let tz = self.zone().unwrap_or(chrono_tz::UTC);
        chrono::Utc::now().with_timezone(&tz).date_naive()
    }
}
