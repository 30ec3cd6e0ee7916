//! Reading tickets: one ticket, the queue listing, counts, the history.

use super::super::domain::{Priority, Status, TicketType};
use super::super::dto::ListParams;
use super::super::listing::{
    Cursor, ListFilter, SLA_STATES, SearchTerms, Sort, SortKey, StatusFilter,
};
use super::super::repo;
use super::{
    Rules, TicketRef, TicketView, find_person, full_view, resolve_category, resolve_queue, views,
    visible_ticket,
};
use crate::audit::{self, AuditEvent};
use crate::auth::domain::may_see_internal;
use crate::auth::{User, people as users};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::http::ApiSettings;

/// One ticket the actor may see; staff also get its live SLA.
pub fn get_ticket(
    db: &Db,
    rules: &Rules<'_>,
    actor: &User,
    r: &TicketRef,
    now: chrono::NaiveDateTime,
) -> Result<TicketView, AppError> {
    db.read(|conn| {
        let (ticket, _) = visible_ticket(conn, actor, r)?;
        let mut view = full_view(conn, ticket)?;
        if actor.role.sees_all_tickets() {
            view.sla = rules.hooks.service_level(conn, &view.ticket, now)?;
        }
        Ok(view)
    })
}

/// A page of the listing.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub items: Vec<TicketView>,
    pub next_cursor: Option<String>,
    pub sort: Sort,
}

/// The listing's query, checked and resolved.
struct Resolved {
    filter: ListFilter,
    sort: Sort,
    cursor: Option<Cursor>,
    limit: i64,
}

fn resolve(
    conn: &mut DbConn,
    limits: &ApiSettings,
    actor: &User,
    p: &ListParams,
) -> Result<Resolved, AppError> {
    let mut errors = Vec::new();
    let mut filter = ListFilter {
        search_internal: may_see_internal(actor.role),
        visible_to: (!actor.role.sees_all_tickets()).then(|| actor.id.clone()),
        ..ListFilter::default()
    };
    if let Some(s) = non_empty(&p.status) {
        match s.parse::<StatusFilter>() {
            Ok(f) => filter.status = f,
            Err(e) => errors.push(FieldError::new("status", e)),
        }
    }
    let (sort, limit, cursor) = paging(limits, p, &mut errors);
    read_words(&mut filter, p, &mut errors);
    if sort.key == SortKey::Relevance && filter.text.is_none() {
        errors.push(FieldError::new(
            "sort",
            "relevance orders the matches of a search: give q too",
        ));
    }
    resolve_names(conn, actor, &mut filter, p, &mut errors)?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Resolved {
        filter,
        sort,
        cursor,
        limit,
    })
}

/// The order, the page size and where the page starts.
fn paging(
    limits: &ApiSettings,
    p: &ListParams,
    errors: &mut Vec<FieldError>,
) -> (Sort, i64, Option<Cursor>) {
    let sort = match non_empty(&p.sort).map(str::parse::<Sort>) {
        None => Sort::default(),
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            errors.push(FieldError::new("sort", e));
            Sort::default()
        }
    };
    let limit = p.limit.unwrap_or(limits.page_size_default);
    if !(1..=limits.page_size_max).contains(&limit) {
        errors.push(FieldError::new(
            "limit",
            format!("must be between 1 and {}", limits.page_size_max),
        ));
    }
    let cursor = match non_empty(&p.cursor).map(|c| Cursor::decode(c, sort)) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            errors.push(FieldError::new("cursor", e));
            None
        }
    };
    (sort, limit, cursor)
}

/// The filters written as words: priorities, type, search terms, SLA
/// states.
fn read_words(filter: &mut ListFilter, p: &ListParams, errors: &mut Vec<FieldError>) {
    if let Some(list) = non_empty(&p.priority) {
        for word in list.split(',') {
            match word.trim().parse::<Priority>() {
                Ok(pr) => filter.priorities.push(pr),
                Err(e) => errors.push(FieldError::new("priority", e.to_string())),
            }
        }
    }
    if let Some(t) = non_empty(&p.ticket_type) {
        match t.parse::<TicketType>() {
            Ok(t) => filter.ticket_type = Some(t),
            Err(e) => errors.push(FieldError::new("type", e.to_string())),
        }
    }
    filter.text = non_empty(&p.q).and_then(SearchTerms::parse);
    if let Some(list) = non_empty(&p.sla) {
        for word in list.split(',').map(str::trim) {
            if SLA_STATES.contains(&word) {
                filter.sla_states.push(word.to_owned());
            } else {
                errors.push(FieldError::new(
                    "sla",
                    format!("unknown SLA state `{word}`; use {}", SLA_STATES.join(", ")),
                ));
            }
        }
    }
}

