//! The frozen months (`report_months`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::report_months;

/// A frozen month as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = report_months, treat_none_as_default_value = false)]
pub struct FrozenMonth {
    pub month: String,
    pub definitions_version: i32,
    /// The report's JSON as frozen.
    pub report: String,
    pub frozen_at: NaiveDateTime,
    pub frozen_by: Option<String>,
    pub mailed_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConn, month: &str) -> QueryResult<Option<FrozenMonth>> {
    report_months::table
        .find(month)
        .select(FrozenMonth::as_select())
        .first(conn)
        .optional()
}

/// The frozen months among these.
pub fn find_many(conn: &mut DbConn, months: &[String]) -> QueryResult<Vec<FrozenMonth>> {
    report_months::table
        .filter(report_months::month.eq_any(months))
        .select(FrozenMonth::as_select())
        .load(conn)
}

/// Stores a month's first freeze; false when it is frozen already.
pub fn insert(conn: &mut DbConn, row: &FrozenMonth) -> QueryResult<bool> {
    let n = match conn {
        DbConn::Sqlite(c) => diesel::insert_into(report_months::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConn::Postgres(c) => diesel::insert_into(report_months::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(n == 1)
}

/// Replaces a frozen month's figures (a refreeze), keeping its mailing.
pub fn refreeze(conn: &mut DbConn, row: &FrozenMonth) -> QueryResult<()> {
    diesel::update(report_months::table.find(&row.month))
        .set((
            report_months::definitions_version.eq(row.definitions_version),
            report_months::report.eq(&row.report),
            report_months::frozen_at.eq(row.frozen_at),
            report_months::frozen_by.eq(&row.frozen_by),
        ))
        .execute(conn)
        .map(|_| ())
}
/// Replaces a frozen month's figures and nothing else (its trend after a
/// month it shows was refrozen).
pub fn set_report(conn: &mut DbConn, month: &str, report: &str) -> QueryResult<()> {
    diesel::update(report_months::table.find(month))
        .set(report_months::report.eq(report))
        .execute(conn)
        .map(|_| ())
}

/// Marks a month mailed; false when some process marked it first.
pub fn mark_mailed(conn: &mut DbConn, month: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        report_months::table
            .find(month)
            .filter(report_months::mailed_at.is_null()),
    )
    .set(report_months::mailed_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}
