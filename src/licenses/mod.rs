//! The license-entitlement register, built on the software installations
//! the asset inventory records: a product catalog and the normalization
//! rules that map each installation to a product, to "excluded" or to
//! "unmatched"; entitlements and named seats; and the compliance positions
//! that compare the two.

pub mod audit_handlers;
pub mod book_handlers;
pub mod cli;
pub mod consume;
pub mod domain;
pub mod dto;
pub mod handlers;
pub mod import;
mod model;
pub mod positions;
mod repo;
pub mod resolver;
pub mod service;
pub mod settings;
pub mod terms;

pub use model::{Entitlement, Product, RuleRow};

use crate::db::Db;

/// The license register at run time.
#[derive(Clone)]
pub struct Licenses {
    pub db: Db,
    pub settings: std::sync::Arc<settings::LicenseSettings>,
}
