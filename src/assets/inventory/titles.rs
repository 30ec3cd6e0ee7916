//! Software titles: each distinct (name, version, publisher) reported by
//! an inventory, stored once. Installations point at their title, so the
//! license register decides what a title is once for all its rows.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Software;
use crate::db::DbConn;
use crate::db::schema::{software_installations, software_titles};
use crate::ids;

/// A title's identity: name, version, publisher (`""` when none).
type Key = (String, String, String);

fn key(s: &Software) -> Key {
    (
        s.name.clone(),
        s.version.clone(),
        s.publisher.clone().unwrap_or_default(),
    )
}

fn known(conn: &mut DbConn, names: &[String]) -> QueryResult<HashMap<Key, String>> {
    let mut out = HashMap::new();
    for chunk in names.chunks(500) {
        let rows: Vec<(String, String, String, String)> = software_titles::table
            .filter(software_titles::name.eq_any(chunk))
            .select((
                software_titles::id,
                software_titles::name,
                software_titles::version,
                software_titles::publisher,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(id, n, v, p)| ((n, v, p), id)));
    }
    Ok(out)
}

/// The title of each package, in order, creating the titles not seen
/// before (two writers creating the same title agree on one).
pub fn ids_of(conn: &mut DbConn, software: &[&Software]) -> QueryResult<Vec<String>> {
    if software.is_empty() {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = software.iter().map(|s| s.name.clone()).collect();
    names.sort();
    names.dedup();
    let mut ids = known(conn, &names)?;
    let mut missing: Vec<Key> = software
        .iter()
        .map(|s| key(s))
        .filter(|k| !ids.contains_key(k))
        .collect();
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        let rows: Vec<_> = missing
            .iter()
            .map(|(n, v, p)| {
                (
                    software_titles::id.eq(ids::new_id()),
                    software_titles::name.eq(n),
                    software_titles::version.eq(v),
                    software_titles::publisher.eq(p),
                )
            })
            .collect();
        for chunk in rows.chunks(500) {
            match conn {
                DbConn::Sqlite(c) => diesel::insert_into(software_titles::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .execute(c)?,
                DbConn::Postgres(c) => diesel::insert_into(software_titles::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .execute(c)?,
            };
        }
        ids = known(conn, &names)?;
    }
    software
        .iter()
        .map(|s| {
            ids.get(&key(s))
                .cloned()
                .ok_or(diesel::result::Error::NotFound)
        })
        .collect()
}

/// A title as the license register reads it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Title {
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
}

/// Every title, by id.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Title>> {
    software_titles::table
        .order(software_titles::id.asc())
        .select((
            software_titles::id,
            software_titles::name,
            software_titles::version,
            software_titles::publisher,
        ))
        .load(conn)
}

/// How many titles there are (titles are never deleted).
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    software_titles::table.count().get_result(conn)
}

/// The titles `ids` (any order; unknown ids left out).
pub fn some(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Title>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<Title> = software_titles::table
            .filter(software_titles::id.eq_any(chunk))
            .select((
                software_titles::id,
                software_titles::name,
                software_titles::version,
                software_titles::publisher,
            ))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Every title id.
pub fn ids(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    software_titles::table
        .select(software_titles::id)
        .load(conn)
}

type Condition = Box<
    dyn BoxableExpression<
            software_installations::table,
            crate::db::DbBackend,
            SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
        >,
>;

/// Installed before the instant `end` and not ended by it.
fn present_at(end: NaiveDateTime) -> Condition {
    Box::new(
        software_installations::first_seen.lt(end).and(
            software_installations::ended_at
                .is_null()
                .or(software_installations::ended_at.ge(end)),
        ),
    )
}

/// (title, device) for every installation of `titles` present at the
/// instant `end` (installed before it, not ended by it). A title installed
/// twice on one device gives its pair twice: callers that count devices
/// dedup (cheaper here than a DISTINCT on the server).
pub fn present(
    conn: &mut DbConn,
    titles: &[String],
    end: NaiveDateTime,
) -> QueryResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in titles.chunks(1000) {
        let rows: Vec<(Option<String>, String)> = software_installations::table
            .filter(software_installations::title_id.eq_any(chunk))
            .filter(present_at(end))
            .select((
                software_installations::title_id,
                software_installations::asset_id,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().filter_map(|(t, a)| t.map(|t| (t, a))));
    }
    Ok(out)
}

/// One installation with its title.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct TitledInstall {
    pub id: String,
    pub asset_id: String,
    pub title_id: Option<String>,
    pub name: String,
    pub version: String,
    pub publisher: Option<String>,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
}

/// The installations of `titles` present at the instant `end`, by device.
pub fn installs(
    conn: &mut DbConn,
    titles: &[String],
    end: NaiveDateTime,
) -> QueryResult<Vec<TitledInstall>> {
    let mut out = Vec::new();
    for chunk in titles.chunks(1000) {
        let rows: Vec<TitledInstall> = software_installations::table
            .filter(software_installations::title_id.eq_any(chunk))
            .filter(present_at(end))
            .select((
                software_installations::id,
                software_installations::asset_id,
                software_installations::title_id,
                software_installations::name,
                software_installations::version,
                software_installations::publisher,
                software_installations::first_seen,
                software_installations::last_seen,
            ))
            .load(conn)?;
        out.extend(rows);
    }
    out.sort_by(|a, b| (&a.asset_id, &a.id).cmp(&(&b.asset_id, &b.id)));
    Ok(out)
}
