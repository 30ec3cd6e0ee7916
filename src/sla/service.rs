//! SLA use cases: keeping a ticket's SLA current (and firing each crossed
//! threshold exactly once), syncing the configuration into the database, and
//! loading the registry.

use chrono::NaiveDateTime;
use serde_json::json;

use super::calendar::{CalendarSpec, Micros};
use super::clock::{SlaReport, evaluate};
use super::history;
use super::policy::{ClockKind, PolicySpec, Threshold, TicketFacts};
use super::registry::Registry;
use super::repo::{self, CalendarRow, Notification, PolicyRow, SnapshotColumns};
use super::snapshot::{Crossed, snapshot};
use crate::audit;
use crate::auth::{Role, User, repo as users};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;
use crate::jobs::queue::{self as jobs, NewJob};
use crate::tickets::domain::Priority;
use crate::tickets::model::{Ticket, TicketChanges};
use crate::tickets::repo as tickets;
use crate::tickets::service::Rules;

fn micros(t: NaiveDateTime) -> Micros {
    t.and_utc().timestamp_micros()
}

fn naive(t: Micros) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_micros(t)
        .unwrap_or_default()
        .naive_utc()
}

/// What the policy conditions look at, loaded for a ticket.
pub struct Facts {
    pub queue: Option<String>,
    pub category: Option<String>,
    pub requester: Option<User>,
}

pub fn load_facts(conn: &mut DbConn, t: &Ticket) -> Result<Facts, AppError> {
    let queue = match &t.queue_id {
        Some(id) => tickets::find_queues(conn, std::slice::from_ref(id))?
            .pop()
            .map(|q| q.slug),
        None => None,
    };
    let category = match &t.category_id {
        Some(id) => tickets::find_categories(conn, std::slice::from_ref(id))?
            .pop()
            .map(|c| c.slug),
        None => None,
    };
    Ok(Facts {
        queue,
        category,
        requester: users::find_user(conn, &t.requester_id)?,
    })
}

fn ticket_facts<'a>(t: &Ticket, f: &'a Facts) -> TicketFacts<'a> {
    TicketFacts {
        ticket_type: t.ticket_type,
        priority: t.priority,
        queue: f.queue.as_deref(),
        category: f.category.as_deref(),
        organization: f.requester.as_ref().and_then(|u| u.organization.as_deref()),
        vip: f.requester.as_ref().is_some_and(|u| u.is_vip),
    }
}

/// The snapshot of a ticket about to be filed: no history yet, so nothing
/// to load and nothing crossed.
pub fn initial(
    reg: &Registry,
    t: &Ticket,
    facts: &TicketFacts<'_>,
    now: NaiveDateTime,
) -> (SnapshotColumns, Option<SlaReport>) {
    let report = reg.select(facts).map(|(policy, calendar)| {
        evaluate(
            calendar,
            policy,
            t.priority,
            micros(t.created_at),
            &[],
            micros(now),
        )
    });
    (columns(snapshot(report.as_ref(), micros(now))), report)
}

fn columns(snap: super::snapshot::Snapshot) -> SnapshotColumns {
    SnapshotColumns {
        sla_schedule: (!snap.schedule.is_empty())
            .then(|| serde_json::to_string(&snap.schedule).unwrap_or_default()),
        sla_policy: snap.policy,
        sla_state: snap.state.map(|s| s.as_str().to_owned()),
        sla_due_at: snap.due_at.map(naive),
        sla_next_check_at: snap.next_check_at.map(naive),
    }
}

/// The live SLA report of a ticket from its history.
pub fn report(
    conn: &mut DbConn,
    reg: &Registry,
    t: &Ticket,
    now: NaiveDateTime,
) -> Result<Option<SlaReport>, AppError> {
    let facts = load_facts(conn, t)?;
    let Some((policy, calendar)) = reg.select(&ticket_facts(t, &facts)) else {
        return Ok(None);
    };
    let history = audit::history(conn, "ticket", &t.id)?;
    let (initial, events) = history::events(&history, t.priority);
    Ok(Some(evaluate(
        calendar,
        policy,
        initial,
        micros(t.created_at),
        &events,
        micros(now),
    )))
}

