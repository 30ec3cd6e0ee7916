//! What purchasing asks of the asset register: the facts of the models it
//! orders, whether serials and tags are free, units created in batches
//! when an order is placed or received (tagged from `assets.tag_pattern`
//! unless given, linked to their vendor), units moved into stock when
//! they arrive, and units withdrawn when an order is cancelled. Each runs
//! in the caller's transaction; each asset gets its history entry.

use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::assets::domain::{Status, Substate};
use crate::assets::import::tags::{TagCounter, TagPattern};
use crate::assets::model::Asset;
use crate::audit::{self, Entry};
use crate::db::DbConn;
use crate::db::schema::{asset_models, asset_suppliers, assets, locations};
use crate::error::AppError;
use crate::ids;

/// Batches of this many rows per statement.
const CHUNK: usize = 200;

/// What an order line needs to know of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFacts {
    pub name: String,
    pub warranty_months: Option<i32>,
}

/// The models among `ids` that exist, by id.
pub fn model_facts(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<HashMap<String, ModelFacts>, AppError> {
    let rows: Vec<(String, String, Option<i32>)> = asset_models::table
        .filter(asset_models::id.eq_any(ids))
        .select((
            asset_models::id,
            asset_models::name,
            asset_models::warranty_months,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, warranty_months)| {
            (
                id,
                ModelFacts {
                    name,
                    warranty_months,
                },
            )
        })
        .collect())
}

/// Makes units one receipt at a time across processes: serials and tags
/// are checked, then inserted, and two receipts at once must not both pass
/// the check (PostgreSQL: a lock held until the transaction ends; SQLite's
/// single writer does this already).
pub fn lock_for_units(conn: &mut DbConn) -> Result<(), AppError> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7270014)").execute(c)?;
    }
    Ok(())
}

/// Whether a location exists.
pub fn location_exists(conn: &mut DbConn, id: &str) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(locations::table.find(id))).get_result(conn)?)
}

diesel::define_sql_function! {
    /// SQL's lower() (ASCII on SQLite; serials are).
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// Those of `serials` some asset already has, lower case (serials are
/// compared in any case, through the `lower(serial)` index).
pub fn serials_taken(conn: &mut DbConn, serials: &[String]) -> Result<HashSet<String>, AppError> {
    let mut taken = HashSet::new();
    let lowered: Vec<String> = serials.iter().map(|s| s.to_lowercase()).collect();
    for chunk in lowered.chunks(500) {
        let found: Vec<Option<String>> = assets::table
            .filter(lower(assets::serial).eq_any(chunk))
            .select(assets::serial)
            .load(conn)?;
        taken.extend(found.into_iter().flatten().map(|s| s.to_lowercase()));
    }
    Ok(taken)
}

/// Those of `tags` some asset already has.
pub fn tags_taken(conn: &mut DbConn, tags: &[String]) -> Result<HashSet<String>, AppError> {
    let mut taken = HashSet::new();
    for chunk in tags.chunks(500) {
        let found: Vec<String> = assets::table
            .filter(assets::asset_tag.eq_any(chunk))
            .select(assets::asset_tag)
            .load(conn)?;
        taken.extend(found);
    }
    Ok(taken)
}

/// Hands out tags of `assets.tag_pattern` for one receipt, skipping the
/// tags it was told are given elsewhere in it.
pub struct Tags(TagCounter, HashSet<String>);

impl Tags {
    pub fn load(conn: &mut DbConn, pattern: &TagPattern) -> Result<Tags, AppError> {
        Ok(Tags(TagCounter::load(conn, pattern)?, HashSet::new()))
    }

    /// Tags given to units of the same receipt: never handed out.
    pub fn reserve(&mut self, given: impl IntoIterator<Item = String>) {
        self.1.extend(given);
    }
}

/// Where units come from and what they cost.
#[derive(Debug, Clone)]
pub struct Arrival<'a> {
    pub model_id: &'a str,
    pub unit_cost_minor: i64,
    pub currency: &'a str,
    pub vendor_id: &'a str,
    pub vendor_name: &'a str,
    pub po_number: &'a str,
    /// The receipt's day (or the order's, for units created when it is
    /// placed).
    pub on: NaiveDate,
    pub warranty_months: Option<i32>,
    pub location_id: Option<&'a str>,
}

