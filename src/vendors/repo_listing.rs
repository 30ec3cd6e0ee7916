//! The contracts listing in SQL: filters, the nearest decision first, and
//! one page at a time.

use chrono::NaiveDate;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Integer, Nullable, Text};

use super::domain::ContractKind;
use super::model::Contract;
use super::terms::Status;
use crate::db::schema::contracts;
use crate::db::{DbBackend, DbConn};

/// What the listing filters on, resolved (an owner is a user id here).
#[derive(Debug, Clone)]
pub struct ContractQuery<'a> {
    pub vendor_id: Option<&'a str>,
    pub kind: Option<ContractKind>,
    pub owner_id: Option<&'a str>,
    /// Narrows to the contracts that may have this status; the caller
    /// decides the rest on the rows (a status depends on today).
    pub status: Option<Status>,
    pub today: NaiveDate,
    /// The reminder window in days.
    pub window: i64,
}

type Boxed<'a> = contracts::BoxedQuery<'a, DbBackend>;

fn day(d: NaiveDate) -> String {
    // Dates are ISO text on SQLite and compare with a quoted literal on
    // PostgreSQL alike; formatted here, never taken from input.
    format!("'{}'", d.format("%Y-%m-%d"))
}

fn filtered<'a>(q: &ContractQuery<'a>, conn: &DbConn) -> Boxed<'a> {
    let mut b = contracts::table.into_boxed();
    if let Some(v) = q.vendor_id {
        b = b.filter(contracts::vendor_id.eq(v));
    }
    if let Some(k) = q.kind {
        b = b.filter(contracts::kind.eq(k));
    }
    if let Some(o) = q.owner_id {
        b = b.filter(contracts::owner_id.eq(o));
    }
    if let Some(s) = q.status {
        b = b.filter(sql::<Bool>(&may_have(
            s,
            q.today,
            q.window,
            unterminated(conn),
        )));
    }
    b
}

/// A condition every contract with status `s` meets (a superset: what is
/// left is decided in Rust by [`super::terms::status`]).
fn may_have(s: Status, today: NaiveDate, window: i64, unterminated: &str) -> String {
    let (t, w) = (
        day(today),
        day(today + chrono::Days::new(window.max(0) as u64)),
    );
    let back = day(today - chrono::Days::new(window.max(0) as u64));
    let live = format!("NOT contracts.draft AND {unterminated}");
    match s {
        Status::Draft => "contracts.draft".into(),
        // Exact, as are the two below (see `status_page`).
        Status::Terminated => format!("NOT contracts.draft AND contracts.terminates_on < {t}"),
        Status::Expiring => format!(
            "NOT contracts.draft AND (contracts.terminates_on >= {t} OR (contracts.terminates_on IS NULL \
             AND contracts.ends_on >= {t} AND contracts.ends_on <= {w}))"
        ),
        // Index ranges: the day it settles, the notice deadline.
        Status::Expired => format!("{live} AND {SETTLE} < {t}"),
        Status::NoticeDue => format!(
            "{live} AND contracts.auto_renew \
             AND contracts.notice_deadline >= {t} AND contracts.notice_deadline <= {w}"
        ),
        Status::Renewed => format!(
            "{live} AND contracts.ends_on >= {t} AND contracts.renewed_on >= {back} \
             AND contracts.renewed_on <= {t}"
        ),
        Status::Active => {
            format!("{live} AND (contracts.ends_on IS NULL OR contracts.ends_on >= {t})")
        }
    }
}

/// How many contracts the filters let through (before the status is
/// decided on the rows).
pub fn count(conn: &mut DbConn, q: &ContractQuery) -> QueryResult<i64> {
    filtered(q, conn).select(count_star()).get_result(conn)
}

/// The filtered contracts, the nearest decision first: upcoming dates
/// soonest first, then past ones latest first, then open-ended ones; the
/// date is the termination day, else a notice deadline still ahead of an
/// auto-renewing contract, else the end. `limit` rows from `offset`, or
/// all. Sorts every filtered row: for a status (few rows); the listing
/// without one reads its page from indexes ([`ordered_page`]).
pub fn page(
    conn: &mut DbConn,
    q: &ContractQuery,
    limit: Option<i64>,
    offset: i64,
) -> QueryResult<Vec<Contract>> {
    let t = day(q.today);
    let next = format!(
        "COALESCE(contracts.terminates_on, CASE WHEN contracts.auto_renew AND \
         contracts.notice_deadline >= {t} THEN contracts.notice_deadline END, contracts.ends_on)"
    );
    let mut b = filtered(q, conn)
        .select(Contract::as_select())
        .order(sql::<Integer>(&format!(
            "CASE WHEN {next} IS NULL THEN 2 WHEN {next} >= {t} THEN 0 ELSE 1 END"
        )))
        .then_order_by(sql::<Nullable<Text>>(&format!(
            "CASE WHEN {next} >= {t} THEN {next} END ASC"
        )))
        .then_order_by(sql::<Nullable<Text>>(&format!("{next} DESC")))
        .then_order_by(sql::<Nullable<Text>>(&format!(
            "CASE WHEN {next} < {t} THEN contracts.id END DESC"
        )))
        .then_order_by(contracts::id.asc());
    if let Some(l) = limit {
        b = b.limit(l).offset(offset);
    }
    b.load(conn)
}

/// Not terminated. On SQLite written so that the planner does not read it
/// from the index on `terminates_on` (nearly every contract matches; it
/// has no statistics, would take that index and sort what it finds);
/// PostgreSQL estimates the plain test well, and misjudges the other.
fn unterminated(conn: &DbConn) -> &'static str {
    match conn {
        DbConn::Sqlite(_) => "(CASE WHEN contracts.terminates_on IS NULL THEN 1 ELSE 0 END) = 1",
        DbConn::Postgres(_) => "contracts.terminates_on IS NULL",
    }
}

