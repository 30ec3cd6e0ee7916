//! The API's JSON for check-outs and the tickets an asset is linked to.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::super::domain::Substate;
use crate::ids::utc;

use super::{AssetDto, PersonRef};

/// `POST /api/v1/assets/{id}/checkout`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    /// Email or id of the person who gets the asset.
    pub assignee: String,
    #[serde(default)]
    pub expected_return: Option<NaiveDate>,
    /// Mail the person a link to confirm receipt (default `true`).
    #[serde(default)]
    pub require_acceptance: Option<bool>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/assets/{id}/checkin`
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinRequest {
    /// Why (default "checked in").
    #[serde(default)]
    pub reason: Option<String>,
    /// `available` (default), `reserved` or `pending_repair`.
    #[serde(default)]
    pub substate: Option<Substate>,
}

/// `POST /api/v1/checkouts/accept`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The token from the acceptance link.
    pub token: String,
}

/// One hand-over.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckoutDto {
    pub id: String,
    pub asset_id: String,
    pub asset_tag: String,
    pub user: Option<PersonRef>,
    pub checked_out_at: DateTime<Utc>,
    pub expected_return: Option<NaiveDate>,
    /// Whether the person has to confirm receipt.
    pub acceptance_required: bool,
    pub accepted_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Still out after its expected return date.
    pub overdue: bool,
    pub note: String,
}

impl CheckoutDto {
    pub fn new(
        c: &super::super::model::Checkout,
        tag: &str,
        user: Option<&crate::auth::User>,
        today: NaiveDate,
    ) -> CheckoutDto {
        CheckoutDto {
            id: c.id.clone(),
            asset_id: c.asset_id.clone(),
            asset_tag: tag.to_owned(),
            user: user.map(|u| PersonRef {
                id: u.id.clone(),
                email: u.email.clone(),
                display_name: u.display_name.clone(),
            }),
            checked_out_at: utc(c.checked_out_at),
            expected_return: c.expected_return,
            acceptance_required: c.accept_token_digest.is_some(),
            accepted_at: c.accepted_at.map(utc),
            checked_in_at: c.checked_in_at.map(utc),
            overdue: c.checked_in_at.is_none() && c.expected_return.is_some_and(|d| d < today),
            note: c.note.clone(),
        }
    }
}

/// What a check-out or check-in returns.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckoutResult {
    pub asset: AssetDto,
    pub checkout: CheckoutDto,
}

/// Query of `GET /api/v1/checkouts`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CheckoutListParams {
    /// `true`: only those past their expected return date.
    pub overdue: Option<bool>,
    /// At most this many (default 100, at most 500).
    pub limit: Option<i64>,
}

/// `POST /api/v1/tickets/{id}/assets`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkAsset {
    /// Asset id or asset tag.
    pub asset: String,
}

/// A ticket about an asset, briefly.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetTicketDto {
    pub id: String,
    pub number: i64,
    pub subject: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}
