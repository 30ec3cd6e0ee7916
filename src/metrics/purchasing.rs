//! The purchasing section of the report, computed without I/O from the
//! purchasing book at the month's end: orders placed, goods and invoices
//! received, and what was still on order. Amounts are in the base
//! currency (`purchasing.base_currency`), each order at its own rate, as
//! purchasing values orders for approval.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::registers::amount;
use crate::purchasing::service::month::MonthBook;

/// What was ordered from one vendor in the month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct VendorSpend {
    pub vendor: String,
    pub orders_placed: u64,
    pub ordered_value: String,
}

/// The purchasing section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PurchasingFigures {
    /// The base currency every amount is in.
    pub currency: String,
    /// Orders placed with a vendor during the month (whatever became of
    /// them later), and their whole value.
    pub orders_placed: u64,
    pub ordered_value: String,
    /// Receipts dated in the month, and the units they brought.
    pub receipts: u64,
    pub units_received: u64,
    /// Invoices dated in the month, their amount, and those off the
    /// received value beyond the tolerance.
    pub invoices: u64,
    pub invoiced_value: String,
    pub invoices_flagged: u64,
    /// Orders still waiting for goods at the month's end, and the value of
    /// what had not arrived.
    pub open_orders: u64,
    pub open_commitment: String,
    /// Of those, the ones expected on or before the month's last day.
    pub overdue_orders: u64,
    /// The month's orders by vendor, largest value first.
    pub by_vendor: Vec<VendorSpend>,
}

/// The purchasing figures of the month whose instants are `span` (UTC) and
/// whose last local day is `last`.
pub fn purchasing(
    book: &MonthBook,
    span: (NaiveDateTime, NaiveDateTime),
    last: NaiveDate,
) -> PurchasingFigures {
    let cur = book.base_currency.as_str();
    let mut fig = PurchasingFigures {
        currency: cur.to_owned(),
        receipts: book.receipts,
        units_received: book.units_received.max(0) as u64,
        invoices: book.invoices.len() as u64,
        invoices_flagged: book.invoices.iter().filter(|i| i.flagged).count() as u64,
        invoiced_value: amount(book.invoices.iter().map(|i| i.amount).sum(), cur),
        ..PurchasingFigures::default()
    };
    let mut by: BTreeMap<&str, (u64, i64)> = BTreeMap::new();
    let (mut placed, mut open) = (0i64, 0i64);
    for o in &book.orders {
        if o.placed_at >= span.0 && o.placed_at < span.1 {
            fig.orders_placed += 1;
            placed += o.value;
            let v = by.entry(&o.vendor).or_default();
            v.0 += 1;
            v.1 += o.value;
        }
        if !o.ended && !o.complete {
            fig.open_orders += 1;
            open += o.outstanding;
            if o.expected_on.is_some_and(|e| e <= last) {
                fig.overdue_orders += 1;
            }
        }
    }
    fig.ordered_value = amount(placed, cur);
    fig.open_commitment = amount(open, cur);
    let mut vendors: Vec<(&str, (u64, i64))> = by.into_iter().collect();
    vendors.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(b.0)));
    fig.by_vendor = vendors
        .into_iter()
        .map(|(vendor, (n, v))| VendorSpend {
            vendor: vendor.to_owned(),
            orders_placed: n,
            ordered_value: amount(v, cur),
        })
        .collect();
    fig
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::purchasing::service::month::{MonthInvoice, MonthOrder};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// October 2026 in Berlin, in UTC.
    fn october() -> (NaiveDateTime, NaiveDateTime) {
        (at("2026-09-30 22:00"), at("2026-10-31 23:00"))
    }

    fn order(n: &str, vendor: &str, placed: &str, value: i64, outstanding: i64) -> MonthOrder {
        MonthOrder {
            number: n.into(),
            vendor: vendor.into(),
            placed_at: at(placed),
            expected_on: None,
            value,
            outstanding,
            complete: outstanding == 0,
            ended: false,
        }
    }

    #[test]
    fn orders_of_the_month_and_what_was_still_on_order_at_its_end() {
        let mut late = order("PO-1", "Acme", "2026-09-30 21:59", 50_000, 20_000);
        late.expected_on = Some(day("2026-10-31"));
        let mut cancelled = order("PO-4", "Acme", "2026-10-05 09:00", 7_000, 7_000);
        cancelled.ended = true;
        let mut coming = order("PO-5", "Acme", "2026-10-31 22:59", 1_000, 1_000);
        coming.expected_on = Some(day("2026-11-01"));
        let book = MonthBook {
            base_currency: "EUR".into(),
            orders: vec![
                late,
                // 00:00 on 1 October in Berlin.
                order("PO-2", "Zeta", "2026-09-30 22:00", 120_000, 0),
                order("PO-3", "Acme", "2026-10-31 12:00", 30_000, 30_000),
                cancelled,
                coming,
            ],
            receipts: 2,
            units_received: 7,
            invoices: vec![
                MonthInvoice {
                    amount: 120_000,
                    flagged: false,
                },
                MonthInvoice {
                    amount: 31_000,
                    flagged: true,
                },
            ],
        };
        let f = purchasing(&book, october(), day("2026-10-31"));
        assert_eq!(f.currency, "EUR");
        assert_eq!(
            f.orders_placed, 4,
            "PO-1 was placed at 23:59 on 30 September, Berlin"
        );
        assert_eq!(f.ordered_value, "1580.00");
        assert_eq!((f.receipts, f.units_received), (2, 7));
        assert_eq!((f.invoices, f.invoices_flagged), (2, 1));
        assert_eq!(f.invoiced_value, "1510.00");
        assert_eq!(
            f.open_orders, 3,
            "PO-1, PO-3, PO-5; PO-2 arrived, PO-4 ended"
        );
        assert_eq!(f.open_commitment, "510.00");
        assert_eq!(f.overdue_orders, 1, "PO-1 was due on the last day");
        let by: Vec<(&str, u64, &str)> = f
            .by_vendor
            .iter()
            .map(|v| (v.vendor.as_str(), v.orders_placed, v.ordered_value.as_str()))
            .collect();
        assert_eq!(by, [("Zeta", 1, "1200.00"), ("Acme", 3, "380.00")]);
    }

    #[test]
    fn a_month_without_purchasing_is_all_zero() {
        let book = MonthBook {
            base_currency: "EUR".into(),
            ..MonthBook::default()
        };
        let f = purchasing(&book, october(), day("2026-10-31"));
        assert_eq!((f.orders_placed, f.open_orders, f.invoices), (0, 0, 0));
        assert_eq!(
            (f.ordered_value.as_str(), f.open_commitment.as_str()),
            ("0.00", "0.00")
        );
        assert!(f.by_vendor.is_empty());
    }
}