/// Recomputes a ticket's SLA from its history, fires every crossed threshold
/// that has not fired yet (history event, escalation actions) and stores the
/// snapshot. Runs inside the caller's transaction.
pub fn refresh(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    ticket: &Ticket,
    now: NaiveDateTime,
) -> Result<Option<SlaReport>, AppError> {
    let reg = rules.sla;
    let mut current = ticket.clone();
    let mut result = report(conn, reg, &current, now)?;
    // Escalations may change the priority or queue; evaluate again after them
    // (twice at most: a raise can cross the new, shorter target at once).
    for _ in 0..3 {
        let Some(r) = &result else { break };
        let crossed = super::snapshot::crossed(r);
        if crossed.is_empty() {
            break;
        }
        let changed = fire(conn, rules, &mut current, r, &crossed, now)?;
        if !changed {
            break;
        }
        result = report(conn, reg, &current, now)?;
    }
    let cols = columns(snapshot(result.as_ref(), micros(now)));
    if cols != stored_columns(&current) {
        repo::save_snapshot(conn, &current.id, &cols)?;
    }
    Ok(result)
}

/// Fires the thresholds not fired yet; returns whether the ticket changed
/// in a way that affects its clocks.
fn fire(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    t: &mut Ticket,
    report: &SlaReport,
    crossed: &[Crossed],
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let existing = repo::markers(conn, &t.id)?;
    let mut changed = false;
    let mut recipients = Recipients::default();
    for c in crossed {
        let key = c.threshold.key();
        if existing
            .iter()
            .any(|(clock, th, cycle)| clock == c.clock.as_str() && *th == key && *cycle == c.cycle)
        {
            continue;
        }
        if !repo::insert_marker(conn, &t.id, c.clock.as_str(), &key, c.cycle, now)? {
            continue; // another worker fired it
        }
        let (action, what) = describe(c.clock, c.threshold);
        audit::record(
            conn,
            audit::Entry {
                entity_type: "ticket",
                entity_id: &t.id,
                actor_id: None,
                action,
                changes: json!({
                    "policy": report.policy,
                    "clock": c.clock.as_str(),
                    "threshold": key,
                    "at": c.at.map(naive),
                }),
                at: now,
            },
        )?;
        let clock_open = report
            .clocks()
            .find(|r| r.kind == c.clock)
            .is_some_and(|r| r.met_at.is_none());
        if !clock_open {
            continue; // a fact worth recording, but too late to act on
        }
        let Some(policy) = rules.sla.policies.iter().find(|p| p.name == report.policy) else {
            continue;
        };
        for rule in policy
            .escalations
            .iter()
            .filter(|r| r.on == c.threshold && r.clock.is_none_or(|k| k == c.clock))
        {
            let rows = recipients.notifications(conn, t, &rule.notify, &what, now)?;
            repo::insert_notifications(conn, &rows)?;
            crate::mail::notify::escalation(conn, rules, t, &rows, &what, now)?;
            changed |= act(
                conn,
                t,
                rule.raise_priority,
                rule.move_to_queue.as_deref(),
                c.clock,
                &key,
                now,
            )?;
        }
    }
    Ok(changed)
}

/// Who escalations notify, resolved once per scan and cached.
#[derive(Default)]
pub struct Recipients {
    coordinators: Option<Vec<User>>,
    by_queue: std::collections::HashMap<String, Vec<String>>,
    by_email: std::collections::HashMap<String, Option<String>>,
}