/// One unit to create: its tag (else the next of the pattern) and serial.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unit {
    pub tag: Option<String>,
    pub serial: Option<String>,
}

fn warranty_end(on: NaiveDate, months: Option<i32>) -> Option<NaiveDate> {
    months.and_then(|m| on.checked_add_months(Months::new(m.max(0) as u32)))
}

/// `n` tags of the pattern that no asset holds and that are not among
/// the tags `given` in this batch.
fn fresh_tags(
    conn: &mut DbConn,
    tags: &mut Tags,
    n: usize,
    given: &HashSet<&str>,
) -> Result<Vec<String>, AppError> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let reserved = &tags.1;
        let batch: Vec<String> = (out.len()..n)
            .map(|_| tags.0.take(|t| given.contains(t) || reserved.contains(t)))
            .collect();
        let taken = tags_taken(conn, &batch)?;
        out.extend(batch.into_iter().filter(|t| !taken.contains(t)));
    }
    Ok(out)
}

/// The row of one unit.
fn unit_row(
    arrival: &Arrival<'_>,
    serial: Option<String>,
    asset_tag: String,
    category: Option<crate::assets::domain::Category>,
    ordered: bool,
    now: NaiveDateTime,
) -> Asset {
    let (status, substate, warranty) = if ordered {
        (Status::Ordered, None, None)
    } else {
        (
            Status::InStock,
            Some(Substate::Available),
            warranty_end(arrival.on, arrival.warranty_months),
        )
    };
    Asset {
        id: ids::new_id(),
        asset_tag,
        serial,
        model_id: Some(arrival.model_id.to_owned()),
        category,
        hostname: None,
        status,
        substate,
        needs_review: false,
        location_id: arrival.location_id.map(str::to_owned),
        assignee_id: None,
        purchase_date: Some(arrival.on),
        cost_minor: Some(arrival.unit_cost_minor),
        currency: Some(arrival.currency.to_owned()),
        supplier: Some(arrival.vendor_name.to_owned()),
        po_number: Some(arrival.po_number.to_owned()),
        warranty_end: warranty,
        notes: String::new(),
        custom_fields: "{}".into(),
        disposal_method: None,
        disposal_date: None,
        disposal_evidence: None,
        created_at: now,
        updated_at: now,
    }
}

/// Creates one asset per unit: `ordered` (when the order is placed) or in
/// stock and available (when it arrives). Returns (id, tag) of each, in
/// order.
pub fn create_units(
    conn: &mut DbConn,
    arrival: &Arrival<'_>,
    units: &[Unit],
    ordered: bool,
    tags: &mut Tags,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<Vec<(String, String)>, AppError> {
    let category: Option<crate::assets::domain::Category> = asset_models::table
        .find(arrival.model_id)
        .select(asset_models::category)
        .first(conn)
        .optional()?;
    let given: HashSet<&str> = units.iter().filter_map(|u| u.tag.as_deref()).collect();
    let untagged = units.iter().filter(|u| u.tag.is_none()).count();
    let mut fresh = fresh_tags(conn, tags, untagged, &given)?.into_iter();
    let rows: Vec<Asset> = units
        .iter()
        .map(|u| {
            let tag = u.tag.clone().or_else(|| fresh.next()).unwrap_or_default();
            unit_row(arrival, u.serial.clone(), tag, category, ordered, now)
        })
        .collect();
    for chunk in rows.chunks(CHUNK) {
        insert_rows(conn, arrival, chunk, actor_id, now)?;
    }
    Ok(rows.into_iter().map(|a| (a.id, a.asset_tag)).collect())
}

/// Inserts units with their supplier links and history entries.
fn insert_rows(
    conn: &mut DbConn,
    arrival: &Arrival<'_>,
    chunk: &[Asset],
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    crate::insert_all!(conn, assets::table, chunk)?;
    let links: Vec<_> = chunk
        .iter()
        .map(|a| {
            (
                asset_suppliers::asset_id.eq(a.id.clone()),
                asset_suppliers::vendor_id.eq(arrival.vendor_id.to_owned()),
            )
        })
        .collect();
    crate::insert_all!(conn, asset_suppliers::table, &links)?;
    let entries: Vec<Entry<'_>> = chunk
        .iter()
        .map(|a| Entry {
            entity_type: "asset",
            entity_id: &a.id,
            actor_id,
            action: "asset_received",
            changes: json!({"asset_tag": a.asset_tag, "serial": a.serial, "status": a.status.as_str(),
                "substate": a.substate.map(|s| s.as_str()), "po_number": arrival.po_number}),
            at: now,
        })
        .collect();
    audit::record_many(conn, &entries)?;
    Ok(())
}

/// A unit placed with its order that arrived: its asset, and the serial
/// and tag it came with (a tag keeps the one it was given when ordered).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arrived {
    pub asset_id: String,
    pub serial: Option<String>,
    pub tag: Option<String>,
}

