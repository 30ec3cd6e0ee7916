//! `itdesk sla simulate`: replays the tickets of a period under a proposed
//! set of policies and compares their breaches with the policies in force.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;

use super::clock::ClockState;
use super::history;
use super::policy::{PolicySpec, TicketFacts};
use super::registry::Registry;
use crate::audit;
use crate::auth::people as users;
use crate::calendar::CalendarSpec;
use crate::db::Db;
use crate::error::AppError;
use crate::tickets::Ticket;
use crate::tickets::domain::Priority;
use crate::tickets::service::service_level::{self as tickets, Slugs};

/// A proposal as written in the `--policy` file.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    /// Calendars added to (or replacing same-named) stored ones.
    #[serde(default)]
    pub calendars: Vec<CalendarSpec>,
    /// The policies to try, in order; they replace all current ones.
    pub sla_policies: Vec<PolicySpec>,
}

/// Breach counts of one priority.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    pub tickets: u64,
    pub covered_current: u64,
    pub breached_current: u64,
    pub covered_proposed: u64,
    pub breached_proposed: u64,
}

/// The comparison, per priority.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Outcome {
    pub by_priority: BTreeMap<Priority, Row>,
    pub total: Row,
}

/// Builds the proposed registry: stored calendars plus the proposal's.
pub fn proposed_registry(
    current_calendars: &[CalendarSpec],
    proposal: &Proposal,
) -> Result<Registry, AppError> {
    let mut calendars: Vec<CalendarSpec> = current_calendars
        .iter()
        .filter(|c| !proposal.calendars.iter().any(|p| p.name == c.name))
        .cloned()
        .collect();
    calendars.extend(proposal.calendars.iter().cloned());
    Registry::compile(&calendars, &proposal.sla_policies, -1).map_err(AppError::Validation)
}

fn breached(
    reg: &Registry,
    t: &Ticket,
    facts: &TicketFacts<'_>,
    h: &[audit::AuditEvent],
    now: NaiveDateTime,
) -> Option<bool> {
    let events = history::events(h, t.priority);
    let report = super::service::evaluate_events(reg, facts, t, &events, now)?;
    Some(report.clocks().any(|c| c.state == ClockState::Breached))
}

/// Replays the tickets filed in `[from, to)` as of `now` under both sets.
pub fn run(
    db: &Db,
    current: &Registry,
    proposed: &Registry,
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: NaiveDateTime,
    mut progress: impl FnMut(u64),
) -> Result<Outcome, AppError> {
    let mut out = Outcome::default();
    let slugs = db.read(Slugs::load)?;
    let mut after = None;
    loop {
        let (batch, histories, people) = db.read(|conn| {
            let batch = tickets::filed_between(conn, from, to, after.clone(), 500)?;
            let ids: Vec<String> = batch.iter().map(|t| t.id.clone()).collect();
            let mut requester_ids: Vec<String> =
                batch.iter().map(|t| t.requester_id.clone()).collect();
            requester_ids.sort();
            requester_ids.dedup();
            let histories = audit::history_many(conn, "ticket", &ids)?;
            let people: HashMap<String, crate::auth::User> =
                users::find_users(conn, &requester_ids)?
                    .into_iter()
                    .map(|u| (u.id.clone(), u))
                    .collect();
            Ok::<_, AppError>((batch, histories, people))
        })?;
        let Some(last) = batch.last() else { break };
        after = Some((last.created_at, last.id.clone()));
        for t in &batch {
            let facts = super::service::batch_facts(t, &slugs, &people);
            let h = histories.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
            let row = out.by_priority.entry(t.priority).or_default();
            for r in [&mut *row, &mut out.total] {
                r.tickets += 1;
            }
            if let Some(b) = breached(current, t, &facts, h, now) {
                for r in [
                    out.by_priority.get_mut(&t.priority).expect("inserted"),
                    &mut out.total,
                ] {
                    r.covered_current += 1;
                    r.breached_current += u64::from(b);
                }
            }
            if let Some(b) = breached(proposed, t, &facts, h, now) {
                for r in [
                    out.by_priority.get_mut(&t.priority).expect("inserted"),
                    &mut out.total,
                ] {
                    r.covered_proposed += 1;
                    r.breached_proposed += u64::from(b);
                }
            }
        }
        progress(batch.len() as u64);
        if batch.len() < 500 {
            break;
        }
    }
    Ok(out)
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The comparison as a table for people.
pub fn table(o: &Outcome) -> String {
    let mut s = format!(
        "{:<8} {:>8} {:>20} {:>20} {:>8}\n",
        "priority", "tickets", "breached (current)", "breached (proposed)", "change"
    );
    let line = |name: &str, r: &Row| {
        format!(
            "{:<8} {:>8} {:>20} {:>20} {:>+8}\n",
            name,
            r.tickets,
            format!(
                "{} ({})",
                r.breached_current,
                pct(r.breached_current, r.covered_current)
            ),
            format!(
                "{} ({})",
                r.breached_proposed,
                pct(r.breached_proposed, r.covered_proposed)
            ),
            r.breached_proposed as i64 - r.breached_current as i64
        )
    };
    for (p, r) in &o.by_priority {
        s.push_str(&line(p.as_str(), r));
    }
    s.push_str(&line("total", &o.total));
    s
}
