//! The API's JSON shapes for assets.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{Category, Status, Substate};
use super::model::{AssetModel, Location, Manufacturer};
use super::service::AssetView;
use crate::http::present;
use crate::ids::utc;
use crate::tickets::dto::HistoryEntryDto;

mod checkouts;
mod reports;

pub use crate::money::MoneyDto as Money;
pub use checkouts::*;
pub use reports::*;

/// `POST /api/v1/assets`
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterAsset {
    /// Unique label on the device, e.g. `IT-000123`.
    pub asset_tag: String,
    #[serde(default)]
    pub serial: Option<String>,
    /// A model id (`GET /api/v1/models`).
    #[serde(default)]
    pub model_id: Option<String>,
    #[serde(default)]
    pub hostname: Option<String>,
    /// `ordered`, `in_stock` (default) or `deployed`.
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub substate: Option<Substate>,
    #[serde(default)]
    pub location_id: Option<String>,
    /// Email or id of the person who has it.
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub purchase_date: Option<NaiveDate>,
    #[serde(default)]
    pub cost: Option<Money>,
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub po_number: Option<String>,
    #[serde(default)]
    pub warranty_end: Option<NaiveDate>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Free fields for the category (strings, numbers, booleans).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `PATCH /api/v1/assets/{id}`: the facts of an asset (its status,
/// person and place change through transitions and check-outs). Absent
/// fields stay; `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAsset {
    /// Cannot be `null`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub asset_tag: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub serial: Option<Option<String>>,
    /// A model id; `null` clears.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub model_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub hostname: Option<Option<String>>,
    /// Where it is kept: a location id; `null` clears (refused for a
    /// deployed asset that has no person).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub location_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub purchase_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Money>)]
    pub cost: Option<Option<Money>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub supplier: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub po_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub warranty_end: Option<Option<NaiveDate>>,
    /// `null` empties them.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Merged into the asset's custom fields; a `null` value removes that
    /// field.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// Why (kept in the history).
    #[serde(default)]
    pub reason: Option<String>,
}

/// How an asset left for good.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisposalDto {
    /// e.g. `recycled`, `sold`, `donated`, `destroyed`.
    pub method: String,
    pub date: NaiveDate,
    /// e.g. the data-wipe certificate's number.
    pub evidence: String,
}

/// `POST /api/v1/assets/{id}/transitions`
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The next status; absent to stay (and change substate, assignee or
    /// location).
    #[serde(default)]
    pub to: Option<Status>,
    #[serde(default)]
    pub substate: Option<Substate>,
    /// Why (recorded in the history).
    pub reason: String,
    /// Email or id; `null` takes the asset back from its person.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
    /// Location id; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub location_id: Option<Option<String>>,
    /// Required to go to `disposed`.
    #[serde(default)]
    pub disposal: Option<DisposalDto>,
}

/// A person, briefly.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonRef {
    pub id: String,
    pub email: String,
    pub display_name: String,
}

/// A named thing, briefly.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// An asset as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetDto {
    pub id: String,
    pub asset_tag: String,
    pub serial: Option<String>,
    pub model: Option<ModelDto>,
    pub category: Option<Category>,
    pub hostname: Option<String>,
    pub status: Status,
    pub substate: Option<Substate>,
    /// Found by an inventory feed and not yet looked at by a person.
    pub needs_review: bool,
    pub location: Option<Named>,
    pub assignee: Option<PersonRef>,
    pub purchase_date: Option<NaiveDate>,
    pub cost: Option<Money>,
    /// Straight-line value today over the model's depreciation months.
    pub current_value: Option<Money>,
    pub supplier: Option<String>,
    pub po_number: Option<String>,
    pub warranty_end: Option<NaiveDate>,
    pub notes: String,
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Value,
    pub disposal: Option<DisposalDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Only on `GET /api/v1/assets/{id}`: every change, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntryDto>>,
}

/// A model with its manufacturer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelDto {
    pub id: String,
    pub manufacturer: String,
    pub name: String,
    pub category: Category,
    pub depreciation_months: i32,
    /// Warranty of units received from a purchase order, in months from
    /// their receipt.
    pub warranty_months: Option<i32>,
}