/// Moves `ordered` units that arrived into stock (available), with their
/// serials (and tags, where given), location, receipt day and warranty.
pub fn stock_units(
    conn: &mut DbConn,
    units: &[Arrived],
    arrival: &Arrival<'_>,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let warranty = warranty_end(arrival.on, arrival.warranty_months);
    let mut entries_data = Vec::with_capacity(units.len());
    for Arrived {
        asset_id: id,
        serial,
        tag,
    } in units
    {
        if let Some(t) = tag {
            diesel::update(assets::table.find(id))
                .set(assets::asset_tag.eq(t))
                .execute(conn)?;
        }
        let moved = diesel::update(
            assets::table
                .find(id)
                .filter(assets::status.eq(Status::Ordered)),
        )
        .set((
            assets::status.eq(Status::InStock),
            assets::substate.eq(Some(Substate::Available)),
            assets::serial.eq(serial),
            assets::location_id.eq(arrival.location_id),
            assets::purchase_date.eq(Some(arrival.on)),
            assets::warranty_end.eq(warranty),
            assets::updated_at.eq(now),
        ))
        .execute(conn)?;
        if moved != 1 {
            return Err(AppError::conflict(
                "unit_moved",
                format!(
                    "asset {id} of this order is no longer `ordered`; receive the other units or close the order"
                ),
            ));
        }
        entries_data.push((
            id,
            json!({"status": {"from": "ordered", "to": "in_stock"}, "serial": serial, "asset_tag": tag,
                   "reason": format!("received on {}", arrival.po_number)}),
        ));
    }
    let entries: Vec<Entry<'_>> = entries_data
        .into_iter()
        .map(|(id, changes)| Entry {
            entity_type: "asset",
            entity_id: id,
            actor_id,
            action: "asset_transition",
            changes,
            at: now,
        })
        .collect();
    for chunk in entries.chunks(CHUNK) {
        audit::record_many(conn, chunk)?;
    }
    Ok(())
}

/// Removes units created when an order was placed that never arrived
/// (the order was cancelled); units no longer `ordered` stay. How many.
pub fn withdraw_ordered(
    conn: &mut DbConn,
    ids: &[String],
    po_number: &str,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let ordered: Vec<String> = assets::table
        .filter(assets::id.eq_any(ids))
        .filter(assets::status.eq(Status::Ordered))
        .select(assets::id)
        .load(conn)?;
    diesel::delete(asset_suppliers::table.filter(asset_suppliers::asset_id.eq_any(&ordered)))
        .execute(conn)?;
    diesel::delete(assets::table.filter(assets::id.eq_any(&ordered))).execute(conn)?;
    let entries: Vec<Entry<'_>> = ordered
        .iter()
        .map(|id| Entry {
            entity_type: "asset",
            entity_id: id,
            actor_id,
            action: "asset_withdrawn",
            changes: json!({"reason": format!("{po_number} was cancelled")}),
            at: now,
        })
        .collect();
    audit::record_many(conn, &entries)?;
    Ok(ordered.len())
}

/// The tags of the assets among `ids` that exist, by id.
pub fn tags_of(conn: &mut DbConn, ids: &[String]) -> Result<HashMap<String, String>, AppError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String)> = assets::table
            .filter(assets::id.eq_any(chunk))
            .select((assets::id, assets::asset_tag))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}
