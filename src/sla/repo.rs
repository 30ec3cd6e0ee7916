//! Queries of the SLA tables, the tickets' SLA columns and notifications.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::DbConn;
use crate::db::schema::{
    app_state, notifications, sla_calendars, sla_escalations, sla_policies, tickets,
};
use crate::tickets::model::Ticket;

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

/// The SLA columns of a ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = tickets, treat_none_as_null = true)]
pub struct SnapshotColumns {
    pub sla_policy: Option<String>,
    pub sla_state: Option<String>,
    pub sla_due_at: Option<NaiveDateTime>,
    pub sla_next_check_at: Option<NaiveDateTime>,
    pub sla_schedule: Option<String>,
}

pub fn save_snapshot(
    conn: &mut DbConn,
    ticket_id: &str,
    cols: &SnapshotColumns,
) -> QueryResult<()> {
    diesel::update(tickets::table.find(ticket_id))
        .set(cols)
        .execute(conn)
        .map(|_| ())
}

/// Open tickets whose SLA may have changed by `now`, oldest check first.
/// On PostgreSQL the rows are locked and rows locked by another worker are
/// skipped, so concurrent scans share the work.
pub fn due_for_check(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Ticket>> {
    let ids: Vec<String> = match conn {
        DbConn::Postgres(c) => {
            #[derive(QueryableByName)]
            struct Id {
                #[diesel(sql_type = Text)]
                id: String,
            }
            diesel::sql_query(
                "SELECT id FROM tickets WHERE sla_next_check_at <= $1 AND is_open \
                 ORDER BY sla_next_check_at LIMIT $2 FOR UPDATE SKIP LOCKED",
            )
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load::<Id>(c)?
            .into_iter()
            .map(|r| r.id)
            .collect()
        }
        DbConn::Sqlite(_) => tickets::table
            .filter(tickets::sla_next_check_at.le(now))
            .filter(tickets::is_open.eq(true))
            .order(tickets::sla_next_check_at.asc())
            .limit(limit)
            .select(tickets::id)
            .load(conn)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    tickets::table
        .filter(tickets::id.eq_any(&ids))
        .select(Ticket::as_select())
        .load(conn)
}

/// A page of open tickets by id, for recomputing them all.
pub fn open_after(conn: &mut DbConn, after: &str, limit: i64) -> QueryResult<Vec<Ticket>> {
    tickets::table
        .filter(tickets::is_open.eq(true))
        .filter(tickets::id.gt(after))
        .order(tickets::id.asc())
        .limit(limit)
        .select(Ticket::as_select())
        .load(conn)
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

fn placeholders(conn: &DbConn, rows: usize, cols: usize, casts: &[&str]) -> String {
    let mut n = 0;
    (0..rows)
        .map(|_| {
            let cells: Vec<String> = (0..cols)
                .map(|c| {
                    n += 1;
                    match conn {
                        DbConn::Sqlite(_) => "?".to_owned(),
                        DbConn::Postgres(_) => {
                            format!("${n}{}", casts.get(c).copied().unwrap_or(""))
                        }
                    }
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
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
            placeholders(conn, chunk.len(), 5, &[])
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

/// The SLA columns of one ticket, for batch writes.
#[derive(Debug, Clone)]
pub struct ScheduleUpdate {
    pub ticket_id: String,
    pub cols: SnapshotColumns,
}

/// Writes many tickets' SLA columns: on PostgreSQL one statement per 200
/// tickets (a round trip each); on SQLite one cached statement per ticket by
/// primary key (no round trips, and its UPDATE … FROM would scan the table).
pub fn update_schedules(conn: &mut DbConn, rows: &[ScheduleUpdate]) -> QueryResult<()> {
    use diesel::sql_types::Nullable;
    if let DbConn::Sqlite(_) = conn {
        for r in rows {
            save_snapshot(conn, &r.ticket_id, &r.cols)?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(200) {
        let sql = format!(
            "UPDATE tickets SET sla_policy = v.column2, sla_state = v.column3, sla_due_at = v.column4, \
             sla_next_check_at = v.column5, sla_schedule = v.column6 \
             FROM (VALUES {}) AS v WHERE tickets.id = v.column1",
            placeholders(
                conn,
                chunk.len(),
                6,
                &[
                    "::text",
                    "::text",
                    "::text",
                    "::timestamp",
                    "::timestamp",
                    "::text"
                ]
            )
        );
        let mut q = diesel::sql_query(sql).into_boxed::<crate::db::DbBackend>();
        for r in chunk {
            q = q
                .bind::<Text, _>(r.ticket_id.clone())
                .bind::<Nullable<Text>, _>(r.cols.sla_policy.clone())
                .bind::<Nullable<Text>, _>(r.cols.sla_state.clone())
                .bind::<Nullable<Timestamp>, _>(r.cols.sla_due_at)
                .bind::<Nullable<Timestamp>, _>(r.cols.sla_next_check_at)
                .bind::<Nullable<Text>, _>(r.cols.sla_schedule.clone());
        }
        q.execute(conn)?;
    }
    Ok(())
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

/// How many tickets are open.
pub fn open_count(db: &crate::db::Db) -> Result<i64, crate::error::AppError> {
    db.read(|conn| {
        Ok(tickets::table
            .filter(tickets::is_open.eq(true))
            .count()
            .get_result(conn)?)
    })
}
