//! Generating one ticket's life: when it was filed, who worked it, what was
//! said, where it stands now, and the history that goes with it.

use chrono::{Duration, NaiveDateTime};
use rand::RngExt;
use rand::rngs::StdRng;

use super::catalog;
use crate::audit;
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::tickets::domain::{Channel, HoldReason, Level, Priority, PriorityMatrix, Status};
use crate::tickets::search;
use crate::tickets::service::bulk;
use crate::tickets::{Category, Comment, Queue, Ticket};

pub(super) struct World<'a> {
    pub(super) agents: &'a [&'a User],
    pub(super) requesters: &'a [User],
    pub(super) queues: &'a [Queue],
    pub(super) categories: &'a [Category],
    pub(super) matrix: &'a PriorityMatrix,
    pub(super) now: NaiveDateTime,
    /// Every ticket still open (for load tests of the open queue).
    pub(super) all_open: bool,
}

#[derive(Default)]
pub(super) struct Batch {
    pub(super) tickets: Vec<Ticket>,
    pub(super) comments: Vec<Comment>,
    pub(super) events: Vec<audit::AuditEvent>,
    pub(super) docs: Vec<(String, bool, String)>,
}

impl Batch {
    pub(super) fn event(
        &mut self,
        ticket: &str,
        actor: &str,
        action: &str,
        changes: serde_json::Value,
        at: NaiveDateTime,
    ) {
        self.events.push(audit::AuditEvent {
            id: ids::new_id(),
            entity_type: "ticket".into(),
            entity_id: ticket.into(),
            actor_id: Some(actor.into()),
            action: action.into(),
            changes: changes.to_string(),
            occurred_at: at,
        });
    }

    fn comment(
        &mut self,
        ticket: &str,
        author: &User,
        body: &str,
        public: bool,
        at: NaiveDateTime,
        by_requester: bool,
    ) {
        let c = Comment {
            id: ids::new_id(),
            ticket_id: ticket.into(),
            author_id: author.id.clone(),
            body: body.into(),
            is_public: public,
            created_at: at,
            is_verified: true,
        };
        self.event(
            ticket,
            &author.id,
            "commented",
            serde_json::json!({"comment_id": c.id, "public": public, "by_requester": by_requester}),
            at,
        );
        self.docs.push((ticket.into(), public, c.body.clone()));
        self.comments.push(c);
    }

