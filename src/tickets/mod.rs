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

pub use model::{Attachment, Category, Comment, Queue, Ticket};
