//! People: employees with what HR and the directory know of them
//! (department, title, manager, location, dates, employment status, the
//! directory link). A person is a login account (`crate::auth`) with a
//! row in `people`; requesters known only by mail stay contacts.

pub mod cli;
pub mod domain;
pub mod dto;
pub mod handlers;
pub mod holdings;
mod jobs;
pub mod login;
mod model;
mod repo;
pub mod service;
pub mod sync;
mod sync_apply;
pub mod sync_handlers;
pub mod sync_plan;
pub mod sync_report;

use std::sync::Arc;

pub use model::Person;

/// The people register at run time.
#[derive(Clone)]
pub struct People {
    pub db: crate::db::Db,
    /// `[directory]`: where people are synced from.
    pub directory: Arc<crate::directory::DirectorySettings>,
    /// Verified API tokens, forgotten when a sync deactivates someone.
    pub tokens: Arc<crate::auth::token_cache::TokenCache>,
    /// What a person holds in the registers above this one (registered
    /// at startup).
    pub holdings: Option<Arc<dyn holdings::HoldingsSource>>,
}
