//! The positions API: every (product, metric) position on a day with
//! totals, and one product's positions with their evidence.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::book::{Snapshot, snapshot};
use crate::auth::User;
use crate::error::AppError;
use crate::licenses::Licenses;
use crate::licenses::dto::{
    CostTotal, PositionDetailDto, PositionDto, PositionsDto, ProductDto, Totals,
};
use crate::licenses::model::Product;
use crate::licenses::positions::Position;

/// The label of a product: publisher, name and edition.
pub fn label(p: &Product) -> String {
    label_of(&p.publisher, &p.name, p.edition.as_deref())
}

/// A product's label from its parts ("Microsoft" + "Microsoft 365 Apps"
/// reads once).
pub fn label_of(publisher: &str, name: &str, edition: Option<&str>) -> String {
    let name = if name.starts_with(publisher) {
        name.to_owned()
    } else {
        format!("{publisher} {name}")
    };
    match edition {
        Some(e) => format!("{name} {e}"),
        None => name,
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

pub(super) fn totals(items: &[PositionDto]) -> Totals {
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

pub(super) fn items(snap: &Snapshot, positions: &[Position]) -> Vec<PositionDto> {
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
    let snap = snapshot(lic, actor, as_of, None)?;
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
    let snap = snapshot(lic, actor, as_of, Some(product_id))?;
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
    let evidence = super::evidence::evidence(lic, &snap, &book, &[&product])?;
    Ok(PositionDetailDto {
        as_of: snap.day,
        product: ProductDto::from(&product),
        items: items(&snap, &mine),
        evidence,
    })
}

/// A product's history and its entitlements', oldest first: (event,
/// what it is about).
pub fn product_history(
    lic: &Licenses,
    actor: &User,
    product_id: &str,
) -> Result<Vec<(crate::audit::AuditEvent, &'static str)>, AppError> {
    super::may_read(actor)?;
    lic.db.read(|conn| {
        let mut out: Vec<(crate::audit::AuditEvent, &'static str)> =
            crate::audit::history(conn, "license_product", product_id)?
                .into_iter()
                .map(|e| (e, "product"))
                .collect();
        let ents: Vec<String> = crate::licenses::repo::entitlements(conn, Some(product_id))?
            .into_iter()
            .map(|e| e.id)
            .collect();
        for (_, events) in crate::audit::history_many(conn, "license_entitlement", &ents)? {
            out.extend(events.into_iter().map(|e| (e, "entitlement")));
        }
        out.sort_by(|a, b| (a.0.occurred_at, &a.0.id).cmp(&(b.0.occurred_at, &b.0.id)));
        Ok(out)
    })
}
