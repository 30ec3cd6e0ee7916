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
