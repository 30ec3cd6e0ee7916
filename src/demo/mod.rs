//! `itdesk demo`: a living helpdesk for newcomers (people, queues,
//! categories, months of tickets with conversations and history), and the
//! bulk loader the benchmarks use for a million tickets. Deterministic for a
//! given seed; writes in batches of a thousand tickets per transaction.

mod catalog;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::audit;
use crate::auth::model::{NewUser, User};
use crate::auth::{Role, password, repo as users};
use crate::db::schema::tickets as tickets_table;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;
use crate::tickets::domain::{Channel, HoldReason, Level, Priority, PriorityMatrix, Status};
use crate::tickets::model::{Category, Comment, Queue, Ticket};
use crate::tickets::{repo, search};

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "itdesk-demo";

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub tickets: usize,
    pub months: u32,
    pub requesters: usize,
    pub seed: u64,
    /// Add tickets even if the database already has some.
    pub append: bool,
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            tickets: 400,
            months: 6,
            requesters: 60,
            seed: 2026,
            append: false,
            progress: true,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub people_created: usize,
    pub tickets: usize,
    pub comments: usize,
    pub history_events: usize,
}

const BATCH: usize = 1000;

/// Loads the demo data.
pub fn load(
    db: &Db,
    matrix: &PriorityMatrix,
    opts: &Options,
    now: NaiveDateTime,
) -> Result<Summary, AppError> {
    let existing: i64 =
        db.read(|conn| Ok::<_, AppError>(tickets_table::table.count().get_result(conn)?))?;
    if existing > 0 && !opts.append {
        return Err(AppError::conflict(
            "not_empty",
            format!(
                "the database already holds {existing} tickets; demo data is meant for an empty database (add --append to add tickets anyway)"
            ),
        ));
    }
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut summary = Summary::default();
    let hash = password::hash(DEMO_PASSWORD)?;
    let (staff, requesters, queues, categories) = db.write(|conn| {
        let mut created = 0;
        let staff = ensure_staff(conn, &hash, now, &mut created)?;
        let requesters =
            ensure_requesters(conn, &hash, opts.requesters, now, &mut created, &mut rng)?;
        let (queues, categories) = ensure_catalog(conn, now)?;
        summary.people_created = created;
        Ok::<_, AppError>((staff, requesters, queues, categories))
    })?;
    let agents: Vec<&User> = staff
        .iter()
        .filter(|u| matches!(u.role, Role::Agent | Role::Coordinator))
        .collect();
    let span = Duration::days(30 * i64::from(opts.months.max(1)));
    let start = now - span;
    let bar = progress_bar(opts);
    let mut done = 0usize;
    while done < opts.tickets {
        let n = BATCH.min(opts.tickets - done);
        let world = World {
            agents: &agents,
            requesters: &requesters,
            queues: &queues,
            categories: &categories,
            matrix,
            now,
        };
        let batch = db.write(|conn| {
            let first_number = reserve_numbers(conn, n as i64)?;
            let mut batch = Batch::default();
            for i in 0..n {
                let position = (done + i) as f64 / opts.tickets.max(1) as f64;
                let created = start
                    + Duration::seconds((span.num_seconds() as f64 * position) as i64)
                    + Duration::seconds(rng.random_range(0..600));
                generate_ticket(
                    &world,
                    &mut rng,
                    first_number + i as i64,
                    created.min(now),
                    &mut batch,
                );
            }
            batch.write(conn)?;
            Ok::<_, AppError>(batch)
        })?;
        summary.tickets += batch.tickets.len();
        summary.comments += batch.comments.len();
        summary.history_events += batch.events.len();
        done += n;
        bar.set_position(done as u64);
    }
    bar.finish_and_clear();
    Ok(summary)
}

