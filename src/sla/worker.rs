//! The SLA timer worker, as jobs: `sla.scan` (every `sla.scan_every_seconds`)
//! refreshes the open tickets whose next warning or deadline has passed;
//! `sla.recompute` (after a change of policies or calendars) refreshes every
//! open ticket. Both are safe to run twice or in several processes at once:
//! a threshold fires only if its marker row could be inserted.

use std::time::Instant;

use std::collections::HashSet;

use serde_json::json;

use super::Sla;
use super::policy::{EscalationRule, Policy, Threshold};
use super::registry::Registry;
use super::repo::{self, MarkerKey};
use super::service::{Recipients, Rules, describe, load, refresh, refresh_many};
use super::snapshot::{self, Summary};
use crate::audit;
use crate::db::DbConn;
use crate::error::AppError;
use crate::jobs::queue::Job;
use crate::tickets::Ticket;
use crate::tickets::service::service_level::{self as tickets, ScheduleUpdate, SnapshotColumns};

pub const SCAN_JOB: &str = "sla.scan";
pub const RECOMPUTE_JOB: &str = "sla.recompute";

/// Tickets refreshed per transaction.
const BATCH: i64 = 250;

/// Reloads this process's registry when the stored version moved (another
/// process or the API changed policies).
pub fn ensure_current(state: &Sla) -> Result<(), AppError> {
    let mine = state.registry.get().version;
    let stored = state
        .db
        .read(|conn| Ok::<_, AppError>(repo::version(conn)?))?;
    if stored != mine {
        let registry = state.db.read(load)?;
        tracing::info!(version = registry.version, "reloaded SLA policies");
        state.registry.replace(registry);
    }
    Ok(())
}

/// What a scan did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub tickets: usize,
    /// Of those, handled from their stored schedule (no history read).
    pub from_schedule: usize,
    pub batches: usize,
    pub millis: u128,
}

/// Refreshes every open ticket whose SLA may have changed by `now`.
///
/// Most due tickets only crossed a threshold their stored schedule already
/// names: those are handled in bulk without reading history (claim the
/// markers, record the events, notify, move the schedule on). A ticket whose
/// escalation changes it (priority, queue), or whose schedule is missing or
/// stale, is recomputed from its history.
pub fn scan(state: &Sla, now: chrono::NaiveDateTime) -> Result<ScanStats, AppError> {
    ensure_current(state)?;
    let started = Instant::now();
    let registry = state.registry.get();
    let rules = state.rules(&registry);
    let mut stats = ScanStats::default();
    let mut recipients = Recipients::default();
    loop {
        let n = state.db.write(|conn| {
            let due = tickets::due_for_check(conn, now, BATCH)?;
            let mut fast = Vec::new();
            for t in &due {
                match plan(&registry, t, now) {
                    Some(p) => fast.push(p),
                    None => {
                        refresh(conn, &rules, t, now)?;
                    }
                }
            }
            apply(conn, &rules, &mut recipients, &fast, now)?;
            Ok::<_, AppError>((due.len(), fast.len()))
        })?;
        let (n, quick) = n;
        stats.from_schedule += quick;
        stats.tickets += n;
        stats.batches += 1;
        if (n as i64) < BATCH {
            break;
        }
    }
    stats.millis = started.elapsed().as_millis();
    Ok(stats)
}

/// A due ticket whose crossed thresholds its schedule already names.
struct Planned<'a> {
    ticket: &'a Ticket,
    crossed: Vec<snapshot::Planned>,
    rest: Vec<snapshot::Planned>,
}

fn rules_for<'p>(
    policy: &'p Policy,
    p: &snapshot::Planned,
) -> impl Iterator<Item = &'p EscalationRule> {
    let threshold = p.threshold.parse::<Threshold>().ok();
    let clock = p.clock;
    policy
        .escalations
        .iter()
        .filter(move |r| Some(r.on) == threshold && r.clock.is_none_or(|k| k == clock))
}

