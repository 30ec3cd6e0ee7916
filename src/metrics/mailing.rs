//! The month's close: on the first business day of a month (of
//! `reports.calendar`) the month before is frozen at 00:30, and at
//! `reports.send_time` its report goes to `reports.recipients` through the
//! outbox — the page with its charts as PNG images (mail clients do not
//! show inline SVG) and the XLSX attached — once, whichever process runs
//! it: the mailing is marked on the frozen month in the transaction that
//! queues the mail.

use std::sync::Arc;

use chrono::{NaiveDateTime, NaiveTime};

use super::Metrics;
use super::html::month_name;
use super::month::Month;
use super::page::render_with;
use super::png::png;
use super::render::{ReportFormat, render};
use super::repo;
use super::report::Report;
use crate::error::AppError;
use crate::jobs::{Jobs, Schedule};
use crate::outbox::{Enclosure, Outgoing, new_message_id, queue_with};

/// Freezes the month before.
pub const FREEZE_JOB: &str = "reports.freeze";
/// Mails the month before.
pub const MAIL_JOB: &str = "reports.mail";

impl Metrics {
    /// The freeze at 00:30 and the mail at `reports.send_time` in the
    /// report's zone, on the first business day of each of its months by
    /// `reports.calendar` (so that both run once the report's month has
    /// turned, whatever the calendar's own zone).
    pub fn jobs(&self) -> Jobs {
        let (a, b) = (self.clone(), self.clone());
        let jobs = Jobs::default()
            .kind(FREEZE_JOB, move |_| {
                a.freeze_due(crate::ids::now()).map(|_| ())
            })
            .kind(MAIL_JOB, move |_| b.mail_due(crate::ids::now()).map(|_| ()));
        let (registry, name) = (self.calendars.clone(), self.settings.calendar.clone());
        let calendar: crate::jobs::schedule::CalendarSource = Arc::new(move || {
            registry
                .get()
                .calendars
                .get(&name)
                .map(|c| Arc::new(c.clone()))
        });
        // `reports.time_zone` when set; else the calendar's, read as it is.
        let zone = self.settings.own_zone();
        let half_past = NaiveTime::from_hms_opt(0, 30, 0).unwrap_or_default();
        let jobs = jobs.on(
            FREEZE_JOB,
            Schedule::MonthlyFirstBusinessDay {
                at: half_past,
                calendar: calendar.clone(),
                zone,
            },
        );
        match self.settings.send_at() {
            Ok(at) => jobs.on(
                MAIL_JOB,
                Schedule::MonthlyFirstBusinessDay { at, calendar, zone },
            ),
            Err(_) => jobs,
        }
    }

    /// Freezes the month before `now`'s, and any of the eleven before it
    /// its trend shows that is not frozen yet (oldest first, so that each
    /// one's trend reads the ones before it frozen: after an installation
    /// or an outage the first run catches up); the month.
    pub fn freeze_due(&self, now: NaiveDateTime) -> Result<Month, AppError> {
        let month = self.current_month(now).previous();
        let months = month.plus(1 - super::service::TREND_MONTHS).through(month);
        let names: Vec<String> = months.iter().map(Month::to_string).collect();
        let frozen = self
            .db
            .read(|c| Ok::<_, AppError>(repo::find_many(c, &names)?))?;
        for m in months {
            if frozen.iter().any(|f| f.month == m.to_string()) {
                continue;
            }
            match self.freeze(None, m, false, now) {
                Ok(r) => {
                    tracing::info!(month = %m, created = r.tickets.created.total, "froze the month's report");
                }
                Err(e) if e.code() == "already_frozen" => {}
                Err(e) => return Err(e),
            }
        }
        Ok(month)
    }

    /// Mails the month before `now`'s to the recipients, freezing it first
    /// if need be; `false` when there is nobody to send it to or it went
    /// out already.
    pub fn mail_due(&self, now: NaiveDateTime) -> Result<bool, AppError> {
        if self.settings.recipients.is_empty() {
            return Ok(false);
        }
        let month = self.freeze_due(now)?;
        let report = self.report(month, false, now)?;
        let (outgoing, files) = self.message(&report)?;
        let name = month.to_string();
        let sent = self.db.write(|conn| {
            if !repo::mark_mailed(conn, &name, now)? {
                return Ok::<_, AppError>(false);
            }
            // A mail that cannot be built is not marked sent: the job fails
            // and says why, and the month is mailed once it can be.
            if !queue_with(conn, "monthly_report", &outgoing, &files, now)? {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "the monthly report's mail could not be built: check reports.recipients and mail.from"
                )));
            }
            Ok(true)
        })?;
        if sent {
            tracing::info!(%month, to = self.settings.recipients.len(), "mailed the month's report");
        }
        Ok(sent)
    }

    /// The report as a mail: the page with PNG charts, the XLSX attached.
    pub fn message(&self, report: &Report) -> Result<(Outgoing, Vec<Enclosure>), AppError> {
        let mut files = Vec::new();
        let mut failed = None;
        let html = render_with(report, &mut |svg| {
            let n = files.len() + 1;
            let id = format!("chart{n}@itdesk");
            match png(&svg) {
                Ok(bytes) => files.push(Enclosure {
                    name: format!("chart{n}.png"),
                    content_type: "image/png".into(),
                    bytes,
                    inline_id: Some(id.clone()),
                }),
                Err(e) => failed = Some(e),
            }
            format!("<img src=\"cid:{id}\" width=\"640\" alt=\"chart {n}\">")
        });
        if let Some(e) = failed {
            return Err(AppError::Internal(anyhow::anyhow!(e)));
        }
        files.push(Enclosure {
            name: format!("itdesk-report-{}.xlsx", report.month),
            content_type: ReportFormat::Xlsx.content_type().into(),
            bytes: render(report, ReportFormat::Xlsx)?,
            inline_id: None,
        });
        let month = Month::parse(&report.month)
            .map(month_name)
            .unwrap_or_default();
        let t = &report.tickets;
        let text = format!(
            "IT report: {month}\n\nTickets created: {}\nTickets resolved: {}\nBacklog at month end: {}\nSLA attainment: {}\n\nThe figures of every section are in the attached workbook, and at {}/reports/monthly/{}.\n",
            t.created.total,
            t.resolved,
            t.backlog_end,
            super::html::pct(report.sla.attainment),
            self.mail_from.public_url.trim_end_matches('/'),
            report.month,
        );
        let outgoing = Outgoing {
            from_name: self.mail_from.display_name.clone(),
            from: self.mail_from.address.clone(),
            reply_to: None,
            to: self.settings.recipients.clone(),
            subject: format!("IT report: {month}"),
            text,
            html,
            message_id: new_message_id(&self.mail_from.address),
            thread: Vec::new(),
            automatic: true,
            ticket_number: None,
        };
        Ok((outgoing, files))
    }
}
