//! The SLA columns tickets keep for listing and sorting, and the ticket
//! queries the SLA timer runs; written for the SLA context through
//! `service::service_level`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::DbConn;
use crate::db::schema::tickets;
use crate::tickets::Ticket;

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

impl SnapshotColumns {
    /// Sets a ticket's columns to these.
    pub fn apply_to(self, t: &mut Ticket) {
        t.sla_policy = self.sla_policy;
        t.sla_state = self.sla_state;
        t.sla_due_at = self.sla_due_at;
        t.sla_next_check_at = self.sla_next_check_at;
        t.sla_schedule = self.sla_schedule;
    }
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

/// Tickets filed in `[from, to)`, by filing time, after a cursor.
pub fn filed_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<Ticket>> {
    let mut q = tickets::table
        .filter(tickets::created_at.ge(from))
        .filter(tickets::created_at.lt(to))
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            tickets::created_at
                .gt(at)
                .or(tickets::created_at.eq(at).and(tickets::id.gt(id))),
        );
    }
    q.order((tickets::created_at.asc(), tickets::id.asc()))
        .limit(limit)
        .select(Ticket::as_select())
        .load(conn)
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
            crate::db::placeholders(
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

/// How many tickets are open.
pub fn open_count(db: &crate::db::Db) -> Result<i64, crate::error::AppError> {
    db.read(|conn| {
        Ok(tickets::table
            .filter(tickets::is_open.eq(true))
            .count()
            .get_result(conn)?)
    })
}