impl Recipients {
    /// The notifications `who` (assignee, coordinators, addresses) get about
    /// a ticket; each person once.
    pub fn notifications(
        &mut self,
        conn: &mut DbConn,
        t: &Ticket,
        who: &[String],
        what: &str,
        now: NaiveDateTime,
    ) -> Result<Vec<Notification>, AppError> {
        let message = format!("#{} {}: {what}", t.number, t.subject);
        let mut targets: Vec<(Option<String>, Option<String>)> = Vec::new();
        for target in who {
            match target.as_str() {
                "assignee" => {
                    if let Some(id) = &t.assignee_id {
                        targets.push((Some(id.clone()), None));
                    }
                }
                "coordinators" => {
                    if self.coordinators.is_none() {
                        self.coordinators = Some(users::list_users(conn, &[Role::Coordinator])?);
                    }
                    // The queue's own coordinators; every coordinator when
                    // the ticket has no queue or its queue names none.
                    let named = match &t.queue_id {
                        Some(q) => {
                            if !self.by_queue.contains_key(q) {
                                let ids = tickets::queue_coordinator_ids(conn, q)?;
                                self.by_queue.insert(q.clone(), ids);
                            }
                            self.by_queue[q].clone()
                        }
                        None => Vec::new(),
                    };
                    for u in self.coordinators.iter().flatten() {
                        if named.is_empty() || named.contains(&u.id) {
                            targets.push((Some(u.id.clone()), Some(u.email.clone())));
                        }
                    }
                }
                email => {
                    let key = email.to_lowercase();
                    if !self.by_email.contains_key(&key) {
                        let id = users::find_user_by_email(conn, &key)?.map(|u| u.id);
                        self.by_email.insert(key.clone(), id);
                    }
                    targets.push((self.by_email[&key].clone(), Some(email.to_owned())));
                }
            }
        }
        let mut rows: Vec<Notification> = Vec::new();
        for (user_id, email) in targets {
            let duplicate = rows.iter().any(|r| {
                (user_id.is_some() && r.user_id == user_id)
                    || (user_id.is_none() && r.user_id.is_none() && r.email == email)
            });
            if !duplicate {
                rows.push(Notification {
                    id: ids::new_id(),
                    user_id,
                    email,
                    ticket_id: Some(t.id.clone()),
                    kind: "sla".into(),
                    message: message.clone(),
                    created_at: now,
                    read_at: None,
                });
            }
        }
        Ok(rows)
    }
}

/// What a threshold means, for history and notifications.
pub fn describe(clock: ClockKind, threshold: Threshold) -> (&'static str, String) {
    let name = clock.as_str().replace('_', " ");
    match threshold {
        Threshold::Warning(p) => ("sla_warning", format!("{p}% of the {name} target used")),
        Threshold::Breach => ("sla_breached", format!("{name} target missed")),
    }
}

fn raised(p: Priority) -> Priority {
    match p {
        Priority::P4 => Priority::P3,
        Priority::P3 => Priority::P2,
        _ => Priority::P1,
    }
}

fn act(
    conn: &mut DbConn,
    t: &mut Ticket,
    raise: bool,
    queue: Option<&str>,
    clock: ClockKind,
    threshold: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let mut changes = serde_json::Map::new();
    if raise && t.priority != Priority::P1 {
        let to = raised(t.priority);
        changes.insert(
            "priority".into(),
            audit::change(t.priority.as_str(), to.as_str()),
        );
        changes.insert(
            "priority_overridden".into(),
            audit::change(t.priority_overridden, true),
        );
        t.priority = to;
        t.priority_overridden = true;
    }
    if let Some(slug) = queue
        && let Some(q) = tickets::find_queue_by_slug(conn, slug)?
        && t.queue_id.as_deref() != Some(q.id.as_str())
    {
        let from = match &t.queue_id {
            Some(id) => tickets::find_queues(conn, std::slice::from_ref(id))?
                .pop()
                .map(|q| q.slug),
            None => None,
        };
        changes.insert("queue".into(), audit::change(from, slug));
        t.queue_id = Some(q.id);
    }
    if changes.is_empty() {
        return Ok(false);
    }
    changes.insert(
        "reason".into(),
        json!(format!("SLA escalation: {} {threshold}", clock.as_str())),
    );
    t.updated_at = now;
    tickets::update(conn, &t.id, &TicketChanges::from(&*t))?;
    audit::record(
        conn,
        audit::Entry {
            entity_type: "ticket",
            entity_id: &t.id,
            actor_id: None,
            action: "updated",
            changes: serde_json::Value::Object(changes),
            at: now,
        },
    )?;
    Ok(true)
}