impl ModelDto {
    pub fn new(m: &AssetModel, maker: &Manufacturer) -> ModelDto {
        ModelDto {
            id: m.id.clone(),
            manufacturer: maker.name.clone(),
            name: m.name.clone(),
            category: m.category,
            depreciation_months: m.depreciation_months,
            warranty_months: m.warranty_months,
        }
    }
}

impl From<&Location> for Named {
    fn from(l: &Location) -> Named {
        Named {
            id: l.id.clone(),
            name: l.name.clone(),
        }
    }
}

impl From<&Manufacturer> for Named {
    fn from(m: &Manufacturer) -> Named {
        Named {
            id: m.id.clone(),
            name: m.name.clone(),
        }
    }
}

impl AssetDto {
    pub fn new(v: &AssetView, today: NaiveDate) -> AssetDto {
        let a = &v.asset;
        let cost = match (a.cost_minor, &a.currency) {
            (Some(amount_minor), Some(currency)) => Some(Money {
                amount_minor,
                currency: currency.clone(),
            }),
            _ => None,
        };
        let current_value = match (&cost, a.purchase_date, &v.model) {
            (Some(c), Some(bought), Some((m, _))) => Some(Money {
                amount_minor: super::domain::value_on(
                    c.amount_minor,
                    bought,
                    m.depreciation_months.max(0) as u32,
                    today,
                ),
                currency: c.currency.clone(),
            }),
            _ => None,
        };
        AssetDto {
            id: a.id.clone(),
            asset_tag: a.asset_tag.clone(),
            serial: a.serial.clone(),
            model: v.model.as_ref().map(|(m, maker)| ModelDto::new(m, maker)),
            category: a.category,
            hostname: a.hostname.clone(),
            status: a.status,
            substate: a.substate,
            needs_review: a.needs_review,
            location: v.location.as_ref().map(Named::from),
            assignee: v.assignee.as_ref().map(|u| PersonRef {
                id: u.id.clone(),
                email: u.email.clone(),
                display_name: u.display_name.clone(),
            }),
            purchase_date: a.purchase_date,
            cost,
            current_value,
            supplier: a.supplier.clone(),
            po_number: a.po_number.clone(),
            warranty_end: a.warranty_end,
            notes: a.notes.clone(),
            custom_fields: serde_json::from_str(&a.custom_fields)
                .unwrap_or_else(|_| serde_json::json!({})),
            disposal: match (&a.disposal_method, a.disposal_date, &a.disposal_evidence) {
                (Some(method), Some(date), Some(evidence)) => Some(DisposalDto {
                    method: method.clone(),
                    date,
                    evidence: evidence.clone(),
                }),
                _ => None,
            },
            created_at: utc(a.created_at),
            updated_at: utc(a.updated_at),
            history: None,
        }
    }
}

/// One page of assets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetPage {
    pub items: Vec<AssetDto>,
    /// Pass as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// Query of `GET /api/v1/assets`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AssetListParams {
    /// Comma-separated statuses.
    pub status: Option<String>,
    pub category: Option<String>,
    /// Model id.
    pub model: Option<String>,
    /// Location id.
    pub location: Option<String>,
    /// Email or id, or `none`.
    pub assignee: Option<String>,
    pub hostname: Option<String>,
    pub serial: Option<String>,
    /// Search: asset tag, serial or host name starting with this (any
    /// case).
    pub q: Option<String>,
    /// Warranty ends before this date (YYYY-MM-DD).
    pub warranty_before: Option<String>,
    /// `true`: only assets found by inventory and not yet reviewed.
    pub needs_review: Option<bool>,
    /// Page size (default 50, at most 200).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// `POST /api/v1/manufacturers`, `POST /api/v1/locations`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNamedThing {
    pub name: String,
}

/// `POST /api/v1/models`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateModel {
    /// The manufacturer's name (created if new).
    pub manufacturer: String,
    pub name: String,
    pub category: Category,
    /// Straight-line depreciation period (default by category).
    #[serde(default)]
    pub depreciation_months: Option<i32>,
    /// Warranty of units received from a purchase order (months from the
    /// receipt); none when not given.
    #[serde(default)]
    pub warranty_months: Option<i32>,
}
