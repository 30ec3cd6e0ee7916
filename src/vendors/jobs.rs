//! The vendor register's background work: the daily contracts pass.

use super::Vendors;
use super::service;
use crate::error::AppError;
use crate::jobs::{Jobs, Schedule};

/// Renews due contracts and mails the day's reminders.
pub const JOB: &str = "contracts.remind";

impl Vendors {
    /// `contracts.remind` daily at `vendors.remind_at` in the contracts'
    /// time zone (after downtime: once, at start).
    pub fn jobs(&self) -> Jobs {
        let me = self.clone();
        let jobs = Jobs::default().kind(JOB, move |_job| run(&me));
        match (self.settings.remind_time(), self.settings.zone()) {
            (Ok(at), Ok(zone)) => jobs.on(JOB, Schedule::DailyAt { at, zone }),
            _ => jobs,
        }
    }
}

fn run(vendors: &Vendors) -> Result<(), AppError> {
    let now = crate::ids::now();
    let pass = service::run_pass(vendors, vendors.settings.day_of(now.and_utc()), now)?;
    if !pass.renewed.is_empty() || !pass.reminders.is_empty() {
        tracing::info!(
            renewed = pass.renewed.len(),
            reminders = pass.reminders.len(),
            mails = pass.mails,
            "contracts pass"
        );
    }
    Ok(())
}
