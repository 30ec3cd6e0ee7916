//! The contracts listing in SQL: filters, the nearest decision first, and
//! one page at a time.

use chrono::NaiveDate;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Nullable, Text};

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

fn filtered<'a>(q: &ContractQuery<'a>) -> Boxed<'a> {
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
        b = b.filter(sql::<Bool>(&may_have(s, q.today, q.window)));
    }
    b
}

/// A condition every contract with status `s` meets (a superset: what is
/// left is decided in Rust by [`super::terms::status`]).
fn may_have(s: Status, today: NaiveDate, window: i64) -> String {
    let (t, w) = (
        day(today),
        day(today + chrono::Days::new(window.max(0) as u64)),
    );
    let back = day(today - chrono::Days::new(window.max(0) as u64));
    let live = "NOT contracts.draft AND contracts.terminates_on IS NULL";
    match s {
        Status::Draft => "contracts.draft".into(),
        Status::Terminated => format!("NOT contracts.draft AND contracts.terminates_on < {t}"),
        Status::Expiring => format!(
            "NOT contracts.draft AND (contracts.terminates_on >= {t} OR (contracts.terminates_on IS NULL \
             AND contracts.ends_on >= {t} AND contracts.ends_on <= {w}))"
        ),
        Status::Expired => format!("{live} AND contracts.ends_on < {t}"),
        Status::NoticeDue => format!(
            "{live} AND contracts.auto_renew AND contracts.ends_on >= {t} \
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
    filtered(q).select(count_star()).get_result(conn)
}

/// The filtered contracts, the nearest decision first: upcoming dates
/// soonest first, then past ones latest first, then open-ended ones; the
/// date is the termination day, else a notice deadline still ahead of an
/// auto-renewing contract, else the end. `limit` rows from `offset`, or
/// all.
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
    let mut b = filtered(q)
        .select(Contract::as_select())
        .order(sql::<Integer>(&format!(
            "CASE WHEN {next} IS NULL THEN 2 WHEN {next} >= {t} THEN 0 ELSE 1 END"
        )))
        .then_order_by(sql::<Nullable<Text>>(&format!(
            "CASE WHEN {next} >= {t} THEN {next} END ASC"
        )))
        .then_order_by(sql::<Nullable<Text>>(&format!("{next} DESC")))
        .then_order_by(contracts::id.asc());
    if let Some(l) = limit {
        b = b.limit(l).offset(offset);
    }
    b.load(conn)
}
