//! The positions API: every (product, metric) position on a day with
//! totals, and one product's positions with their evidence.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::book::{Snapshot, snapshot};
use crate::assets::domain::Status;
use crate::assets::inventory::titles;
use crate::auth::User;
use crate::error::AppError;
use crate::ids::utc;
use crate::licenses::Licenses;
use crate::licenses::dto::{
    CostTotal, EvidenceDto, PositionDetailDto, PositionDto, PositionsDto, ProductDto, Totals,
};
use crate::licenses::model::Product;
use crate::licenses::positions::{Counted, Position};
use crate::licenses::repo;

/// The label of a product: publisher, name and edition.
pub fn label(p: &Product) -> String {
    match &p.edition {
        Some(e) => format!("{} {} {}", p.publisher, p.name, e),
        None => format!("{} {}", p.publisher, p.name),
    }
}

fn dto(p: &Position, product: &Product) -> PositionDto {
    PositionDto {
        product_id: p.product_id.clone(),
        product: label(product),
        publisher: product.publisher.clone(),
        metric: p.metric,
        entitled: p.entitled,
        consumed: p.consumed,
        balance: p.balance(),
        status: p.status.to_owned(),
        shortfall_cost_minor: p.shortfall_cost_minor,
        unused_cost_minor: p.unused_cost_minor,
        currency: p.currency.clone(),
        covers_older: p.covers,
        covered_by_newer: p.covered,
    }
}

fn totals(items: &[PositionDto]) -> Totals {
    let mut t = Totals {
        positions: items.len(),
        ..Totals::default()
    };
    let mut costs: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for i in items {
        match i.status.as_str() {
            "non_compliant" => t.non_compliant += 1,
            "at_risk" => t.at_risk += 1,
            _ => t.compliant += 1,
        }
        if let Some(c) = &i.currency {
            let e = costs.entry(c.clone()).or_default();
            e.0 += i.shortfall_cost_minor;
            e.1 += i.unused_cost_minor;
        }
    }
    t.costs = costs
        .into_iter()
        .map(|(currency, (s, u))| CostTotal {
            currency,
            shortfall_cost_minor: s,
            unused_cost_minor: u,
        })
        .collect();
    t
}

fn items(snap: &Snapshot, positions: &[Position]) -> Vec<PositionDto> {
    let by_id: HashMap<&str, &Product> = snap.products.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut out: Vec<PositionDto> = positions
        .iter()
        .filter_map(|p| by_id.get(p.product_id.as_str()).map(|prod| dto(p, prod)))
        .collect();
    out.sort_by(|a, b| (&a.product, a.metric.as_str()).cmp(&(&b.product, b.metric.as_str())));
    out
}

/// Every position on `as_of` (default today), with totals.
pub fn positions(
    lic: &Licenses,
    actor: &User,
    as_of: Option<NaiveDate>,
) -> Result<PositionsDto, AppError> {
    let snap = snapshot(lic, actor, as_of)?;
    let book = snap.book(lic);
    let items = items(&snap, &book.positions);
    Ok(PositionsDto {
        as_of: snap.day,
        totals: totals(&items),
        items,
    })
}

/// One product's positions on `as_of` with the evidence behind them.
pub fn position(
    lic: &Licenses,
    actor: &User,
    product_id: &str,
    as_of: Option<NaiveDate>,
) -> Result<PositionDetailDto, AppError> {
    let snap = snapshot(lic, actor, as_of)?;
    let product = snap
        .products
        .iter()
        .find(|p| p.id == product_id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("product {product_id}")))?;
    let book = snap.book(lic);
    let mine: Vec<Position> = book
        .positions
        .iter()
        .filter(|p| p.product_id == product_id)
        .cloned()
        .collect();
    let counted = book.evidence.get(product_id).cloned().unwrap_or_default();
    let mut evidence = installations(lic, &snap, &product, &counted)?;
    evidence.extend(seats(lic, &snap, &product)?);
    Ok(PositionDetailDto {
        as_of: snap.day,
        product: ProductDto::from(&product),
        items: items(&snap, &mine),
        evidence,
    })
}

