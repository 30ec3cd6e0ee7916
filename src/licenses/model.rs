//! Rows of the license register's tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{license_products, license_rules};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = license_products)]
pub struct Product {
    pub id: String,
    pub publisher: String,
    pub name: String,
    pub edition: Option<String>,
    /// Products of one family compare versions for downgrade rights.
    pub family: Option<String>,
    pub version: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = license_rules)]
pub struct RuleRow {
    pub id: String,
    pub product_id: Option<String>,
    pub name_pattern: String,
    pub publisher_pattern: Option<String>,
    pub version_pattern: Option<String>,
    pub exclude: bool,
    pub position: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl RuleRow {
    pub fn rule(&self) -> super::domain::Rule {
        super::domain::Rule {
            id: self.id.clone(),
            product_id: self.product_id.clone(),
            name_pattern: self.name_pattern.clone(),
            publisher_pattern: self.publisher_pattern.clone(),
            version_pattern: self.version_pattern.clone(),
            exclude: self.exclude,
            position: self.position,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = crate::db::schema::license_entitlements, treat_none_as_null = true)]
pub struct Entitlement {
    pub id: String,
    pub product_id: String,
    pub metric: super::terms::Metric,
    pub quantity: i64,
    pub starts_on: Option<chrono::NaiveDate>,
    pub ends_on: Option<chrono::NaiveDate>,
    pub unit_cost_minor: Option<i64>,
    pub currency: Option<String>,
    pub core_rule: Option<super::terms::CoreRule>,
    pub min_cores_per_processor: Option<i32>,
    pub min_cores_per_device: Option<i32>,
    pub core_pack: Option<i32>,
    pub downgrade_rights: bool,
    pub license_key: Option<String>,
    pub vendor: Option<String>,
    pub po_number: Option<String>,
    pub contract_ref: Option<String>,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Where an imported entitlement came from (`snipeit:42`), so that an
    /// export imported again updates it.
    pub source_ref: Option<String>,
}

impl Entitlement {
    /// Its core parameters, defaults filled in.
    pub fn core_terms(&self) -> super::terms::CoreTerms {
        super::terms::CoreTerms::of(
            self.core_rule,
            self.min_cores_per_processor,
            self.min_cores_per_device,
            self.core_pack,
        )
    }
}
