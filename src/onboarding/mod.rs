//! Onboarding, offboarding and moves: templates per department or role,
//! and runs that plan, then (once approved) apply, every change a new hire
//! or a leaver needs — the directory account and groups, a device, license
//! seats, technician tasks, a mail to the manager.

mod actions;
mod apply;
pub mod completed;
pub mod details;
pub mod domain;
pub mod dto;
mod facts;
pub mod handlers;
pub mod holdings;
pub mod plan;
mod register;
mod repo;
pub mod run_handlers;
pub mod runs;
pub mod seal;
pub mod settings;
mod steps;
pub mod template;
pub mod templates;
mod undo;

use std::sync::{Arc, OnceLock};

use chrono::NaiveDateTime;

pub use actions::{approve, events, get, list, retry, reveal_password, revert};

use crate::db::DbConn;
use crate::error::AppError;

/// Onboarding at run time: what its steps reach into.
#[derive(Clone)]
pub struct Onboarding {
    pub db: crate::db::Db,
    pub settings: Arc<settings::OnboardingSettings>,
    /// The people register and the directory it is linked to.
    pub people: crate::people::People,
    /// Technician tasks are tickets.
    pub tickets: crate::tickets::Tickets,
    /// Task due days count on `onboarding.calendar`.
    pub calendars: Arc<crate::sla::registry::InForce>,
    /// The mail to the manager comes from here.
    pub mail_from: Arc<crate::outbox::MailFrom>,
    /// The key initial passwords are sealed with, read on first use.
    pub seal: Arc<OnceLock<seal::SealKey>>,
}

impl Onboarding {
    /// The sealing key: a secret kept in the database, made by the first
    /// process that needs it.
    pub(crate) fn seal_key(&self) -> Result<&seal::SealKey, AppError> {
        if let Some(k) = self.seal.get() {
            return Ok(k);
        }
        let secret = crate::auth::service::named_secret(&self.db, "onboarding_seal_v1")?;
        let key = seal::SealKey::new(&secret)?;
        Ok(self.seal.get_or_init(|| key))
    }
}

/// Applies an approved run now, in this thread (the demo; the queued job
/// then finds it done).
pub fn run_now(ob: &Onboarding, id: &str) -> Result<(), AppError> {
    apply::apply(ob, id, true)
}

/// One event in a run's history (`onboarding_run`).
pub(crate) fn history(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    run_id: &str,
    action: &str,
    changes: serde_json::Value,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    crate::audit::record(
        conn,
        crate::audit::Entry {
            entity_type: "onboarding_run",
            entity_id: run_id,
            actor_id,
            action,
            changes,
            at,
        },
    )?;
    Ok(())
}
