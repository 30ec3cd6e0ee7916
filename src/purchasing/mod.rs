//! Purchase orders: what IT buys from its vendors, who approved it, what
//! arrived (into stock as assets, or as license entitlements) and whether
//! the invoices match.

pub mod domain;
pub mod dto;
pub mod handlers;
mod model;
mod repo;
mod repo_month;
pub mod service;
pub mod settings;

use std::sync::Arc;

use crate::assets::import::tags::TagPattern;
use crate::db::Db;

/// Purchasing at run time.
#[derive(Clone)]
pub struct Purchasing {
    pub db: Db,
    pub settings: Arc<settings::PurchasingSettings>,
    /// `assets.tag_pattern`: tags of received units.
    pub tag_pattern: Arc<TagPattern>,
}
