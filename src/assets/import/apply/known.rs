//! What an import knows: the assets its keys name, the catalogue, people.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::assets::domain::{self, Status};
use crate::assets::import::profiles::Field;
use crate::assets::import::read::DeviceRow;
use crate::assets::model::{Asset, AssetModel, Location, Manufacturer};
use crate::assets::repo;
use crate::db::DbConn;
use crate::db::schema::assets;

use super::CHUNK;
use crate::ids;

/// One asset the import knows about: loaded from the register or planned.
pub(super) struct Slot {
    pub(super) asset: Asset,
    pub(super) os: (Option<String>, Option<String>),
    /// A management system's id of the device (`assets.device_id`).
    pub(super) device_id: Option<String>,
    /// The line that first named it in this file.
    pub(super) claimed_by: Option<u64>,
    pub(super) is_new: bool,
    /// Field → (from, to), for the history.
    pub(super) changes: Map<String, Value>,
}

/// Indexes over the slots.
#[derive(Default)]
pub(super) struct Known {
    pub(super) slots: Vec<Slot>,
    pub(super) by_tag: HashMap<String, usize>,
    pub(super) by_serial: HashMap<String, usize>,
    pub(super) by_host: HashMap<String, usize>,
    pub(super) by_device: HashMap<String, usize>,
    /// Tags for new assets the file gives none.
    pub(super) tags: Option<crate::assets::import::tags::TagCounter>,
}

impl Known {
    /// A tag for a new asset: the next of the pattern that nothing holds.
    pub(super) fn new_tag(&mut self) -> String {
        let by_tag = &self.by_tag;
        match &mut self.tags {
            Some(c) => c.take(|t| by_tag.contains_key(t)),
            None => format!("IMP-{}", &ids::new_id().replace('-', "")[20..32]),
        }
    }

    pub(super) fn add(&mut self, slot: Slot) -> usize {
        let i = self.slots.len();
        let a = &slot.asset;
        self.by_tag.insert(a.asset_tag.clone(), i);
        if a.status != Status::Disposed {
            if let Some(s) = &a.serial {
                self.by_serial.entry(s.clone()).or_insert(i);
            }
            if let Some(h) = &a.hostname {
                self.by_host.entry(h.clone()).or_insert(i);
            }
            if let Some(d) = &slot.device_id {
                self.by_device.entry(d.clone()).or_insert(i);
            }
        }
        self.slots.push(slot);
        i
    }

    /// Serial first, then asset tag, then host name: the order inventory
    /// agents are matched in too.
    pub(super) fn find(&self, row: &DeviceRow) -> Option<(usize, Field)> {
        if let Some(i) = row.serial.as_ref().and_then(|s| self.by_serial.get(s)) {
            return Some((*i, Field::Serial));
        }
        if let Some(i) = row.asset_tag.as_ref().and_then(|t| self.by_tag.get(t)) {
            return Some((*i, Field::AssetTag));
        }
        if let Some(i) = row.device_id.as_ref().and_then(|d| self.by_device.get(d)) {
            return Some((*i, Field::DeviceId));
        }
        // A host name is reused when a device is replaced: it names the
        // same asset only if the serials do not say otherwise.
        let i = *row.hostname.as_ref().and_then(|h| self.by_host.get(h))?;
        match (&row.serial, &self.slots[i].asset.serial) {
            (Some(new), Some(old)) if new != old => None,
            _ => Some((i, Field::Hostname)),
        }
    }

    /// Keeps the indexes in step when a row renames an asset's keys.
    pub(super) fn rekey(
        &mut self,
        i: usize,
        tag: &str,
        serial: &Option<String>,
        host: &Option<String>,
    ) {
        let a = &self.slots[i].asset;
        if a.asset_tag != tag {
            self.by_tag.remove(&a.asset_tag);
            self.by_tag.insert(tag.to_owned(), i);
        }
        if a.serial != *serial {
            if let Some(old) = &a.serial
                && self.by_serial.get(old) == Some(&i)
            {
                self.by_serial.remove(old);
            }
            if let Some(new) = serial {
                self.by_serial.entry(new.clone()).or_insert(i);
            }
        }
        if a.hostname != *host {
            if let Some(old) = &a.hostname
                && self.by_host.get(old) == Some(&i)
            {
                self.by_host.remove(old);
            }
            if let Some(new) = host {
                self.by_host.entry(new.clone()).or_insert(i);
            }
        }
    }
}

/// An asset with the inventory columns the import reads and writes.
pub(super) type Loaded = (Asset, Option<String>, Option<String>, Option<String>);

