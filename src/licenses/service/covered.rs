//! What the vendor register above asks of the license register: the
//! entitlements a contract covers, named for people.

use std::collections::HashMap;

use diesel::prelude::*;

use super::positions::label;
use crate::db::DbConn;
use crate::db::schema::license_entitlements as e;
use crate::error::AppError;
use crate::licenses::model::Entitlement;
use crate::licenses::repo;

/// (id, "Product — 25 per user") of the entitlements with these ids that
/// exist, by label.
pub fn entitlement_labels(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<Vec<(String, String)>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Entitlement> = e::table
        .filter(e::id.eq_any(ids))
        .select(Entitlement::as_select())
        .load(conn)?;
    let products: HashMap<String, String> = repo::products(conn)?
        .iter()
        .map(|p| (p.id.clone(), label(p)))
        .collect();
    let mut out: Vec<(String, String)> = found
        .into_iter()
        .map(|x| {
            let product = products.get(&x.product_id).cloned().unwrap_or_default();
            let what = format!("{product} — {} per {}", x.quantity, x.metric.as_str());
            (x.id, what)
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}
