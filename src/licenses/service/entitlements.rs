//! Entitlements: what was bought, under which metric, for which term and
//! at what cost. A `core` entitlement must agree with the product's other
//! `core` entitlements on the core rule and its parameters.

use chrono::NaiveDateTime;
use serde_json::json;

use super::{may_change, may_read, record};
use crate::auth::User;
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::licenses::dto::EntitlementInput;
use crate::licenses::model::Entitlement;
use crate::licenses::repo;
use crate::licenses::terms::{self, CoreRule, Metric, Shape};

/// Whether the reader sees licence keys.
pub fn shows_keys(actor: &User) -> bool {
    actor.role.manages_assets()
}

use crate::text::trimmed as clean;

/// Puts the input's fields on `e` (absent fields stay), collecting faults.
pub(crate) fn apply(e: &mut Entitlement, input: &EntitlementInput, errors: &mut Vec<FieldError>) {
    if let Some(p) = &input.product_id {
        e.product_id = p.trim().to_owned();
    }
    if let Some(m) = &input.metric {
        match m.trim().parse::<Metric>() {
            Ok(m) => e.metric = m,
            Err(err) => errors.push(FieldError::new("metric", err.to_string())),
        }
    }
    if let Some(q) = input.quantity {
        e.quantity = q;
    }
    if let Some(v) = input.starts_on {
        e.starts_on = v;
    }
    if let Some(v) = input.ends_on {
        e.ends_on = v;
    }
    if let Some(v) = input.unit_cost_minor {
        e.unit_cost_minor = v;
    }
    if let Some(v) = &input.currency {
        e.currency = clean(v).map(|c| c.to_uppercase());
    }
    if let Some(v) = &input.core_rule {
        e.core_rule = match clean(v) {
            None => None,
            Some(r) => match r.parse::<CoreRule>() {
                Ok(r) => Some(r),
                Err(err) => {
                    errors.push(FieldError::new("core_rule", err.to_string()));
                    None
                }
            },
        };
    }
    for (field, given) in [
        (
            &mut e.min_cores_per_processor,
            input.min_cores_per_processor,
        ),
        (&mut e.min_cores_per_device, input.min_cores_per_device),
        (&mut e.core_pack, input.core_pack),
    ] {
        if let Some(v) = given {
            *field = v;
        }
    }
    if let Some(v) = input.downgrade_rights {
        e.downgrade_rights = v;
    }
    for (field, given) in [
        (&mut e.license_key, &input.license_key),
        (&mut e.vendor, &input.vendor),
        (&mut e.po_number, &input.po_number),
        (&mut e.contract_ref, &input.contract_ref),
    ] {
        if let Some(v) = given {
            *field = clean(v);
        }
    }
    if let Some(n) = &input.notes {
        e.notes = n.clone();
    }
}

