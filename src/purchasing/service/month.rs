//! The purchasing book as it stood at a month's end, for the monthly
//! report: every order placed by then that could still have been waiting
//! for goods, valued in the base currency with what had arrived by the
//! month's last day, and the receipts and invoices dated in the month.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};

use super::view::{base_total, figures};
use crate::audit;
use crate::error::AppError;
use crate::purchasing::Purchasing;
use crate::purchasing::domain::Status;
use crate::purchasing::model::{Line, Order};
use crate::purchasing::{repo, repo_month};
use crate::vendors::service::vendor_name;

/// One order as it stood at the month's end.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthOrder {
    pub number: String,
    pub vendor: String,
    pub ordered_on: NaiveDate,
    pub expected_on: Option<NaiveDate>,
    /// Its whole value (discount, tax, shipping), in the base currency.
    pub value: i64,
    /// The value of what had not arrived by the month's last day.
    pub outstanding: i64,
    /// Everything it ordered had arrived by the month's last day.
    pub complete: bool,
    /// Cancelled or closed short before the month's end.
    pub ended: bool,
}

/// One invoice dated in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthInvoice {
    /// In the base currency at its order's rate.
    pub amount: i64,
    /// Off the received value beyond the tolerance when it was entered.
    pub flagged: bool,
}

/// What the report reads from purchasing for one month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthBook {
    pub base_currency: String,
    /// Orders placed on or before the month's last day that were not
    /// settled before the month began (see [`repo_month::placed_through`]).
    pub orders: Vec<MonthOrder>,
    /// Receipts dated in the month, and the units they brought.
    pub receipts: u64,
    pub units_received: i64,
    pub invoices: Vec<MonthInvoice>,
}

/// The book of the month whose days are `days` and whose instants are
/// `span` (UTC).
pub fn month_book(
    p: &Purchasing,
    days: (NaiveDate, NaiveDate),
    span: (NaiveDateTime, NaiveDateTime),
) -> Result<MonthBook, AppError> {
    p.db.read(|conn| {
        let orders = repo_month::placed_through(conn, days, span.0)?;
        let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
        let mut lines: HashMap<String, Vec<Line>> = HashMap::new();
        for l in repo::lines(conn, &ids)? {
            lines.entry(l.order_id.clone()).or_default().push(l);
        }
        let mut arrived: HashMap<(String, i32), i64> = HashMap::new();
        for (order, line, n) in repo_month::received_through(conn, &ids, days.1)? {
            *arrived.entry((order, line)).or_default() += n;
        }
        let ended = ended_before(conn, &orders, span.1)?;
        let mut names: HashMap<String, String> = HashMap::new();
        let mut book = MonthBook {
            base_currency: p.settings.base_code(),
            ..MonthBook::default()
        };
        for o in &orders {
            if !names.contains_key(&o.vendor_id) {
                let name = vendor_name(conn, &o.vendor_id)?.unwrap_or_default();
                names.insert(o.vendor_id.clone(), name);
            }
            let mut mine = lines.remove(&o.id).unwrap_or_default();
            for l in &mut mine {
                l.received = arrived
                    .get(&(o.id.clone(), l.number))
                    .copied()
                    .unwrap_or(0)
                    .min(l.quantity);
            }
            let (whole, received) = figures(o, &mine);
            book.orders.push(MonthOrder {
                number: o.number.clone(),
                vendor: names[&o.vendor_id].clone(),
                ordered_on: o.ordered_on.unwrap_or(days.1),
                expected_on: o.expected_on,
                value: base_total(p, o, whole.total_minor)?,
                outstanding: base_total(p, o, whole.total_minor - received.total_minor)?,
                complete: mine.iter().all(|l| l.received >= l.quantity),
                ended: ended.contains(&o.id),
            });
        }
        let receipts = repo_month::receipts_between(conn, days)?;
        book.receipts = receipts
            .iter()
            .map(|(id, _)| id)
            .collect::<HashSet<_>>()
            .len() as u64;
        book.units_received = receipts.iter().map(|(_, n)| n).sum();
        book.invoices = invoices(conn, p, days)?;
        Ok(book)
    })
}

/// Which of these orders were cancelled or closed before `end`: those in
/// such a status now with no move there at or after `end`.
fn ended_before(
    conn: &mut crate::db::DbConn,
    orders: &[Order],
    end: NaiveDateTime,
) -> Result<HashSet<String>, AppError> {
    let over = |s: &str| s == Status::Cancelled.as_str() || s == Status::Closed.as_str();
    let ids: Vec<String> = orders
        .iter()
        .filter(|o| over(o.status.as_str()))
        .map(|o| o.id.clone())
        .collect();
    let later = audit::history_since(conn, "purchase_order", &ids, end, "")?;
    Ok(ids
        .into_iter()
        .filter(|id| {
            !later.get(id).is_some_and(|events| {
                events.iter().any(|e| {
                    let to = serde_json::from_str::<serde_json::Value>(&e.changes)
                        .ok()
                        .and_then(|c| c["status"]["to"].as_str().map(str::to_owned));
                    to.as_deref().is_some_and(over)
                })
            })
        })
        .collect())
}

fn invoices(
    conn: &mut crate::db::DbConn,
    p: &Purchasing,
    days: (NaiveDate, NaiveDate),
) -> Result<Vec<MonthInvoice>, AppError> {
    let list = repo_month::invoices_between(conn, days)?;
    let ids: Vec<String> = list
        .iter()
        .map(|i| i.order_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let orders: HashMap<String, Order> = repo_month::orders_by_id(conn, &ids)?
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    list.iter()
        .map(|i| {
            let amount = match orders.get(&i.order_id) {
                Some(o) => base_total(p, o, i.amount_minor)?,
                None => i.amount_minor,
            };
            Ok(MonthInvoice {
                amount,
                flagged: i.flagged,
            })
        })
        .collect()
}