/// The stored calendars and policies, compiled.
pub fn load(conn: &mut DbConn) -> Result<Registry, AppError> {
    let version = repo::version(conn)?;
    let (calendars, policies) = stored_specs(conn)?;
    Registry::compile(&calendars, &policies, version).map_err(AppError::Validation)
}

fn stored_specs(conn: &mut DbConn) -> Result<(Vec<CalendarSpec>, Vec<PolicySpec>), AppError> {
    let parse_err = |what: &str, name: &str, e: serde_json::Error| {
        AppError::Internal(anyhow::anyhow!("stored {what} `{name}` is unreadable: {e}"))
    };
    let calendars = repo::calendars(conn)?
        .into_iter()
        .map(|r| serde_json::from_str(&r.spec).map_err(|e| parse_err("calendar", &r.name, e)))
        .collect::<Result<Vec<CalendarSpec>, _>>()?;
    let policies = repo::policies(conn)?
        .into_iter()
        .map(|r| serde_json::from_str(&r.spec).map_err(|e| parse_err("policy", &r.name, e)))
        .collect::<Result<Vec<PolicySpec>, _>>()?;
    Ok((calendars, policies))
}

/// The job that recomputes every open ticket after a change of policies.
pub fn recompute_job(version: i64, now: NaiveDateTime) -> NewJob {
    NewJob::now(
        super::worker::RECOMPUTE_JOB,
        json!({ "version": version }),
        now,
    )
    .dedupe(format!("sla.recompute:v{version}"))
}

/// Writes the configuration's calendars and policies into the database
/// (rows from the API are kept), checks that the whole set compiles, and
/// schedules a recompute of open tickets when anything changed.
pub fn sync_config(
    db: &Db,
    calendars: &[CalendarSpec],
    policies: &[PolicySpec],
) -> Result<Registry, AppError> {
    db.write(|conn| {
        let now = ids::now();
        let mut changed = false;
        let stored = repo::calendars(conn)?;
        for spec in calendars {
            let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
            match stored.iter().find(|r| r.name == spec.name) {
                Some(r) if r.source == "api" => {
                    return Err(AppError::invalid(
                        format!("calendars[{}]", spec.name),
                        "a calendar of this name was created over the API; rename one of them",
                    ));
                }
                Some(r) if r.spec == text => {}
                _ => {
                    repo::save_calendar(
                        conn,
                        &CalendarRow {
                            name: spec.name.clone(),
                            spec: text,
                            source: "config".into(),
                            updated_at: now,
                        },
                    )?;
                    changed = true;
                }
            }
        }
        for r in stored.iter().filter(|r| r.source == "config") {
            if !calendars.iter().any(|c| c.name == r.name) {
                repo::delete_calendar(conn, &r.name)?;
                changed = true;
            }
        }
        let stored = repo::policies(conn)?;
        for (i, spec) in policies.iter().enumerate() {
            let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
            match stored.iter().find(|r| r.name == spec.name) {
                Some(r) if r.source == "api" => {
                    return Err(AppError::invalid(
                        format!("sla_policies[{}]", spec.name),
                        "a policy of this name was created over the API; rename one of them",
                    ));
                }
                Some(r) if r.spec == text && r.position == i as i32 => {}
                _ => {
                    repo::save_policy(
                        conn,
                        &PolicyRow {
                            name: spec.name.clone(),
                            position: i as i32,
                            spec: text,
                            source: "config".into(),
                            updated_at: now,
                        },
                    )?;
                    changed = true;
                }
            }
        }
        for r in stored.iter().filter(|r| r.source == "config") {
            if !policies.iter().any(|p| p.name == r.name) {
                repo::delete_policy(conn, &r.name)?;
                changed = true;
            }
        }
        let version = if changed {
            repo::bump_version(conn, now)?
        } else {
            repo::version(conn)?
        };
        let registry = load(conn)?;
        if changed {
            jobs::enqueue(conn, recompute_job(version, now), now)?;
        }
        Ok(registry)
    })
}

