//! What a contract covers: assets (by tag) and license entitlements,
//! checked against their registers.

use std::collections::HashMap;

use super::may_read;
use crate::assets::service::suppliers::{self, AssetRef};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::{AppError, FieldError};
use crate::licenses::service::covered;
use crate::vendors::Vendors;
use crate::vendors::dto::ContractInput;
use crate::vendors::repo_links;

/// What the input asks a contract to cover, as ids: `None` where it says
/// nothing. Unknown tags and entitlements are faults naming their place.
pub(super) type Asked = (Option<Vec<String>>, Option<Vec<String>>);

/// Contract id → (asset tags, entitlement ids).
pub(super) type Covers = HashMap<String, (Vec<String>, Vec<String>)>;

/// The assets and (id, label) of the entitlements a contract covers.
pub type Coverage = (Vec<AssetRef>, Vec<(String, String)>);

pub(super) fn resolve(
    conn: &mut DbConn,
    input: &ContractInput,
    errors: &mut Vec<FieldError>,
) -> Result<Asked, AppError> {
    let assets = match &input.assets {
        None => None,
        Some(tags) => {
            let tags: Vec<String> = tags.iter().map(|t| t.trim().to_owned()).collect();
            let found = suppliers::by_tags(conn, &tags)?;
            let mut ids = Vec::new();
            for (i, tag) in tags.iter().enumerate() {
                match found.iter().find(|a| a.tag == *tag) {
                    Some(a) if !ids.contains(&a.id) => ids.push(a.id.clone()),
                    Some(_) => {}
                    None => errors.push(FieldError::new(
                        format!("assets[{i}]"),
                        format!("no asset {tag}"),
                    )),
                }
            }
            Some(ids)
        }
    };
    let entitlements = match &input.entitlement_ids {
        None => None,
        Some(wanted) => {
            let found = covered::entitlement_labels(conn, wanted)?;
            let mut ids: Vec<String> = Vec::new();
            for (i, id) in wanted.iter().enumerate() {
                if !found.iter().any(|(f, _)| f == id) {
                    errors.push(FieldError::new(
                        format!("entitlement_ids[{i}]"),
                        "no such entitlement",
                    ));
                } else if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
            Some(ids)
        }
    };
    Ok((assets, entitlements))
}

/// Stores what was asked.
pub(super) fn save(
    conn: &mut DbConn,
    contract: &str,
    (assets, entitlements): &Asked,
) -> Result<(), AppError> {
    if let Some(a) = assets {
        repo_links::set_assets(conn, contract, a)?;
    }
    if let Some(e) = entitlements {
        repo_links::set_entitlements(conn, contract, e)?;
    }
    Ok(())
}

/// Contract id → (asset tags, entitlement ids), for these contracts or
/// all.
pub(super) fn of_contracts(conn: &mut DbConn, ids: Option<&[String]>) -> Result<Covers, AppError> {
    let mut out = Covers::new();
    let assets = repo_links::assets_of(conn, ids)?;
    if !assets.is_empty() {
        let asset_ids: Vec<String> = assets.iter().map(|(_, a)| a.clone()).collect();
        let tags: HashMap<String, String> = suppliers::by_ids(conn, &asset_ids)?
            .into_iter()
            .map(|a| (a.id, a.tag))
            .collect();
        for (c, a) in assets {
            if let Some(t) = tags.get(&a) {
                out.entry(c).or_default().0.push(t.clone());
            }
        }
    }
    let ents = repo_links::entitlements_of(conn, ids)?;
    if !ents.is_empty() {
        // An entitlement deleted from the license register drops out.
        let wanted: Vec<String> = ents.iter().map(|(_, e)| e.clone()).collect();
        let existing: std::collections::HashSet<String> =
            covered::entitlement_labels(conn, &wanted)?
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        for (c, e) in ents {
            if existing.contains(&e) {
                out.entry(c).or_default().1.push(e);
            }
        }
    }
    for (tags, ents) in out.values_mut() {
        tags.sort();
        ents.sort();
    }
    Ok(out)
}

/// The assets and entitlements (id, label) a contract covers, for its
/// page.
pub fn contract_coverage(vendors: &Vendors, actor: &User, id: &str) -> Result<Coverage, AppError> {
    may_read(actor)?;
    vendors.db.read(|conn| {
        let ids = [id.to_owned()];
        let assets: Vec<String> = repo_links::assets_of(conn, Some(&ids))?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        let ents: Vec<String> = repo_links::entitlements_of(conn, Some(&ids))?
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        Ok((
            suppliers::by_ids(conn, &assets)?,
            covered::entitlement_labels(conn, &ents)?,
        ))
    })
}