fn plan<'a>(reg: &Registry, t: &'a Ticket, now: chrono::NaiveDateTime) -> Option<Planned<'a>> {
    let schedule: Vec<snapshot::Planned> = serde_json::from_str(t.sla_schedule.as_deref()?).ok()?;
    let policy = reg
        .policies
        .iter()
        .find(|p| t.sla_policy.as_deref() == Some(p.name.as_str()))?;
    let cutoff = now.and_utc().timestamp_micros();
    let (crossed, rest): (Vec<_>, Vec<_>) = schedule.into_iter().partition(|p| p.at <= cutoff);
    let changes_ticket = crossed
        .iter()
        .any(|c| rules_for(policy, c).any(|r| r.raise_priority || r.move_to_queue.is_some()));
    if crossed.is_empty() || changes_ticket {
        return None;
    }
    Some(Planned {
        ticket: t,
        crossed,
        rest,
    })
}

fn naive(t: i64) -> chrono::NaiveDateTime {
    chrono::DateTime::from_timestamp_micros(t)
        .unwrap_or_default()
        .naive_utc()
}

/// What a batch of planned tickets writes: history events, in-app
/// notifications, and each ticket's moved-on schedule.
#[derive(Default)]
struct Fired {
    events: Vec<(String, &'static str, serde_json::Value)>,
    notes: Vec<crate::sla::Notification>,
    updates: Vec<ScheduleUpdate>,
}

/// Fires the planned thresholds of many tickets in a few statements.
fn apply(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    recipients: &mut Recipients,
    planned: &[Planned<'_>],
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    if planned.is_empty() {
        return Ok(());
    }
    let keys: Vec<MarkerKey> = planned
        .iter()
        .flat_map(|p| p.crossed.iter().map(|c| marker(p.ticket, c)))
        .collect();
    let claimed: HashSet<MarkerKey> = repo::insert_markers(conn, &keys, now)?
        .into_iter()
        .collect();
    let mut fired = Fired::default();
    for p in planned {
        fire_planned(conn, rules, recipients, p, &claimed, &mut fired, now)?;
    }
    let entries: Vec<audit::Entry<'_>> = fired
        .events
        .iter()
        .map(|(id, action, changes)| audit::Entry {
            entity_type: "ticket",
            entity_id: id,
            actor_id: None,
            action,
            changes: changes.clone(),
            at: now,
        })
        .collect();
    audit::record_many(conn, &entries)?;
    repo::insert_notifications(conn, &fired.notes)?;
    tickets::save_many(conn, &fired.updates)
}

fn marker(t: &Ticket, c: &snapshot::Planned) -> MarkerKey {
    MarkerKey {
        ticket_id: t.id.clone(),
        clock: c.clock.as_str().to_owned(),
        threshold: c.threshold.clone(),
        cycle: c.cycle,
    }
}

/// One ticket's crossed thresholds: those this scan claimed are recorded
/// and notified as its policy says; its state and schedule move on.
fn fire_planned(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    recipients: &mut Recipients,
    p: &Planned<'_>,
    claimed: &HashSet<MarkerKey>,
    fired: &mut Fired,
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let t = p.ticket;
    let policy = rules
        .sla
        .policies
        .iter()
        .find(|x| t.sla_policy.as_deref() == Some(x.name.as_str()));
    let mut worst = t.sla_state.as_deref().and_then(summary);
    for c in &p.crossed {
        let Ok(threshold) = c.threshold.parse::<Threshold>() else {
            continue;
        };
        let level = if threshold == Threshold::Breach {
            Summary::Breached
        } else {
            Summary::AtRisk
        };
        worst = Some(worst.map_or(level, |w| w.min(level)));
        if !claimed.contains(&marker(t, c)) {
            continue;
        }
        let (action, what) = describe(c.clock, threshold);
        fired.events.push((
            t.id.clone(),
            action,
            json!({"policy": t.sla_policy, "clock": c.clock.as_str(), "threshold": c.threshold, "at": naive(c.at)}),
        ));
        for rule in policy.into_iter().flat_map(|policy| rules_for(policy, c)) {
            let rows = recipients.notifications(conn, t, &rule.notify, &what, now)?;
            rules.hooks.escalated(conn, t, &rows, &what, now)?;
            fired.notes.extend(rows);
        }
    }
    fired.updates.push(ScheduleUpdate {
        ticket_id: t.id.clone(),
        cols: SnapshotColumns {
            sla_policy: t.sla_policy.clone(),
            sla_state: worst.map(|w| w.as_str().to_owned()),
            sla_due_at: t.sla_due_at,
            sla_next_check_at: p.rest.first().map(|r| naive(r.at)),
            sla_schedule: (!p.rest.is_empty())
                .then(|| serde_json::to_string(&p.rest).unwrap_or_default()),
        },
    });
    Ok(())
}

fn summary(s: &str) -> Option<Summary> {
    [
        Summary::Breached,
        Summary::AtRisk,
        Summary::Running,
        Summary::Paused,
        Summary::Met,
    ]
    .into_iter()
    .find(|x| x.as_str() == s)
}

/// Job handler of `sla.scan`.
fn scan_job(state: &Sla, _job: &Job) -> Result<(), AppError> {
    let stats = scan(state, crate::ids::now())?;
    if stats.tickets > 0 {
        tracing::info!(
            tickets = stats.tickets,
            ms = stats.millis as u64,
            "SLA scan"
        );
    }
    Ok(())
}

/// Refreshes every open ticket under the policies in force.
pub fn recompute_all(state: &Sla, now: chrono::NaiveDateTime) -> Result<usize, AppError> {
    ensure_current(state)?;
    let registry = state.registry.get();
    let rules = state.rules(&registry);
    let mut after = String::new();
    let mut total = 0;
    loop {
        let page = state.db.write(|conn| {
            let page = tickets::open_after(conn, &after, BATCH)?;
            refresh_many(conn, &rules, &page, now)?;
            Ok::<_, AppError>(
                page.last()
                    .map(|t| t.id.clone())
                    .map(|last| (last, page.len())),
            )
        })?;
        match page {
            Some((last, n)) => {
                total += n;
                after = last;
            }
            None => break,
        }
    }
    Ok(total)
}

/// Works out the service levels of every ticket filed in `[from, now)`,
/// closed ones too, recording each threshold they crossed at the moment
/// it was crossed (history loaded in bulk, such as the demo's, then reads
/// as if the timer had been running all along). Returns how many tickets.
pub fn recompute_filed_since(
    state: &Sla,
    from: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
) -> Result<usize, AppError> {
    ensure_current(state)?;
    let registry = state.registry.get();
    let rules = state.rules(&registry);
    let mut after: Option<(chrono::NaiveDateTime, String)> = None;
    let mut total = 0;
    loop {
        let page = state.db.write(|conn| {
            let page = tickets::filed_between(conn, from, now, after.clone(), BATCH)?;
            refresh_many(conn, &rules, &page, now)?;
            Ok::<_, AppError>(
                page.last()
                    .map(|t| ((t.created_at, t.id.clone()), page.len())),
            )
        })?;
        match page {
            Some((last, n)) => {
                total += n;
                after = Some(last);
            }
            None => break,
        }
    }
    Ok(total)
}

/// Job handler of `sla.recompute`.
fn recompute_job(state: &Sla, _job: &Job) -> Result<(), AppError> {
    let n = recompute_all(state, crate::ids::now())?;
    tracing::info!(tickets = n, "recomputed SLAs of open tickets");
    Ok(())
}

impl Sla {
    /// `sla.scan` every `sla.scan_every_seconds`; `sla.recompute` when the
    /// definitions change.
    pub fn jobs(&self) -> crate::jobs::Jobs {
        let (scan, recompute) = (self.clone(), self.clone());
        crate::jobs::Jobs::default()
            .kind(SCAN_JOB, move |job| scan_job(&scan, job))
            .kind(RECOMPUTE_JOB, move |job| recompute_job(&recompute, job))
            .every(
                SCAN_JOB,
                chrono::Duration::seconds(self.settings.scan_every_seconds as i64),
            )
    }
}
