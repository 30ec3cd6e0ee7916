//! Vendors and their contracts: who IT buys from and escalates to, what
//! each contract costs, when notice must be given before it renews, and
//! where it stands.

pub mod cli;
pub mod document_handlers;
pub mod domain;
pub mod dto;
pub mod due;
pub mod escalation_handlers;
pub mod export;
pub mod handlers;
pub mod jobs;
mod model;
pub mod performance;
mod repo;
mod repo_documents;
mod repo_escalations;
mod repo_links;
mod repo_listing;
pub mod service;
pub mod settings;
pub mod terms;

pub use model::{Contact, Contract, Document, Escalation, Reminder, Term, Vendor};

use crate::db::Db;

/// The vendor register at run time.
#[derive(Clone)]
pub struct Vendors {
    pub db: Db,
    pub settings: std::sync::Arc<settings::VendorSettings>,
    /// Where reminders come from, and the base of their links.
    pub mail_from: std::sync::Arc<crate::outbox::MailFrom>,
    /// The business calendars in force (vendor service targets count on
    /// them).
    pub calendars: std::sync::Arc<crate::sla::registry::InForce>,
    /// Where documents are stored and what they may be (the same rules as
    /// a ticket's files).
    pub files: std::sync::Arc<crate::tickets::settings::AttachmentSettings>,
}
