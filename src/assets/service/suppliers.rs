//! What the vendor register above asks of the asset register: the assets a
//! vendor supplied (linked where their free-text supplier names it), and
//! assets by tag or id for the contracts that cover them.

use diesel::prelude::*;

use crate::assets::domain::Status;
use crate::db::DbConn;
use crate::db::schema::{asset_suppliers, assets};
use crate::error::AppError;

/// An asset as another register names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRef {
    pub id: String,
    pub tag: String,
    pub hostname: Option<String>,
    pub status: Status,
}

type Row = (String, String, Option<String>, Status);

fn refs(rows: Vec<Row>) -> Vec<AssetRef> {
    rows.into_iter()
        .map(|(id, tag, hostname, status)| AssetRef {
            id,
            tag,
            hostname,
            status,
        })
        .collect()
}

/// Links to `vendor_id` the assets not linked yet whose supplier text is
/// `name` (any case, spaces around ignored); how many.
pub fn link_supplier(conn: &mut DbConn, vendor_id: &str, name: &str) -> Result<usize, AppError> {
    let linked: std::collections::HashSet<String> = asset_suppliers::table
        .select(asset_suppliers::asset_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let all: Vec<(String, Option<String>)> = assets::table
        .filter(assets::supplier.is_not_null())
        .select((assets::id, assets::supplier))
        .load(conn)?;
    let wanted = name.trim().to_lowercase();
    let mut n = 0;
    for (id, supplier) in all {
        let names_it = supplier
            .as_deref()
            .is_some_and(|s| s.trim().to_lowercase() == wanted);
        if names_it && !linked.contains(&id) {
            diesel::insert_into(asset_suppliers::table)
                .values((
                    asset_suppliers::asset_id.eq(&id),
                    asset_suppliers::vendor_id.eq(vendor_id),
                ))
                .execute(conn)?;
            n += 1;
        }
    }
    Ok(n)
}

/// How many assets a vendor supplied, and the newest `limit` of them.
pub fn supplied_by(
    conn: &mut DbConn,
    vendor_id: &str,
    limit: i64,
) -> Result<(i64, Vec<AssetRef>), AppError> {
    let count = asset_suppliers::table
        .filter(asset_suppliers::vendor_id.eq(vendor_id))
        .count()
        .get_result(conn)?;
    let rows: Vec<Row> = asset_suppliers::table
        .inner_join(assets::table)
        .filter(asset_suppliers::vendor_id.eq(vendor_id))
        .order((assets::created_at.desc(), assets::id.asc()))
        .limit(limit)
        .select((
            assets::id,
            assets::asset_tag,
            assets::hostname,
            assets::status,
        ))
        .load(conn)?;
    Ok((count, refs(rows)))
}

/// The assets with these tags (those that exist).
pub fn by_tags(conn: &mut DbConn, tags: &[String]) -> Result<Vec<AssetRef>, AppError> {
    let rows: Vec<Row> = assets::table
        .filter(assets::asset_tag.eq_any(tags))
        .select((
            assets::id,
            assets::asset_tag,
            assets::hostname,
            assets::status,
        ))
        .load(conn)?;
    Ok(refs(rows))
}

/// The assets with these ids, by tag.
pub fn by_ids(conn: &mut DbConn, ids: &[String]) -> Result<Vec<AssetRef>, AppError> {
    let rows: Vec<Row> = assets::table
        .filter(assets::id.eq_any(ids))
        .order(assets::asset_tag.asc())
        .select((
            assets::id,
            assets::asset_tag,
            assets::hostname,
            assets::status,
        ))
        .load(conn)?;
    Ok(refs(rows))
}
