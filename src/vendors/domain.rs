//! The kinds of vendors and contracts, and what makes a contract's terms
//! consistent (pure: no database).

use chrono::{Datelike, NaiveDate};

use super::terms::{self, Notice};
use crate::error::FieldError;
use crate::text_enum;

text_enum! {
    /// What a vendor is to IT.
    pub enum VendorKind {
        Manufacturer = "manufacturer",
        Reseller = "reseller",
        Msp = "msp",
        Carrier = "carrier",
        Software = "software",
        Other = "other",
    }
}

text_enum! {
    /// What a contract covers.
    pub enum ContractKind {
        Support = "support",
        Maintenance = "maintenance",
        Subscription = "subscription",
        Lease = "lease",
        Msp = "msp",
        WarrantyExtension = "warranty_extension",
        Other = "other",
    }
}

/// Longest notice or renewal, in months (a century).
pub const MAX_MONTHS: i32 = 1200;
/// Longest notice in days (a century).
pub const MAX_DAYS: i32 = 36_500;
/// Largest amount of one bill, in minor units.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// The parts of a contract whose consistency is checked together.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub auto_renew: bool,
    pub renewal_months: Option<i32>,
    pub notice_months: Option<i32>,
    pub notice_days: Option<i32>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub billing_given: bool,
}

/// Every fault of a contract's terms, each naming its field.
pub fn check(s: &Shape) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut fault = |field: &str, message: &str| errors.push(FieldError::new(field, message));
    for (field, day) in [("starts_on", s.starts_on), ("ends_on", s.ends_on)] {
        if day.is_some_and(|d| !(1900..=9999).contains(&d.year())) {
            fault(field, "a year from 1900 to 9999");
        }
    }
    for (field, v, max) in [
        ("notice_months", s.notice_months, MAX_MONTHS),
        ("notice_days", s.notice_days, MAX_DAYS),
        ("renewal_months", s.renewal_months, MAX_MONTHS),
    ] {
        if v.is_some_and(|n| n > max) {
            fault(field, &format!("at most {max}"));
        }
    }
    if s.amount_minor.is_some_and(|a| a > MAX_AMOUNT) {
        fault("amount_minor", "at most 10^15 minor units");
    }
    if !errors.is_empty() {
        return errors;
    }
    check_terms(s, errors)
}

/// The faults of terms within the limits: how the dates, notice, renewal
/// and cost fit together.
fn check_terms(s: &Shape, mut errors: Vec<FieldError>) -> Vec<FieldError> {
    let mut fault = |field: &str, message: &str| errors.push(FieldError::new(field, message));
    if let (Some(start), Some(end)) = (s.starts_on, s.ends_on)
        && end < start
    {
        fault("ends_on", "the end comes before the start");
    }
    if s.notice_months.is_some() && s.notice_days.is_some() {
        fault(
            "notice_days",
            "give the notice in months or in days, not both",
        );
    }
    for (field, v) in [
        ("notice_months", s.notice_months),
        ("notice_days", s.notice_days),
    ] {
        if v.is_some_and(|n| n < 0) {
            fault(field, "0 or more");
        }
    }
    let notice = match (s.notice_months, s.notice_days) {
        (Some(m), _) if m >= 0 => Some(Notice::Months(m as u32)),
        (None, Some(d)) if d >= 0 => Some(Notice::Days(d as u32)),
        _ => None,
    };
    if let (Some(n), Some(start), Some(end)) = (notice, s.starts_on, s.ends_on)
        && terms::notice_deadline(end, n) < start
    {
        let field = if s.notice_months.is_some() {
            "notice_months"
        } else {
            "notice_days"
        };
        fault(
            field,
            "the notice is longer than the term: its deadline falls before the start",
        );
    }
    if notice.is_some() && s.ends_on.is_none() {
        fault("ends_on", "a notice period needs an end to count back from");
    }
    if s.auto_renew {
        match s.renewal_months {
            Some(m) if m > 0 => {}
            _ => fault(
                "renewal_months",
                "an auto-renewing contract renews for 1 month or more",
            ),
        }
        if s.ends_on.is_none() {
            fault(
                "ends_on",
                "an auto-renewing contract renews when its term ends",
            );
        }
    } else if s.renewal_months.is_some_and(|m| m <= 0) {
        fault("renewal_months", "1 month or more");
    }
    match (s.amount_minor, &s.currency) {
        (Some(a), _) if a < 0 => fault("amount_minor", "0 or more"),
        (Some(_), None) => fault("currency", "an amount needs its currency"),
        _ => {}
    }
    if let Some(c) = &s.currency
        && crate::money::Currency::parse_iso(c).is_err()
    {
        fault("currency", "an ISO 4217 code such as EUR");
    }
    if s.amount_minor.is_some() && !s.billing_given {
        fault("billing", "monthly, quarterly, annual or one_time");
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    fn fields(s: &Shape) -> Vec<String> {
        check(s).into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn bad_terms_name_their_field() {
        let good = Shape {
            starts_on: d("2026-01-01"),
            ends_on: d("2026-12-31"),
            auto_renew: true,
            renewal_months: Some(12),
            notice_months: Some(3),
            amount_minor: Some(10_000),
            currency: Some("EUR".into()),
            billing_given: true,
            ..Shape::default()
        };
        assert!(fields(&good).is_empty());
        let backwards = Shape {
            ends_on: d("2025-12-31"),
            ..good.clone()
        };
        assert_eq!(fields(&backwards), ["ends_on", "notice_months"]);
        let long = Shape {
            notice_months: Some(13),
            ..good.clone()
        };
        assert_eq!(fields(&long), ["notice_months"]);
        let both = Shape {
            notice_days: Some(30),
            ..good.clone()
        };
        assert_eq!(fields(&both), ["notice_days"]);
        let no_renewal = Shape {
            renewal_months: None,
            ..good.clone()
        };
        assert_eq!(fields(&no_renewal), ["renewal_months"]);
        let negative = Shape {
            amount_minor: Some(-1),
            ..good.clone()
        };
        assert_eq!(fields(&negative), ["amount_minor"]);
        let no_currency = Shape {
            currency: None,
            ..good.clone()
        };
        assert_eq!(fields(&no_currency), ["currency"]);
        let bad_currency = Shape {
            currency: Some("EURO".into()),
            ..good
        };
        assert_eq!(fields(&bad_currency), ["currency"]);
    }
}
