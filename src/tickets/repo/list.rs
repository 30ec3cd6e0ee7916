//! The ticket listing: filters, sort orders and keyset pages over indexes
//! that end in the sort keys, and the open counts per status.

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamp};

use super::super::domain::Status;
use super::super::listing::{Cursor, ListFilter, Sort, SortKey, StatusFilter};
use super::super::model::Ticket;
use super::super::search;
use crate::db::schema::{ticket_watchers, tickets};
use crate::db::{DbBackend, DbConn};

fn filtered<'a>(conn: &DbConn, f: &'a ListFilter) -> tickets::BoxedQuery<'a, DbBackend> {
    let mut q = tickets::table.into_boxed();
    match &f.status {
        StatusFilter::Any => {}
        StatusFilter::Open => q = q.filter(tickets::is_open.eq(true)),
        StatusFilter::Done => q = q.filter(tickets::is_open.eq(false)),
        StatusFilter::Only(list) => q = q.filter(tickets::status.eq_any(list.clone())),
    }
    match &f.queue_id {
        None => {}
        Some(Some(id)) => q = q.filter(tickets::queue_id.eq(id)),
        Some(None) => q = q.filter(tickets::queue_id.is_null()),
    }
    if let Some(id) = &f.category_id {
        q = q.filter(tickets::category_id.eq(id));
    }
    match &f.assignee_id {
        None => {}
        Some(Some(id)) => q = q.filter(tickets::assignee_id.eq(id)),
        Some(None) => q = q.filter(tickets::assignee_id.is_null()),
    }
    if let Some(id) = &f.requester_id {
        q = q.filter(tickets::requester_id.eq(id));
    }
    if !f.priorities.is_empty() {
        q = q.filter(tickets::priority.eq_any(f.priorities.clone()));
    }
    if let Some(t) = f.ticket_type {
        q = q.filter(tickets::ticket_type.eq(t));
    }
    if let Some(uid) = &f.visible_to {
        let watched = ticket_watchers::table
            .filter(ticket_watchers::user_id.eq(uid.clone()))
            .select(ticket_watchers::ticket_id);
        q = q.filter(
            tickets::requester_id
                .eq(uid)
                .or(tickets::id.eq_any(watched)),
        );
    }
    if !f.sla_states.is_empty() {
        q = q.filter(tickets::sla_state.eq_any(f.sla_states.clone()));
    }
    if let Some(terms) = &f.text {
        q = q.filter(search::matches(conn.backend(), terms, f.search_internal));
    }
    q
}

/// One page of tickets in `sort` order, after `cursor` if given.
pub fn list(
    conn: &mut DbConn,
    f: &ListFilter,
    sort: Sort,
    cursor: Option<&Cursor>,
    limit: i64,
) -> QueryResult<Vec<Ticket>> {
    if sort.key == SortKey::Relevance {
        let after = cursor.and_then(|c| Some((f64::from_bits(c.rank?), c.id.clone())));
        let ranked = list_ranked(conn, f, after, limit)?;
        return Ok(ranked.into_iter().map(|(t, _)| t).collect());
    }
    let mut q = filtered(conn, f);
    if sort.key == SortKey::SlaDue {
        q = q.filter(tickets::sla_due_at.is_not_null());
    }
    let op = if sort.descending { "<" } else { ">" };
    if let Some(c) = cursor {
        let after: search::TicketCondition = match sort.key {
            // (Relevance pages are read by `list_ranked`.)
            SortKey::CreatedAt | SortKey::Relevance => Box::new(
                sql::<Bool>(&format!("(tickets.created_at, tickets.id) {op} ("))
                    .bind::<Timestamp, _>(c.at)
                    .sql(", ")
                    .bind::<Text, _>(c.id.clone())
                    .sql(")"),
            ),
            SortKey::UpdatedAt => Box::new(
                sql::<Bool>(&format!("(tickets.updated_at, tickets.id) {op} ("))
                    .bind::<Timestamp, _>(c.at)
                    .sql(", ")
                    .bind::<Text, _>(c.id.clone())
                    .sql(")"),
            ),
            SortKey::SlaDue => Box::new(
                sql::<Bool>(&format!("(tickets.sla_due_at, tickets.id) {op} ("))
                    .bind::<Timestamp, _>(c.at)
                    .sql(", ")
                    .bind::<Text, _>(c.id.clone())
                    .sql(")"),
            ),
            SortKey::Priority => Box::new(
                sql::<Bool>(&format!(
                    "(tickets.priority, tickets.created_at, tickets.id) {op} ("
                ))
                .bind::<Text, _>(c.priority.map(|p| p.as_str()).unwrap_or("P1"))
                .sql(", ")
                .bind::<Timestamp, _>(c.at)
                .sql(", ")
                .bind::<Text, _>(c.id.clone())
                .sql(")"),
            ),
        };
        q = q.filter(after);
    }
    q = match (sort.key, sort.descending) {
        (SortKey::CreatedAt | SortKey::Relevance, false) => {
            q.order((tickets::created_at.asc(), tickets::id.asc()))
        }
        (SortKey::CreatedAt | SortKey::Relevance, true) => {
            q.order((tickets::created_at.desc(), tickets::id.desc()))
        }
        (SortKey::UpdatedAt, false) => q.order((tickets::updated_at.asc(), tickets::id.asc())),
        (SortKey::UpdatedAt, true) => q.order((tickets::updated_at.desc(), tickets::id.desc())),
        (SortKey::SlaDue, false) => q.order((tickets::sla_due_at.asc(), tickets::id.asc())),
        (SortKey::SlaDue, true) => q.order((tickets::sla_due_at.desc(), tickets::id.desc())),
        (SortKey::Priority, false) => q.order((
            tickets::priority.asc(),
            tickets::created_at.asc(),
            tickets::id.asc(),
        )),
        (SortKey::Priority, true) => q.order((
            tickets::priority.desc(),
            tickets::created_at.desc(),
            tickets::id.desc(),
        )),
    };
    q.limit(limit).select(Ticket::as_select()).load(conn)
}

