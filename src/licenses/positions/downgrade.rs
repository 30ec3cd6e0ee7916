//! Downgrade rights: a newer version's spare units cover the overflow of
//! older versions of the same family.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Ent, Ledger, ORDER, Prod};
use crate::licenses::terms::{Metric, counts_on};

/// Compares versions part by part, numbers as numbers (`9` < `10`).
pub fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .map(|p| (p.parse().unwrap_or(u64::MAX), p.to_lowercase()))
            .collect()
    };
    parts(a).cmp(&parts(b))
}

/// The downgrade-rights entitlements of newer products of `p`'s family.
pub(super) fn downgrade_sources<'e>(p: &Prod, products: &[Prod], ents: &'e [Ent]) -> Vec<&'e Ent> {
    let (Some(family), Some(version)) = (&p.family, &p.version) else {
        return Vec::new();
    };
    let newer: Vec<&str> = products
        .iter()
        .filter(|q| q.family.as_ref() == Some(family))
        .filter(|q| {
            q.version
                .as_deref()
                .is_some_and(|v| version_order(version, v) == std::cmp::Ordering::Less)
        })
        .map(|q| q.id.as_str())
        .collect();
    ents.iter()
        .filter(|e| e.downgrade_rights && newer.contains(&e.product_id.as_str()))
        .collect()
}

/// Lets newer products of a family cover the overflow of older ones.
pub(super) fn downgrade(
    day: NaiveDate,
    products: &[Prod],
    ents: &[Ent],
    ledgers: &mut BTreeMap<&str, Ledger>,
) {
    let mut newest_first: Vec<&Prod> = products
        .iter()
        .filter(|p| {
            p.family.is_some() && p.version.is_some() && ledgers.contains_key(p.id.as_str())
        })
        .collect();
    newest_first.sort_by(|a, b| {
        version_order(
            b.version.as_deref().unwrap_or(""),
            a.version.as_deref().unwrap_or(""),
        )
    });
    for newer in &newest_first {
        for m in ORDER {
            let downgrade: i64 = ents
                .iter()
                .filter(|e| e.product_id == newer.id && e.metric == m && e.downgrade_rights)
                .filter(|e| counts_on(e.starts_on, e.ends_on, day))
                .map(|e| e.quantity)
                .sum();
            if downgrade == 0 {
                continue;
            }
            for older in newest_first.iter().filter(|o| {
                o.family == newer.family
                    && version_order(
                        o.version.as_deref().unwrap_or(""),
                        newer.version.as_deref().unwrap_or(""),
                    ) == std::cmp::Ordering::Less
            }) {
                shift(ledgers, newer, older, m, downgrade);
            }
        }
    }
}

/// Moves `older`'s overflow under `m` onto `newer`'s spare units.
fn shift(
    ledgers: &mut BTreeMap<&str, Ledger>,
    newer: &Prod,
    older: &Prod,
    m: Metric,
    downgrade: i64,
) {
    // The downgrade units bought cover older versions once, in total.
    let given = ledgers[newer.id.as_str()]
        .covers
        .get(&m)
        .copied()
        .unwrap_or(0);
    let mut spare = ledgers[newer.id.as_str()].spare(m, downgrade - given);
    let old = ledgers.get_mut(older.id.as_str()).expect("a ledger");
    let mut moved = 0;
    for i in old.over.clone() {
        let c = &mut old.counted[i];
        let units = c.share.units.ceil() as i64;
        if c.metric != m || c.covered_by.is_some() || units > spare {
            continue;
        }
        c.covered_by = Some(newer.id.clone());
        spare -= units;
        moved += units;
    }
    *old.covered.entry(m).or_default() += moved;
    let new = ledgers.get_mut(newer.id.as_str()).expect("a ledger");
    *new.covers.entry(m).or_default() += moved;
}
