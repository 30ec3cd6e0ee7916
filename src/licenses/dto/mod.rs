//! The license register's JSON shapes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Product, RuleRow};
use crate::http::present;
use crate::ids::utc;

/// `POST /api/v1/licenses/products`
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    /// e.g. `Microsoft`.
    pub publisher: String,
    /// e.g. `SQL Server 2022`.
    pub name: String,
    /// e.g. `Standard`.
    #[serde(default)]
    pub edition: Option<String>,
    /// Products of one family compare versions for downgrade rights, e.g.
    /// `SQL Server Standard`.
    #[serde(default)]
    pub family: Option<String>,
    /// e.g. `2022`.
    #[serde(default)]
    pub version: Option<String>,
}

/// `PATCH /api/v1/licenses/products/{id}`: absent fields stay, `null`
/// clears the optional ones.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProduct {
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub edition: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub family: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub version: Option<Option<String>>,
}

/// A product of the catalog.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductDto {
    pub id: String,
    pub publisher: String,
    pub name: String,
    pub edition: Option<String>,
    pub family: Option<String>,
    pub version: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Product> for ProductDto {
    fn from(p: &Product) -> ProductDto {
        ProductDto {
            id: p.id.clone(),
            publisher: p.publisher.clone(),
            name: p.name.clone(),
            edition: p.edition.clone(),
            family: p.family.clone(),
            version: p.version.clone(),
            created_at: utc(p.created_at),
            updated_at: utc(p.updated_at),
        }
    }
}

/// `POST /api/v1/licenses/rules` and `…/rules/preview`. Patterns are
/// whole-string globs (`*`, `?`), any case, matched after the standard
/// clean-up of the discovered name and publisher.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    /// Left out of an `exclude` rule.
    #[serde(default)]
    pub product_id: Option<String>,
    pub name_pattern: String,
    #[serde(default)]
    pub publisher_pattern: Option<String>,
    #[serde(default)]
    pub version_pattern: Option<String>,
    /// Marks what it matches as not licensable (runtimes, updates,
    /// language packs).
    #[serde(default)]
    pub exclude: bool,
    /// Rules are tried by position; absent: after the last one.
    #[serde(default)]
    pub position: Option<i32>,
}

/// `PATCH /api/v1/licenses/rules/{id}`: absent fields stay; `null` clears
/// the optional ones.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRule {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub product_id: Option<Option<String>>,
    #[serde(default)]
    pub name_pattern: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub publisher_pattern: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub version_pattern: Option<Option<String>>,
    #[serde(default)]
    pub exclude: Option<bool>,
    #[serde(default)]
    pub position: Option<i32>,
}

/// A normalization rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleDto {
    pub id: String,
    pub product_id: Option<String>,
    pub name_pattern: String,
    pub publisher_pattern: Option<String>,
    pub version_pattern: Option<String>,
    pub exclude: bool,
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&RuleRow> for RuleDto {
    fn from(r: &RuleRow) -> RuleDto {
        RuleDto {
            id: r.id.clone(),
            product_id: r.product_id.clone(),
            name_pattern: r.name_pattern.clone(),
            publisher_pattern: r.publisher_pattern.clone(),
            version_pattern: r.version_pattern.clone(),
            exclude: r.exclude,
            position: r.position,
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
        }
    }
}

/// Installations that share a cleaned name and publisher.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct InstallGroup {
    /// The cleaned name.
    pub name: String,
    /// The cleaned publisher (empty when none was reported).
    pub publisher: String,
    /// Devices with at least one such installation.
    pub devices: usize,
    pub installations: usize,
    /// Up to five of the versions seen.
    pub versions: Vec<String>,
    /// Where they resolve now: `unmatched`, `excluded` or the product id.
    pub resolves_to: String,
}

/// `POST /api/v1/licenses/rules/preview`: what a draft rule would take.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RulePreview {
    pub groups: Vec<InstallGroup>,
    /// Devices with at least one matching installation.
    pub devices: usize,
    pub installations: usize,
}

/// `POST /api/v1/licenses/entitlements` (and, every field optional, the
/// body of `PATCH …/{id}`, where `null` clears).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntitlementInput {
    #[serde(default)]
    pub product_id: Option<String>,
    /// `device`, `user`, `processor`, `core` or `site`.
    #[serde(default)]
    pub metric: Option<String>,
    #[serde(default)]
    pub quantity: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub starts_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub ends_on: Option<Option<NaiveDate>>,
    /// The cost of one unit, in the currency's minor unit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub unit_cost_minor: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub currency: Option<Option<String>>,
    /// `per_device` (default) or `factor`; `core` metric only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub core_rule: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub min_cores_per_processor: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub min_cores_per_device: Option<Option<i32>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>)]
    pub core_pack: Option<Option<i32>>,
    /// Also covers older versions of the product's family.
    #[serde(default)]
    pub downgrade_rights: Option<bool>,
    /// Shown only to asset managers and admins.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub license_key: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub vendor: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub po_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub contract_ref: Option<Option<String>>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// An entitlement: what was bought.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntitlementDto {
    pub id: String,
    pub product_id: String,
    pub metric: String,
    pub quantity: i64,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub unit_cost_minor: Option<i64>,
    pub currency: Option<String>,
    pub core_rule: Option<String>,
    pub min_cores_per_processor: Option<i32>,
    pub min_cores_per_device: Option<i32>,
    pub core_pack: Option<i32>,
    pub downgrade_rights: bool,
    /// Absent for readers who may not see keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_key: Option<String>,
    pub vendor: Option<String>,
    pub po_number: Option<String>,
    pub contract_ref: Option<String>,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EntitlementDto {
    /// `show_key`: whether the reader may see the licence key.
    pub fn new(e: &super::model::Entitlement, show_key: bool) -> EntitlementDto {
        EntitlementDto {
            id: e.id.clone(),
            product_id: e.product_id.clone(),
            metric: e.metric.as_str().to_owned(),
            quantity: e.quantity,
            starts_on: e.starts_on,
            ends_on: e.ends_on,
            unit_cost_minor: e.unit_cost_minor,
            currency: e.currency.clone(),
            core_rule: e.core_rule.map(|r| r.as_str().to_owned()),
            min_cores_per_processor: e.min_cores_per_processor,
            min_cores_per_device: e.min_cores_per_device,
            core_pack: e.core_pack,
            downgrade_rights: e.downgrade_rights,
            license_key: e.license_key.clone().filter(|_| show_key),
            vendor: e.vendor.clone(),
            po_number: e.po_number.clone(),
            contract_ref: e.contract_ref.clone(),
            notes: e.notes.clone(),
            created_at: utc(e.created_at),
            updated_at: utc(e.updated_at),
        }
    }
}

mod positions;
pub use positions::*;
