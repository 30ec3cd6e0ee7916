//! Reads what the ticket and service-level figures need, through the
//! owners' queries: the tickets a month touches, their histories, their
//! requesters' and assignees' names, and each ticket's SLA clocks replayed
//! at the month's end exactly as the SLA context counts them. Pages of 500
//! tickets, each page one short read.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use super::history;
use super::sla_figures::concluded;
use super::ticket_figures::TicketFacts;
use crate::audit::{self, AuditEvent};
use crate::auth::{User, people as users};
use crate::db::Db;
use crate::error::AppError;
use crate::sla::clock::{EventKind, SlaReport};
use crate::sla::registry::Registry;
use crate::tickets::Ticket;
use crate::tickets::service::reporting;
use crate::tickets::service::service_level::Slugs;

/// Tickets read per page.
pub const PAGE: usize = 500;

fn micros(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

fn naive(t: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_micros(t)
        .unwrap_or_default()
        .naive_utc()
}

/// The facts of every ticket the month `[start, end)` touches.
pub fn month_tickets(
    db: &Db,
    reg: &Registry,
    bounds: (NaiveDateTime, NaiveDateTime),
) -> Result<Vec<TicketFacts>, AppError> {
    let (start, end) = bounds;
    let (ids, slugs) = db.read(|conn| {
        Ok::<_, AppError>((
            reporting::ids_touching(conn, start, end)?,
            Slugs::load(conn)?,
        ))
    })?;
    let mut out = Vec::with_capacity(ids.len());
    // Pages are read on a thread of their own while the one before is
    // worked out here: the database (another process on PostgreSQL) and
    // the clocks keep both cores busy.
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Page, AppError>>(2);
        scope.spawn(move || {
            for chunk in ids.chunks(PAGE) {
                let page = read_page(db, chunk);
                let failed = page.is_err();
                if tx.send(page).is_err() || failed {
                    break;
                }
            }
        });
        for page in rx {
            let page = page?;
            for t in &page.tickets {
                let h = page.histories.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
                out.push(facts_of(t, h, &slugs, &page.people, reg, bounds));
            }
        }
        Ok::<_, AppError>(())
    })?;
    Ok(out)
}

/// One page of tickets with their histories and people.
pub struct Page {
    pub tickets: Vec<Ticket>,
    pub histories: HashMap<String, Vec<AuditEvent>>,
    /// Requesters and assignees by id.
    pub people: HashMap<String, User>,
}

/// Reads the tickets with these ids, their histories and their people.
pub fn read_page(db: &Db, ids: &[String]) -> Result<Page, AppError> {
    db.read(|conn| {
        let tickets = crate::tickets::service::lookup::find_many(conn, ids)?;
        let histories = audit::history_many(conn, "ticket", ids)?;
        let mut people_ids: Vec<String> = tickets
            .iter()
            .flat_map(|t| std::iter::once(&t.requester_id).chain(t.assignee_id.as_ref()))
            .cloned()
            .collect();
        people_ids.sort();
        people_ids.dedup();
        let people = users::find_users(conn, &people_ids)?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        Ok(Page {
            tickets,
            histories,
            people,
        })
    })
}

/// One ticket with what replaying its SLA clocks needs.
pub struct Replay<'a> {
    pub t: &'a Ticket,
    pub h: &'a [AuditEvent],
    pub slugs: &'a Slugs,
    pub people: &'a HashMap<String, User>,
    pub reg: &'a Registry,
}

impl Replay<'_> {
    /// The SLA report read at `now` under the policy that covers the
    /// ticket now, with its history's public staff replies; no report when
    /// no policy covers it.
    pub fn clocks_at(&self, now: NaiveDateTime) -> (Option<SlaReport>, Vec<NaiveDateTime>) {
        let t = self.t;
        let events = crate::sla::history::events(self.h, t.priority);
        let replies = events
            .1
            .iter()
            .filter(|e| e.kind == EventKind::PublicReply)
            .map(|e| naive(e.at))
            .collect();
        let facts = crate::sla::service::batch_facts(t, self.slugs, self.people);
        let report = crate::sla::service::evaluate_events(self.reg, &facts, t, &events, now);
        (report, replies)
    }

    /// Business seconds to the resolution at `last`, as the resolution
    /// clock counts them: from `report` when its clock stopped there, else
    /// (reopened since) from the clock read again just after it.
    pub fn resolution_seconds(
        &self,
        report: Option<&SlaReport>,
        last: NaiveDateTime,
    ) -> Option<i64> {
        let elapsed = match report?.resolution.as_ref()? {
            r if r.met_at == Some(micros(last)) => Some(r.elapsed),
            _ => self
                .clocks_at(last + Duration::microseconds(1))
                .0
                .and_then(|r| r.resolution)
                .map(|r| r.elapsed),
        };
        elapsed.map(seconds)
    }
}

/// Business seconds to the first public staff reply `first`, when the
/// first-response clock was met by it (not by a stop without one).
pub fn first_response_seconds(
    report: Option<&SlaReport>,
    first: Option<NaiveDateTime>,
) -> Option<i64> {
    let clock = report?.first_response.as_ref()?;
    (first.is_some() && clock.met_at == first.map(micros)).then(|| seconds(clock.elapsed))
}

fn seconds(elapsed_micros: i64) -> i64 {
    elapsed_micros / 1_000_000
}

/// Everything the figures need of one ticket for the month `bounds`.
pub fn facts_of(
    t: &Ticket,
    h: &[AuditEvent],
    slugs: &Slugs,
    people: &HashMap<String, User>,
    reg: &Registry,
    bounds: (NaiveDateTime, NaiveDateTime),
) -> TicketFacts {
    let read = history::read(h);
    let in_month = |at: &NaiveDateTime| *at >= bounds.0 && *at < bounds.1;
    let replay = Replay {
        t,
        h,
        slugs,
        people,
        reg,
    };
    let (report, public_replies) = replay.clocks_at(bounds.1);
    let mut facts = TicketFacts {
        id: t.id.clone(),
        ticket_type: t.ticket_type.as_str().to_owned(),
        priority: t.priority.as_str().to_owned(),
        channel: t.channel.as_str().to_owned(),
        queue: slugs.queue_of(t).map(str::to_owned),
        category: slugs.category_of(t).map(str::to_owned),
        created_at: t.created_at,
        status: t.status.as_str().to_owned(),
        changes: read.status,
        public_replies,
        queue_moves: read
            .queue
            .iter()
            .filter(|c| c.from.is_some())
            .map(|c| c.at)
            .collect(),
        queue_changes: read.queue,
        assignee: t
            .assignee_id
            .as_ref()
            .and_then(|id| people.get(id))
            .map(|u| u.email.clone()),
        assignee_changes: read.assignee,
        vendor_escalations: read.vendor_escalations,
        ..TicketFacts::default()
    };
    let Some(report) = report else {
        return facts;
    };
    let changes = &facts.changes;
    let cancelled = |at: NaiveDateTime| changes.iter().any(|c| c.at == at && c.to == "cancelled");
    facts.clocks = concluded(&report, bounds, &cancelled);
    let first_reply = facts.public_replies.first().copied().filter(in_month);
    facts.first_response_seconds = first_response_seconds(Some(&report), first_reply);
    if let Some(&last) = facts.entered("resolved", bounds).last() {
        facts.resolution_seconds = replay.resolution_seconds(Some(&report), last);
    }
    facts
}
