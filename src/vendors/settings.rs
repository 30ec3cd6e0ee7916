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
    /// Addresses that get every contract's reminders, besides its owner.
    pub contract_managers: Vec<String>,
    /// Local time (HH:MM, in `time_zone`) of the daily pass that renews
    /// contracts and mails reminders.
    pub remind_at: String,
}

impl VendorSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.reminder_days.is_empty() || self.reminder_days.iter().any(|d| *d > 3650) {
            return Err(
                "vendors.reminder_days needs at least one offset, each at most 3650 days".into(),
            );
        }
        self.zone()?;
        self.remind_time()?;
        if let Some(bad) = self
            .contract_managers
            .iter()
            .find(|a| crate::auth::domain::normalize_email(a).is_err())
        {
            return Err(format!(
                "vendors.contract_managers: `{bad}` is not a mail address"
            ));
        }
        Ok(())
    }

    /// When the daily pass runs.
    pub fn remind_time(&self) -> Result<chrono::NaiveTime, String> {
        chrono::NaiveTime::parse_from_str(&self.remind_at, "%H:%M").map_err(|_| {
            format!(
                "vendors.remind_at `{}` is not a time of day such as 07:00",
                self.remind_at
            )
        })
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
        self.day_of(chrono::Utc::now())
    }

    /// The day an instant falls on in the contracts' time zone.
    pub fn day_of(&self, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        let tz = self.zone().unwrap_or(chrono_tz::UTC);
        at.with_timezone(&tz).date_naive()
    }
}
