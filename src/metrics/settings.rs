//! `[reports]`: the month's zone, the reopen window, and when and to whom
//! the monthly report goes.

use chrono::NaiveTime;
use chrono_tz::Tz;
use serde::Deserialize;

use crate::sla::registry::Registry;

/// The reports section of the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// The business calendar (a `[[calendars]]` name) whose first business
    /// day of a month freezes and mails the month before; its zone is the
    /// report's unless `time_zone` names one.
    pub calendar: String,
    /// An IANA zone (`Europe/Berlin`); empty: the calendar's zone.
    pub time_zone: String,
    /// A reopen within this many days of a resolution counts against it.
    pub reopen_window_days: u32,
    /// Local time (`HH:MM`) the report is mailed on that day.
    pub send_time: String,
    /// Who receives it; none: it is frozen but not mailed.
    pub recipients: Vec<String>,
}

impl ReportSettings {
    pub fn validate(&self) -> Result<(), String> {
        if !self.time_zone.is_empty() && self.time_zone.parse::<Tz>().is_err() {
            return Err(format!(
                "reports.time_zone `{}` is not a time zone; write an IANA name such as Europe/Berlin, or leave it empty for the calendar's",
                self.time_zone
            ));
        }
        if !(1..=365).contains(&self.reopen_window_days) {
            return Err(format!(
                "reports.reopen_window_days is {}; 1 to 365 days",
                self.reopen_window_days
            ));
        }
        self.send_at()?;
        if let Some(bad) = self.recipients.iter().find(|r| !r.contains('@')) {
            return Err(format!(
                "reports.recipients has `{bad}`, which is not a mail address"
            ));
        }
        Ok(())
    }

    /// `send_time` as a time of day.
    pub fn send_at(&self) -> Result<NaiveTime, String> {
        NaiveTime::parse_from_str(&self.send_time, "%H:%M").map_err(|_| {
            format!(
                "reports.send_time `{}` is not a time of day; write HH:MM, such as 07:00",
                self.send_time
            )
        })
    }

    /// `time_zone` when it is set (a valid IANA name).
    pub fn own_zone(&self) -> Option<Tz> {
        self.time_zone.parse().ok()
    }

    /// The report's zone: `time_zone`, else the calendar's, else UTC.
    pub fn zone(&self, calendars: &Registry) -> Tz {
        self.own_zone().unwrap_or_else(|| {
            calendars
                .calendars
                .get(&self.calendar)
                .map_or(Tz::UTC, |c| c.time_zone())
        })
    }
}