/// Saves a calendar or policy created or changed over the API after checking
/// that the whole set still compiles; schedules the recompute.
pub fn save_from_api(
    db: &Db,
    calendar: Option<CalendarSpec>,
    policy: Option<(PolicySpec, Option<i32>)>,
) -> Result<Registry, AppError> {
    db.write(|conn| {
        let now = ids::now();
        if let Some(spec) = &calendar {
            let existing = repo::calendars(conn)?;
            if existing
                .iter()
                .any(|r| r.name == spec.name && r.source == "config")
                || spec.name == "24x7"
            {
                return Err(AppError::conflict(
                    "defined_in_config",
                    format!(
                        "calendar `{}` is defined in the configuration; change it there",
                        spec.name
                    ),
                ));
            }
            let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
            repo::save_calendar(
                conn,
                &CalendarRow {
                    name: spec.name.clone(),
                    spec: text,
                    source: "api".into(),
                    updated_at: now,
                },
            )?;
        }
        if let Some((spec, position)) = &policy {
            let existing = repo::policies(conn)?;
            if existing
                .iter()
                .any(|r| r.name == spec.name && r.source == "config")
            {
                return Err(AppError::conflict(
                    "defined_in_config",
                    format!(
                        "policy `{}` is defined in the configuration; change it there",
                        spec.name
                    ),
                ));
            }
            let last = existing.iter().map(|r| r.position).max().unwrap_or(0);
            let position = position.unwrap_or_else(|| {
                existing
                    .iter()
                    .find(|r| r.name == spec.name)
                    .map(|r| r.position)
                    .unwrap_or(last + 1)
            });
            let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
            repo::save_policy(
                conn,
                &PolicyRow {
                    name: spec.name.clone(),
                    position,
                    spec: text,
                    source: "api".into(),
                    updated_at: now,
                },
            )?;
        }
        let version = repo::bump_version(conn, now)?;
        let registry = load(conn)?;
        jobs::enqueue(conn, recompute_job(version, now), now)?;
        Ok(registry)
    })
}

/// Removes an API-managed calendar or policy.
pub fn delete_from_api(
    db: &Db,
    calendar: Option<&str>,
    policy: Option<&str>,
) -> Result<Registry, AppError> {
    db.write(|conn| {
        let now = ids::now();
        if let Some(name) = calendar {
            let row = repo::calendars(conn)?.into_iter().find(|r| r.name == name);
            match row {
                None => return Err(AppError::NotFound(format!("calendar `{name}`"))),
                Some(r) if r.source == "config" => {
                    return Err(AppError::conflict(
                        "defined_in_config",
                        format!("calendar `{name}` is defined in the configuration"),
                    ));
                }
                Some(_) => {
                    repo::delete_calendar(conn, name)?;
                }
            }
        }
        if let Some(name) = policy {
            let row = repo::policies(conn)?.into_iter().find(|r| r.name == name);
            match row {
                None => return Err(AppError::NotFound(format!("policy `{name}`"))),
                Some(r) if r.source == "config" => {
                    return Err(AppError::conflict(
                        "defined_in_config",
                        format!("policy `{name}` is defined in the configuration"),
                    ));
                }
                Some(_) => {
                    repo::delete_policy(conn, name)?;
                }
            }
        }
        let version = repo::bump_version(conn, now)?;
        let registry = load(conn)?;
        jobs::enqueue(conn, recompute_job(version, now), now)?;
        Ok(registry)
    })
}

