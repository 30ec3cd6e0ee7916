//! What purchasing above asks of the license register: the products an
//! order may name, and the entitlement a received license line becomes
//! (in the caller's transaction, with its history entry).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::entitlements::{blank, changes, check};
use super::positions::label;
use super::record_by;
use crate::db::DbConn;
use crate::error::AppError;
use crate::licenses::repo;
use crate::licenses::terms::Metric;

/// The metrics a purchase order line may buy: core licenses need their
/// counting rule, which the license register asks for.
pub const PURCHASABLE: [Metric; 4] = [
    Metric::Device,
    Metric::User,
    Metric::Processor,
    Metric::Site,
];

/// (id → "Publisher Product Edition") of the products among `ids` that exist.
pub fn product_labels(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<HashMap<String, String>, AppError> {
    Ok(repo::products(conn)?
        .iter()
        .filter(|p| ids.contains(&p.id))
        .map(|p| (p.id.clone(), label(p)))
        .collect())
}

/// A license line as it arrived.
#[derive(Debug, Clone)]
pub struct Purchased<'a> {
    pub product_id: &'a str,
    pub metric: Metric,
    pub quantity: i64,
    pub unit_cost_minor: i64,
    pub currency: &'a str,
    pub vendor: &'a str,
    pub po_number: &'a str,
    pub starts_on: NaiveDate,
}

/// Adds the entitlement a received license line becomes; its id.
pub fn receive_entitlement(
    conn: &mut DbConn,
    p: &Purchased<'_>,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let mut e = blank(now);
    e.product_id = p.product_id.to_owned();
    e.metric = p.metric;
    e.quantity = if p.metric == Metric::Site {
        0
    } else {
        p.quantity
    };
    e.starts_on = Some(p.starts_on);
    e.unit_cost_minor = Some(p.unit_cost_minor);
    e.currency = Some(p.currency.to_owned());
    e.vendor = Some(p.vendor.to_owned());
    e.po_number = Some(p.po_number.to_owned());
    check(conn, &e, Vec::new())?;
    repo::insert_entitlement(conn, &e)?;
    let mut c = changes(&e);
    c["po_number"] = p.po_number.into();
    record_by(
        conn,
        actor_id,
        ("license_entitlement", &e.id),
        "received",
        c,
        now,
    )?;
    Ok(e.id)
}
