//! `itdesk export tickets` and `GET /api/v1/tickets/export`: one row per
//! ticket with what anyone needs to recompute the ticket figures without
//! our code (columns in `schema/tickets-export.md`). Rows are the tickets
//! a period touches; the derived columns are as they stood at its end, the
//! timelines (status history, public replies) are complete.

use std::io::Write;

use chrono::{NaiveDate, NaiveDateTime};

use super::Metrics;
use super::gather::{self, Replay, first_response_seconds};
use super::history;
use crate::error::AppError;
use crate::export::{Cell, Format, Progress, TableWriter};
use crate::sla::clock::{ClockReport, SlaReport};
use crate::tickets::service::reporting;
use crate::tickets::service::service_level::Slugs;

/// The columns, in order (also the CSV header).
pub const COLUMNS: &[&str] = &[
    "number",
    "type",
    "status",
    "priority",
    "channel",
    "queue",
    "category",
    "requester",
    "assignee",
    "created_at",
    "first_public_reply_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "reopen_count",
    "first_response_business_seconds",
    "resolution_business_seconds",
    "first_response_sla",
    "next_response_sla",
    "resolution_sla",
    "sla_policy",
    "status_history",
    "public_replies",
    "queue_moved_at",
    "vendor_escalated_at",
];

fn iso(t: NaiveDateTime) -> String {
    t.and_utc().format("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
}

fn opt_time(t: Option<NaiveDateTime>) -> Cell {
    Cell::opt(t.map(iso))
}

fn outcome(c: Option<&ClockReport>) -> Cell {
    Cell::opt(c.map(|c| c.state.as_str()))
}

/// One ticket as it stood at `end`, with its complete timelines.
struct Row<'a> {
    replay: Replay<'a>,
    end: NaiveDateTime,
}

impl Row<'_> {
    fn cells(&self) -> Vec<Cell> {
        let (r, end) = (&self.replay, self.end);
        let t = r.t;
        let read = history::read(r.h);
        let (report, replies) = r.clocks_at(end);
        let before = |at: &NaiveDateTime| *at < end;
        let status_at_end = read
            .status
            .iter()
            .find(|c| c.at >= end)
            .map_or(t.status.as_str(), |c| c.from.as_str());
        let last = |to: &str| {
            read.status
                .iter()
                .rev()
                .filter(|c| c.to == to && before(&c.at))
                .map(|c| c.at)
                .next()
        };
        let resolved = last("resolved");
        let reopens = read
            .status
            .iter()
            .filter(|c| c.from == "resolved" && c.to != "closed" && before(&c.at))
            .count();
        let first_reply = replies.iter().copied().find(before);
        let person = |id: Option<&String>| {
            Cell::opt(id.and_then(|i| r.people.get(i)).map(|u| u.email.clone()))
        };
        let seconds = |s: Option<i64>| s.map_or(Cell::Empty, Cell::Int);
        let history: Vec<String> = read
            .status
            .iter()
            .map(|c| format!("{} {}", iso(c.at), c.to))
            .collect();
        let clock =
            |pick: fn(&SlaReport) -> Option<&ClockReport>| outcome(report.as_ref().and_then(pick));
        vec![
            Cell::Int(t.number),
            Cell::text(t.ticket_type.as_str()),
            Cell::text(status_at_end),
            Cell::text(t.priority.as_str()),
            Cell::text(t.channel.as_str()),
            Cell::opt(r.slugs.queue_of(t)),
            Cell::opt(r.slugs.category_of(t)),
            person(Some(&t.requester_id)),
            person(t.assignee_id.as_ref()),
            Cell::text(iso(t.created_at)),
            opt_time(first_reply),
            opt_time(resolved),
            opt_time(last("closed")),
            opt_time(last("cancelled")),
            Cell::Int(reopens as i64),
            seconds(first_response_seconds(report.as_ref(), first_reply)),
            seconds(resolved.and_then(|at| r.resolution_seconds(report.as_ref(), at))),
            clock(|r| r.first_response.as_ref()),
            clock(|r| r.next_response.as_ref()),
            clock(|r| r.resolution.as_ref()),
            Cell::opt(report.as_ref().map(|r| r.policy.clone())),
            Cell::text(history.join("; ")),
            Cell::text(
                replies
                    .iter()
                    .map(|r| iso(*r))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            opt_time(read.queue.iter().find(|c| c.from.is_some()).map(|c| c.at)),
            opt_time(read.vendor_escalations.first().copied()),
        ]
    }
}

impl Metrics {
    /// The period `[from 00:00, to + 1 day 00:00)` in the report's zone
    /// (open ends: the first ticket, now).
    pub fn period(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        now: NaiveDateTime,
    ) -> Result<(NaiveDateTime, NaiveDateTime), AppError> {
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(AppError::invalid(
                "from",
                format!("{f} is after `to` ({t})"),
            ));
        }
        let zone = self.zone();
        let midnight = |d: NaiveDate| {
            crate::jobs::schedule::local_instant(zone, d, chrono::NaiveTime::MIN).naive_utc()
        };
        let start = from.map_or(chrono::DateTime::UNIX_EPOCH.naive_utc(), midnight);
        let end = to.map_or(now, |d| midnight(d + chrono::Duration::days(1)));
        Ok((start, end))
    }

    /// Writes one row per ticket the period touches; returns how many.
    pub fn export_tickets(
        &self,
        period: (NaiveDateTime, NaiveDateTime),
        format: Format,
        out: &mut dyn Write,
        progress: &Progress,
    ) -> Result<u64, AppError> {
        let reg = self.calendars.get();
        let (start, end) = period;
        let (mut ids, slugs) = self.db.read(|conn| {
            Ok::<_, AppError>((
                reporting::ids_touching(conn, start, end)?,
                Slugs::load(conn)?,
            ))
        })?;
        // Ids are time-ordered: pages come oldest first.
        ids.sort_unstable();
        let mut table = TableWriter::new(format, "Tickets", COLUMNS, out)?;
        for chunk in ids.chunks(gather::PAGE) {
            let mut page = gather::read_page(&self.db, chunk)?;
            page.tickets.sort_by_key(|t| t.number);
            for t in &page.tickets {
                let h = page.histories.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
                let replay = Replay {
                    t,
                    h,
                    slugs: &slugs,
                    people: &page.people,
                    reg: &reg,
                };
                table.row(&Row { replay, end }.cells())?;
            }
            progress.set(table.rows());
        }
        progress.finish();
        Ok(table.finish()?)
    }
}
