//! `[purchasing]`: order numbers, the base currency and approval limit,
//! when assets are created, and how far an invoice may be off.

use serde::Deserialize;

use crate::money::Currency;

/// When the assets of an order's model lines come into the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CreateAssetsOn {
    /// When they arrive (a receipt).
    Receipt,
    /// As `ordered` when the order is placed; receipts move them to stock.
    Order,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchasingSettings {
    /// The text before an order's sequential number (`PO-`).
    pub number_prefix: String,
    /// The ISO 4217 currency approval limits are in.
    pub base_currency: String,
    /// Orders worth more than this (minor units of the base currency) need
    /// an admin's approval.
    pub approval_limit_minor: i64,
    pub create_assets_on: CreateAssetsOn,
    /// Invoices further than this from the received value are flagged.
    pub invoice_tolerance_percent: f64,
}

impl PurchasingSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.number_prefix.chars().count() > 16
            || self.number_prefix.chars().any(char::is_control)
        {
            return Err(
                "purchasing.number_prefix is at most 16 characters without control characters"
                    .into(),
            );
        }
        self.base()?;
        if self.approval_limit_minor < 0 {
            return Err("purchasing.approval_limit_minor cannot be negative".into());
        }
        self.tolerance_bp()?;
        Ok(())
    }

    pub fn base(&self) -> Result<Currency, String> {
        Currency::parse_iso(&self.base_currency).map_err(|_| {
            format!(
                "purchasing.base_currency `{}` is not an ISO 4217 code such as EUR",
                self.base_currency
            )
        })
    }

    /// The base currency's code as orders carry it (`usd` is `USD`).
    pub fn base_code(&self) -> String {
        self.base()
            .map(|c| c.code().to_owned())
            .unwrap_or_else(|_| self.base_currency.trim().to_uppercase())
    }

    /// The invoice tolerance in hundredths of a percent.
    pub fn tolerance_bp(&self) -> Result<i64, String> {
        super::domain::basis_points(self.invoice_tolerance_percent, 100.0).ok_or_else(|| {
            "purchasing.invoice_tolerance_percent is a percentage from 0 to 100 with at most two decimals".into()
        })
    }

    /// An order's number from its sequence.
    pub fn number(&self, seq: i64) -> String {
        format!("{}{seq:05}", self.number_prefix)
    }
}