/// The filters that name things: queue, category, assignee, requester.
fn resolve_names(
    conn: &mut DbConn,
    actor: &User,
    filter: &mut ListFilter,
    p: &ListParams,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    match non_empty(&p.queue) {
        None => {}
        Some("none") => filter.queue_id = Some(None),
        Some(slug) => match resolve_queue(conn, "queue", slug) {
            Ok(q) => filter.queue_id = Some(Some(q.id)),
            Err(e) => errors.extend(fields_of(e)?),
        },
    }
    if let Some(slug) = non_empty(&p.category) {
        match resolve_category(conn, "category", slug) {
            Ok(c) => filter.category_id = Some(c.id),
            Err(e) => errors.extend(fields_of(e)?),
        }
    }
    match non_empty(&p.assignee) {
        None => {}
        Some("none") => filter.assignee_id = Some(None),
        Some("me") => filter.assignee_id = Some(Some(actor.id.clone())),
        Some(who) => match find_person(conn, who)? {
            Some(u) => filter.assignee_id = Some(Some(u.id)),
            None => errors.push(FieldError::new("assignee", format!("no user `{who}`"))),
        },
    }
    match non_empty(&p.requester) {
        None => {}
        Some("me") => filter.requester_id = Some(actor.id.clone()),
        Some(who) => match find_person(conn, who)? {
            Some(u) => filter.requester_id = Some(u.id),
            None => errors.push(FieldError::new("requester", format!("no user `{who}`"))),
        },
    }
    Ok(())
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn fields_of(e: AppError) -> Result<Vec<FieldError>, AppError> {
    match e {
        AppError::Validation(f) => Ok(f),
        other => Err(other),
    }
}

/// Where the page after `last` starts.
fn next_cursor(sort: Sort, last: &crate::tickets::Ticket, rank: Option<f64>) -> String {
    Cursor {
        sort,
        priority: (sort.key == SortKey::Priority).then_some(last.priority),
        at: match sort.key {
            SortKey::UpdatedAt => last.updated_at,
            SortKey::SlaDue => last.sla_due_at.unwrap_or(last.created_at),
            SortKey::CreatedAt | SortKey::Priority | SortKey::Relevance => last.created_at,
        },
        id: last.id.clone(),
        rank: rank.map(f64::to_bits),
    }
    .encode()
}

/// One page of tickets the actor may see, filtered and sorted.
pub fn list_tickets(
    db: &Db,
    limits: &ApiSettings,
    actor: &User,
    params: &ListParams,
) -> Result<ListPage, AppError> {
    db.read(|conn| {
        let q = resolve(conn, limits, actor, params)?;
        let (mut rows, ranks) = if q.sort.key == SortKey::Relevance {
            let after = q
                .cursor
                .as_ref()
                .and_then(|c| Some((f64::from_bits(c.rank?), c.id.clone())));
            let ranked = repo::list_ranked(conn, &q.filter, after, q.limit + 1)?;
            let ranks = ranked.iter().map(|(_, r)| *r).collect();
            (
                ranked.into_iter().map(|(t, _)| t).collect::<Vec<_>>(),
                ranks,
            )
        } else {
            let rows = repo::list(conn, &q.filter, q.sort, q.cursor.as_ref(), q.limit + 1)?;
            (rows, Vec::new())
        };
        let more = rows.len() as i64 > q.limit;
        rows.truncate(q.limit as usize);
        let next_cursor = rows
            .last()
            .filter(|_| more)
            .map(|last| next_cursor(q.sort, last, ranks.get(rows.len() - 1).copied()));
        Ok(ListPage {
            items: views(conn, rows)?,
            next_cursor,
            sort: q.sort,
        })
    })
}

/// How many tickets a listing with these parameters holds, on all pages.
pub fn count_tickets(
    conn: &mut DbConn,
    limits: &ApiSettings,
    actor: &User,
    params: &ListParams,
) -> Result<i64, AppError> {
    let q = resolve(conn, limits, actor, params)?;
    Ok(repo::count_matching(conn, &q.filter)?)
}

/// Open tickets per status under the listing's filters (status ignored).
#[derive(Debug, Clone)]
pub struct QueueSummary {
    /// Open tickets by status, under every filter but the status.
    pub counts: Vec<(Status, i64)>,
    /// Tickets under every filter, on all pages.
    pub total: i64,
}

pub fn queue_summary(
    db: &Db,
    limits: &ApiSettings,
    actor: &User,
    params: &ListParams,
) -> Result<QueueSummary, AppError> {
    db.read(|conn| {
        let without_status = ListParams {
            status: None,
            cursor: None,
            ..params.clone()
        };
        let q = resolve(conn, limits, actor, &without_status)?;
        let all = resolve(
            conn,
            limits,
            actor,
            &ListParams {
                cursor: None,
                ..params.clone()
            },
        )?;
        Ok(QueueSummary {
            counts: repo::count_open_by_status(conn, &q.filter)?,
            total: repo::count_matching(conn, &all.filter)?,
        })
    })
}

/// The ticket's history with the people who made each change. Requesters
/// do not see the traces of internal notes.
pub fn history(
    db: &Db,
    actor: &User,
    r: &TicketRef,
) -> Result<Vec<(AuditEvent, Option<User>)>, AppError> {
    db.read(|conn| {
        let (ticket, _) = visible_ticket(conn, actor, r)?;
        let mut events = audit::history(conn, "ticket", &ticket.id)?;
        if !may_see_internal(actor.role) {
            let files: Vec<String> = repo::attachments(conn, &ticket.id, false)?
                .into_iter()
                .map(|a| a.id)
                .collect();
            events.retain(|e| shown_to_requesters(e, &files));
        }
        Ok(users::with_actors(conn, events)?)
    })
}

/// What requesters and watchers see of a ticket's history: its filing,
/// public replies, the files they may open and changes to its fields —
/// not internal notes or their files, SLA warnings and breaches, mail
/// handling, or asset links (a list of what staff do, not of what they may
/// know).
fn shown_to_requesters(e: &AuditEvent, visible_files: &[String]) -> bool {
    let changes = || serde_json::from_str::<serde_json::Value>(&e.changes).unwrap_or_default();
    match e.action.as_str() {
        "created" | "updated" | "comment_confirmed" => true,
        "commented" => {
            let c = changes();
            c.get("public").and_then(serde_json::Value::as_bool) != Some(false)
                && c.get("unverified").and_then(serde_json::Value::as_bool) != Some(true)
        }
        "attachment_added" => changes()
            .get("attachment_id")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|id| visible_files.iter().any(|f| f == id)),
        _ => false,
    }
}