/// One page of the tickets matching the search, best match first, after
/// `after` (its rank and id): candidates come from the index in rank
/// order and are kept when they pass the other filters, so paging stays
/// exact however selective the filters are.
pub fn list_ranked(
    conn: &mut DbConn,
    f: &ListFilter,
    after: Option<(f64, String)>,
    limit: i64,
) -> QueryResult<Vec<(Ticket, f64)>> {
    let Some(terms) = &f.text else {
        return Ok(Vec::new());
    };
    let others = ListFilter {
        text: None,
        ..f.clone()
    };
    let batch = (limit * 4).max(200);
    let mut out = Vec::new();
    let mut pos = after;
    loop {
        let at = pos.as_ref().map(|(r, id)| (*r, id.as_str()));
        let candidates = search::ranked(conn, terms, f.search_internal, at, batch)?;
        let ids: Vec<String> = candidates.iter().map(|c| c.ticket_id.clone()).collect();
        let rows: Vec<Ticket> = filtered(conn, &others)
            .filter(tickets::id.eq_any(ids))
            .select(Ticket::as_select())
            .load(conn)?;
        let mut by_id: std::collections::HashMap<String, Ticket> =
            rows.into_iter().map(|t| (t.id.clone(), t)).collect();
        for c in &candidates {
            if let Some(t) = by_id.remove(&c.ticket_id) {
                out.push((t, c.rank));
                if out.len() as i64 >= limit {
                    return Ok(out);
                }
            }
        }
        match candidates.last() {
            Some(last) if candidates.len() as i64 == batch => {
                pos = Some((last.rank, last.ticket_id.clone()));
            }
            _ => return Ok(out),
        }
    }
}

/// Open tickets per status under the same filters (for the queue's counts).
/// How many tickets were filed in `[from, to)`.
pub fn count_created_between(
    conn: &mut DbConn,
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> QueryResult<i64> {
    tickets::table
        .filter(tickets::created_at.ge(from).and(tickets::created_at.lt(to)))
        .select(count_star())
        .get_result(conn)
}

/// How many tickets stand resolved (or later closed) with a resolution in
/// `[from, to)`.
pub fn count_resolved_between(
    conn: &mut DbConn,
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> QueryResult<i64> {
    tickets::table
        .filter(
            tickets::resolved_at
                .ge(from)
                .and(tickets::resolved_at.lt(to)),
        )
        .select(count_star())
        .get_result(conn)
}

/// How many tickets match a filter, whatever their page.
pub fn count_matching(conn: &mut DbConn, f: &ListFilter) -> QueryResult<i64> {
    filtered(conn, f).select(count_star()).get_result(conn)
}

pub fn count_open_by_status(conn: &mut DbConn, f: &ListFilter) -> QueryResult<Vec<(Status, i64)>> {
    let mut counts = Vec::with_capacity(Status::OPEN.len());
    for status in Status::OPEN {
        let narrowed = ListFilter {
            status: StatusFilter::Only(vec![*status]),
            ..f.clone()
        };
        let n: i64 = filtered(conn, &narrowed)
            .select(count_star())
            .get_result(conn)?;
        counts.push((*status, n));
    }
    Ok(counts)
}
