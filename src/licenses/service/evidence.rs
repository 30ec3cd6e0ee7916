//! The evidence behind positions: one row per consuming installation (a
//! device's units on its first installation of the product) and one per
//! named seat, with the flags an auditor asks about.

use std::collections::{HashMap, HashSet};

use super::book::Snapshot;
use super::positions::label;
use crate::assets::domain::Status;
use crate::assets::inventory::facts::DeviceFacts;
use crate::assets::inventory::titles;
use crate::error::AppError;
use crate::ids::utc;
use crate::licenses::Licenses;
use crate::licenses::dto::EvidenceDto;
use crate::licenses::model::Product;
use crate::licenses::positions::{Book, Counted};
use crate::licenses::repo;
use crate::licenses::terms::counts_on;

/// Flags that come from the device rather than the counting.
pub(super) fn device_flags(lic: &Licenses, snap: &Snapshot, f: &DeviceFacts) -> Vec<String> {
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

/// Where each product's evidence comes from: its titles and the rule
/// that resolved each.
pub(super) struct Source {
    of_title: HashMap<String, (String, Option<String>)>,
    titles_of: HashMap<String, Vec<String>>,
}

impl Source {
    /// The titles of `products`.
    pub fn of(lic: &Licenses, products: &[&Product]) -> Result<Source, AppError> {
        let wanted: HashSet<&str> = products.iter().map(|p| p.id.as_str()).collect();
        let of_title: HashMap<String, (String, Option<String>)> = lic.db.read(|conn| {
            // A few products: theirs alone; many: all at once.
            let resolved = if products.len() <= 50 {
                let ids: Vec<String> = products.iter().map(|p| p.id.clone()).collect();
                repo::titles_of_products(conn, &ids)?
            } else {
                repo::product_titles(conn)?
            };
            Ok::<_, AppError>(
                resolved
                    .into_iter()
                    .filter(|(_, p, _)| wanted.contains(p.as_str()))
                    .map(|(t, p, r)| (t, (p, r)))
                    .collect(),
            )
        })?;
        let mut titles_of: HashMap<String, Vec<String>> = HashMap::new();
        for (t, (p, _)) in &of_title {
            titles_of.entry(p.clone()).or_default().push(t.clone());
        }
        Ok(Source {
            of_title,
            titles_of,
        })
    }

    /// One product's evidence rows: installations by device, then seats.
    pub fn rows(
        &self,
        lic: &Licenses,
        snap: &Snapshot,
        book: &Book,
        product: &Product,
    ) -> Result<Vec<EvidenceDto>, AppError> {
        let title_ids = self
            .titles_of
            .get(&product.id)
            .map_or(&[][..], Vec::as_slice);
        let installs = lic
            .db
            .read(|conn| Ok::<_, AppError>(titles::installs(conn, title_ids, snap.seen_by)?))?;
        let counted = book
            .evidence
            .get(&product.id)
            .map_or(&[][..], Vec::as_slice);
        let mut out = installations(lic, snap, product, counted, installs, &self.of_title);
        out.extend(seats(lic, snap, product)?);
        Ok(out)
    }
}

/// Evidence rows of `products` in this snapshot and book, product by
/// product (installations by device, then seats).
pub(super) fn evidence(
    lic: &Licenses,
    snap: &Snapshot,
    book: &Book,
    products: &[&Product],
) -> Result<Vec<EvidenceDto>, AppError> {
    let source = Source::of(lic, products)?;
    let mut out = Vec::new();
    for product in products {
        out.extend(source.rows(lic, snap, book, product)?);
    }
    Ok(out)
}

fn installations(
    lic: &Licenses,
    snap: &Snapshot,
    product: &Product,
    counted: &[Counted],
    rows: Vec<titles::TitledInstall>,
    of_title: &HashMap<String, (String, Option<String>)>,
) -> Vec<EvidenceDto> {
    let by_asset: HashMap<&str, &Counted> = counted
        .iter()
        .map(|c| (c.share.asset_id.as_str(), c))
        .collect();
    let mut seen = HashSet::new();
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
                .and_then(|t| of_title.get(t))
                .and_then(|(_, r)| r.clone()),
            first_seen: Some(utc(i.first_seen)),
            last_seen: Some(utc(i.last_seen)),
            metric: c.metric,
            units: if first { c.share.units } else { 0.0 },
            flags,
            covered_by: c.covered_by.clone(),
            entitlement_id: None,
        });
    }
    out
}

fn seats(lic: &Licenses, snap: &Snapshot, product: &Product) -> Result<Vec<EvidenceDto>, AppError> {
    let ents: HashMap<&str, &crate::licenses::Entitlement> = snap
        .entitlements
        .iter()
        .filter(|e| e.product_id == product.id && counts_on(e.starts_on, e.ends_on, snap.day))
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