/// Runs a calendar and a policy on a history without storing anything.
pub fn preview(req: &super::dto::PreviewRequest) -> Result<SlaReport, AppError> {
    let mut errors = Vec::new();
    let events = req.events().map_err(AppError::Validation);
    let calendar = req.calendar.compile("calendar.", &[], &[]);
    let policy = req.policy.compile("policy.");
    let events = match events {
        Ok(e) => Some(e),
        Err(AppError::Validation(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => return Err(other),
    };
    if let Err(e) = &calendar {
        errors.extend(e.clone());
    }
    if let Err(e) = &policy {
        errors.extend(e.clone());
    }
    match (calendar, policy, events) {
        (Ok(calendar), Ok(policy), Some(events)) if errors.is_empty() => Ok(evaluate(
            &calendar,
            &policy,
            req.priority,
            req.created_at.timestamp_micros(),
            &events,
            req.now.timestamp_micros(),
        )),
        _ => Err(AppError::Validation(errors)),
    }
}

/// The stored calendars and policies, for the API.
pub fn stored(db: &Db) -> Result<(Vec<CalendarRow>, Vec<PolicyRow>), AppError> {
    db.read(|conn| Ok((repo::calendars(conn)?, repo::policies(conn)?)))
}

fn stored_columns(t: &Ticket) -> SnapshotColumns {
    SnapshotColumns {
        sla_policy: t.sla_policy.clone(),
        sla_state: t.sla_state.clone(),
        sla_due_at: t.sla_due_at,
        sla_next_check_at: t.sla_next_check_at,
        sla_schedule: t.sla_schedule.clone(),
    }
}

/// [`refresh`] for many tickets with a handful of batched reads; tickets
/// with a threshold still to fire take the one-by-one path.
pub fn refresh_many(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    batch: &[Ticket],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let reg = rules.sla;
    use std::collections::{HashMap, HashSet};
    if batch.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = batch.iter().map(|t| t.id.clone()).collect();
    let mut requester_ids: Vec<String> = batch.iter().map(|t| t.requester_id.clone()).collect();
    requester_ids.sort();
    requester_ids.dedup();
    let histories = audit::history_many(conn, "ticket", &ids)?;
    let people: HashMap<String, User> = users::find_users(conn, &requester_ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let queues: HashMap<String, String> = tickets::all_queues(conn)?
        .into_iter()
        .map(|q| (q.id, q.slug))
        .collect();
    let categories: HashMap<String, String> = tickets::all_categories(conn)?
        .into_iter()
        .map(|c| (c.id, c.slug))
        .collect();
    let fired: HashSet<repo::MarkerKey> = repo::markers_of(conn, &ids)?.into_iter().collect();
    let mut updates = Vec::new();
    for t in batch {
        let requester = people.get(&t.requester_id);
        let facts = TicketFacts {
            ticket_type: t.ticket_type,
            priority: t.priority,
            queue: t
                .queue_id
                .as_ref()
                .and_then(|id| queues.get(id))
                .map(String::as_str),
            category: t
                .category_id
                .as_ref()
                .and_then(|id| categories.get(id))
                .map(String::as_str),
            organization: requester.and_then(|u| u.organization.as_deref()),
            vip: requester.is_some_and(|u| u.is_vip),
        };
        let report = reg.select(&facts).map(|(policy, calendar)| {
            let history = histories.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
            let (initial, events) = history::events(history, t.priority);
            evaluate(
                calendar,
                policy,
                initial,
                micros(t.created_at),
                &events,
                micros(now),
            )
        });
        let unfired = report.as_ref().is_some_and(|r| {
            super::snapshot::crossed(r).iter().any(|c| {
                !fired.contains(&repo::MarkerKey {
                    ticket_id: t.id.clone(),
                    clock: c.clock.as_str().to_owned(),
                    threshold: c.threshold.key(),
                    cycle: c.cycle,
                })
            })
        });
        if unfired {
            refresh(conn, rules, t, now)?;
            continue;
        }
        let cols = columns(snapshot(report.as_ref(), micros(now)));
        if cols != stored_columns(t) {
            updates.push(repo::ScheduleUpdate {
                ticket_id: t.id.clone(),
                cols,
            });
        }
    }
    Ok(repo::update_schedules(conn, &updates)?)
}