/// Flags that come from the device rather than the counting.
fn device_flags(
    lic: &Licenses,
    snap: &Snapshot,
    f: &crate::assets::inventory::facts::DeviceFacts,
) -> Vec<String> {
    let mut flags = Vec::new();
    let stale_before = snap.end - chrono::Duration::days(lic.settings.stale_days);
    if f.last_inventory_at.is_none_or(|t| t < stale_before) {
        flags.push("stale".to_owned());
    }
    match f.status {
        Status::Retired => flags.push("retired_device".into()),
        Status::Missing => flags.push("missing_device".into()),
        Status::Stolen => flags.push("stolen_device".into()),
        _ => {}
    }
    flags
}

fn installations(
    lic: &Licenses,
    snap: &Snapshot,
    product: &Product,
    counted: &[Counted],
) -> Result<Vec<EvidenceDto>, AppError> {
    let by_asset: HashMap<&str, &Counted> = counted
        .iter()
        .map(|c| (c.share.asset_id.as_str(), c))
        .collect();
    let rules: HashMap<String, Option<String>> = lic.db.read(|conn| {
        Ok::<_, AppError>(
            repo::product_titles(conn)?
                .into_iter()
                .filter(|(_, p, _)| *p == product.id)
                .map(|(t, _, r)| (t, r))
                .collect(),
        )
    })?;
    let title_ids: Vec<String> = rules.keys().cloned().collect();
    let rows = lic
        .db
        .read(|conn| Ok::<_, AppError>(titles::installs(conn, &title_ids, snap.end)?))?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for i in rows {
        let (Some(c), Some(f)) = (
            by_asset.get(i.asset_id.as_str()),
            snap.devices.get(&i.asset_id),
        ) else {
            continue;
        };
        let first = seen.insert(i.asset_id.clone());
        let mut flags: Vec<String> = c.share.flags.iter().map(|s| (*s).to_owned()).collect();
        flags.extend(device_flags(lic, snap, f));
        if !first {
            flags.push("same_device".into());
        }
        out.push(EvidenceDto {
            kind: "installation".into(),
            asset_id: Some(f.id.clone()),
            asset_tag: Some(f.asset_tag.clone()),
            hostname: f.hostname.clone(),
            serial: f.serial.clone(),
            asset_status: Some(f.status.as_str().to_owned()),
            assignee_email: f
                .assignee_id
                .as_ref()
                .and_then(|p| snap.emails.get(p).cloned()),
            product_id: product.id.clone(),
            product: label(product),
            discovered_name: Some(i.name),
            version: Some(i.version),
            publisher: i.publisher,
            rule_id: i
                .title_id
                .as_ref()
                .and_then(|t| rules.get(t).cloned().flatten()),
            first_seen: Some(utc(i.first_seen)),
            last_seen: Some(utc(i.last_seen)),
            metric: c.metric,
            units: if first { c.share.units } else { 0.0 },
            flags,
            covered_by: c.covered_by.clone(),
            entitlement_id: None,
        });
    }
    Ok(out)
}

fn seats(lic: &Licenses, snap: &Snapshot, product: &Product) -> Result<Vec<EvidenceDto>, AppError> {
    let ents: HashMap<&str, &crate::licenses::Entitlement> = snap
        .entitlements
        .iter()
        .filter(|e| e.product_id == product.id)
        .filter(|e| crate::licenses::terms::counts_on(e.starts_on, e.ends_on, snap.day))
        .map(|e| (e.id.as_str(), e))
        .collect();
    let held: Vec<&repo::Allocation> = snap
        .allocations
        .iter()
        .filter(|a| ents.contains_key(a.entitlement_id.as_str()))
        .collect();
    let named = super::allocations::names(&lic.db, &held)?;
    Ok(held
        .iter()
        .map(|a| {
            let (person_email, asset_tag) = named.get(&a.id).cloned().unwrap_or_default();
            EvidenceDto {
                kind: "allocation".into(),
                asset_id: a.asset_id.clone(),
                asset_tag,
                hostname: None,
                serial: None,
                asset_status: None,
                assignee_email: person_email,
                product_id: product.id.clone(),
                product: label(product),
                discovered_name: None,
                version: None,
                publisher: None,
                rule_id: None,
                first_seen: None,
                last_seen: None,
                metric: ents[a.entitlement_id.as_str()].metric,
                units: 1.0,
                flags: vec!["named_seat".into()],
                covered_by: None,
                entitlement_id: Some(a.entitlement_id.clone()),
            }
        })
        .collect())
}
