//! Devices put aside for a person before they are handed over (onboarding
//! reserves a new hire's laptop from stock), and what a person holds (an
//! offboarding takes it back). Each runs inside the caller's write
//! transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::ENTITY;
use super::lifecycle::{current, settle};
use crate::assets::domain::{self, Category, Move, Status, Substate};
use crate::assets::model::Asset;
use crate::assets::repo;
use crate::audit::{self, Entry};
use crate::auth::User;
use crate::db::DbConn;
use crate::db::schema::{asset_models, assets};
use crate::error::AppError;

/// Which devices a reservation may take: one model (name or id) or a
/// category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    Model(String),
    Category(String),
}

/// A device as a reservation or a holding names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeviceRef {
    pub asset_id: String,
    pub asset_tag: String,
    pub model: Option<String>,
}

fn device_ref(conn: &mut DbConn, a: &Asset) -> Result<DeviceRef, AppError> {
    let model = match &a.model_id {
        Some(id) => repo::model(conn, id)?.map(|m| m.name),
        None => None,
    };
    Ok(DeviceRef {
        asset_id: a.id.clone(),
        asset_tag: a.asset_tag.clone(),
        model,
    })
}

/// The device reserved for `person_id` that `wanted` describes, if one is
/// (so a retried reservation finds its own).
fn reserved_for(
    conn: &mut DbConn,
    person_id: &str,
    models: &[String],
    category: Option<Category>,
) -> Result<Option<Asset>, AppError> {
    let mut q = assets::table
        .filter(assets::status.eq(Status::InStock))
        .filter(assets::substate.eq(Substate::Reserved))
        .filter(assets::assignee_id.eq(person_id))
        .select(Asset::as_select())
        .into_boxed();
    if let Some(c) = category {
        q = q.filter(assets::category.eq(c));
    } else {
        q = q.filter(assets::model_id.eq_any(models));
    }
    Ok(q.order(assets::asset_tag.asc()).first(conn).optional()?)
}

/// The ids of the models `name_or_id` names; a 422 on `field` when none.
fn models_named(conn: &mut DbConn, name_or_id: &str) -> Result<Vec<String>, AppError> {
    let wanted = name_or_id.trim();
    let ids: Vec<String> = asset_models::table
        .filter(
            asset_models::id
                .eq(wanted)
                .or(asset_models::name.eq(wanted)),
        )
        .select(asset_models::id)
        .load(conn)?;
    Ok(ids)
}

/// What a reservation would take, without taking it: the first available
/// device in stock by tag (for a plan). `Err` names what is missing.
pub fn available(conn: &mut DbConn, wanted: &Wanted) -> Result<Option<DeviceRef>, AppError> {
    let Some(a) = first_available(conn, wanted)? else {
        return Ok(None);
    };
    Ok(Some(device_ref(conn, &a)?))
}

fn parse_category(name: &str) -> Result<Category, AppError> {
    name.trim()
        .parse::<Category>()
        .map_err(|_| AppError::invalid("device_category", format!("no asset category {name:?}")))
}

fn first_available(conn: &mut DbConn, wanted: &Wanted) -> Result<Option<Asset>, AppError> {
    let mut q = assets::table
        .filter(assets::status.eq(Status::InStock))
        .filter(assets::substate.eq(Substate::Available))
        .filter(assets::assignee_id.is_null())
        .select(Asset::as_select())
        .into_boxed();
    match wanted {
        Wanted::Model(m) => {
            let ids = models_named(conn, m)?;
            if ids.is_empty() {
                return Err(AppError::invalid(
                    "device_model",
                    format!("no asset model {m:?}"),
                ));
            }
            q = q.filter(assets::model_id.eq_any(ids));
        }
        Wanted::Category(c) => q = q.filter(assets::category.eq(parse_category(c)?)),
    }
    Ok(q.order(assets::asset_tag.asc()).first(conn).optional()?)
}

/// Reserves a device in stock for `person_id` (in stock, substate
/// `reserved`, the person as assignee) with the reason in its history.
/// Idempotent: a device of that kind reserved for them already is
/// returned as it is. `Ok(None)`: none in stock.
pub fn reserve_for(
    conn: &mut DbConn,
    actor: &User,
    person_id: &str,
    wanted: &Wanted,
    reason: &str,
    now: NaiveDateTime,
) -> Result<Option<DeviceRef>, AppError> {
    let (models, category) = match wanted {
        Wanted::Model(m) => (models_named(conn, m)?, None),
        Wanted::Category(c) => (Vec::new(), Some(parse_category(c)?)),
    };
    if let Some(a) = reserved_for(conn, person_id, &models, category)? {
        return Ok(Some(device_ref(conn, &a)?));
    }
    // Two runs may race for the last device: hold the row, then read it
    // again under the lock.
    let Some(candidate) = first_available(conn, wanted)? else {
        return Ok(None);
    };
    repo::lock_asset(conn, &candidate.id)?;
    let Some(mut a) = repo::asset(conn, &candidate.id)? else {
        return Ok(None);
    };
    if a.status != Status::InStock
        || a.substate != Some(Substate::Available)
        || a.assignee_id.is_some()
    {
        return Err(AppError::conflict(
            "device_taken",
            format!("{} was taken meanwhile; try again", a.asset_tag),
        ));
    }
    let out = domain::apply(
        &current(&a),
        &Move {
            substate: Some(Substate::Reserved),
            reason: reason.to_owned(),
            assignee: Some(Some(person_id.to_owned())),
            ..Move::default()
        },
    )?;
    settle(conn, &mut a, out, now)?;
    audit::record(
        conn,
        Entry {
            entity_type: ENTITY,
            entity_id: &a.id,
            actor_id: Some(&actor.id),
            action: "asset_reserved",
            changes: json!({"substate": "reserved", "assignee_id": person_id, "reason": reason}),
            at: now,
        },
    )?;
    Ok(Some(device_ref(conn, &a)?))
}

/// The devices deployed with a person (what an offboarding asks back),
/// by tag.
pub fn deployed_with(conn: &mut DbConn, person_id: &str) -> Result<Vec<DeviceRef>, AppError> {
    let held: Vec<Asset> = assets::table
        .filter(assets::assignee_id.eq(person_id))
        .filter(assets::status.eq(Status::Deployed))
        .order(assets::asset_tag.asc())
        .select(Asset::as_select())
        .load(conn)?;
    held.iter().map(|a| device_ref(conn, a)).collect()
}

/// The devices with a person: deployed with them or reserved for them,
/// by tag; with their status and whether reserved.
pub fn with_person(
    conn: &mut DbConn,
    person_id: &str,
) -> Result<Vec<(DeviceRef, Status, bool)>, AppError> {
    let held: Vec<Asset> = assets::table
        .filter(assets::assignee_id.eq(person_id))
        .filter(assets::status.eq_any([Status::Deployed, Status::InStock]))
        .order(assets::asset_tag.asc())
        .select(Asset::as_select())
        .load(conn)?;
    held.iter()
        .map(|a| {
            let reserved = a.substate == Some(Substate::Reserved);
            Ok((device_ref(conn, a)?, a.status, reserved))
        })
        .collect()
}

/// Links a ticket (a hand-over or a return task) to a device.
pub fn link_task(
    conn: &mut DbConn,
    actor: &User,
    ticket_id: &str,
    asset_id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    repo::link_ticket(conn, ticket_id, asset_id, &actor.id, now)?;
    Ok(())
}
