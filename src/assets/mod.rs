//! The hardware and software asset register: models, locations, assets and
//! their enforced lifecycle, with every change in the asset's history.

pub mod checkout_handlers;
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

pub use model::{Asset, AssetModel, Location, Manufacturer};
