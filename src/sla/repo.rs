//! Queries of the SLA tables and notifications.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use crate::db::DbConn;
use crate::db::schema::{app_state, notifications, sla_calendars, sla_escalations, sla_policies};

/// A stored calendar or policy document.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sla_calendars)]
pub struct CalendarRow {
    pub name: String,
    pub spec: String,
    /// `config` or `api`.
    pub source: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sla_policies)]
pub struct PolicyRow {
    pub name: String,
    pub position: i32,
    pub spec: String,
    pub source: String,
    pub updated_at: NaiveDateTime,
}

pub fn calendars(conn: &mut DbConn) -> QueryResult<Vec<CalendarRow>> {
    sla_calendars::table
        .order(sla_calendars::name.asc())
        .select(CalendarRow::as_select())
        .load(conn)
}

pub fn policies(conn: &mut DbConn) -> QueryResult<Vec<PolicyRow>> {
    sla_policies::table
        .order((sla_policies::position.asc(), sla_policies::name.asc()))
        .select(PolicyRow::as_select())
        .load(conn)
}

pub fn save_calendar(conn: &mut DbConn, row: &CalendarRow) -> QueryResult<()> {
    let updated = diesel::update(sla_calendars::table.find(&row.name))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(sla_calendars::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_calendar(conn: &mut DbConn, name: &str) -> QueryResult<usize> {
    diesel::delete(sla_calendars::table.find(name)).execute(conn)
}

pub fn save_policy(conn: &mut DbConn, row: &PolicyRow) -> QueryResult<()> {
    let updated = diesel::update(sla_policies::table.find(&row.name))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(sla_policies::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_policy(conn: &mut DbConn, name: &str) -> QueryResult<usize> {
    diesel::delete(sla_policies::table.find(name)).execute(conn)
}

const VERSION: &str = "sla_version";

/// The stored version of the SLA configuration (0 before the first save).
pub fn version(conn: &mut DbConn) -> QueryResult<i64> {
    let v: Option<String> = app_state::table
        .find(VERSION)
        .select(app_state::value)
        .first(conn)
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Moves the version on; returns the new one.
pub fn bump_version(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
    let next = version(conn)? + 1;
    let updated = diesel::update(app_state::table.find(VERSION))
        .set((
            app_state::value.eq(next.to_string()),
            app_state::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(app_state::table)
            .values((
                app_state::name.eq(VERSION),
                app_state::value.eq(next.to_string()),
                app_state::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(next)
}

/// The escalation markers of a ticket: (clock, threshold, cycle).
pub fn markers(conn: &mut DbConn, ticket_id: &str) -> QueryResult<Vec<(String, String, i32)>> {
    sla_escalations::table
        .filter(sla_escalations::ticket_id.eq(ticket_id))
        .select((
            sla_escalations::clock,
            sla_escalations::threshold,
            sla_escalations::cycle,
        ))
        .load(conn)
}

/// Claims a threshold for a ticket; false if it already fired (here or in
/// another process).
pub fn insert_marker(
    conn: &mut DbConn,
    ticket_id: &str,
    clock: &str,
    threshold: &str,
    cycle: i32,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let values = (
        sla_escalations::ticket_id.eq(ticket_id),
        sla_escalations::clock.eq(clock),
        sla_escalations::threshold.eq(threshold),
        sla_escalations::cycle.eq(cycle),
        sla_escalations::fired_at.eq(at),
    );
    let n = match conn {
        DbConn::Sqlite(c) => diesel::insert_into(sla_escalations::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConn::Postgres(c) => diesel::insert_into(sla_escalations::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(n == 1)
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: String,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub ticket_id: Option<String>,
    pub kind: String,
    pub message: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

pub fn insert_notifications(conn: &mut DbConn, rows: &[Notification]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    crate::insert_all!(conn, notifications::table, rows).map(|_| ())
}

/// A person's notifications, newest first.
pub fn notifications_for(
    conn: &mut DbConn,
    user_id: &str,
    unread_only: bool,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    let mut q = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select(Notification::as_select())
        .into_boxed();
    if unread_only {
        q = q.filter(notifications::read_at.is_null());
    }
    q.load(conn)
}

pub fn mark_read(
    conn: &mut DbConn,
    user_id: &str,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::user_id.eq(user_id)),
    )
    .set(notifications::read_at.eq(Some(at)))
    .execute(conn)
}

pub fn unread_count(conn: &mut DbConn, user_id: &str) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// A threshold to claim in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, QueryableByName)]
pub struct MarkerKey {
    #[diesel(sql_type = Text)]
    pub ticket_id: String,
    #[diesel(sql_type = Text)]
    pub clock: String,
    #[diesel(sql_type = Text)]
    pub threshold: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub cycle: i32,
}

/// Claims many thresholds at once; returns the ones this call claimed
/// (those already claimed, here or by another worker, are left out).
pub fn insert_markers(
    conn: &mut DbConn,
    keys: &[MarkerKey],
    at: NaiveDateTime,
) -> QueryResult<Vec<MarkerKey>> {
    let mut claimed = Vec::new();
    for chunk in keys.chunks(200) {
        let sql = format!(
            "INSERT INTO sla_escalations (ticket_id, clock, threshold, cycle, fired_at) VALUES {} \
             ON CONFLICT DO NOTHING RETURNING ticket_id, clock, threshold, cycle",
            crate::db::placeholders(conn, chunk.len(), 5, &[])
        );
        let mut q = diesel::sql_query(sql).into_boxed::<crate::db::DbBackend>();
        for k in chunk {
            q = q
                .bind::<Text, _>(k.ticket_id.clone())
                .bind::<Text, _>(k.clock.clone())
                .bind::<Text, _>(k.threshold.clone())
                .bind::<diesel::sql_types::Integer, _>(k.cycle)
                .bind::<Timestamp, _>(at);
        }
        claimed.extend(q.load::<MarkerKey>(conn)?);
    }
    Ok(claimed)
}

/// The markers of many tickets: (ticket, clock, threshold, cycle).
pub fn markers_of(conn: &mut DbConn, ticket_ids: &[String]) -> QueryResult<Vec<MarkerKey>> {
    let mut out = Vec::new();
    for chunk in ticket_ids.chunks(500) {
        let rows: Vec<(String, String, String, i32)> = sla_escalations::table
            .filter(sla_escalations::ticket_id.eq_any(chunk))
            .select((
                sla_escalations::ticket_id,
                sla_escalations::clock,
                sla_escalations::threshold,
                sla_escalations::cycle,
            ))
            .load(conn)?;
        out.extend(
            rows.into_iter()
                .map(|(ticket_id, clock, threshold, cycle)| MarkerKey {
                    ticket_id,
                    clock,
                    threshold,
                    cycle,
                }),
        );
    }
    Ok(out)
}
