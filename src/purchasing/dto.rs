//! Purchasing's JSON shapes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain::{InvoiceMatch, LineKind, OrderTotals, Status};
use crate::http::present;

/// One line of an order: an asset model (`model_id`), a license product
/// (`product_id`) or anything else (`description` alone).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    #[serde(default)]
    pub model_id: Option<String>,
    #[serde(default)]
    pub product_id: Option<String>,
    /// For a license product: device, user, processor or site (default
    /// device).
    #[serde(default)]
    pub metric: Option<String>,
    /// What the line is; by default the model's or product's name.
    #[serde(default)]
    pub description: Option<String>,
    pub quantity: i64,
    /// In the order's currency's minor unit.
    pub unit_cost_minor: i64,
}

/// An order to add, or the fields to change (absent stay; `null` clears).
/// Lines, currency and pricing change only while the order is a draft or
/// submitted; `expected_on` and `notes` until it is closed or cancelled.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    #[serde(default)]
    pub vendor_id: Option<String>,
    /// The person it is for (id or email; by default whoever adds it).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub requested_by: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub cost_centre: Option<Option<String>>,
    /// ISO 4217; by default the base currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Base-currency units per unit of `currency` (needed when it is not
    /// the base currency; at most six decimals).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub conversion_rate: Option<Option<f64>>,
    /// 0–100, at most two decimals.
    #[serde(default)]
    pub tax_percent: Option<f64>,
    /// 0–100, at most two decimals; off the subtotal before tax.
    #[serde(default)]
    pub discount_percent: Option<f64>,
    #[serde(default)]
    pub shipping_minor: Option<i64>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub expected_on: Option<Option<NaiveDate>>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Replaces every line (numbered 1, 2, … in the order given).
    #[serde(default)]
    pub lines: Option<Vec<LineInput>>,
}

/// `POST …/transitions`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    /// submitted, approved, ordered, closed, cancelled or draft (back from
    /// submitted).
    pub to: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// One line of a receipt.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLineInput {
    /// The line's 1-based number on the order.
    pub line: i32,
    pub quantity: i64,
    /// One per unit when given (scanned serial numbers).
    #[serde(default)]
    pub serials: Option<Vec<String>>,
    /// Asset tags, one per unit; by default from `assets.tag_pattern`.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

/// `POST …/receipts`: what arrived. The whole receipt is taken or none of
/// it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    pub lines: Vec<ReceiptLineInput>,
    /// By default today.
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// Where the units are put.
    #[serde(default)]
    pub location_id: Option<String>,
}

/// `POST …/invoices`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    pub number: String,
    /// With tax, shipping and discount, in the order's currency.
    pub amount_minor: i64,
    pub received_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LineDto {
    pub number: i32,
    pub kind: LineKind,
    pub model_id: Option<String>,
    pub product_id: Option<String>,
    pub metric: Option<String>,
    pub description: String,
    pub quantity: i64,
    pub unit_cost_minor: i64,
    /// quantity × unit cost.
    pub total_minor: i64,
    pub received: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptLineDto {
    pub line: i32,
    pub quantity: i64,
    /// The assets this line brought into stock.
    pub asset_tags: Vec<String>,
    pub entitlement_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptDto {
    pub id: String,
    pub received_on: NaiveDate,
    pub location_id: Option<String>,
    pub received_by: Option<String>,
    pub lines: Vec<ReceiptLineDto>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceDto {
    pub id: String,
    pub number: String,
    pub amount_minor: i64,
    pub received_on: NaiveDate,
    #[serde(flatten)]
    pub matched: InvoiceMatch,
    pub created_at: DateTime<Utc>,
}

/// A purchase order with its figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderDto {
    pub id: String,
    pub number: String,
    pub vendor_id: String,
    pub vendor: String,
    /// Who raised it (does not approve it).
    pub created_by: Option<String>,
    pub requested_by: Option<String>,
    pub requested_by_name: Option<String>,
    pub requested_by_email: Option<String>,
    pub cost_centre: Option<String>,
    pub currency: String,
    pub conversion_rate: Option<f64>,
    pub base_currency: String,
    pub tax_percent: f64,
    pub discount_percent: f64,
    pub shipping_minor: i64,
    pub expected_on: Option<NaiveDate>,
    pub status: Status,
    /// Where a person may move it from here.
    pub allowed: Vec<Status>,
    pub notes: String,
    pub approved_by: Option<String>,
    pub ordered_on: Option<NaiveDate>,
    pub lines: Vec<LineDto>,
    /// What was ordered.
    pub totals: OrderTotals,
    /// What arrived, priced the same way.
    pub received: OrderTotals,
    /// `totals.total_minor` in the base currency.
    pub base_total_minor: i64,
    /// Above the approval limit: only an admin approves it.
    pub needs_admin_approval: bool,
    /// Some invoice is off the received value beyond the tolerance.
    pub invoice_flagged: bool,
    /// Only on one order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipts: Option<Vec<ReceiptDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoices: Option<Vec<InvoiceDto>>,
    /// Only on one order: every change, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<crate::auth::dto::HistoryEntryDto>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
