//! Compliance positions on a day: what every product's devices consume
//! against what was bought, with the evidence behind each figure.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};

use super::may_read;
use super::resolution::catch_up;
use crate::assets::inventory::facts::{self, DeviceFacts};
use crate::assets::inventory::titles;
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;
use crate::licenses::Licenses;
use crate::licenses::consume::Device;
use crate::licenses::model::{Entitlement, Product};
use crate::licenses::positions::{self, Book, Ent, Policy, Prod, Seat};
use crate::licenses::repo::{self, Allocation};

/// The day `as_of` names (today when none) and the instant it ends, in
/// the register's time zone.
pub fn day_end(
    lic: &Licenses,
    as_of: Option<NaiveDate>,
) -> Result<(NaiveDate, NaiveDateTime), AppError> {
    let tz = lic
        .settings
        .zone()
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let day = as_of.unwrap_or_else(|| chrono::Utc::now().with_timezone(&tz).date_naive());
    let end = end_of_day(tz, day);
    Ok((day, end))
}

/// The instant `day` ends in `tz`: the next midnight, or where midnight
/// falls in a daylight-saving gap, when the clocks jump (the first
/// quarter hour that exists after it).
pub(crate) fn end_of_day(tz: chrono_tz::Tz, day: NaiveDate) -> NaiveDateTime {
    let midnight = (day + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    (0..=12)
        .find_map(|q| {
            tz.from_local_datetime(&(midnight + Duration::minutes(15 * q)))
                .earliest()
        })
        .map_or(midnight, |t| t.naive_utc())
}

/// Everything positions are computed from, read in one transaction.
pub(super) struct Snapshot {
    pub day: NaiveDate,
    pub end: NaiveDateTime,
    /// The instant installations are read at: the end of the day, or the
    /// moment the snapshot was taken when that is earlier (today). The
    /// evidence, read after the snapshot, reads at the same instant, so an
    /// inventory arriving meanwhile changes neither.
    pub seen_by: NaiveDateTime,
    pub products: Vec<Product>,
    pub entitlements: Vec<Entitlement>,
    pub allocations: Vec<Allocation>,
    /// The counted devices running each product.
    pub runs: BTreeMap<String, Vec<String>>,
    pub devices: HashMap<String, DeviceFacts>,
    /// The email of each device's assignee.
    pub emails: HashMap<String, String>,
    /// Those of them whose account is deactivated.
    pub inactive: std::collections::HashSet<String>,
}

impl Snapshot {
    /// Reads what positions on `day` need; with `only`, just what that
    /// product's positions need (its installations and its family's).
    pub fn read(
        conn: &mut DbConn,
        day: NaiveDate,
        end: NaiveDateTime,
        only: Option<&str>,
    ) -> Result<Snapshot, AppError> {
        let products = repo::products(conn)?;
        let family = only.and_then(|id| products.iter().find(|p| p.id == id)?.family.clone());
        let wanted = |p: &str| match only {
            None => true,
            Some(id) => {
                p == id
                    || family.is_some() && products.iter().any(|x| x.id == p && x.family == family)
            }
        };
        let resolved = match only {
            None => repo::product_titles(conn)?,
            Some(_) => {
                let ids: Vec<String> = products
                    .iter()
                    .filter(|p| wanted(&p.id))
                    .map(|p| p.id.clone())
                    .collect();
                repo::titles_of_products(conn, &ids)?
            }
        };
        let of_product: HashMap<String, String> =
            resolved.into_iter().map(|(t, p, _)| (t, p)).collect();
        let title_ids: Vec<String> = of_product.keys().cloned().collect();
        let seen_by = end.min(crate::ids::now());
        let pairs = titles::present(conn, &title_ids, seen_by)?;
        let mut ids: Vec<String> = pairs.iter().map(|(_, a)| a.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        let devices: HashMap<String, DeviceFacts> = facts::devices(conn, &ids)?
            .into_iter()
            .filter(|d| d.counted(day, end))
            .map(|d| (d.id.clone(), d))
            .collect();
        let runs = runs_by_tag(&pairs, &of_product, &devices);
        let mut people: Vec<String> = devices
            .values()
            .filter_map(|d| d.assignee_id.clone())
            .collect();
        people.sort_unstable();
        people.dedup();
        let found = crate::auth::people::find_users(conn, &people)?;
        let inactive = found
            .iter()
            .filter(|u| !u.is_active)
            .map(|u| u.id.clone())
            .collect();
        let emails = found.into_iter().map(|u| (u.id, u.email)).collect();
        Ok(Snapshot {
            emails,
            inactive,
            day,
            end,
            seen_by,
            products,
            entitlements: repo::entitlements(conn, None)?,
            allocations: repo::allocations(conn, None)?,
            runs,
            devices,
        })
    }

    /// The positions and evidence of this snapshot.
    pub fn book(&self, lic: &Licenses) -> Book {
        let products: Vec<Prod> = self
            .products
            .iter()
            .map(|p| Prod {
                id: p.id.clone(),
                family: p.family.clone(),
                version: p.version.clone(),
            })
            .collect();
        let ents: Vec<Ent> = self.entitlements.iter().map(ent).collect();
        let seats: Vec<Seat> = self
            .allocations
            .iter()
            .map(|a| Seat {
                entitlement_id: a.entitlement_id.clone(),
                person: a.person_id.clone(),
                asset: a.asset_id.clone(),
            })
            .collect();
        // One value per device, shared by every product it runs.
        let devices: HashMap<&str, Device> = self
            .devices
            .iter()
            .map(|(id, f)| (id.as_str(), device(f)))
            .collect();
        let runs: BTreeMap<String, Vec<&Device>> = self
            .runs
            .iter()
            .map(|(p, ids)| {
                (
                    p.clone(),
                    ids.iter().map(|id| &devices[id.as_str()]).collect(),
                )
            })
            .collect();
        let policy = Policy {
            at_risk_ratio: lic.settings.at_risk_ratio,
            expiry_warning_days: lic.settings.expiry_warning_days,
            factors: lic.settings.core_factors.clone(),
        };
        positions::book(self.day, &products, &ents, &seats, &runs, &policy)
    }
}

/// Each product's counted devices in asset-tag order (the order they are
/// counted in). Products and devices are numbered first, so that the
/// pairs (a few hundred thousand at 10,000 devices) are grouped without
/// copying a string each.
fn runs_by_tag(
    pairs: &[(String, String)],
    of_product: &HashMap<String, String>,
    devices: &HashMap<String, DeviceFacts>,
) -> BTreeMap<String, Vec<String>> {
    let mut by_tag: Vec<&DeviceFacts> = devices.values().collect();
    by_tag.sort_by(|a, b| a.asset_tag.cmp(&b.asset_tag).then(a.id.cmp(&b.id)));
    let rank: HashMap<&str, usize> = by_tag
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let mut names: Vec<&str> = of_product.values().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let product_ix: HashMap<&str, usize> = names.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let title_ix: HashMap<&str, usize> = of_product
        .iter()
        .map(|(t, p)| (t.as_str(), product_ix[p.as_str()]))
        .collect();
    let mut ranked: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (title, asset) in pairs {
        if let (Some(r), Some(p)) = (rank.get(asset.as_str()), title_ix.get(title.as_str())) {
            ranked[*p].push(*r);
        }
    }
    names
        .into_iter()
        .zip(ranked)
        .filter(|(_, list)| !list.is_empty())
        .map(|(product, mut list)| {
            list.sort_unstable();
            list.dedup();
            let ids = list.into_iter().map(|i| by_tag[i].id.clone()).collect();
            (product.to_owned(), ids)
        })
        .collect()
}

pub(super) fn ent(e: &Entitlement) -> Ent {
    Ent {
        id: e.id.clone(),
        product_id: e.product_id.clone(),
        metric: e.metric,
        quantity: e.quantity,
        starts_on: e.starts_on,
        ends_on: e.ends_on,
        unit_cost_minor: e.unit_cost_minor,
        currency: e.currency.clone(),
        downgrade_rights: e.downgrade_rights,
        core: e.core_terms(),
    }
}

fn device(f: &DeviceFacts) -> Device {
    Device {
        asset_id: f.id.clone(),
        assignee: f.assignee_id.clone(),
        processors: f.cpu_sockets,
        cores: f.cpu_cores,
        cpu_name: f.cpu_name.clone(),
    }
}

/// Reads a snapshot of the register on `as_of` after resolving new titles.
pub(super) fn snapshot(
    lic: &Licenses,
    actor: &User,
    as_of: Option<NaiveDate>,
    only: Option<&str>,
) -> Result<Snapshot, AppError> {
    may_read(actor)?;
    catch_up(&lic.db)?;
    let (day, end) = day_end(lic, as_of)?;
    lic.db.read(|conn| Snapshot::read(conn, day, end, only))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_day_ends_at_local_midnight_or_when_the_clocks_jump_over_it() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            end_of_day(chrono_tz::UTC, day("2026-12-31")),
            at("2027-01-01 00:00")
        );
        let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            end_of_day(berlin, day("2026-07-01")),
            at("2026-07-01 22:00")
        );
        // Chile skipped from 00:00 to 01:00 on 2024-09-08: 7 September
        // ended at 01:00 local summer time, 04:00 UTC.
        let santiago: chrono_tz::Tz = "America/Santiago".parse().unwrap();
        assert_eq!(
            end_of_day(santiago, day("2024-09-07")),
            at("2024-09-08 04:00")
        );
    }
}
