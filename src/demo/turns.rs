//! The turns some demo tickets take, so that the monthly report has
//! something to say about them: about one resolved ticket in seventeen is
//! reopened within days and resolved again, and about one worked ticket in
//! twelve is moved to another queue soon after it was filed. Drawn from a
//! generator of the ticket's own (seeded by its number), so the rest of the
//! demo stays as it was.

use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::generate::{Batch, World};
use crate::tickets::Ticket;
use crate::tickets::domain::Status;

/// Adds a reopen or a queue move to `ticket` (its events into `b`).
pub(super) fn take_turns(w: &World<'_>, ticket: &mut Ticket, agent: &str, b: &mut Batch) {
    let mut rng = StdRng::seed_from_u64(0x7e57_0000 ^ ticket.number as u64);
    if ticket.status != Status::New && rng.random_bool(1.0 / 12.0) {
        moved(w, &mut rng, ticket, agent, b);
    }
    if matches!(ticket.status, Status::Resolved | Status::Closed) && rng.random_bool(1.0 / 17.0) {
        reopened(w, &mut rng, ticket, agent, b);
    }
}

fn moved(w: &World<'_>, rng: &mut StdRng, t: &mut Ticket, agent: &str, b: &mut Batch) {
    let from = w.queues.iter().find(|q| Some(&q.id) == t.queue_id.as_ref());
    let others: Vec<_> = w
        .queues
        .iter()
        .filter(|q| Some(&q.id) != t.queue_id.as_ref())
        .collect();
    let (Some(from), false) = (from, others.is_empty()) else {
        return;
    };
    let to = others[rng.random_range(0..others.len())];
    let at = t.created_at + Duration::minutes(rng.random_range(1..5));
    if at > w.now {
        return;
    }
    b.event(
        &t.id,
        agent,
        "updated",
        serde_json::json!({"queue": {"from": from.slug, "to": to.slug}}),
        at,
    );
    t.queue_id = Some(to.id.clone());
}

fn reopened(w: &World<'_>, rng: &mut StdRng, t: &mut Ticket, agent: &str, b: &mut Batch) {
    let Some(resolved) = t.resolved_at else {
        return;
    };
    let reopen = resolved + Duration::minutes(rng.random_range(60..4 * 24 * 60));
    let again = reopen + Duration::minutes(rng.random_range(30..8 * 60));
    let limit: NaiveDateTime = t.closed_at.unwrap_or(w.now).min(w.now);
    if again >= limit {
        return;
    }
    let change = |from: &str, to: &str| serde_json::json!({"status": {"from": from, "to": to}});
    b.event(
        &t.id,
        agent,
        "updated",
        change("resolved", "in_progress"),
        reopen,
    );
    b.event(
        &t.id,
        agent,
        "updated",
        change("in_progress", "resolved"),
        again,
    );
    t.resolved_at = Some(again);
    t.updated_at = t.updated_at.max(again);
}
