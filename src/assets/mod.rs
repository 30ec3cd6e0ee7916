//! The hardware and software asset register: models, locations, assets and
//! their enforced lifecycle, with every change in the asset's history.

pub mod catalog_handlers;
pub mod checkout_handlers;
pub mod cli;
pub mod digest;
pub mod domain;
pub mod dto;
pub mod export;
pub mod fields;
pub mod handlers;
pub mod import;
pub mod import_handlers;
pub mod inventory;
pub mod inventory_handlers;
mod mail;
mod model;
mod repo;
pub mod service;
pub mod settings;

pub use model::{Asset, AssetModel, Checkout, Location, Manufacturer};

use std::sync::Arc;

use crate::db::Db;

/// The asset register at run time.
#[derive(Clone)]
pub struct Assets {
    pub db: Db,
    pub settings: Arc<settings::AssetSettings>,
    pub inventory: Arc<settings::InventorySettings>,
    /// Custom fields per category.
    pub fields: Arc<Vec<fields::FieldSpec>>,
    /// Page sizes.
    pub api: Arc<crate::http::ApiSettings>,
    /// Who the register's mail comes from, and where people reach the
    /// service (links in that mail).
    pub mail_from: Arc<MailFrom>,
}

pub use crate::outbox::MailFrom;
