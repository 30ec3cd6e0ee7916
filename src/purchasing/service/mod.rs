//! Purchasing use cases. Coordinators, asset managers and admins raise,
//! move and receive orders; coordinators and admins approve them (admins
//! alone above the approval limit); staff and viewers read them. Every
//! change is in the history.

mod invoices;
mod lines;
pub mod month;
mod orders;
mod receipt_checks;
mod receiving;
mod transitions;
mod view;

pub use invoices::add_invoice;
pub use orders::{OrderFilter, create_order, order, orders, update_order};
pub use receiving::receive;
pub use transitions::transition;

use chrono::NaiveDateTime;

use crate::audit::{self, Entry};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;

pub(super) fn may_read(actor: &User) -> Result<(), AppError> {
    if actor.role.sees_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden("purchase orders are for staff".into()))
    }
}

pub(super) fn may_change(actor: &User) -> Result<(), AppError> {
    if actor.role.manages_contracts() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only coordinators, asset managers and admins raise and receive purchase orders".into(),
        ))
    }
}

/// Whether `actor` may take receipts (for checks made before the service).
pub fn may_receive(actor: &User) -> Result<(), AppError> {
    may_change(actor)
}

pub(super) fn record(
    conn: &mut DbConn,
    actor: &User,
    order_id: &str,
    action: &'static str,
    changes: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    audit::record(
        conn,
        Entry {
            entity_type: "purchase_order",
            entity_id: order_id,
            actor_id: Some(&actor.id),
            action,
            changes,
            at: now,
        },
    )?;
    Ok(())
}

pub(super) use crate::text::trimmed as clean;
