//! The purchasing book as it stood at a month's end, for the monthly
//! report: every order placed by then that could still have been waiting
//! for goods, valued in the base currency with what had arrived by the
//! month's last day, and the receipts and invoices dated in the month.
//! An order is placed at the instant it moved to `ordered` (its history),
//! so that the month it belongs to is the report's local month, as for
//! tickets; receipts and invoices carry the day written on them.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

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
    /// When it moved to `ordered` (UTC).
    pub placed_at: NaiveDateTime,
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
    /// Orders placed before the month's end that were not settled before
    /// it began (see [`repo_month::placed_through`]).
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
        // Days are a day wider each way: the order day is a UTC day.
        let wide = (days.0 - Duration::days(1), days.1 + Duration::days(1));
        let orders = repo_month::placed_through(conn, wide, span.0)?;
        let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
        let moves = moves(conn, &ids)?;
        let mut lines: HashMap<String, Vec<Line>> = HashMap::new();
        for l in repo::lines(conn, &ids)? {
            lines.entry(l.order_id.clone()).or_default().push(l);
        }
        let mut arrived: HashMap<(String, i32), i64> = HashMap::new();
        for (order, line, n) in repo_month::received_through(conn, &ids, days.1)? {
            *arrived.entry((order, line)).or_default() += n;
        }
        let mut names: HashMap<String, String> = HashMap::new();
        let mut book = MonthBook {
            base_currency: p.settings.base_code(),
            ..MonthBook::default()
        };
        for o in &orders {
            let (placed_at, ended_at) = moves.get(&o.id).copied().unwrap_or_default();
            let placed_at = placed_at.or_else(|| o.ordered_on.map(|d| d.and_time(NaiveTime::MIN)));
            let Some(placed_at) = placed_at.filter(|at| *at < span.1) else {
                continue;
            };
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
                placed_at,
                expected_on: o.expected_on,
                value: base_total(p, o, whole.total_minor)?,
                outstanding: base_total(p, o, whole.total_minor - received.total_minor)?,
                complete: mine.iter().all(|l| l.received >= l.quantity),
                ended: ended_at.is_some_and(|at| at < span.1),
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

/// When each order moved to `ordered`, and when it was last cancelled or
/// closed, from its history.
#[allow(clippy::type_complexity)]
fn moves(
    conn: &mut crate::db::DbConn,
    ids: &[String],
) -> Result<HashMap<String, (Option<NaiveDateTime>, Option<NaiveDateTime>)>, AppError> {
    let over = [Status::Cancelled.as_str(), Status::Closed.as_str()];
    let mut out = HashMap::new();
    for (id, events) in audit::history_many(conn, "purchase_order", ids)? {
        let mut at: (Option<NaiveDateTime>, Option<NaiveDateTime>) = (None, None);
        for e in events.iter().filter(|e| e.action == "transition") {
            let to = serde_json::from_str::<serde_json::Value>(&e.changes)
                .ok()
                .and_then(|c| c["status"]["to"].as_str().map(str::to_owned));
            match to.as_deref() {
                Some(s) if s == Status::Ordered.as_str() => at.0 = Some(e.occurred_at),
                Some(s) if over.contains(&s) => at.1 = Some(e.occurred_at),
                _ => {}
            }
        }
        out.insert(id, at);
    }
    Ok(out)
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
    // Every invoice has its order (a foreign key); the amount is in the
    // order's currency.
    list.iter()
        .filter_map(|i| orders.get(&i.order_id).map(|o| (i, o)))
        .map(|(i, o)| {
            Ok(MonthInvoice {
                amount: base_total(p, o, i.amount_minor)?,
                flagged: i.flagged,
            })
        })
        .collect()
}
