//! A person's seats, product by product: onboarding gives a new hire a seat
//! of each product their template names, offboarding gives every seat of a
//! leaver back. Each runs inside the caller's write transaction.

use chrono::NaiveDateTime;
use serde_json::json;

use super::allocations::{allocate_in, take_turn};
use super::record_by;
use crate::db::DbConn;
use crate::error::AppError;
use crate::licenses::dto::NewAllocation;
use crate::licenses::model::{Entitlement, Product};
use crate::licenses::repo;
use crate::licenses::terms::Metric;

/// A seat as onboarding reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seat {
    pub allocation_id: String,
    pub entitlement_id: String,
    pub product_id: String,
    pub product: String,
}

/// The product a template names: its id, its name, or "publisher name"
/// (case does not matter).
pub fn find_product(conn: &mut DbConn, name_or_id: &str) -> Result<Option<Product>, AppError> {
    let wanted = name_or_id.trim().to_lowercase();
    Ok(repo::products(conn)?.into_iter().find(|p| {
        p.id == name_or_id.trim()
            || p.name.to_lowercase() == wanted
            || format!("{} {}", p.publisher, p.name).to_lowercase() == wanted
    }))
}

fn label(p: &Product) -> String {
    format!("{} {}", p.publisher, p.name)
}

/// The per-user entitlements of a product that are in force on `today`.
fn user_entitlements(
    conn: &mut DbConn,
    product: &Product,
    today: chrono::NaiveDate,
) -> Result<Vec<Entitlement>, AppError> {
    Ok(repo::entitlements(conn, Some(&product.id))?
        .into_iter()
        .filter(|e| e.metric == Metric::User)
        .filter(|e| e.starts_on.is_none_or(|s| s <= today))
        .filter(|e| e.ends_on.is_none_or(|d| d >= today))
        .collect())
}

/// Free seats of a product on `today` (for a plan).
pub fn free_seats(
    conn: &mut DbConn,
    product: &Product,
    today: chrono::NaiveDate,
) -> Result<i64, AppError> {
    let mut free = 0;
    for e in user_entitlements(conn, product, today)? {
        let held = repo::allocations(conn, Some(&e.id))?.len() as i64;
        free += (e.quantity - held).max(0);
    }
    Ok(free)
}

/// Gives `person_id` a seat of the product (on the first per-user
/// entitlement in force with one free). Idempotent: a seat of the product
/// they hold already is returned. 409 `no_seats_left` when every seat is
/// taken; 422 when the product is unknown.
pub fn allocate_product(
    conn: &mut DbConn,
    actor_id: &str,
    product: &str,
    person_id: &str,
    now: NaiveDateTime,
) -> Result<Seat, AppError> {
    take_turn(conn)?;
    let p = find_product(conn, product)?.ok_or_else(|| {
        AppError::invalid(
            "license_products",
            format!("no license product {product:?}"),
        )
    })?;
    let entitlements = user_entitlements(conn, &p, now.date())?;
    let seat = |a: &repo::Allocation| Seat {
        allocation_id: a.id.clone(),
        entitlement_id: a.entitlement_id.clone(),
        product_id: p.id.clone(),
        product: label(&p),
    };
    for e in &entitlements {
        if let Some(a) = repo::allocations(conn, Some(&e.id))?
            .iter()
            .find(|a| a.person_id.as_deref() == Some(person_id))
        {
            return Ok(seat(a));
        }
    }
    let input = NewAllocation {
        person: Some(person_id.to_owned()),
        asset: None,
    };
    for e in &entitlements {
        match allocate_in(conn, Some(actor_id), e, &input, now) {
            Ok(a) => return Ok(seat(&a)),
            Err(AppError::Conflict {
                code: "no_seats_left",
                ..
            }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(AppError::conflict(
        "no_seats_left",
        format!("every seat of {} is allocated", label(&p)),
    ))
}

/// The seats a person holds.
pub fn seats_of(conn: &mut DbConn, person_id: &str) -> Result<Vec<Seat>, AppError> {
    let products = repo::products(conn)?;
    let mut out = Vec::new();
    for a in repo::allocations(conn, None)?
        .into_iter()
        .filter(|a| a.person_id.as_deref() == Some(person_id))
    {
        let Some(e) = repo::entitlement(conn, &a.entitlement_id)? else {
            continue;
        };
        let Some(p) = products.iter().find(|p| p.id == e.product_id) else {
            continue;
        };
        out.push(Seat {
            allocation_id: a.id.clone(),
            entitlement_id: e.id.clone(),
            product_id: p.id.clone(),
            product: label(p),
        });
    }
    Ok(out)
}

/// Gives every seat of a person back, each in its entitlement's history;
/// returns what was released.
pub fn release_all(
    conn: &mut DbConn,
    actor_id: &str,
    person_id: &str,
    now: NaiveDateTime,
) -> Result<Vec<Seat>, AppError> {
    let held = seats_of(conn, person_id)?;
    for s in &held {
        if repo::delete_allocation(conn, &s.entitlement_id, &s.allocation_id)? {
            record_by(
                conn,
                Some(actor_id),
                ("license_entitlement", &s.entitlement_id),
                "seat_released",
                json!({"allocation_id": s.allocation_id, "person_id": person_id}),
                now,
            )?;
        }
    }
    Ok(held)
}
