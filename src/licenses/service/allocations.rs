//! Named seats: a `user` entitlement held by a person, a `device`
//! entitlement held by an asset. Never more seats than the entitlement's
//! quantity, however many allocations race for the last one.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::json;

use super::{may_change, may_read, record};
use crate::assets::inventory::facts;
use crate::auth::User;
use crate::auth::people;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids::{self, utc};
use crate::licenses::dto::{AllocationDto, NewAllocation};
use crate::licenses::repo::{self, Allocation};
use crate::licenses::terms::Metric;

/// Allocations take turns under this lock (PostgreSQL), so that two
/// racing for the last seat see each other.
const SEAT_TURN: i64 = 0x1ce5_0002;

/// Per allocation: its person's email and its asset's tag.
pub(crate) type Names = HashMap<String, (Option<String>, Option<String>)>;

/// The email of each allocation's person and the tag of its asset.
pub(crate) fn names(db: &Db, held: &[&Allocation]) -> Result<Names, AppError> {
    db.read(|conn| names_in(conn, held))
}

fn names_in(conn: &mut DbConn, held: &[&Allocation]) -> Result<Names, AppError> {
    let person_ids: Vec<String> = held.iter().filter_map(|a| a.person_id.clone()).collect();
    let asset_ids: Vec<String> = held.iter().filter_map(|a| a.asset_id.clone()).collect();
    let emails: HashMap<String, String> = people::find_users(conn, &person_ids)?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    let tags: HashMap<String, String> = facts::devices(conn, &asset_ids)?
        .into_iter()
        .map(|d| (d.id, d.asset_tag))
        .collect();
    Ok(held
        .iter()
        .map(|a| {
            let email = a.person_id.as_ref().and_then(|p| emails.get(p).cloned());
            let tag = a.asset_id.as_ref().and_then(|p| tags.get(p).cloned());
            (a.id.clone(), (email, tag))
        })
        .collect())
}

fn dto(a: &Allocation, names: &Names) -> AllocationDto {
    let (person_email, asset_tag) = names.get(&a.id).cloned().unwrap_or_default();
    AllocationDto {
        id: a.id.clone(),
        entitlement_id: a.entitlement_id.clone(),
        person_id: a.person_id.clone(),
        person_email,
        asset_id: a.asset_id.clone(),
        asset_tag,
        created_at: utc(a.created_at),
    }
}

/// The seats of an entitlement.
pub fn allocations(
    db: &Db,
    actor: &User,
    entitlement_id: &str,
) -> Result<Vec<AllocationDto>, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        repo::entitlement(conn, entitlement_id)?
            .ok_or_else(|| AppError::NotFound(format!("entitlement {entitlement_id}")))?;
        let held = repo::allocations(conn, Some(entitlement_id))?;
        let refs: Vec<&Allocation> = held.iter().collect();
        let names = names_in(conn, &refs)?;
        Ok(held.iter().map(|a| dto(a, &names)).collect())
    })
}

/// Who or what the seat goes to, checked against the entitlement's metric.
fn holder(
    conn: &mut DbConn,
    metric: Metric,
    input: &NewAllocation,
) -> Result<(Option<String>, Option<String>), AppError> {
    let person = input
        .person
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let asset = input
        .asset
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (metric, person, asset) {
        (Metric::User, Some(p), None) => {
            let u = people::find_person(conn, p)?
                .ok_or_else(|| AppError::invalid("person", "no such person"))?;
            Ok((Some(u.id), None))
        }
        (Metric::Device, None, Some(a)) => {
            let (id, _) = facts::find_device(conn, a)?
                .ok_or_else(|| AppError::invalid("asset", "no such asset"))?;
            Ok((None, Some(id)))
        }
        (Metric::User, _, _) => Err(AppError::invalid(
            "person",
            "a user entitlement's seat goes to one person (id or email), without asset",
        )),
        (Metric::Device, _, _) => Err(AppError::invalid(
            "asset",
            "a device entitlement's seat goes to one asset (id or tag), without person",
        )),
        _ => Err(AppError::invalid(
            "entitlement_id",
            "named seats are for user and device entitlements",
        )),
    }
}

/// Gives a seat of an entitlement to a person or a device.
pub fn allocate(
    db: &Db,
    actor: &User,
    entitlement_id: &str,
    input: &NewAllocation,
    now: NaiveDateTime,
) -> Result<AllocationDto, AppError> {
    may_change(actor)?;
    db.write(|conn| {
        take_turn(conn)?;
        let e = repo::entitlement(conn, entitlement_id)?
            .ok_or_else(|| AppError::NotFound(format!("entitlement {entitlement_id}")))?;
        let a = allocate_in(conn, Some(&actor.id), &e, input, now)?;
        let names = names_in(conn, &[&a])?;
        Ok(dto(&a, &names))
    })
}

/// Waits for the other allocations in flight (PostgreSQL): call first in
/// the write transaction that allocates.
pub(crate) fn take_turn(conn: &mut DbConn) -> Result<(), AppError> {
    Ok(conn.lock_turn(SEAT_TURN)?)
}

/// Gives a seat of `e` inside a write transaction that took its turn
/// ([`take_turn`]): 409 `already_allocated` or `no_seats_left` when it
/// cannot.
pub(crate) fn allocate_in(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    e: &crate::licenses::model::Entitlement,
    input: &NewAllocation,
    now: NaiveDateTime,
) -> Result<Allocation, AppError> {
    let (person_id, asset_id) = holder(conn, e.metric, input)?;
    let held = repo::allocations(conn, Some(&e.id))?;
    if held.iter().any(|a| {
        a.person_id.is_some() && a.person_id == person_id
            || a.asset_id.is_some() && a.asset_id == asset_id
    }) {
        return Err(AppError::conflict(
            "already_allocated",
            "this entitlement already has a seat for them",
        ));
    }
    if held.len() as i64 >= e.quantity {
        return Err(AppError::conflict(
            "no_seats_left",
            format!("all {} seats of this entitlement are allocated", e.quantity),
        ));
    }
    let a = Allocation {
        id: ids::new_id(),
        entitlement_id: e.id.clone(),
        person_id,
        asset_id,
        created_by: actor_id.map(str::to_owned),
        created_at: now,
    };
    repo::insert_allocation(conn, &a)?;
    super::record_by(
        conn,
        actor_id,
        ("license_entitlement", &e.id),
        "seat_allocated",
        json!({"allocation_id": a.id, "person_id": a.person_id, "asset_id": a.asset_id}),
        now,
    )?;
    Ok(a)
}

/// Takes a seat back.
pub fn deallocate(
    db: &Db,
    actor: &User,
    entitlement_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    may_change(actor)?;
    db.write(|conn| {
        if !repo::delete_allocation(conn, entitlement_id, id)? {
            return Err(AppError::NotFound(format!("allocation {id}")));
        }
        record(
            conn,
            actor,
            ("license_entitlement", entitlement_id),
            "seat_released",
            json!({"allocation_id": id}),
            now,
        )
    })
}
