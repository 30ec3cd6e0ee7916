//! Changing a ticket's status, assignment, classification and priority.

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use super::super::domain::{Status, decide_priority, transition};
use super::super::dto::UpdateTicket;
use super::super::events::TicketEvent;
use super::super::model::{Ticket, TicketChanges};
use super::super::repo;
use super::{
    Rules, TicketRef, TicketView, find_person, full_view, resolve_category, resolve_queue,
    visible_ticket,
};
use crate::audit;
use crate::auth::User;
use crate::auth::domain::TicketRelation;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::tickets::settings::TicketSettings;

/// What a requester may do to their own ticket: withdraw it, confirm or
/// reopen a resolution. Everything else is for staff.
fn requester_may(input: &UpdateTicket, current: Status) -> bool {
    let only_status = input.hold_reason.is_none()
        && input.assignee.is_none()
        && input.queue.is_none()
        && input.category.is_none()
        && input.priority.is_none()
        && input.impact.is_none()
        && input.urgency.is_none();
    let allowed = match input.status {
        Some(Status::Cancelled) => current.is_open(),
        Some(Status::Closed) | Some(Status::InProgress) => current == Status::Resolved,
        _ => false,
    };
    only_status && allowed
}

/// Applies a change; records one `updated` history event listing every field
/// that changed. A change that changes nothing records nothing.
pub fn update_ticket(
    db: &Db,
    rules: &Rules<'_>,
    actor: &User,
    r: &TicketRef,
    input: &UpdateTicket,
    now: NaiveDateTime,
) -> Result<TicketView, AppError> {
    db.write(|conn| {
        let (ticket, rel) = visible_ticket(conn, actor, r)?;
        update_in(conn, rules, actor, ticket, rel, input, now).map(|(view, _)| view)
    })
}

/// The most tickets one batch may change.
pub const MAX_BATCH: usize = 200;

/// What a batch change did to one ticket.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    pub number: i64,
    /// `Ok(true)`: changed; `Ok(false)`: already so; `Err`: why not.
    pub result: Result<bool, String>,
}