    pub(super) fn write(&self, conn: &mut DbConn) -> Result<(), AppError> {
        bulk::insert(conn, &self.tickets, &self.comments, &self.docs)?;
        audit::insert_events(conn, &self.events)?;
        Ok(())
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn pick_text(rng: &mut StdRng, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

/// The status a ticket of this age most plausibly has now.
fn open_status(rng: &mut StdRng) -> (Status, Option<HoldReason>) {
    match rng.random_range(0..10) {
        0..=2 => (Status::New, None),
        3..=4 => (Status::Triaged, None),
        5..=7 => (Status::InProgress, None),
        8 => (Status::OnHold, Some(HoldReason::AwaitingRequester)),
        _ => (Status::OnHold, Some(*pick(rng, HoldReason::ALL))),
    }
}

/// Where a ticket of this age stands now, as a team that keeps its
/// service levels would have it: fresh tickets are being worked, a few
/// wait for the requester, and everything older is done.
fn status_for_age(rng: &mut StdRng, age: Duration) -> (Status, Option<HoldReason>) {
    let (hours, days) = (age.num_hours(), age.num_days());
    let waiting = |rng: &mut StdRng| {
        let reason = if rng.random_bool(0.8) {
            HoldReason::AwaitingRequester
        } else {
            HoldReason::Scheduled
        };
        (Status::OnHold, Some(reason))
    };
    if hours < 2 {
        return match rng.random_range(0..10) {
            0..=3 => (Status::New, None),
            4..=5 => (Status::Triaged, None),
            _ => (Status::InProgress, None),
        };
    }
    if hours < 72 {
        return match rng.random_range(0..10) {
            0..=3 => (Status::InProgress, None),
            4..=5 => waiting(rng),
            _ => (Status::Resolved, None),
        };
    }
    match rng.random_range(0..100) {
        0..=5 if days < 21 => waiting(rng),
        6..=10 => (Status::Cancelled, None),
        11..=30 if days < 10 => (Status::Resolved, None),
        _ => (Status::Closed, None),
    }
}

/// How long the team takes, in wall-clock minutes, for a first reply and
/// for a resolution at this priority: well inside the standard policy's
/// targets, and about one ticket in sixteen late.
fn pace(rng: &mut StdRng, priority: Priority, resolution: bool) -> i64 {
    let (low, high) = match (priority, resolution) {
        (Priority::P1, false) => (5, 25),
        (Priority::P2, false) => (10, 50),
        (Priority::P3, false) => (15, 180),
        (Priority::P4, false) => (30, 360),
        (Priority::P1, true) => (40, 200),
        (Priority::P2, true) => (120, 720),
        (Priority::P3, true) => (240, 1440),
        (Priority::P4, true) => (480, 2880),
    };
    let minutes = rng.random_range(low..high);
    if rng.random_bool(1.0 / 16.0) {
        minutes * 4
    } else {
        minutes
    }
}

pub(super) fn generate_ticket(
    w: &World<'_>,
    rng: &mut StdRng,
    number: i64,
    created: NaiveDateTime,
    b: &mut Batch,
) {
    let tpl = pick(rng, catalog::TEMPLATES);
    let requester = pick(rng, w.requesters);
    let agent = *pick(rng, w.agents);
    let (status, hold_reason) = if w.all_open {
        open_status(rng)
    } else {
        status_for_age(rng, w.now - created)
    };
    let mut ticket = filed(w, rng, tpl, requester, number, created, b);
    let mut at = created;
    if status != Status::New {
        at = worked(w, rng, &mut ticket, agent, requester, b);
    }
    if status != Status::New && status != Status::InProgress {
        at = settled(w, rng, &mut ticket, agent, (status, hold_reason), at, b);
    }
    ticket.is_open = ticket.status.is_open();
    ticket.updated_at = at;
    super::turns::take_turns(w, &mut ticket, &agent.id, b);
    b.tickets.push(ticket);
}

/// The ticket as filed from a template, with its `created` event and its
/// search text.
fn filed(
    w: &World<'_>,
    rng: &mut StdRng,
    tpl: &catalog::Template,
    requester: &User,
    number: i64,
    created: NaiveDateTime,
    b: &mut Batch,
) -> Ticket {
    let id = ids::new_id();
    let override_priority = rng.random_bool(0.05).then(|| *pick(rng, Priority::ALL));
    let impact = if rng.random_bool(0.2) {
        *pick(rng, Level::ALL)
    } else {
        tpl.impact
    };
    let decision =
        crate::tickets::domain::decide_priority(w.matrix, impact, tpl.urgency, override_priority);
    let queue = w.queues.iter().find(|q| q.slug == tpl.queue);
    let category = w.categories.iter().find(|c| c.slug == tpl.category);
    b.event(
        &id,
        &requester.id,
        "created",
        serde_json::json!({
            "number": number, "type": tpl.ticket_type, "subject": tpl.subject, "requester": requester.email,
            "status": "new", "impact": impact, "urgency": tpl.urgency, "priority": decision.priority,
            "priority_overridden": decision.overridden, "queue": tpl.queue, "category": tpl.category,
            "watchers": [], "channel": "web",
        }),
        created,
    );
    b.docs.push((
        id.clone(),
        true,
        search::ticket_text(tpl.subject, tpl.description),
    ));
    Ticket {
        id,
        number,
        ticket_type: tpl.ticket_type,
        subject: tpl.subject.into(),
        description: tpl.description.into(),
        requester_id: requester.id.clone(),
        queue_id: queue.map(|q| q.id.clone()),
        category_id: category.map(|c| c.id.clone()),
        assignee_id: None,
        impact,
        urgency: tpl.urgency,
        priority: decision.priority,
        priority_overridden: decision.overridden,
        status: Status::New,
        hold_reason: None,
        is_open: true,
        channel: if rng.random_bool(0.3) {
            Channel::Email
        } else {
            Channel::Web
        },
        created_by_id: requester.id.clone(),
        created_at: created,
        updated_at: created,
        resolved_at: None,
        closed_at: None,
        sla_policy: None,
        sla_state: None,
        sla_due_at: None,
        sla_next_check_at: None,
        sla_schedule: None,
    }
}

/// An agent takes the ticket and replies; sometimes a note, sometimes the
/// requester answers. Returns when the conversation ended.
fn worked(
    w: &World<'_>,
    rng: &mut StdRng,
    ticket: &mut Ticket,
    agent: &User,
    requester: &User,
    b: &mut Batch,
) -> NaiveDateTime {
    let cap = |t: NaiveDateTime| t.min(w.now);
    let id = ticket.id.clone();
    let first_reply = pace(rng, ticket.priority, false);
    let mut at = cap(ticket.created_at + Duration::minutes(rng.random_range(1..=first_reply)));
    ticket.assignee_id = Some(agent.id.clone());
    b.event(
        &id,
        &agent.id,
        "updated",
        serde_json::json!({"assignee": audit::change(serde_json::Value::Null, agent.email.as_str()),
                           "status": audit::change("new", "in_progress")}),
        at,
    );
    ticket.status = Status::InProgress;
    at = cap(ticket.created_at + Duration::minutes(first_reply).max(at - ticket.created_at));
    b.comment(
        &id,
        agent,
        pick_text(rng, catalog::AGENT_REPLIES),
        true,
        at,
        false,
    );
    if rng.random_bool(0.25) {
        at = cap(at + Duration::minutes(rng.random_range(1..60)));
        b.comment(
            &id,
            agent,
            pick_text(rng, catalog::INTERNAL_NOTES),
            false,
            at,
            false,
        );
    }
    if rng.random_bool(0.4) {
        at = cap(at + Duration::minutes(rng.random_range(10..600)));
        b.comment(
            &id,
            requester,
            pick_text(rng, catalog::REQUESTER_REPLIES),
            true,
            at,
            true,
        );
        // The agent answers that too, at the same pace.
        if at < w.now {
            at = cap(at + Duration::minutes(pace(rng, ticket.priority, false)));
            b.comment(
                &id,
                agent,
                pick_text(rng, catalog::AGENT_REPLIES),
                true,
                at,
                false,
            );
        }
    }
    at
}

/// The ticket reaches where it stands now (on hold, resolved, closed,
/// cancelled). Returns when it last changed.
fn settled(
    w: &World<'_>,
    rng: &mut StdRng,
    ticket: &mut Ticket,
    agent: &User,
    (status, hold_reason): (Status, Option<HoldReason>),
    at: NaiveDateTime,
    b: &mut Batch,
) -> NaiveDateTime {
    let cap = |t: NaiveDateTime| t.min(w.now);
    let id = ticket.id.clone();
    let to_resolve = pace(rng, ticket.priority, true);
    let mut at = if matches!(status, Status::Resolved | Status::Closed) {
        cap((ticket.created_at + Duration::minutes(to_resolve)).max(at + Duration::minutes(5)))
    } else {
        cap(at + Duration::minutes(rng.random_range(5..120)))
    };
    let first_step = if status == Status::Closed {
        Status::Resolved
    } else {
        status
    };
    let mut changes =
        serde_json::json!({"status": audit::change("in_progress", first_step.as_str())});
    if let Some(h) = hold_reason {
        changes["hold_reason"] = audit::change(serde_json::Value::Null, h.as_str());
    }
    b.event(&id, &agent.id, "updated", changes, at);
    ticket.status = status;
    ticket.hold_reason = hold_reason;
    if matches!(status, Status::Resolved | Status::Closed) {
        ticket.resolved_at = Some(at);
    }
    if status == Status::Closed {
        let closed = cap(at + Duration::days(3));
        b.event(
            &id,
            &agent.id,
            "updated",
            serde_json::json!({"status": audit::change("resolved", "closed")}),
            closed,
        );
        ticket.closed_at = Some(closed);
        at = closed;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_team_mostly_keeps_its_pace_and_is_sometimes_late() {
        let mut rng = StdRng::seed_from_u64(7);
        let late = (0..3200)
            .filter(|_| pace(&mut rng, Priority::P1, false) > 25)
            .count();
        assert!((100..300).contains(&late), "about one in sixteen: {late}");
    }

    #[test]
    fn old_tickets_are_mostly_done_and_recent_ones_often_open() {
        let mut rng = StdRng::seed_from_u64(1);
        let open_old = (0..2000)
            .filter(|_| status_for_age(&mut rng, Duration::days(200)).0.is_open())
            .count();
        let waiting_old = (0..2000)
            .filter(|_| status_for_age(&mut rng, Duration::days(10)).0 == Status::OnHold)
            .count();
        let open_new = (0..2000)
            .filter(|_| status_for_age(&mut rng, Duration::hours(30)).0.is_open())
            .count();
        let fresh_new = (0..2000)
            .filter(|_| status_for_age(&mut rng, Duration::days(5)).0 == Status::New)
            .count();
        assert_eq!(open_old, 0, "old tickets are done");
        assert!((60..200).contains(&waiting_old), "{waiting_old}");
        assert!(open_new > 800, "{open_new}");
        assert_eq!(fresh_new, 0, "nothing waits days for a first look");
    }
}