/// Every fault of the entitlement as it would be stored.
pub(crate) fn check(
    conn: &mut DbConn,
    e: &Entitlement,
    mut errors: Vec<FieldError>,
) -> Result<(), AppError> {
    let shape = Shape {
        metric: Some(e.metric),
        quantity: e.quantity,
        starts_on: e.starts_on,
        ends_on: e.ends_on,
        unit_cost_minor: e.unit_cost_minor,
        currency: e.currency.clone(),
        core_numbers: [
            ("min_cores_per_processor", e.min_cores_per_processor),
            ("min_cores_per_device", e.min_cores_per_device),
            ("core_pack", e.core_pack),
        ],
    };
    errors.extend(terms::check(&shape));
    if e.core_rule.is_some() && e.metric != Metric::Core {
        errors.push(FieldError::new("core_rule", "only for the core metric"));
    }
    if e.product_id.is_empty() {
        errors.push(FieldError::new("product_id", "the product this licenses"));
    } else if repo::product(conn, &e.product_id)?.is_none() {
        errors.push(FieldError::new("product_id", "no such product"));
    } else if e.metric == Metric::Core {
        let mine = e.core_terms();
        for other in repo::entitlements(conn, Some(&e.product_id))? {
            if other.id == e.id || other.metric != Metric::Core {
                continue;
            }
            if let Some(field) = mine.disagreement(&other.core_terms()) {
                errors.push(FieldError::new(
                    field,
                    "the product's other core entitlements count cores another way: every core entitlement of one product keeps the same rule and parameters",
                ));
                break;
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// A new entitlement before its fields are set.
pub(crate) fn blank(now: NaiveDateTime) -> Entitlement {
    Entitlement {
        id: ids::new_id(),
        product_id: String::new(),
        metric: Metric::Device,
        quantity: 0,
        starts_on: None,
        ends_on: None,
        unit_cost_minor: None,
        currency: None,
        core_rule: None,
        min_cores_per_processor: None,
        min_cores_per_device: None,
        core_pack: None,
        downgrade_rights: false,
        license_key: None,
        vendor: None,
        po_number: None,
        contract_ref: None,
        notes: String::new(),
        created_at: now,
        updated_at: now,
        source_ref: None,
    }
}

pub(crate) fn changes(e: &Entitlement) -> serde_json::Value {
    json!({"product_id": e.product_id, "metric": e.metric.as_str(), "quantity": e.quantity,
           "starts_on": e.starts_on, "ends_on": e.ends_on, "unit_cost_minor": e.unit_cost_minor,
           "currency": e.currency, "license_key": e.license_key.as_ref().map(|_| "set")})
}

pub fn create_entitlement(
    db: &Db,
    actor: &User,
    input: &EntitlementInput,
    now: NaiveDateTime,
) -> Result<Entitlement, AppError> {
    may_change(actor)?;
    let mut errors = Vec::new();
    if input.metric.is_none() {
        errors.push(FieldError::new(
            "metric",
            "device, user, processor, core or site",
        ));
    }
    if input.quantity.is_none() && input.metric.as_deref() != Some("site") {
        errors.push(FieldError::new("quantity", "a number of units above 0"));
    }
    let mut e = blank(now);
    apply(&mut e, input, &mut errors);
    db.write(|conn| {
        check(conn, &e, errors)?;
        repo::insert_entitlement(conn, &e)?;
        record(
            conn,
            actor,
            ("license_entitlement", &e.id),
            "created",
            changes(&e),
            now,
        )?;
        Ok(e)
    })
}

pub fn entitlements(
    db: &Db,
    actor: &User,
    product: Option<&str>,
) -> Result<Vec<Entitlement>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::entitlements(conn, product)?))
}

pub fn entitlement(db: &Db, actor: &User, id: &str) -> Result<Entitlement, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        repo::entitlement(conn, id)?.ok_or_else(|| AppError::NotFound(format!("entitlement {id}")))
    })
}

pub fn update_entitlement(
    db: &Db,
    actor: &User,
    id: &str,
    input: &EntitlementInput,
    now: NaiveDateTime,
) -> Result<Entitlement, AppError> {
    may_change(actor)?;
    db.write(|conn| {
        // In turn with allocations: a lower quantity and a racing seat see
        // each other.
        super::allocations::take_turn(conn)?;
        let mut e = repo::entitlement(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("entitlement {id}")))?;
        let before = e.clone();
        let mut errors = Vec::new();
        apply(&mut e, input, &mut errors);
        let seats = repo::allocations(conn, Some(id))?.len() as i64;
        if seats > 0 {
            if e.quantity < seats {
                errors.push(FieldError::new(
                    "quantity",
                    format!("{seats} seats are given: take some back first"),
                ));
            }
            for (field, changed) in [
                ("metric", e.metric != before.metric),
                ("product_id", e.product_id != before.product_id),
            ] {
                if changed {
                    errors.push(FieldError::new(
                        field,
                        "its seats are given: take them back first",
                    ));
                }
            }
        }
        check(conn, &e, errors)?;
        e.updated_at = now;
        repo::save_entitlement(conn, &e)?;
        record(
            conn,
            actor,
            ("license_entitlement", &e.id),
            "updated",
            changes(&e),
            now,
        )?;
        Ok(e)
    })
}

pub fn delete_entitlement(
    db: &Db,
    actor: &User,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    may_change(actor)?;
    db.write(|conn| {
        let e = repo::entitlement(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("entitlement {id}")))?;
        let seats = repo::allocations(conn, Some(id))?.len();
        if seats > 0 {
            return Err(AppError::conflict(
                "in_use",
                format!("{seats} seats of this entitlement are given: take them back first"),
            ));
        }
        repo::delete_entitlement(conn, id)?;
        record(
            conn,
            actor,
            ("license_entitlement", id),
            "deleted",
            changes(&e),
            now,
        )
    })
}