/// The same change on many tickets, each in its own transaction: one
/// refusal (a transition the ticket cannot make, a ticket gone) leaves the
/// others changed, and says why.
pub fn update_many(
    db: &Db,
    rules: &Rules<'_>,
    actor: &User,
    numbers: &[i64],
    input: &UpdateTicket,
    now: NaiveDateTime,
) -> Result<Vec<BatchOutcome>, AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(format!(
            "a {} cannot change tickets",
            actor.role
        )));
    }
    if numbers.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "tickets",
            format!("choose at most {MAX_BATCH} tickets at a time"),
        ));
    }
    Ok(numbers
        .iter()
        .map(|&number| {
            let result = db
                .write(|conn| {
                    let (ticket, rel) = visible_ticket(conn, actor, &TicketRef::Number(number))?;
                    update_in(conn, rules, actor, ticket, rel, input, now)
                })
                .map(|(_, changed)| changed)
                .map_err(|e| match e {
                    AppError::Validation(fields) => fields
                        .iter()
                        .map(|f| format!("{}: {}", f.field.replace('_', " "), f.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                    other => other.public_detail(),
                });
            BatchOutcome { number, result }
        })
        .collect())
}

/// Applies a change inside the caller's transaction (the ticket page saves
/// a reply and a change together); `true` when something changed.
pub(crate) fn update_in(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    actor: &User,
    ticket: Ticket,
    rel: TicketRelation,
    input: &UpdateTicket,
    now: NaiveDateTime,
) -> Result<(TicketView, bool), AppError> {
    if !actor.role.works_tickets() {
        let requester_ok = rel.is_requester && requester_may(input, ticket.status);
        if !requester_ok {
            return Err(AppError::Forbidden(
                "requesters may only cancel their open ticket, or close or reopen it once resolved"
                    .into(),
            ));
        }
    }
    let updated = apply(conn, rules.tickets, &ticket, input, now)?;
    let changes = diff(conn, &ticket, &updated)?;
    if changes.is_empty() {
        return Ok((full_view(conn, ticket)?, false));
    }
    repo::update(conn, &ticket.id, &TicketChanges::from(&updated))?;
    audit::record(
        conn,
        audit::Entry {
            entity_type: "ticket",
            entity_id: &ticket.id,
            actor_id: Some(&actor.id),
            action: "updated",
            changes: Value::Object(changes),
            at: now,
        },
    )?;
    let reactions = rules.hooks.publish(
        conn,
        TicketEvent::Updated {
            before: &ticket,
            after: &updated,
            actor,
        },
        now,
    )?;
    let updated =
        repo::find(conn, &updated.id)?.ok_or_else(|| AppError::NotFound("ticket".into()))?;
    let mut view = full_view(conn, updated)?;
    if actor.role.sees_all_tickets() {
        view.sla = reactions.service_level;
    }
    Ok((view, true))
}

/// The ticket after the requested change, validated.
pub(super) fn apply(
    conn: &mut DbConn,
    settings: &TicketSettings,
    ticket: &Ticket,
    input: &UpdateTicket,
    now: NaiveDateTime,
) -> Result<Ticket, AppError> {
    let mut t = ticket.clone();
    let status = transition(
        ticket.status,
        ticket.hold_reason,
        input.status,
        input.hold_reason,
    )?;
    set_status(&mut t, status.status, now);
    t.hold_reason = status.hold_reason;

    if let Some(assignee) = &input.assignee {
        t.assignee_id = match assignee {
            None => None,
            Some(who) => {
                let user = find_person(conn, who)?
                    .ok_or_else(|| AppError::invalid("assignee", format!("no user `{who}`")))?;
                if !user.role.assignable() || !user.is_active {
                    return Err(AppError::invalid(
                        "assignee",
                        format!(
                            "{} is a {} and cannot be assigned tickets",
                            user.email, user.role
                        ),
                    ));
                }
                Some(user.id)
            }
        };
    }
    if let Some(queue) = &input.queue {
        t.queue_id = match queue {
            None => None,
            Some(slug) => Some(resolve_queue(conn, "queue", slug)?.id),
        };
    }
    if let Some(category) = &input.category {
        t.category_id = match category {
            None => None,
            Some(slug) => Some(resolve_category(conn, "category", slug)?.id),
        };
    }
    t.impact = input.impact.unwrap_or(t.impact);
    t.urgency = input.urgency.unwrap_or(t.urgency);
    let explicit = match input.priority {
        Some(choice) => choice,
        None if t.priority_overridden => Some(t.priority),
        None => None,
    };
    let decision = decide_priority(&settings.priority_matrix, t.impact, t.urgency, explicit);
    t.priority = decision.priority;
    t.priority_overridden = decision.overridden;
    t.updated_at = now;
    Ok(t)
}

/// Moves a ticket to a status, keeping the derived columns in step.
pub(super) fn set_status(t: &mut Ticket, status: Status, now: NaiveDateTime) {
    if status == t.status {
        return;
    }
    t.status = status;
    t.is_open = status.is_open();
    match status {
        Status::Resolved => t.resolved_at = Some(now),
        Status::Closed => t.closed_at = Some(now),
        s if s.is_open() => t.resolved_at = None,
        _ => {}
    }
}

/// `{"field": {"from": …, "to": …}}` for every field that differs, with
/// people, queues and categories named the way people know them.
fn diff(
    conn: &mut DbConn,
    before: &Ticket,
    after: &Ticket,
) -> Result<Map<String, Value>, AppError> {
    let mut m = Map::new();
    let mut put = |field: &str, from: Value, to: Value| {
        if from != to {
            m.insert(field.into(), audit::change(from, to));
        }
    };
    put(
        "status",
        before.status.as_str().into(),
        after.status.as_str().into(),
    );
    put(
        "hold_reason",
        before.hold_reason.map(|h| h.as_str()).into(),
        after.hold_reason.map(|h| h.as_str()).into(),
    );
    put(
        "impact",
        before.impact.as_str().into(),
        after.impact.as_str().into(),
    );
    put(
        "urgency",
        before.urgency.as_str().into(),
        after.urgency.as_str().into(),
    );
    put(
        "priority",
        before.priority.as_str().into(),
        after.priority.as_str().into(),
    );
    put(
        "priority_overridden",
        before.priority_overridden.into(),
        after.priority_overridden.into(),
    );
    diff_names(conn, before, after, &mut m)?;
    Ok(m)
}

/// The changed assignee, queue and category, by email and slug.
fn diff_names(
    conn: &mut DbConn,
    before: &Ticket,
    after: &Ticket,
    m: &mut Map<String, Value>,
) -> Result<(), AppError> {
    if before.assignee_id != after.assignee_id {
        let name = |conn: &mut DbConn, id: &Option<String>| -> Result<Value, AppError> {
            Ok(match id {
                Some(id) => crate::auth::people::find_user(conn, id)?
                    .map(|u| Value::from(u.email))
                    .unwrap_or(Value::Null),
                None => Value::Null,
            })
        };
        let from = name(conn, &before.assignee_id)?;
        let to = name(conn, &after.assignee_id)?;
        m.insert("assignee".into(), audit::change(from, to));
    }
    if before.queue_id != after.queue_id {
        let slugs = slug_map(
            repo::find_queues(conn, &ids(&before.queue_id, &after.queue_id))?
                .into_iter()
                .map(|q| (q.id, q.slug)),
        );
        m.insert(
            "queue".into(),
            audit::change(
                lookup(&slugs, &before.queue_id),
                lookup(&slugs, &after.queue_id),
            ),
        );
    }
    if before.category_id != after.category_id {
        let slugs = slug_map(
            repo::find_categories(conn, &ids(&before.category_id, &after.category_id))?
                .into_iter()
                .map(|c| (c.id, c.slug)),
        );
        m.insert(
            "category".into(),
            audit::change(
                lookup(&slugs, &before.category_id),
                lookup(&slugs, &after.category_id),
            ),
        );
    }
    Ok(())
}

fn ids(a: &Option<String>, b: &Option<String>) -> Vec<String> {
    a.iter().chain(b.iter()).cloned().collect()
}

fn slug_map(
    pairs: impl Iterator<Item = (String, String)>,
) -> std::collections::HashMap<String, String> {
    pairs.collect()
}

fn lookup(map: &std::collections::HashMap<String, String>, id: &Option<String>) -> Value {
    id.as_ref()
        .and_then(|id| map.get(id))
        .map(|s| Value::from(s.clone()))
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requesters_may_cancel_open_and_close_or_reopen_resolved_only() {
        let status = |s| UpdateTicket {
            status: Some(s),
            ..Default::default()
        };
        assert!(requester_may(&status(Status::Cancelled), Status::New));
        assert!(!requester_may(&status(Status::Cancelled), Status::Resolved));
        assert!(requester_may(&status(Status::Closed), Status::Resolved));
        assert!(requester_may(&status(Status::InProgress), Status::Resolved));
        assert!(!requester_may(
            &status(Status::Resolved),
            Status::InProgress
        ));
        let assign = UpdateTicket {
            status: Some(Status::Cancelled),
            assignee: Some(None),
            ..Default::default()
        };
        assert!(!requester_may(&assign, Status::New));
    }
}