pub(super) fn load_known(conn: &mut DbConn, rows: &[DeviceRow]) -> QueryResult<Known> {
    let mut keys: [HashSet<String>; 4] = Default::default();
    for r in rows {
        keys[0].extend(r.asset_tag.clone());
        keys[1].extend(r.serial.clone());
        keys[2].extend(r.hostname.clone());
        keys[3].extend(r.device_id.clone());
    }
    let [tags, serials, hosts, devices] = keys.map(|k| k.into_iter().collect::<Vec<String>>());
    let mut found: Vec<Loaded> = Vec::new();
    let mut seen = HashSet::new();
    let select = (
        Asset::as_select(),
        assets::os_name,
        assets::os_version,
        assets::device_id,
    );
    // PostgreSQL: hold the rows the import may update until it commits, so
    // that an edit made meanwhile is not written over by this plan.
    // SQLite's single writer already serialises them.
    if let DbConn::Postgres(c) = conn {
        for (column, keys) in [
            ("asset_tag", &tags),
            ("serial", &serials),
            ("hostname", &hosts),
            ("device_id", &devices),
        ] {
            for chunk in keys.chunks(CHUNK) {
                diesel::sql_query(format!(
                    "SELECT id FROM assets WHERE {column} = ANY($1) ORDER BY id FOR UPDATE"
                ))
                .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(chunk)
                .execute(c)?;
            }
        }
    }
    macro_rules! load_by {
        ($column:expr, $keys:expr) => {
            for chunk in $keys.chunks(CHUNK) {
                let batch: Vec<Loaded> = assets::table
                    .filter($column.eq_any(chunk))
                    .select(select)
                    .load(conn)?;
                for row in batch {
                    if seen.insert(row.0.id.clone()) {
                        found.push(row);
                    }
                }
            }
        };
    }
    load_by!(assets::asset_tag, tags);
    load_by!(assets::serial, serials);
    load_by!(assets::hostname, hosts);
    load_by!(assets::device_id, devices);
    // Oldest first, so that a serial or host name shared by two assets
    // finds the older one, as the inventory feed does.
    found.sort_by(|a, b| (a.0.created_at, &a.0.id).cmp(&(b.0.created_at, &b.0.id)));
    let mut known = Known::default();
    for (asset, os_name, os_version, device_id) in found {
        known.add(Slot {
            asset,
            os: (os_name, os_version),
            device_id,
            claimed_by: None,
            is_new: false,
            changes: Map::new(),
        });
    }
    Ok(known)
}

/// Models, manufacturers and locations by lower-case name, and what the
/// import adds to them.
pub(super) struct Catalog {
    pub(super) makers: HashMap<String, Manufacturer>,
    pub(super) models: HashMap<(String, String), AssetModel>,
    pub(super) locations: HashMap<String, String>,
    pub(super) new_makers: Vec<Manufacturer>,
    pub(super) new_models: Vec<AssetModel>,
    pub(super) new_locations: Vec<Location>,
}

impl Catalog {
    pub(super) fn load(conn: &mut DbConn) -> QueryResult<Catalog> {
        let mut makers = HashMap::new();
        for m in repo::manufacturers(conn)? {
            makers.insert(maker_key(&m.name), m);
        }
        let mut models = HashMap::new();
        for (model, maker) in repo::models(conn)? {
            models.insert((maker_key(&maker.name), model.name.to_lowercase()), model);
        }
        let locations = repo::locations(conn)?
            .into_iter()
            .map(|l| (l.name.to_lowercase(), l.id))
            .collect();
        Ok(Catalog {
            makers,
            models,
            locations,
            new_makers: Vec::new(),
            new_models: Vec::new(),
            new_locations: Vec::new(),
        })
    }
}

/// A model a row needs: known, or to be created with the row.
pub(super) enum ModelPlan {
    Known(AssetModel),
    New {
        maker: String,
        name: String,
        category: domain::Category,
    },
}

/// A manufacturer as compared: "Dell Inc." and "DELL" are one maker.
pub(super) fn maker_key(name: &str) -> String {
    let cleaned: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    while words.len() > 1
        && matches!(
            *words.last().unwrap_or(&""),
            "inc"
                | "incorporated"
                | "corp"
                | "corporation"
                | "co"
                | "company"
                | "ltd"
                | "limited"
                | "llc"
                | "gmbh"
                | "ag"
                | "sa"
                | "plc"
                | "bv"
        )
    {
        words.pop();
    }
    words.join(" ")
}

pub(super) fn persons(
    conn: &mut DbConn,
    rows: &[DeviceRow],
) -> QueryResult<HashMap<String, String>> {
    let wanted: Vec<String> = rows
        .iter()
        .filter_map(|r| r.assignee.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    crate::auth::people::ids_by_email(conn, &wanted)
}

#[cfg(test)]
mod tests {
    use super::maker_key;

    #[test]
    fn one_maker_under_its_several_names() {
        assert_eq!(maker_key("Dell Inc."), "dell");
        assert_eq!(maker_key("DELL"), "dell");
        assert_eq!(maker_key("Hewlett-Packard Company"), "hewlett packard");
        assert_eq!(maker_key("Microsoft Corporation"), "microsoft");
        assert_eq!(maker_key("Co"), "co");
    }
}
