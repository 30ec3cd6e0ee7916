//! Rows of the asset register.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::{Category, Status, Substate};
use crate::db::schema::{asset_checkouts, asset_models, assets, locations, manufacturers};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = manufacturers)]
pub struct Manufacturer {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = asset_models)]
pub struct AssetModel {
    pub id: String,
    pub manufacturer_id: String,
    pub name: String,
    pub category: Category,
    pub depreciation_months: i32,
    pub created_at: NaiveDateTime,
    /// The warranty of a unit received from an order, from its receipt.
    pub warranty_months: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = locations)]
pub struct Location {
    pub id: String,
    pub name: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = assets)]
pub struct Asset {
    pub id: String,
    pub asset_tag: String,
    pub serial: Option<String>,
    pub model_id: Option<String>,
    /// The model's category, kept on the asset so that lists filter by it
    /// through an index.
    pub category: Option<Category>,
    /// Lower case.
    pub hostname: Option<String>,
    pub status: Status,
    pub substate: Option<Substate>,
    pub needs_review: bool,
    pub location_id: Option<String>,
    pub assignee_id: Option<String>,
    pub purchase_date: Option<NaiveDate>,
    pub cost_minor: Option<i64>,
    pub currency: Option<String>,
    pub supplier: Option<String>,
    pub po_number: Option<String>,
    pub warranty_end: Option<NaiveDate>,
    pub notes: String,
    /// A JSON object.
    pub custom_fields: String,
    pub disposal_method: Option<String>,
    pub disposal_date: Option<NaiveDate>,
    pub disposal_evidence: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One hand-over of an asset to a person.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = asset_checkouts)]
pub struct Checkout {
    pub id: String,
    pub asset_id: String,
    pub user_id: String,
    pub checked_out_by: String,
    pub checked_out_at: NaiveDateTime,
    pub expected_return: Option<NaiveDate>,
    /// SHA-256 of the acceptance link's token, hex.
    pub accept_token_digest: Option<String>,
    pub accepted_at: Option<NaiveDateTime>,
    pub checked_in_at: Option<NaiveDateTime>,
    pub checked_in_by: Option<String>,
    pub note: String,
}
