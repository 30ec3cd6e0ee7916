//! The contract book as a file through the shared [`crate::export`]
//! writer: one row per contract, the nearest decision first, with what
//! follows from its terms (notice deadline, annual cost, status).

use std::io::Write;

use super::Vendors;
use super::dto::ContractDto;
use super::service::{self, ContractFilter};
use crate::error::AppError;
use crate::export::{Cell, Format, TableWriter};
use crate::money::Money;

/// The columns, in order (also the CSV header).
pub const COLUMNS: &[&str] = &[
    "id",
    "reference",
    "title",
    "vendor",
    "kind",
    "owner",
    "status",
    "starts_on",
    "ends_on",
    "auto_renew",
    "renewal_months",
    "notice_months",
    "notice_days",
    "notice_deadline",
    "billing",
    "amount",
    "currency",
    "annual_cost",
    "total_contract_value",
    "terminates_on",
    "termination_reason",
];

fn money(minor: Option<i64>, currency: Option<&str>) -> Cell {
    match Money::from_parts(minor, currency) {
        Some(m) => Cell::Decimal(m.plain()),
        None => minor.map_or(Cell::Empty, Cell::Int),
    }
}

fn day(d: Option<chrono::NaiveDate>) -> Cell {
    Cell::opt(d.map(|d| d.to_string()))
}

fn int(n: Option<i32>) -> Cell {
    n.map_or(Cell::Empty, |n| Cell::Int(n as i64))
}

fn row(c: &ContractDto) -> Vec<Cell> {
    let cur = c.currency.as_deref();
    vec![
        Cell::text(c.id.clone()),
        Cell::opt(c.reference.clone()),
        Cell::text(c.title.clone()),
        Cell::text(c.vendor.clone()),
        Cell::text(c.kind.as_str()),
        Cell::opt(c.owner_email.clone()),
        Cell::text(c.status.as_str()),
        day(c.starts_on),
        day(c.ends_on),
        Cell::text(c.auto_renew.to_string()),
        int(c.renewal_months),
        int(c.notice_months),
        int(c.notice_days),
        day(c.notice_deadline),
        Cell::opt(c.billing.map(|b| b.as_str())),
        money(c.amount_minor, cur),
        Cell::opt(c.currency.clone()),
        money(c.annual_cost_minor, cur),
        money(c.total_contract_value_minor, cur),
        day(c.terminates_on),
        Cell::opt(c.termination_reason.clone()),
    ]
}

/// Writes every contract matching `filter`; returns how many.
pub fn export(
    vendors: &Vendors,
    filter: &ContractFilter,
    format: Format,
    out: &mut dyn Write,
) -> Result<u64, AppError> {
    let (list, _) = service::list_contracts(vendors, filter)?;
    let mut table = TableWriter::new(format, "Contracts", COLUMNS, out)?;
    for c in &list {
        table.row(&row(c))?;
    }
    table.finish()?;
    Ok(list.len() as u64)
}
