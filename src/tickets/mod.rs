//! The ticket queue: ITIL incidents and service requests with a sequential
//! number, impact × urgency → priority (overridable, recorded as such), an
//! enforced status lifecycle with hold reasons, watchers, public replies and
//! internal notes, attachments, full-text search and an append-only history.
//! Requesters see the tickets they filed or watch; staff see the queues.

pub mod attachment_handlers;
pub mod attachment_rules;
pub mod catalog_handlers;
pub mod domain;
pub mod dto;
pub mod events;
pub mod handlers;
pub mod listing;
mod model;
mod repo;
pub mod search;
pub mod service;
pub mod service_level;
pub mod settings;

pub use model::{Attachment, CannedResponse, Category, Comment, Queue, SavedView, Ticket};

use std::sync::Arc;

use crate::db::Db;
use crate::http::ApiSettings;

/// The ticket context at run time: built once at start-up, shared by its
/// handlers (as app data) and by the contexts above that file tickets.
#[derive(Clone)]
pub struct Tickets {
    pub db: Db,
    pub settings: Arc<settings::TicketSettings>,
    pub attachments: Arc<settings::AttachmentSettings>,
    /// Page sizes.
    pub api: Arc<ApiSettings>,
    /// Who hears of changes; where service levels come from.
    pub hooks: Arc<events::Hooks>,
}

impl Tickets {
    /// What use cases apply.
    pub fn rules(&self) -> service::Rules<'_> {
        service::Rules {
            tickets: &self.settings,
            attachments: &self.attachments,
            hooks: &self.hooks,
        }
    }

    /// Runs `f` with the rules.
    pub fn with_rules<T>(&self, f: impl FnOnce(&service::Rules<'_>) -> T) -> T {
        f(&self.rules())
    }
}
