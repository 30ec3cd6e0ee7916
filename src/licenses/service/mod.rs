//! License register use cases. Asset managers and admins change the
//! register; staff who see the asset register read it. Every change is in
//! the history.

pub(crate) mod allocations;
pub mod audit_file;
pub mod book;
pub(crate) mod catalog;
pub mod covered;
pub(crate) mod entitlements;
mod evidence;
mod frozen;
pub mod person_seats;
mod positions;
pub mod purchased;
mod reclaim;
pub(crate) mod resolution;
mod triage;

pub use allocations::{allocate, allocations, deallocate};
pub use catalog::*;
pub use entitlements::*;
pub use frozen::{file_name, freeze, frozen_audits, frozen_file};
pub use positions::{label, label_of, position, positions, product_history};
pub use reclaim::reclaim;
pub use resolution::{resolutions, resolve_all};
pub use triage::{preview, unmatched};

use chrono::NaiveDateTime;

use crate::audit::{self, Entry};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;

pub(super) fn may_read(actor: &User) -> Result<(), AppError> {
    if actor.role.sees_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the license register is for staff".into(),
        ))
    }
}

pub(super) fn may_change(actor: &User) -> Result<(), AppError> {
    if actor.role.manages_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only asset managers and admins change the license register".into(),
        ))
    }
}

pub(super) fn record(
    conn: &mut DbConn,
    actor: &User,
    what: (&'static str, &str),
    action: &'static str,
    changes: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    record_by(conn, Some(&actor.id), what, action, changes, now)
}

/// Like [`record`], for a change of the command line (no person).
pub(crate) fn record_by(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    (entity_type, id): (&'static str, &str),
    action: &'static str,
    changes: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    audit::record(
        conn,
        Entry {
            entity_type,
            entity_id: id,
            actor_id,
            action,
            changes,
            at: now,
        },
    )?;
    Ok(())
}
