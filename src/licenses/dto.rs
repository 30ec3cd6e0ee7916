//! The license register's JSON shapes.

use chrono::{DateTime, Utc};
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
