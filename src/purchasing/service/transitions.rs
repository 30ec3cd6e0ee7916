//! Moving an order along: submit, approve (by the limit), place, close or
//! cancel — each move checked against where it stands now, and recorded.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::view::{base_total, figures, full};
use super::{may_change, record};
use crate::assets::service::receiving::{
    Arrival, Tags, Unit as NewUnit, create_units, lock_for_units, withdraw_ordered,
};
use crate::auth::{Role, User};
use crate::db::DbConn;
use crate::error::AppError;
use crate::money::Money;
use crate::purchasing::Purchasing;
use crate::purchasing::domain::{Approver, LineKind, Status, approver};
use crate::purchasing::dto::{OrderDto, TransitionInput};
use crate::purchasing::model::{Order, Unit};
use crate::purchasing::repo;
use crate::purchasing::settings::CreateAssetsOn;
use crate::vendors::service::vendor_name;

fn not_allowed(o: &Order, to: Status) -> AppError {
    let allowed = o.status.allowed_next();
    let why = match to {
        Status::PartiallyReceived | Status::Received => {
            " (receipts move an order there: POST …/receipts)".to_owned()
        }
        Status::Cancelled if o.status == Status::PartiallyReceived => {
            " (something arrived already: close it instead)".to_owned()
        }
        _ => String::new(),
    };
    let mut extensions = serde_json::Map::new();
    extensions.insert(
        "allowed".into(),
        Value::Array(allowed.iter().map(|s| Value::from(s.as_str())).collect()),
    );
    AppError::Conflict {
        code: "transition_not_allowed",
        detail: format!(
            "{} cannot go from {} to {}{why}",
            o.number,
            o.status.as_str(),
            to.as_str()
        ),
        extensions,
    }
}

/// Checks that `actor` may approve `o`.
fn may_approve(p: &Purchasing, actor: &User, o: &Order, total: i64) -> Result<(), AppError> {
    if !matches!(actor.role, Role::Coordinator | Role::Admin) {
        return Err(AppError::Forbidden(
            "coordinators and admins approve purchase orders".into(),
        ));
    }
    // Four eyes: whoever raised or asked for an order does not approve it.
    if o.created_by.as_deref() == Some(actor.id.as_str())
        || o.requested_by.as_deref() == Some(actor.id.as_str())
    {
        return Err(AppError::Forbidden(format!(
            "{} was raised or requested by you: another coordinator or an admin approves it",
            o.number
        )));
    }
    let base = base_total(p, o, total)?;
    let limit = p.settings.approval_limit_minor;
    if approver(base, limit) == Approver::Admin && actor.role != Role::Admin {
        let money = |m| {
            p.settings
                .base()
                .map(|c| Money::new(m, c).grouped())
                .unwrap_or_else(|_| m.to_string())
        };
        return Err(AppError::Forbidden(format!(
            "{} is worth {} {}, above the approval limit of {} {}: an admin approves it",
            o.number,
            money(base),
            p.settings.base_code(),
            money(limit),
            p.settings.base_code()
        )));
    }
    Ok(())
}

/// Moves an order to `input.to`.
pub fn transition(
    p: &Purchasing,
    actor: &User,
    id: &str,
    input: &TransitionInput,
    now: NaiveDateTime,
) -> Result<OrderDto, AppError> {
    may_change(actor)?;
    let to: Status =
        input
            .to
            .trim()
            .parse()
            .map_err(|e: crate::db::text_enum::UnknownVariant| {
                AppError::invalid("to", e.to_string())
            })?;
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        return Err(AppError::invalid("reason", "at most 1,000 characters"));
    }
    p.db.write(|conn| {
        let mut o = repo::order_locked(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("purchase order {id}")))?;
        let from = o.status;
        if !from.allowed_next().contains(&to) {
            return Err(not_allowed(&o, to));
        }
        let extra = side_effects(conn, p, actor, &mut o, to, now)?;
        o.status = to;
        o.updated_at = now;
        if !repo::move_order(conn, &o, from)? {
            return Err(AppError::conflict(
                "stale",
                format!("{} was moved meanwhile; reload it", o.number),
            ));
        }
        let mut changes =
            json!({"status": {"from": from.as_str(), "to": to.as_str()}, "reason": reason});
        if let (Some(c), Some(e)) = (changes.as_object_mut(), extra.as_object()) {
            c.extend(e.clone());
        }
        record(conn, actor, &o.id, "transition", changes, now)?;
        full(conn, p, &o)
    })
}

/// What a move does besides changing the status: checks and approvals,
/// units placed with the order or withdrawn with it. What to add to the
/// history entry.
fn side_effects(
    conn: &mut DbConn,
    p: &Purchasing,
    actor: &User,
    o: &mut Order,
    to: Status,
    now: NaiveDateTime,
) -> Result<Value, AppError> {
    let lines = repo::lines(conn, std::slice::from_ref(&o.id))?;
    let mut extra = json!({});
    match to {
        Status::Submitted if lines.is_empty() => {
            return Err(AppError::conflict(
                "order_without_lines",
                format!("{} has no lines: add what it buys first", o.number),
            ));
        }
        Status::Approved => {
            let (totals, _) = figures(o, &lines);
            may_approve(p, actor, o, totals.total_minor)?;
            o.approved_by = Some(actor.id.clone());
        }
        Status::Draft => o.approved_by = None,
        Status::Ordered => {
            o.ordered_on = Some(now.date());
            if p.settings.create_assets_on == CreateAssetsOn::Order {
                let n = place_units(conn, p, actor, o, &lines, now)?;
                extra = json!({"assets_ordered": n});
            }
        }
        Status::Cancelled | Status::Closed => {
            // Units placed with the order that never arrived go with it.
            let units: Vec<String> = repo::units(conn, &o.id)?
                .into_iter()
                .filter(|u| u.receipt_id.is_none())
                .map(|u| u.asset_id)
                .collect();
            if !units.is_empty() {
                repo::delete_units(conn, &units)?;
                let n = withdraw_ordered(conn, &units, &o.number, Some(&actor.id), now)?;
                extra = json!({"assets_withdrawn": n});
            }
        }
        _ => {}
    }
    Ok(extra)
}

/// Creates the `ordered` assets of the order's model lines; how many.
fn place_units(
    conn: &mut DbConn,
    p: &Purchasing,
    actor: &User,
    o: &Order,
    lines: &[crate::purchasing::model::Line],
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let vendor = vendor_name(conn, &o.vendor_id)?.unwrap_or_default();
    lock_for_units(conn)?;
    let mut tags = Tags::load(conn, &p.tag_pattern)?;
    let mut units = Vec::new();
    for l in lines.iter().filter(|l| l.kind == LineKind::Asset) {
        let Some(model_id) = &l.model_id else {
            continue;
        };
        let arrival = Arrival {
            model_id,
            unit_cost_minor: l.unit_cost_minor,
            currency: &o.currency,
            vendor_id: &o.vendor_id,
            vendor_name: &vendor,
            po_number: &o.number,
            on: now.date(),
            warranty_months: None,
            location_id: None,
        };
        let blank = vec![NewUnit::default(); l.quantity as usize];
        for (asset_id, _) in create_units(
            conn,
            &arrival,
            &blank,
            true,
            &mut tags,
            Some(&actor.id),
            now,
        )? {
            units.push(Unit {
                asset_id,
                order_id: o.id.clone(),
                line_number: l.number,
                receipt_id: None,
            });
        }
    }
    repo::insert_units(conn, &units)?;
    Ok(units.len())
}
