//! Reclaim candidates: licences in use where nobody is likely to use them —
//! installations on devices not inventoried for `licenses.stale_days`, on
//! retired, missing or stolen devices, or whose assignee is deactivated,
//! and named seats held by deactivated people — each with the units and
//! the cost taking it back would free.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::book::{Snapshot, ent, snapshot};
use super::evidence::device_flags;
use super::positions::label;
use crate::auth::User;
use crate::error::AppError;
use crate::licenses::Licenses;
use crate::licenses::dto::{CostTotal, ReclaimDto, ReclaimItem};
use crate::licenses::positions::{Ent, unit_cost};
use crate::licenses::terms::{Metric, counts_on};

/// Why a device's licence could be taken back: its evidence flags, and
/// an assignee who left.
fn reasons(lic: &Licenses, snap: &Snapshot, asset_id: &str) -> Vec<String> {
    let Some(f) = snap.devices.get(asset_id) else {
        return Vec::new();
    };
    let mut out = device_flags(lic, snap, f);
    if f.assignee_id
        .as_ref()
        .is_some_and(|p| snap.inactive.contains(p))
    {
        out.push("assignee_deactivated".into());
    }
    out
}

/// Every reclaim candidate on `as_of` (default today), largest saving first.
pub fn reclaim(
    lic: &Licenses,
    actor: &User,
    as_of: Option<NaiveDate>,
) -> Result<ReclaimDto, AppError> {
    let snap = snapshot(lic, actor, as_of, None)?;
    let book = snap.book(lic);
    let ents: Vec<Ent> = snap.entitlements.iter().map(ent).collect();
    let price = |product: &str, m: Metric| {
        let mine: Vec<&Ent> = ents
            .iter()
            .filter(|e| e.product_id == product && e.metric == m)
            .collect();
        unit_cost(&mine, snap.day)
    };
    let mut items = Vec::new();
    for p in &snap.products {
        for c in book.evidence.get(&p.id).map_or(&[][..], Vec::as_slice) {
            let why = reasons(lic, &snap, &c.share.asset_id);
            if why.is_empty() || c.covered_by.is_some() {
                continue;
            }
            let f = &snap.devices[&c.share.asset_id];
            let units = c.share.units.ceil() as i64;
            let (cost, currency) = price(&p.id, c.metric);
            items.push(ReclaimItem {
                kind: "installation".into(),
                reasons: why,
                product_id: p.id.clone(),
                product: label(p),
                metric: c.metric,
                asset_id: Some(f.id.clone()),
                asset_tag: Some(f.asset_tag.clone()),
                person_email: f
                    .assignee_id
                    .as_ref()
                    .and_then(|a| snap.emails.get(a).cloned()),
                allocation_id: None,
                units,
                cost_minor: units * cost,
                currency,
            });
        }
    }
    items.extend(seats(lic, &snap, &ents)?);
    items.sort_by(|a, b| {
        b.cost_minor
            .cmp(&a.cost_minor)
            .then(a.product.cmp(&b.product))
    });
    let mut costs: BTreeMap<String, i64> = BTreeMap::new();
    for i in &items {
        if let Some(c) = &i.currency {
            *costs.entry(c.clone()).or_default() += i.cost_minor;
        }
    }
    Ok(ReclaimDto {
        as_of: snap.day,
        items,
        totals: costs
            .into_iter()
            .map(|(currency, c)| CostTotal {
                currency,
                shortfall_cost_minor: 0,
                unused_cost_minor: c,
            })
            .collect(),
    })
}

/// Named seats of counting entitlements held by deactivated people.
fn seats(lic: &Licenses, snap: &Snapshot, ents: &[Ent]) -> Result<Vec<ReclaimItem>, AppError> {
    let people: Vec<String> = snap
        .allocations
        .iter()
        .filter_map(|a| a.person_id.clone())
        .collect();
    let gone: std::collections::HashMap<String, String> = lic.db.read(|conn| {
        Ok::<_, AppError>(
            crate::auth::people::find_users(conn, &people)?
                .into_iter()
                .filter(|u| !u.is_active)
                .map(|u| (u.id, u.email))
                .collect(),
        )
    })?;
    let mut out = Vec::new();
    for a in &snap.allocations {
        let Some(email) = a.person_id.as_ref().and_then(|p| gone.get(p)) else {
            continue;
        };
        let Some(e) = ents
            .iter()
            .find(|e| e.id == a.entitlement_id && counts_on(e.starts_on, e.ends_on, snap.day))
        else {
            continue;
        };
        let Some(p) = snap.products.iter().find(|p| p.id == e.product_id) else {
            continue;
        };
        let mine: Vec<&Ent> = ents
            .iter()
            .filter(|x| x.product_id == e.product_id && x.metric == e.metric)
            .collect();
        let (cost, currency) = unit_cost(&mine, snap.day);
        out.push(ReclaimItem {
            kind: "allocation".into(),
            reasons: vec!["person_deactivated".into()],
            product_id: p.id.clone(),
            product: label(p),
            metric: e.metric,
            asset_id: None,
            asset_tag: None,
            person_email: Some(email.clone()),
            allocation_id: Some(a.id.clone()),
            units: 1,
            cost_minor: cost,
            currency,
        });
    }
    Ok(out)
}
