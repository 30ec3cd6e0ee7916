//! What a person holds, as other registers know it: their devices, license
//! seats, tickets and onboarding runs. The people register is below those
//! registers, so the composition is a source registered at startup (by
//! the onboarding context, which gives and takes these things back).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::error::AppError;

/// A device with the person: deployed with them or reserved for them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = PersonAsset)]
pub struct HeldAsset {
    pub id: String,
    pub asset_tag: String,
    pub model: Option<String>,
    /// `deployed`, or `in_stock` when reserved for them.
    pub status: String,
    pub reserved: bool,
}

/// A license seat the person holds.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = PersonSeat)]
pub struct HeldSeat {
    pub allocation_id: String,
    pub entitlement_id: String,
    pub product_id: String,
    pub product: String,
}

/// A ticket the person asked for (the newest 20).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = PersonTicket)]
pub struct HeldTicket {
    pub id: String,
    pub number: i64,
    pub subject: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// An onboarding, offboarding or move of the person.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = PersonRun)]
pub struct HeldRun {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub effective_on: NaiveDate,
}

/// Everything a person holds.
#[derive(Debug, Clone, Default)]
pub struct Holdings {
    pub assets: Vec<HeldAsset>,
    pub license_allocations: Vec<HeldSeat>,
    pub tickets: Vec<HeldTicket>,
    pub runs: Vec<HeldRun>,
}

/// Where holdings come from (registered at startup).
pub trait HoldingsSource: Send + Sync {
    fn holdings(&self, conn: &mut DbConn, person_id: &str) -> Result<Holdings, AppError>;
}
