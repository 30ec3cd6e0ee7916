//! Onboarding, offboarding and moves: templates per department or role,
//! and runs that plan, then (once approved) apply, every change a new hire
//! or a leaver needs — the directory account and groups, a device, license
//! seats, technician tasks, a mail to the manager.

pub mod domain;
pub mod handlers;
mod repo;
pub mod seal;
pub mod template;
pub mod templates;

/// Onboarding at run time.
#[derive(Clone)]
pub struct Onboarding {
    pub db: crate::db::Db,
}
