//! The asset register's settings: `[assets]`, `[inventory]` and the
//! `[[asset_fields]]` list.

use serde::Deserialize;

/// The asset register.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetSettings {
    /// The daily digest to asset managers lists warranties ending within
    /// this many days (and overdue returns).
    pub warranty_notice_days: i64,
    /// The currency of imported costs written without a symbol or code.
    pub default_currency: String,
    /// The largest file the import page takes, in bytes.
    pub import_max_bytes: u64,
    /// Tags of imported assets the file gives none (`IT-{n:6}`).
    pub import_tag_pattern: String,
    /// Tags of assets received from purchase orders (`IT-{seq:06}`).
    pub tag_pattern: String,
    /// The category of a new model an import does not categorize.
    pub category_rules: Vec<super::import::category::CategoryRule>,
}

/// Inventory agents (FusionInventory / OCS protocol).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventorySettings {
    /// HTTP basic credentials agents must send; an empty username turns
    /// the endpoint off.
    pub username: String,
    pub password: String,
    pub password_file: String,
    /// Largest request body as sent (compressed), in bytes.
    pub max_body_bytes: usize,
    /// Largest inventory once decompressed, in bytes (zlib bombs stop here).
    pub max_xml_bytes: usize,
}
