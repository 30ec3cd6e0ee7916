//! Queries of the asset register.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text, Timestamp};

use super::domain::{Category, Status};
use super::model::{Asset, AssetModel, Location, Manufacturer};
use crate::db::schema::{asset_models, assets, locations, manufacturers};
use crate::db::{DbBackend, DbConn};

mod checkouts;
pub use checkouts::*;

pub fn insert_manufacturer(conn: &mut DbConn, row: &Manufacturer) -> QueryResult<()> {
    diesel::insert_into(manufacturers::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn manufacturer_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Manufacturer>> {
    manufacturers::table
        .filter(manufacturers::name.eq(name))
        .select(Manufacturer::as_select())
        .first(conn)
        .optional()
}

pub fn manufacturers(conn: &mut DbConn) -> QueryResult<Vec<Manufacturer>> {
    manufacturers::table
        .order(manufacturers::name.asc())
        .select(Manufacturer::as_select())
        .load(conn)
}

pub fn insert_model(conn: &mut DbConn, row: &AssetModel) -> QueryResult<()> {
    diesel::insert_into(asset_models::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn model(conn: &mut DbConn, id: &str) -> QueryResult<Option<AssetModel>> {
    asset_models::table
        .find(id)
        .select(AssetModel::as_select())
        .first(conn)
        .optional()
}

pub fn models(conn: &mut DbConn) -> QueryResult<Vec<(AssetModel, Manufacturer)>> {
    asset_models::table
        .inner_join(manufacturers::table)
        .order((manufacturers::name.asc(), asset_models::name.asc()))
        .select((AssetModel::as_select(), Manufacturer::as_select()))
        .load(conn)
}

pub fn models_by_ids(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<(AssetModel, Manufacturer)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    asset_models::table
        .inner_join(manufacturers::table)
        .filter(asset_models::id.eq_any(ids))
        .select((AssetModel::as_select(), Manufacturer::as_select()))
        .load(conn)
}

pub fn locations_by_ids(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<Location>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    locations::table
        .filter(locations::id.eq_any(ids))
        .select(Location::as_select())
        .load(conn)
}

pub fn insert_location(conn: &mut DbConn, row: &Location) -> QueryResult<()> {
    diesel::insert_into(locations::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn location(conn: &mut DbConn, id: &str) -> QueryResult<Option<Location>> {
    locations::table
        .find(id)
        .select(Location::as_select())
        .first(conn)
        .optional()
}

pub fn locations(conn: &mut DbConn) -> QueryResult<Vec<Location>> {
    locations::table
        .order(locations::name.asc())
        .select(Location::as_select())
        .load(conn)
}

pub fn insert_asset(conn: &mut DbConn, row: &Asset) -> QueryResult<()> {
    diesel::insert_into(assets::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// By id or by asset tag.
pub fn asset(conn: &mut DbConn, id_or_tag: &str) -> QueryResult<Option<Asset>> {
    assets::table
        .filter(assets::id.eq(id_or_tag).or(assets::asset_tag.eq(id_or_tag)))
        .select(Asset::as_select())
        .first(conn)
        .optional()
}

/// Writes the lifecycle fields of an asset back.
pub fn save_lifecycle(conn: &mut DbConn, a: &Asset) -> QueryResult<()> {
    diesel::update(assets::table.find(&a.id))
        .set((
            assets::status.eq(a.status),
            assets::substate.eq(a.substate),
            assets::assignee_id.eq(&a.assignee_id),
            assets::location_id.eq(&a.location_id),
            assets::needs_review.eq(a.needs_review),
            assets::disposal_method.eq(&a.disposal_method),
            assets::disposal_date.eq(a.disposal_date),
            assets::disposal_evidence.eq(&a.disposal_evidence),
            assets::updated_at.eq(a.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// `%`, `_` and `\` taken literally in a LIKE pattern with `ESCAPE '\'`.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What a list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub statuses: Vec<Status>,
    pub category: Option<Category>,
    pub model_id: Option<String>,
    pub location_id: Option<String>,
    /// `Some(None)`: nobody.
    pub assignee_id: Option<Option<String>>,
    pub hostname: Option<String>,
    pub serial: Option<String>,
    pub warranty_before: Option<NaiveDate>,
    pub needs_review: Option<bool>,
    /// The start of a tag, serial or host name, in any case.
    pub prefix: Option<String>,
}

/// One page, newest first, after the `(created_at, id)` of `after`.
pub fn list(
    conn: &mut DbConn,
    f: &ListFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<Asset>> {
    let mut q = assets::table.into_boxed::<DbBackend>();
    // One status as `=`: PostgreSQL (before 17) orders by an index whose
    // first column is compared with `= ANY(…)` only by sorting.
    match f.statuses.as_slice() {
        [] => {}
        [one] => q = q.filter(assets::status.eq(*one)),
        many => q = q.filter(assets::status.eq_any(many.to_vec())),
    }
    if let Some(c) = f.category {
        q = q.filter(assets::category.eq(c));
    }
    if let Some(id) = &f.model_id {
        q = q.filter(assets::model_id.eq(id.clone()));
    }
    if let Some(id) = &f.location_id {
        q = q.filter(assets::location_id.eq(id.clone()));
    }
    match &f.assignee_id {
        None => {}
        Some(Some(id)) => q = q.filter(assets::assignee_id.eq(id.clone())),
        Some(None) => q = q.filter(assets::assignee_id.is_null()),
    }
    if let Some(h) = &f.hostname {
        q = q.filter(assets::hostname.eq(h.to_lowercase()));
    }
    if let Some(s) = &f.serial {
        q = q.filter(assets::serial.eq(s.clone()));
    }
    if let Some(d) = f.warranty_before {
        q = q.filter(assets::warranty_end.lt(d));
    }
    if let Some(r) = f.needs_review {
        q = q.filter(assets::needs_review.eq(r));
    }
    if let Some(p) = &f.prefix {
        q = q.filter(prefix_condition(conn, p));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            sql::<Bool>("(assets.created_at, assets.id) < (")
                .bind::<Timestamp, _>(at)
                .sql(", ")
                .bind::<Text, _>(id)
                .sql(")"),
        );
    }
    q.order((assets::created_at.desc(), assets::id.desc()))
        .limit(limit)
        .select(Asset::as_select())
        .load(conn)
}

/// A condition on assets, boxed.
type Condition = Box<dyn BoxableExpression<assets::table, DbBackend, SqlType = Bool>>;

/// Assets whose tag, serial or host name starts with `p`, in any case.
///
/// Each backend lower-cases both sides itself (SQLite's lower() folds
/// ASCII only; PostgreSQL's follows its locale), in the form its indexes
/// serve: PostgreSQL's text_pattern_ops indexes answer LIKE 'x%' (escaped);
/// SQLite's indexes on lower(…) answer a range [x, x + U+10FFFF).
fn prefix_condition(conn: &DbConn, p: &str) -> Condition {
    match conn {
        DbConn::Postgres(_) => {
            let like = format!("{}%", escape_like(p));
            Box::new(
                sql::<Bool>("(lower(assets.asset_tag) LIKE lower(")
                    .bind::<Text, _>(like.clone())
                    .sql(") ESCAPE '\\' OR lower(assets.serial) LIKE lower(")
                    .bind::<Text, _>(like.clone())
                    .sql(") ESCAPE '\\' OR assets.hostname LIKE lower(")
                    .bind::<Text, _>(like)
                    .sql(") ESCAPE '\\')"),
            )
        }
        DbConn::Sqlite(_) => {
            let lo = |c: &str| format!("{c} >= lower(");
            let hi = |c: &str| format!(") AND {c} < lower(");
            let tag = "lower(assets.asset_tag)";
            let serial = "lower(assets.serial)";
            let host = "assets.hostname";
            Box::new(
                sql::<Bool>(&format!("(({}", lo(tag)))
                    .bind::<Text, _>(p.to_owned())
                    .sql(&hi(tag))
                    .bind::<Text, _>(p.to_owned())
                    .sql(&format!(") || char(1114111)) OR ({}", lo(serial)))
                    .bind::<Text, _>(p.to_owned())
                    .sql(&hi(serial))
                    .bind::<Text, _>(p.to_owned())
                    .sql(&format!(") || char(1114111)) OR ({}", lo(host)))
                    .bind::<Text, _>(p.to_owned())
                    .sql(&hi(host))
                    .bind::<Text, _>(p.to_owned())
                    .sql(") || char(1114111)))"),
            )
        }
    }
}

/// Holds an asset's row until the transaction ends (PostgreSQL; SQLite's
/// single writer already serialises writes).
pub fn lock_asset(conn: &mut DbConn, id_or_tag: &str) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT id FROM assets WHERE id = $1 OR asset_tag = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(id_or_tag)
            .execute(c)?;
    }
    Ok(())
}

/// Writes an asset's facts (not its lifecycle).
pub fn save_facts(conn: &mut DbConn, a: &Asset, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(assets::table.find(&a.id))
        .set((
            assets::asset_tag.eq(&a.asset_tag),
            assets::serial.eq(&a.serial),
            assets::hostname.eq(&a.hostname),
            assets::model_id.eq(&a.model_id),
            assets::category.eq(a.category),
            assets::location_id.eq(&a.location_id),
            assets::purchase_date.eq(a.purchase_date),
            assets::cost_minor.eq(a.cost_minor),
            assets::currency.eq(&a.currency),
            assets::supplier.eq(&a.supplier),
            assets::po_number.eq(&a.po_number),
            assets::warranty_end.eq(a.warranty_end),
            assets::notes.eq(&a.notes),
            assets::custom_fields.eq(&a.custom_fields),
            assets::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}
