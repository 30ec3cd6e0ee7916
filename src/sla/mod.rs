//! Service levels. A policy (chosen per ticket by its conditions, first
//! match wins) sets business-time targets per priority for three clocks —
//! first response, next response, resolution — measured in a business
//! calendar (weekly hours in an IANA zone, minus holidays). The clocks are a
//! pure function of the ticket's own history (`clock::evaluate`), so any
//! answer can be recomputed and explained, and a changed policy applies to
//! history exactly.

pub mod cli;
pub mod clock;
pub mod dto;
pub mod events;
pub mod handlers;
pub mod history;
pub mod notifications;
pub mod policy;
pub mod registry;
mod repo;
pub mod service;
pub mod settings;
pub mod simulate;
pub mod snapshot;
pub mod worker;

pub use repo::Notification;

#[cfg(test)]
mod clock_pause_tests;
#[cfg(test)]
mod clock_tests;

use std::sync::Arc;

use crate::db::Db;

/// Service levels at run time: the definitions in force (reloaded when
/// another process changes them), the escalation subscribers, the timer's
/// settings.
#[derive(Clone)]
pub struct Sla {
    pub db: Db,
    pub settings: Arc<settings::SlaSettings>,
    pub registry: Arc<registry::InForce>,
    pub hooks: events::SlaHooks,
}

impl Sla {
    /// The business calendar named `name` as it stands whenever asked (for
    /// schedules such as "the first business day of the month").
    pub fn calendar_source(&self, name: &str) -> crate::jobs::schedule::CalendarSource {
        let (registry, name) = (self.registry.clone(), name.to_owned());
        Arc::new(move || {
            registry
                .get()
                .calendars
                .get(&name)
                .map(|c| Arc::new(c.clone()))
        })
    }

    /// What keeping service levels applies under these definitions.
    pub fn rules<'a>(&'a self, registry: &'a registry::Registry) -> service::Rules<'a> {
        service::Rules {
            sla: registry,
            hooks: &self.hooks,
        }
    }
}
