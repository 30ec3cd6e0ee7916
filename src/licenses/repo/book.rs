//! Queries behind positions: the stored resolution of each software title
//! and named seats. (Installations and titles belong to the asset
//! inventory, which answers for them.)

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{license_allocations, license_resolutions};
use crate::licenses::domain::Resolution;

/// How many titles have a stored resolution.
pub fn resolution_count(conn: &mut DbConn) -> QueryResult<i64> {
    license_resolutions::table.count().get_result(conn)
}

/// The ids of the titles a resolution is stored for.
pub fn resolved_title_ids(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    license_resolutions::table
        .select(license_resolutions::title_id)
        .load(conn)
}

/// The titles resolved to `products`, with the product and the rule.
pub fn titles_of_products(
    conn: &mut DbConn,
    products: &[String],
) -> QueryResult<Vec<(String, String, Option<String>)>> {
    license_resolutions::table
        .filter(license_resolutions::product_id.eq_any(products))
        .select((
            license_resolutions::title_id,
            license_resolutions::product_id.assume_not_null(),
            license_resolutions::rule_id,
        ))
        .load(conn)
}

/// The titles resolved to a product, with it.
pub fn product_titles(conn: &mut DbConn) -> QueryResult<Vec<(String, String, Option<String>)>> {
    license_resolutions::table
        .filter(license_resolutions::product_id.is_not_null())
        .select((
            license_resolutions::title_id,
            license_resolutions::product_id.assume_not_null(),
            license_resolutions::rule_id,
        ))
        .load(conn)
}

fn columns(r: &Resolution) -> (Option<String>, Option<String>, bool) {
    match r {
        Resolution::Product {
            product_id,
            rule_id,
        } => (Some(product_id.clone()), Some(rule_id.clone()), false),
        Resolution::Excluded { rule_id } => (None, Some(rule_id.clone()), true),
        Resolution::Unmatched => (None, None, false),
    }
}

fn resolution(product_id: Option<String>, rule_id: Option<String>, excluded: bool) -> Resolution {
    match (product_id, rule_id, excluded) {
        (_, Some(rule_id), true) => Resolution::Excluded { rule_id },
        (Some(product_id), Some(rule_id), false) => Resolution::Product {
            product_id,
            rule_id,
        },
        _ => Resolution::Unmatched,
    }
}

/// Every stored resolution, by title id.
pub fn resolutions(conn: &mut DbConn) -> QueryResult<Vec<(String, Resolution)>> {
    let rows: Vec<(String, Option<String>, Option<String>, bool)> = license_resolutions::table
        .order(license_resolutions::title_id.asc())
        .select((
            license_resolutions::title_id,
            license_resolutions::product_id,
            license_resolutions::rule_id,
            license_resolutions::excluded,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(t, p, r, e)| (t, resolution(p, r, e)))
        .collect())
}

/// Stores resolutions, replacing what was stored for those titles.
pub fn put_resolutions(conn: &mut DbConn, items: &[(String, Resolution)]) -> QueryResult<()> {
    for chunk in items.chunks(500) {
        let ids: Vec<&String> = chunk.iter().map(|(t, _)| t).collect();
        diesel::delete(
            license_resolutions::table.filter(license_resolutions::title_id.eq_any(ids)),
        )
        .execute(conn)?;
        let rows: Vec<_> = chunk
            .iter()
            .map(|(t, r)| {
                let (p, rule, excluded) = columns(r);
                (
                    license_resolutions::title_id.eq(t.clone()),
                    license_resolutions::product_id.eq(p),
                    license_resolutions::rule_id.eq(rule),
                    license_resolutions::excluded.eq(excluded),
                )
            })
            .collect();
        crate::insert_all!(conn, license_resolutions::table, &rows)?;
    }
    Ok(())
}

/// Forgets every resolution (a full re-resolution starts here).
pub fn clear_resolutions(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(license_resolutions::table).execute(conn)
}

/// A named seat.
#[derive(Debug, Clone, PartialEq, Queryable, Insertable)]
#[diesel(table_name = license_allocations)]
pub struct Allocation {
    pub id: String,
    pub entitlement_id: String,
    pub person_id: Option<String>,
    pub asset_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Every named seat, or those of one entitlement.
pub fn allocations(conn: &mut DbConn, entitlement: Option<&str>) -> QueryResult<Vec<Allocation>> {
    let mut q = license_allocations::table
        .order((
            license_allocations::entitlement_id.asc(),
            license_allocations::created_at.asc(),
            license_allocations::id.asc(),
        ))
        .select((
            license_allocations::id,
            license_allocations::entitlement_id,
            license_allocations::person_id,
            license_allocations::asset_id,
            license_allocations::created_by,
            license_allocations::created_at,
        ))
        .into_boxed();
    if let Some(e) = entitlement {
        q = q.filter(license_allocations::entitlement_id.eq(e.to_owned()));
    }
    q.load(conn)
}

pub fn insert_allocation(conn: &mut DbConn, a: &Allocation) -> QueryResult<()> {
    diesel::insert_into(license_allocations::table)
        .values(a)
        .execute(conn)
        .map(|_| ())
}

pub fn delete_allocation(conn: &mut DbConn, entitlement: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        license_allocations::table
            .filter(license_allocations::entitlement_id.eq(entitlement))
            .filter(license_allocations::id.eq(id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}
