//! Vendor register use cases. Coordinators, asset managers and admins
//! change it; staff read it; every change is in the history.

mod contracts;
mod coverage;
mod documents;
mod escalations;
mod listing;
mod performance;
mod reminders;
mod renewals;
mod targets;
mod vendors;
mod view;

pub use contracts::*;
pub use coverage::contract_coverage;
pub use documents::*;
pub use escalations::{Answered, answer, escalate, ticket_escalations};
pub use listing::{ContractFilter, contract_choices, contracts, list_contracts};
pub use performance::{escalations_between, performance};
pub use reminders::{Pass, Sent, describe, fill_notice_deadlines, run_pass};
pub use renewals::{Renewed, contract_terms, renew_due};
pub use vendors::*;
pub use view::contract_dto;

use chrono::NaiveDateTime;

use crate::audit;
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;

pub(super) fn may_read(actor: &User) -> Result<(), AppError> {
    if actor.role.sees_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "vendors and contracts are for staff".into(),
        ))
    }
}

pub(super) fn may_change(actor: &User) -> Result<(), AppError> {
    if actor.role.manages_contracts() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only coordinators, asset managers and admins change vendors and contracts".into(),
        ))
    }
}

pub(super) fn record(
    conn: &mut DbConn,
    actor: &User,
    entity: (&'static str, &str),
    action: &'static str,
    changes: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    audit::record_by(conn, &actor.id, entity, action, changes, now)?;
    Ok(())
}

pub(super) use crate::text::trimmed as clean;
