//! Filing a ticket, exactly once per `Idempotency-Key`.

use chrono::NaiveDateTime;

use super::super::domain::{Channel, Status, decide_priority};
use super::super::dto::CreateTicket;
use super::super::events::TicketEvent;
use super::super::model::{IdempotencyKey, Ticket, Watcher};
use super::super::{repo, search};
use super::attachments::{Attach, NewUpload, attach_in, store_files};
use super::{Rules, TicketView, full_view, resolve_category, resolve_queue};
use crate::audit;
use crate::auth::{User, service as people};
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::ids;

/// Longest subject accepted.
pub const MAX_SUBJECT_CHARS: usize = 250;
/// Longest description or comment accepted.
pub const MAX_BODY_CHARS: usize = 65_536;
/// Most watchers given at once.
pub const MAX_WATCHERS: usize = 50;

/// A client's retry token and the digest of what it sent with it.
#[derive(Debug, Clone)]
pub struct IdempotencyRequest {
    pub key: String,
    pub request_hash: String,
}

/// The filed ticket, and whether it was filed by an earlier request with the
/// same idempotency key.
#[derive(Debug, Clone)]
pub struct Created {
    pub view: TicketView,
    pub replayed: bool,
}

/// Checks what can be checked without the database, all fields at once.
pub fn validate(input: &CreateTicket, actor: &User) -> Result<(), AppError> {
    if actor.role == crate::auth::Role::Viewer {
        return Err(AppError::Forbidden(
            "viewers read everything and change nothing: file tickets with a requester's account"
                .into(),
        ));
    }
    let mut errors = Vec::new();
    let subject = input.subject.trim();
    if subject.is_empty() {
        errors.push(FieldError::new("subject", "must not be empty"));
    } else if subject.chars().count() > MAX_SUBJECT_CHARS {
        errors.push(FieldError::new(
            "subject",
            format!("must be at most {MAX_SUBJECT_CHARS} characters"),
        ));
    }
    if input.description.trim().is_empty() {
        errors.push(FieldError::new("description", "must not be empty"));
    } else if input.description.chars().count() > MAX_BODY_CHARS {
        errors.push(FieldError::new(
            "description",
            format!("must be at most {MAX_BODY_CHARS} characters"),
        ));
    }
    if input.watchers.len() > MAX_WATCHERS {
        errors.push(FieldError::new(
            "watchers",
            format!("at most {MAX_WATCHERS} watchers"),
        ));
    }
    if input.priority.is_some() && !actor.role.works_tickets() {
        errors.push(FieldError::new("priority", "only staff may set a priority"));
    }
    if let Some(email) = &input.requester_email
        && !actor.role.files_for_others()
        && !email.trim().eq_ignore_ascii_case(&actor.email)
    {
        errors.push(FieldError::new(
            "requester_email",
            "only staff may file a ticket for someone else",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// What a ticket is filed with besides its fields.
#[derive(Debug, Clone, Copy)]
pub struct Filing<'a> {
    pub channel: Channel,
    pub idempotency: Option<&'a IdempotencyRequest>,
    /// Checked files, recorded with the ticket in its transaction.
    pub files: &'a [NewUpload],
}

/// Files a ticket, with its files in the same transaction. With an
/// idempotency key, a repeated request returns the ticket of the first one;
/// the same key with a different body is refused.
pub fn create_ticket(
    db: &Db,
    rules: &Rules<'_>,
    actor: &User,
    input: &CreateTicket,
    filing: Filing<'_>,
    now: NaiveDateTime,
) -> Result<Created, AppError> {
    validate(input, actor)?;
    let Filing {
        channel,
        idempotency,
        files,
    } = filing;
    store_files(rules.attachments, files)?;
    let attempt = || {
        db.write(|conn| {
            if let Some(idem) = idempotency
                && let Some(done) = replay(conn, actor, idem)?
            {
                return Ok(done);
            }
            let view = insert_ticket(conn, rules, actor, input, channel, now)?;
            if !files.is_empty() {
                let with = Attach {
                    comment_id: None,
                    public: true,
                };
                attach_in(
                    conn,
                    rules.attachments,
                    actor,
                    &view.ticket.id,
                    with,
                    files,
                    now,
                )?;
            }
            if let Some(idem) = idempotency {
                repo::insert_idempotency_key(
                    conn,
                    &IdempotencyKey {
                        user_id: actor.id.clone(),
                        idem_key: idem.key.clone(),
                        request_hash: idem.request_hash.clone(),
                        ticket_id: view.ticket.id.clone(),
                        created_at: now,
                    },
                )?;
            }
            Ok(Created {
                view,
                replayed: false,
            })
        })
    };
    // Concurrent transactions on PostgreSQL may race to insert the same new
    // contact or idempotency key; the loser rolled back whole, and a retry
    // sees the winner's row (and replays its ticket for the same key).
    let mut result = attempt();
    for _ in 0..2 {
        match result {
            Err(AppError::Conflict {
                code: "already_exists",
                ..
            }) => result = attempt(),
            _ => break,
        }
    }
    result
}

fn replay(
    conn: &mut crate::db::DbConn,
    actor: &User,
    idem: &IdempotencyRequest,
) -> Result<Option<Created>, AppError> {
    let Some(stored) = repo::find_idempotency_key(conn, &actor.id, &idem.key)? else {
        return Ok(None);
    };
    if stored.request_hash != idem.request_hash {
        return Err(AppError::Validation(vec![FieldError::new(
            "Idempotency-Key",
            "this key was already used with a different request body",
        )]));
    }
    let ticket = repo::find(conn, &stored.ticket_id)?
        .ok_or_else(|| AppError::NotFound(format!("ticket {}", stored.ticket_id)))?;
    Ok(Some(Created {
        view: full_view(conn, ticket)?,
        replayed: true,
    }))
}

pub(crate) fn insert_ticket(
    conn: &mut crate::db::DbConn,
    rules: &Rules<'_>,
    actor: &User,
    input: &CreateTicket,
    channel: Channel,
    now: NaiveDateTime,
) -> Result<TicketView, AppError> {
    let p = parties(conn, actor, input, now)?;
    let number = repo::next_number(conn)?;
    let ticket = new_ticket(rules.tickets, input, &p, actor, (channel, number), now);
    let mut view = TicketView {
        ticket,
        requester: p.requester,
        assignee: None,
        queue: p.queue,
        category: p.category,
        watchers: p.watchers,
        sla: None,
    };
    if let Some(cols) = rules.hooks.filing_columns(&view, now) {
        cols.apply_to(&mut view.ticket);
    }
    store(conn, &view, actor, now)?;
    let reactions = rules
        .hooks
        .publish(conn, TicketEvent::Created { view: &view, actor }, now)?;
    if let Some(cols) = reactions.sla_columns {
        cols.apply_to(&mut view.ticket);
    }
    view.sla = reactions
        .service_level
        .filter(|_| actor.role.sees_all_tickets());
    Ok(view)
}

/// Who and what a filing names.
struct Parties {
    requester: User,
    queue: Option<super::super::model::Queue>,
    category: Option<super::super::model::Category>,
    watchers: Vec<User>,
}

/// The people and names a filing refers to, found or created (unknown
/// addresses become contacts).
fn parties(
    conn: &mut crate::db::DbConn,
    actor: &User,
    input: &CreateTicket,
    now: NaiveDateTime,
) -> Result<Parties, AppError> {
    let requester = match &input.requester_email {
        Some(email) => {
            people::ensure_contact(conn, email, "requester_email", Some(&actor.id), now)?
        }
        None => actor.clone(),
    };
    let queue = match &input.queue {
        Some(slug) => Some(resolve_queue(conn, "queue", slug)?),
        None => None,
    };
    let category = match &input.category {
        Some(slug) => Some(resolve_category(conn, "category", slug)?),
        None => None,
    };
    let mut watchers: Vec<User> = Vec::new();
    for (i, email) in input.watchers.iter().enumerate() {
        let user =
            people::ensure_contact(conn, email, &format!("watchers[{i}]"), Some(&actor.id), now)?;
        if user.id != requester.id && !watchers.iter().any(|w| w.id == user.id) {
            watchers.push(user);
        }
    }
    Ok(Parties {
        requester,
        queue,
        category,
        watchers,
    })
}

/// The ticket as filed: defaults from the settings, priority from the
/// matrix unless overridden.
fn new_ticket(
    settings: &crate::tickets::settings::TicketSettings,
    input: &CreateTicket,
    view: &Parties,
    actor: &User,
    (channel, number): (Channel, i64),
    now: NaiveDateTime,
) -> Ticket {
    let impact = input.impact.unwrap_or(settings.default_impact);
    let urgency = input.urgency.unwrap_or(settings.default_urgency);
    let priority = decide_priority(&settings.priority_matrix, impact, urgency, input.priority);
    Ticket {
        id: ids::new_id(),
        number,
        ticket_type: input.ticket_type.unwrap_or(settings.default_type),
        subject: input.subject.trim().to_owned(),
        description: input.description.clone(),
        requester_id: view.requester.id.clone(),
        queue_id: view.queue.as_ref().map(|q| q.id.clone()),
        category_id: view.category.as_ref().map(|c| c.id.clone()),
        assignee_id: None,
        impact,
        urgency,
        priority: priority.priority,
        priority_overridden: priority.overridden,
        status: Status::New,
        hold_reason: None,
        is_open: true,
        channel,
        created_by_id: actor.id.clone(),
        created_at: now,
        updated_at: now,
        resolved_at: None,
        closed_at: None,
        sla_policy: None,
        sla_state: None,
        sla_due_at: None,
        sla_next_check_at: None,
        sla_schedule: None,
    }
}

/// Writes the ticket, its watchers, its search entry and its `created`
/// history event.
fn store(
    conn: &mut crate::db::DbConn,
    view: &TicketView,
    actor: &User,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let ticket = &view.ticket;
    repo::insert(conn, ticket)?;
    let watcher_rows: Vec<Watcher> = view
        .watchers
        .iter()
        .map(|w| Watcher {
            ticket_id: ticket.id.clone(),
            user_id: w.id.clone(),
            created_at: now,
        })
        .collect();
    repo::insert_watchers(conn, &watcher_rows)?;
    search::index(
        conn,
        &[search::Document {
            ticket_id: &ticket.id,
            is_public: true,
            text: search::ticket_text(&ticket.subject, &ticket.description),
        }],
    )?;
    audit::record(
        conn,
        audit::Entry {
            entity_type: "ticket",
            entity_id: &ticket.id,
            actor_id: Some(&actor.id),
            action: "created",
            changes: serde_json::json!({
                "number": ticket.number,
                "type": ticket.ticket_type,
                "subject": ticket.subject,
                "requester": view.requester.email,
                "status": ticket.status,
                "impact": ticket.impact,
                "urgency": ticket.urgency,
                "priority": ticket.priority,
                "priority_overridden": ticket.priority_overridden,
                "queue": view.queue.as_ref().map(|q| q.slug.clone()),
                "category": view.category.as_ref().map(|c| c.slug.clone()),
                "watchers": view.watchers.iter().map(|w| w.email.clone()).collect::<Vec<_>>(),
                "channel": ticket.channel,
            }),
            at: now,
        },
    )?;
    Ok(())
}
