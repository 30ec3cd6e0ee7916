//! Firing crossed thresholds: history events, escalations and who hears
//! of them.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::audit;
use crate::auth::{Role, User, people as users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::sla::clock::SlaReport;
use crate::sla::policy::{ClockKind, Threshold};
use crate::sla::repo::{self, Notification};
use crate::sla::snapshot::Crossed;
use crate::tickets::Ticket;
use crate::tickets::service::service_level as tickets;

use super::{Rules, naive};

/// How long after a crossing it is still acted on (notifications and
/// escalations). Older crossings — found after a long outage, or in
/// history loaded in bulk — are recorded at the time they happened, and
/// nobody is woken up about them.
pub const ACT_WITHIN_HOURS: i64 = 24;

/// Fires the thresholds not fired yet; returns whether the ticket changed
/// in a way that affects its clocks. Each is recorded in the history at the
/// moment it was crossed.
pub(super) fn fire(
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
        let happened = c.at.map(naive).unwrap_or(now).min(now);
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
                at: happened,
            },
        )?;
        let clock_open = report
            .clocks()
            .find(|r| r.kind == c.clock)
            .is_some_and(|r| r.met_at.is_none());
        let recent = now - happened <= chrono::Duration::hours(ACT_WITHIN_HOURS);
        if !clock_open || !recent {
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
            rules.hooks.escalated(conn, t, &rows, &what, now)?;
            changed |= tickets::escalate(
                conn,
                t,
                rule.raise_priority,
                rule.move_to_queue.as_deref(),
                &format!("SLA escalation: {} {key}", c.clock.as_str()),
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
