//! Queries of what contracts cover: assets and license entitlements.

use diesel::prelude::*;

use super::model::{CoveredAsset, CoveredEntitlement};
use crate::db::DbConn;
use crate::db::schema::{contract_assets as ca, contract_entitlements as ce};

/// Puts `assets` in place of what the contract covers.
pub fn set_assets(conn: &mut DbConn, contract: &str, assets: &[String]) -> QueryResult<()> {
    diesel::delete(ca::table.filter(ca::contract_id.eq(contract))).execute(conn)?;
    for a in assets {
        diesel::insert_into(ca::table)
            .values(&CoveredAsset {
                contract_id: contract.to_owned(),
                asset_id: a.clone(),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Puts `entitlements` in place of what the contract covers.
pub fn set_entitlements(
    conn: &mut DbConn,
    contract: &str,
    entitlements: &[String],
) -> QueryResult<()> {
    diesel::delete(ce::table.filter(ce::contract_id.eq(contract))).execute(conn)?;
    for e in entitlements {
        diesel::insert_into(ce::table)
            .values(&CoveredEntitlement {
                contract_id: contract.to_owned(),
                entitlement_id: e.clone(),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// (contract, asset id) of these contracts, or of all when `None`.
pub fn assets_of(
    conn: &mut DbConn,
    contracts: Option<&[String]>,
) -> QueryResult<Vec<(String, String)>> {
    let mut q = ca::table
        .select((ca::contract_id, ca::asset_id))
        .into_boxed();
    if let Some(ids) = contracts {
        q = q.filter(ca::contract_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

/// (contract, entitlement id) of these contracts, or of all when `None`.
pub fn entitlements_of(
    conn: &mut DbConn,
    contracts: Option<&[String]>,
) -> QueryResult<Vec<(String, String)>> {
    let mut q = ce::table
        .select((ce::contract_id, ce::entitlement_id))
        .into_boxed();
    if let Some(ids) = contracts {
        q = q.filter(ce::contract_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}