fn progress_bar(opts: &Options) -> ProgressBar {
    if !opts.progress || opts.tickets < 5 * BATCH {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(opts.tickets as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} tickets ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Takes `n` consecutive ticket numbers; returns the first.
fn reserve_numbers(conn: &mut DbConn, n: i64) -> QueryResult<i64> {
    let first = repo::next_number(conn)?;
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query(format!(
            "SELECT setval('ticket_number_seq', {})",
            first + n - 1
        ))
        .execute(c)?;
    }
    Ok(first)
}

fn new_user(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    role: Role,
    hash: &str,
    org: Option<&str>,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let id = ids::new_id();
    users::insert_user(
        conn,
        &NewUser {
            id: &id,
            email,
            display_name: name,
            role,
            password_hash: Some(hash),
            is_active: true,
            organization: org,
            created_at: now,
            updated_at: now,
        },
    )?;
    audit::record(
        conn,
        audit::Entry {
            entity_type: "user",
            entity_id: &id,
            actor_id: None,
            action: "created",
            changes: serde_json::json!({"email": email, "role": role, "source": "demo"}),
            at: now,
        },
    )?;
    users::find_user(conn, &id)?.ok_or_else(|| AppError::NotFound("user".into()))
}

fn ensure_staff(
    conn: &mut DbConn,
    hash: &str,
    now: NaiveDateTime,
    created: &mut usize,
) -> Result<Vec<User>, AppError> {
    let mut out = Vec::new();
    for (email, name, role) in catalog::STAFF {
        let role: Role = role
            .parse()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        let user = match users::find_user_by_email(conn, email)? {
            Some(u) => u,
            None => {
                *created += 1;
                new_user(conn, email, name, role, hash, Some("IT"), now)?
            }
        };
        out.push(user);
    }
    Ok(out)
}

fn ensure_requesters(
    conn: &mut DbConn,
    hash: &str,
    count: usize,
    now: NaiveDateTime,
    created: &mut usize,
    rng: &mut StdRng,
) -> Result<Vec<User>, AppError> {
    let mut out = Vec::new();
    for i in 0..count.max(1) {
        let first = catalog::FIRST_NAMES[i % catalog::FIRST_NAMES.len()];
        let last =
            catalog::LAST_NAMES[(i / catalog::FIRST_NAMES.len() + i) % catalog::LAST_NAMES.len()];
        let email = if i == 0 {
            "user@example.org".to_owned()
        } else {
            format!("{}.{}{}@example.org", ascii(first), ascii(last), i)
        };
        let user = match users::find_user_by_email(conn, &email)? {
            Some(u) => u,
            None => {
                *created += 1;
                let org = catalog::ORGANISATIONS[rng.random_range(0..catalog::ORGANISATIONS.len())];
                let name = if i == 0 {
                    "Una User".to_owned()
                } else {
                    format!("{first} {last}")
                };
                new_user(conn, &email, &name, Role::Requester, hash, Some(org), now)?
            }
        };
        out.push(user);
    }
    Ok(out)
}

fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ü' => 'u',
            'á' | 'à' => 'a',
            'é' => 'e',
            'š' => 's',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

fn ensure_catalog(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> Result<(Vec<Queue>, Vec<Category>), AppError> {
    for (slug, name, description) in catalog::QUEUES {
        if repo::find_queue_by_slug(conn, slug)?.is_none() {
            repo::insert_queue(
                conn,
                &Queue {
                    id: ids::new_id(),
                    slug: (*slug).into(),
                    name: (*name).into(),
                    description: (*description).into(),
                    created_at: now,
                },
            )?;
        }
    }
    for (slug, name) in catalog::CATEGORIES {
        if repo::find_category_by_slug(conn, slug)?.is_none() {
            repo::insert_category(
                conn,
                &Category {
                    id: ids::new_id(),
                    slug: (*slug).into(),
                    name: (*name).into(),
                    created_at: now,
                },
            )?;
        }
    }
    Ok((repo::all_queues(conn)?, repo::all_categories(conn)?))
}

struct World<'a> {
    agents: &'a [&'a User],
    requesters: &'a [User],
    queues: &'a [Queue],
    categories: &'a [Category],
    matrix: &'a PriorityMatrix,
    now: NaiveDateTime,
}

