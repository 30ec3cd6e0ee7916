//! Purchase orders without a database: where an order may move and who
//! may move it, what it costs (lines, discount, tax, shipping), what that
//! is in the base currency, and whether an invoice matches what arrived.

use crate::text_enum;

text_enum! {
    schema "PurchaseOrderStatus";
    /// Where an order stands.
    pub enum Status {
        Draft = "draft",
        Submitted = "submitted",
        Approved = "approved",
        Ordered = "ordered",
        PartiallyReceived = "partially_received",
        Received = "received",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

text_enum! {
    schema "PurchaseLineKind";
    /// What a line buys.
    pub enum LineKind {
        /// Units of an asset model: received into stock as assets.
        Asset = "asset",
        /// Units of a license product: received as an entitlement.
        License = "license",
        /// Anything else (services, cables): only counted.
        Other = "other",
    }
}

impl Status {
    /// Where a person may move an order from here. Receipts alone move it
    /// to `partially_received` and `received`; an order can be closed short
    /// once something arrived, and cancelled only before anything did.
    pub fn allowed_next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Draft => &[Submitted, Cancelled],
            Submitted => &[Approved, Draft, Cancelled],
            Approved => &[Ordered, Cancelled],
            Ordered => &[Cancelled],
            PartiallyReceived => &[Closed],
            Received => &[Closed],
            Closed | Cancelled => &[],
        }
    }

    /// Whether receipts are taken in this status.
    pub fn receives(self) -> bool {
        matches!(self, Status::Ordered | Status::PartiallyReceived)
    }

    /// Whether the order's lines and terms may still change.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Submitted)
    }

    /// Whether nothing more happens to it.
    pub fn finished(self) -> bool {
        matches!(self, Status::Closed | Status::Cancelled)
    }
}

/// A hundredth of a percent: 825 is 8.25 %.
pub type BasisPoints = i64;

/// Reads a percentage with at most two decimals between 0 and `max`.
pub fn basis_points(percent: f64, max: f64) -> Option<BasisPoints> {
    if !percent.is_finite() || percent < 0.0 || percent > max {
        return None;
    }
    let bp = (percent * 100.0).round();
    ((bp - percent * 100.0).abs() < 1e-6).then_some(bp as i64)
}

/// A percentage as written back: 8.25, 20.
pub fn percent(bp: BasisPoints) -> f64 {
    bp as f64 / 100.0
}

/// `amount` × `bp` / 10,000, rounded half away from zero.
pub fn share(amount: i64, bp: BasisPoints) -> i64 {
    let x = amount as i128 * bp as i128;
    let q = (x.abs() + 5_000) / 10_000;
    (if x < 0 { -q } else { q }) as i64
}

/// The terms an order's value is worked out with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pricing {
    pub discount_bp: BasisPoints,
    pub tax_bp: BasisPoints,
    pub shipping_minor: i64,
}

/// An order's value, all in its currency's minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct OrderTotals {
    /// Quantity × unit cost over the lines.
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    /// On the subtotal after the discount.
    pub tax_minor: i64,
    pub shipping_minor: i64,
    pub total_minor: i64,
}

/// The value of `subtotal` worth of lines: the discount off it, tax on
/// what remains, shipping added once (when `with_shipping`).
pub fn totals(subtotal: i64, p: Pricing, with_shipping: bool) -> OrderTotals {
    let discount = share(subtotal, p.discount_bp);
    let tax = share(subtotal - discount, p.tax_bp);
    let shipping = if with_shipping { p.shipping_minor } else { 0 };
    OrderTotals {
        subtotal_minor: subtotal,
        discount_minor: discount,
        tax_minor: tax,
        shipping_minor: shipping,
        total_minor: subtotal - discount + tax + shipping,
    }
}

/// A rate is kept in millionths: 1.0842 is 1,084,200.
pub const RATE_SCALE: i64 = 1_000_000;

/// Reads a conversion rate (above 0, at most six decimals).
pub fn rate_micros(rate: f64) -> Option<i64> {
    if !rate.is_finite() || rate <= 0.0 || rate > 1e9 {
        return None;
    }
    let m = (rate * RATE_SCALE as f64).round();
    (m >= 1.0 && (m - rate * RATE_SCALE as f64).abs() < 1e-3).then_some(m as i64)
}

/// `amount_minor` of a currency with `from_decimals` in the base currency
/// (with `to_decimals`) at `rate_micros` base units per unit, rounded half
/// away from zero.
pub fn convert(amount_minor: i64, from_decimals: u32, to_decimals: u32, rate_micros: i64) -> i64 {
    let num = amount_minor as i128 * rate_micros as i128 * 10i128.pow(to_decimals);
    let den = RATE_SCALE as i128 * 10i128.pow(from_decimals);
    let q = (num.abs() + den / 2) / den;
    // Beyond i64 saturates (so a huge order still needs an admin).
    let q = i64::try_from(q).unwrap_or(i64::MAX);
    if num < 0 { -q } else { q }
}

/// Who approves an order worth `base_total` in the base currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approver {
    /// A coordinator or an admin.
    Coordinator,
    /// Above the approval limit: an admin.
    Admin,
}

pub fn approver(base_total: i64, limit_minor: i64) -> Approver {
    if base_total > limit_minor {
        Approver::Admin
    } else {
        Approver::Coordinator
    }
}

