//! Rows of the purchasing tables.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::{LineKind, Status};
use crate::db::schema::{
    purchase_invoices, purchase_order_lines, purchase_orders, purchase_receipt_lines,
    purchase_receipts, purchase_units,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = purchase_orders, treat_none_as_null = true)]
pub struct Order {
    pub id: String,
    pub seq: i64,
    pub number: String,
    pub vendor_id: String,
    pub requested_by: Option<String>,
    pub cost_centre: Option<String>,
    pub currency: String,
    /// Base-currency units per unit of `currency`, in millionths; none in
    /// the base currency.
    pub conversion_rate_micros: Option<i64>,
    pub tax_bp: i64,
    pub discount_bp: i64,
    pub shipping_minor: i64,
    pub expected_on: Option<NaiveDate>,
    pub status: Status,
    pub notes: String,
    pub approved_by: Option<String>,
    pub ordered_on: Option<NaiveDate>,
    /// Some invoice is off the received value beyond the tolerance.
    pub invoice_flagged: bool,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Order {
    pub fn pricing(&self) -> super::domain::Pricing {
        super::domain::Pricing {
            discount_bp: self.discount_bp,
            tax_bp: self.tax_bp,
            shipping_minor: self.shipping_minor,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_order_lines)]
pub struct Line {
    pub order_id: String,
    /// 1-based, in the order given.
    pub number: i32,
    pub kind: LineKind,
    pub model_id: Option<String>,
    pub product_id: Option<String>,
    /// The license metric of the entitlement a license line becomes.
    pub metric: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit_cost_minor: i64,
    pub received: i64,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_receipts)]
pub struct Receipt {
    pub id: String,
    pub order_id: String,
    pub received_on: NaiveDate,
    pub location_id: Option<String>,
    pub received_by: Option<String>,
    /// The `Idempotency-Key` it was posted with.
    pub request_key: Option<String>,
    pub created_at: NaiveDateTime,
    /// The fingerprint of the body posted with that key.
    pub request_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_receipt_lines)]
pub struct ReceiptLine {
    pub receipt_id: String,
    pub line_number: i32,
    pub quantity: i64,
    pub entitlement_id: Option<String>,
}

/// An asset an order line brought (or will bring) into the register.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_units)]
pub struct Unit {
    pub asset_id: String,
    pub order_id: String,
    pub line_number: i32,
    /// The receipt it arrived with; none while only ordered.
    pub receipt_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = purchase_invoices)]
pub struct Invoice {
    pub id: String,
    pub order_id: String,
    pub number: String,
    pub amount_minor: i64,
    pub received_on: NaiveDate,
    pub expected_minor: i64,
    pub variance_minor: i64,
    pub flagged: bool,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}