#[derive(Default)]
struct Batch {
    tickets: Vec<Ticket>,
    comments: Vec<Comment>,
    events: Vec<audit::AuditEvent>,
    docs: Vec<(String, bool, String)>,
}

impl Batch {
    fn event(
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

    fn write(&self, conn: &mut DbConn) -> Result<(), AppError> {
        repo::insert_many(conn, &self.tickets)?;
        for chunk in self.comments.chunks(BATCH) {
            repo::insert_comments(conn, chunk)?;
        }
        for chunk in self.events.chunks(BATCH) {
            crate::insert_all!(conn, crate::db::schema::audit_events::table, chunk)?;
        }
        let docs: Vec<search::Document<'_>> = self
            .docs
            .iter()
            .map(|(ticket_id, is_public, text)| search::Document {
                ticket_id,
                is_public: *is_public,
                text: text.clone(),
            })
            .collect();
        search::index(conn, &docs)?;
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
fn status_for_age(rng: &mut StdRng, age_days: i64) -> (Status, Option<HoldReason>) {
    let open_share = match age_days {
        d if d < 14 => 0.5,
        d if d < 30 => 0.1,
        _ => 0.005,
    };
    if rng.random_bool(open_share) {
        return match rng.random_range(0..10) {
            0..=2 => (Status::New, None),
            3..=4 => (Status::Triaged, None),
            5..=7 => (Status::InProgress, None),
            8 => (Status::OnHold, Some(HoldReason::AwaitingRequester)),
            _ => (Status::OnHold, Some(*pick(rng, HoldReason::ALL))),
        };
    }
    match rng.random_range(0..100) {
        0..=4 => (Status::Cancelled, None),
        5..=19 if age_days < 10 => (Status::Resolved, None),
        _ => (Status::Closed, None),
    }
}

fn generate_ticket(
    w: &World<'_>,
    rng: &mut StdRng,
    number: i64,
    created: NaiveDateTime,
    b: &mut Batch,
) {
    let tpl = pick(rng, catalog::TEMPLATES);
    let requester = pick(rng, w.requesters);
    let agent = *pick(rng, w.agents);
    let id = ids::new_id();
    let age_days = (w.now - created).num_days();
    let (status, hold_reason) = status_for_age(rng, age_days);
    let override_priority = rng.random_bool(0.05).then(|| *pick(rng, Priority::ALL));
    let impact = if rng.random_bool(0.2) {
        *pick(rng, Level::ALL)
    } else {
        tpl.impact
    };
    let decision =
        crate::tickets::domain::decide_priority(w.matrix, impact, tpl.urgency, override_priority);
    let minutes = |m: i64| created + Duration::minutes(m);
    let mut at = created;
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
        at,
    );
    b.docs.push((
        id.clone(),
        true,
        search::ticket_text(tpl.subject, tpl.description),
    ));
    let mut ticket = Ticket {
        id: id.clone(),
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
    };
    let cap = |t: NaiveDateTime| t.min(w.now);
    if status != Status::New {
        at = cap(minutes(rng.random_range(5..240)));
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
        at = cap(at + Duration::minutes(rng.random_range(1..90)));
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
        }
    }
    if status != Status::New && status != Status::InProgress {
        at = cap(at + Duration::minutes(rng.random_range(30..2880)));
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
    }
    ticket.is_open = ticket.status.is_open();
    ticket.updated_at = at;
    b.tickets.push(ticket);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_tickets_are_mostly_done_and_recent_ones_often_open() {
        let mut rng = StdRng::seed_from_u64(1);
        let open_old = (0..2000)
            .filter(|_| status_for_age(&mut rng, 200).0.is_open())
            .count();
        let open_new = (0..2000)
            .filter(|_| status_for_age(&mut rng, 2).0.is_open())
            .count();
        assert!(open_old < 40, "{open_old}");
        assert!(open_new > 800, "{open_new}");
    }
}