/// How an invoice compares with what arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct InvoiceMatch {
    /// The received value with its discount, tax and shipping.
    pub expected_minor: i64,
    /// Everything invoiced on the order so far, this invoice included.
    pub invoiced_minor: i64,
    /// Invoiced minus expected.
    pub variance_minor: i64,
    /// Beyond the tolerance either way.
    pub flagged: bool,
}

/// Matches the order's invoices (`invoiced`, in total) against
/// `expected`, allowing `tolerance_bp` of it either way.
pub fn match_invoice(invoiced: i64, expected: i64, tolerance_bp: BasisPoints) -> InvoiceMatch {
    let variance = invoiced - expected;
    let allowed = share(expected.abs(), tolerance_bp);
    InvoiceMatch {
        expected_minor: expected,
        invoiced_minor: invoiced,
        variance_minor: variance,
        flagged: variance.abs() > allowed,
    }
}

/// A line as the receiving rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open {
    pub number: i32,
    pub ordered: i64,
    pub received: i64,
}

/// Where an order goes once its lines have received what they have.
pub fn after_receipt(lines: &[Open]) -> Status {
    if lines.iter().all(|l| l.received >= l.ordered) {
        Status::Received
    } else {
        Status::PartiallyReceived
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_take_two_decimals_and_stay_in_range() {
        assert_eq!(basis_points(8.25, 100.0), Some(825));
        assert_eq!(basis_points(20.0, 100.0), Some(2000));
        assert_eq!(basis_points(0.0, 100.0), Some(0));
        assert_eq!(basis_points(8.255, 100.0), None);
        assert_eq!(basis_points(-1.0, 100.0), None);
        assert_eq!(basis_points(100.01, 100.0), None);
        assert_eq!(basis_points(f64::NAN, 100.0), None);
        assert_eq!(percent(825), 8.25);
    }

    #[test]
    fn totals_take_the_discount_then_tax_then_shipping() {
        // 5 × 1,199.00 = 5,995.00; 10 % off = 599.50; 20 % tax on
        // 5,395.50 = 1,079.10; shipping 25.00.
        let p = Pricing {
            discount_bp: 1000,
            tax_bp: 2000,
            shipping_minor: 2500,
        };
        assert_eq!(
            totals(599_500, p, true),
            OrderTotals {
                subtotal_minor: 599_500,
                discount_minor: 59_950,
                tax_minor: 107_910,
                shipping_minor: 2500,
                total_minor: 599_500 - 59_950 + 107_910 + 2500,
            }
        );
        assert_eq!(totals(0, p, false).total_minor, 0);
        // Half a cent rounds away from zero.
        assert_eq!(share(5, 1000), 1);
        assert_eq!(share(4, 1000), 0);
        assert_eq!(share(-5, 1000), -1);
    }

    #[test]
    fn conversion_handles_rates_and_decimals() {
        assert_eq!(rate_micros(1.0842), Some(1_084_200));
        assert_eq!(rate_micros(0.0), None);
        assert_eq!(rate_micros(1.0000001), None);
        // 1,000.00 USD at 0.92 EUR per USD.
        assert_eq!(convert(100_000, 2, 2, 920_000), 92_000);
        // ¥150,000 (no decimals) at 0.0062 EUR per yen = 930.00 EUR.
        assert_eq!(convert(150_000, 0, 2, 6_200), 93_000);
        // 10.00 EUR at 1 into a three-decimal currency.
        assert_eq!(convert(1000, 2, 3, RATE_SCALE), 10_000);
        // Far beyond i64 saturates rather than wrapping negative.
        assert_eq!(convert(i64::MAX / 2, 0, 4, 1_000_000_000_000_000), i64::MAX);
    }

    #[test]
    fn approval_above_the_limit_needs_an_admin() {
        assert_eq!(approver(500_000, 500_000), Approver::Coordinator);
        assert_eq!(approver(500_001, 500_000), Approver::Admin);
    }

    #[test]
    fn invoices_are_flagged_beyond_the_tolerance_either_way() {
        let ok = match_invoice(101_000, 100_000, 200);
        assert_eq!((ok.variance_minor, ok.flagged), (1000, false));
        assert!(match_invoice(102_001, 100_000, 200).flagged);
        assert!(match_invoice(97_999, 100_000, 200).flagged);
        assert!(!match_invoice(98_000, 100_000, 200).flagged);
    }

    #[test]
    fn people_move_orders_only_along_the_allowed_paths() {
        use Status::*;
        assert!(Draft.allowed_next().contains(&Submitted));
        assert!(!Draft.allowed_next().contains(&Approved));
        assert!(
            !Ordered.allowed_next().contains(&Received),
            "receipts do that"
        );
        assert!(
            !PartiallyReceived.allowed_next().contains(&Cancelled),
            "not after something arrived"
        );
        assert!(Closed.allowed_next().is_empty());
        assert!(Ordered.receives() && PartiallyReceived.receives());
        assert!(!Cancelled.receives() && !Approved.receives());
    }

    #[test]
    fn the_last_units_make_an_order_received() {
        let mut lines = [
            Open {
                number: 1,
                ordered: 5,
                received: 3,
            },
            Open {
                number: 2,
                ordered: 1,
                received: 1,
            },
        ];
        assert_eq!(after_receipt(&lines), Status::PartiallyReceived);
        lines[0].received = 5;
        assert_eq!(after_receipt(&lines), Status::Received);
    }
}
