//! Entitlement import runs and where imported entitlements came from.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{license_entitlements, license_imports};
use crate::licenses::model::Entitlement;

/// The entitlement an earlier import created from this source row.
pub fn entitlement_from(conn: &mut DbConn, source_ref: &str) -> QueryResult<Option<Entitlement>> {
    license_entitlements::table
        .filter(license_entitlements::source_ref.eq(source_ref))
        .select(Entitlement::as_select())
        .first(conn)
        .optional()
}

/// One import run, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = license_imports)]
pub struct ImportRun {
    pub id: String,
    pub actor_id: Option<String>,
    pub profile: String,
    pub file_name: String,
    pub file_sha256: String,
    pub dry_run: bool,
    pub applied: bool,
    pub row_count: i32,
    pub created: i32,
    pub updated: i32,
    pub rejected: i32,
    /// The report as JSON.
    pub report: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_import(conn: &mut DbConn, run: &ImportRun) -> QueryResult<()> {
    diesel::insert_into(license_imports::table)
        .values(run)
        .execute(conn)
        .map(|_| ())
}

/// The latest runs, newest first.
pub fn imports(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<ImportRun>> {
    license_imports::table
        .order((
            license_imports::created_at.desc(),
            license_imports::id.desc(),
        ))
        .limit(limit)
        .select(ImportRun::as_select())
        .load(conn)
}

pub fn import_run(conn: &mut DbConn, id: &str) -> QueryResult<Option<ImportRun>> {
    license_imports::table
        .find(id)
        .select(ImportRun::as_select())
        .first(conn)
        .optional()
}
