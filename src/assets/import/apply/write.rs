//! Writing a planned device import: catalogue, new assets in batches,
//! changed assets, and every history event.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::assets::model::Asset;
use crate::assets::repo;
use crate::audit::{self, Entry};
use crate::db::DbConn;
use crate::db::schema::assets;

use super::CHUNK;
use super::known::{Catalog, Known, Slot};

pub(super) fn write_devices(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    known: &Known,
    catalog: &Catalog,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    for m in &catalog.new_makers {
        repo::insert_manufacturer(conn, m)?;
    }
    for m in &catalog.new_models {
        repo::insert_model(conn, m)?;
    }
    for l in &catalog.new_locations {
        repo::insert_location(conn, l)?;
    }
    insert_new(conn, actor_id, known, reason, now)?;
    update_changed(conn, actor_id, known, reason, now)?;
    Ok(())
}

/// New assets in batches, each with its history event; their inventory
/// columns after.
fn insert_new(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    known: &Known,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let new: Vec<&Slot> = known.slots.iter().filter(|s| s.is_new).collect();
    for chunk in new.chunks(CHUNK) {
        let rows: Vec<Asset> = chunk.iter().map(|s| s.asset.clone()).collect();
        crate::insert_all!(conn, assets::table, &rows)?;
        let changes: Vec<Value> = chunk
            .iter()
            .map(|s| {
                json!({
                    "asset_tag": s.asset.asset_tag,
                    "status": s.asset.status.as_str(),
                    "substate": s.asset.substate.map(|x| x.as_str()),
                    "reason": reason,
                })
            })
            .collect();
        record(conn, chunk, changes, actor_id, now)?;
    }
    for s in known
        .slots
        .iter()
        .filter(|s| s.is_new && (s.os.0.is_some() || s.os.1.is_some() || s.device_id.is_some()))
    {
        diesel::update(assets::table.find(&s.asset.id))
            .set((
                assets::os_name.eq(&s.os.0),
                assets::os_version.eq(&s.os.1),
                assets::device_id.eq(&s.device_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Changed assets, each with its history event.
fn update_changed(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    known: &Known,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let changed: Vec<&Slot> = known
        .slots
        .iter()
        .filter(|s| !s.is_new && !s.changes.is_empty())
        .collect();
    for chunk in changed.chunks(CHUNK) {
        for s in chunk {
            save_slot(conn, s, now)?;
        }
        let changes: Vec<Value> = chunk
            .iter()
            .map(|s| {
                let mut c = s.changes.clone();
                c.insert("reason".into(), Value::from(reason));
                Value::Object(c)
            })
            .collect();
        record(conn, chunk, changes, actor_id, now)?;
    }
    Ok(())
}

/// Writes one changed asset's facts and inventory columns.
fn save_slot(conn: &mut DbConn, s: &Slot, now: NaiveDateTime) -> QueryResult<()> {
    let a = &s.asset;
    diesel::update(assets::table.find(&a.id))
        .set((
            assets::asset_tag.eq(&a.asset_tag),
            assets::serial.eq(&a.serial),
            assets::model_id.eq(&a.model_id),
            assets::category.eq(a.category),
            assets::hostname.eq(&a.hostname),
            assets::status.eq(a.status),
            assets::substate.eq(a.substate),
            assets::location_id.eq(&a.location_id),
            assets::assignee_id.eq(&a.assignee_id),
            assets::purchase_date.eq(a.purchase_date),
            assets::cost_minor.eq(a.cost_minor),
            assets::currency.eq(&a.currency),
            assets::supplier.eq(&a.supplier),
            assets::po_number.eq(&a.po_number),
            assets::warranty_end.eq(a.warranty_end),
            assets::notes.eq(&a.notes),
            assets::custom_fields.eq(&a.custom_fields),
            assets::os_name.eq(&s.os.0),
            assets::os_version.eq(&s.os.1),
            assets::device_id.eq(&s.device_id),
            assets::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// One `asset_imported` history event per asset of a chunk.
fn record(
    conn: &mut DbConn,
    chunk: &[&Slot],
    changes: Vec<Value>,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let entries: Vec<Entry<'_>> = chunk
        .iter()
        .zip(changes)
        .map(|(s, changes)| Entry {
            entity_type: "asset",
            entity_id: &s.asset.id,
            actor_id,
            action: "asset_imported",
            changes,
            at: now,
        })
        .collect();
    audit::record_many(conn, &entries)
}