/// The day a contract settles: its termination day, else its end (the
/// expression the `contracts_settle` index is built on).
const SETTLE: &str = "COALESCE(contracts.terminates_on, contracts.ends_on)";

type Keyed = Vec<(String, Option<NaiveDate>)>;

/// The filtered contracts in [`page`]'s order, `limit` from `offset`, and
/// how many there are, read from indexes: the upcoming ones are the
/// auto-renewing, unterminated contracts with a notice deadline ahead (by
/// that deadline) merged with the rest that settle today or later (by that
/// day); then those that settled before today, latest first; then the
/// open-ended. A part is counted only when a page starts beyond it.
pub fn ordered_page(
    conn: &mut DbConn,
    q: &ContractQuery,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Contract>, i64)> {
    let t = day(q.today);
    let notice_ahead = format!(
        "contracts.notice_deadline >= {t} AND contracts.auto_renew AND {}",
        unterminated(conn)
    );
    let total: i64 = filtered(q, conn).select(count_star()).get_result(conn)?;
    let (mut skip, mut ids) = (offset, Vec::new());
    // Upcoming: each part in its own index order, the first `want` of
    // each merged here.
    let want = skip.saturating_add(limit);
    let arm = |cond: String, key: &str, conn: &mut DbConn| -> QueryResult<Keyed> {
        filtered(q, conn)
            .filter(sql::<Bool>(&cond))
            .select((contracts::id, sql::<Nullable<Date>>(key)))
            .order(sql::<Nullable<Date>>(key))
            .then_order_by(contracts::id.asc())
            .limit(want)
            .load(conn)
    };
    let by_notice = arm(notice_ahead.clone(), "contracts.notice_deadline", conn)?;
    let by_settle = arm(
        format!(
            "{SETTLE} >= {t} AND NOT ({notice_ahead} AND contracts.notice_deadline IS NOT NULL)"
        ),
        SETTLE,
        conn,
    )?;
    let whole = (by_notice.len() as i64) < want && (by_settle.len() as i64) < want;
    let mut merged: Vec<(Option<NaiveDate>, String)> = by_notice
        .into_iter()
        .chain(by_settle)
        .map(|(id, k)| (k, id))
        .collect();
    merged.sort();
    let upcoming = merged.len() as i64;
    merged.truncate(want as usize);
    ids.extend(merged.into_iter().skip(skip as usize).map(|(_, id)| id));
    if !whole || ids.len() as i64 == limit {
        return load_in_order(conn, ids, total);
    }
    skip = (skip - upcoming).max(0);
    let past_cond = format!("{SETTLE} < {t}");
    let rows: Vec<String> = filtered(q, conn)
        .filter(sql::<Bool>(&past_cond))
        .select(contracts::id)
        .order(sql::<Nullable<Date>>(&format!("{SETTLE} DESC")))
        .then_order_by(contracts::id.desc())
        .limit(limit - ids.len() as i64)
        .offset(skip)
        .load(conn)?;
    let got_past = !rows.is_empty();
    ids.extend(rows);
    if ids.len() as i64 == limit {
        return load_in_order(conn, ids, total);
    }
    if !got_past && skip > 0 {
        let past: i64 = filtered(q, conn)
            .filter(sql::<Bool>(&past_cond))
            .select(count_star())
            .get_result(conn)?;
        skip = (skip - past).max(0);
    } else {
        skip = 0;
    }
    let rows: Vec<String> = filtered(q, conn)
        .filter(sql::<Bool>(&format!("{SETTLE} IS NULL")))
        .select(contracts::id)
        .order(contracts::id.asc())
        .limit(limit - ids.len() as i64)
        .offset(skip)
        .load(conn)?;
    ids.extend(rows);
    load_in_order(conn, ids, total)
}

/// A page of the contracts with a status the SQL decides exactly (a notice
/// due, expired, terminated), in [`page`]'s order read from an index, and
/// how many there are; `None` for the other statuses.
pub fn status_page(
    conn: &mut DbConn,
    q: &ContractQuery,
    limit: i64,
    offset: i64,
) -> QueryResult<Option<(Vec<Contract>, i64)>> {
    let b = filtered(q, conn);
    let b = match q.status {
        // All upcoming, by the notice deadline.
        Some(Status::NoticeDue) => b
            .order(contracts::notice_deadline.asc())
            .then_order_by(contracts::id.asc()),
        // All past, by the day they settled, latest first.
        Some(Status::Expired | Status::Terminated) => b
            .order(sql::<Nullable<Date>>(&format!("{SETTLE} DESC")))
            .then_order_by(contracts::id.desc()),
        _ => return Ok(None),
    };
    let ids: Vec<String> = b
        .select(contracts::id)
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    let total: i64 = filtered(q, conn).select(count_star()).get_result(conn)?;
    load_in_order(conn, ids, total).map(Some)
}

/// The contracts with these ids, in this order.
fn load_in_order(
    conn: &mut DbConn,
    ids: Vec<String>,
    total: i64,
) -> QueryResult<(Vec<Contract>, i64)> {
    let mut rows: Vec<Contract> = contracts::table
        .filter(contracts::id.eq_any(&ids))
        .select(Contract::as_select())
        .load(conn)?;
    let at: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    rows.sort_by_key(|c| at.get(c.id.as_str()).copied().unwrap_or(usize::MAX));
    Ok((rows, total))
}
