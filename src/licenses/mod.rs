//! The license-entitlement register, built on the software installations
//! the asset inventory records: a product catalog and the normalization
//! rules that map each installation to a product, to "excluded" or to
//! "unmatched" (entitlements, positions and audit exports build on these).

pub mod consume;
pub mod domain;
pub mod dto;
pub mod handlers;
mod model;
mod repo;
pub mod service;
pub mod terms;

pub use model::{Entitlement, Product, RuleRow};

use crate::db::Db;

/// The license register at run time.
#[derive(Clone)]
pub struct Licenses {
    pub db: Db,
}
