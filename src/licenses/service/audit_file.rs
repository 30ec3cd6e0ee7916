//! The audit export: every position (Summary), every consuming installation
//! and named seat (Evidence) and every counting entitlement (Entitlements)
//! on a day, as XLSX (three sheets), CSV (one sheet) or JSON (all three).
//! Column names and order are a contract: `schema/license-audit.md`.

use std::io::Write;

use chrono::NaiveDate;

use super::book::{Snapshot, snapshot};
use super::evidence::Source;
use super::positions::{items, label};
use crate::auth::User;
use crate::error::AppError;
use crate::export::{Cell, ExportError, Format, TableWriter};
use crate::licenses::Licenses;
use crate::licenses::dto::{EvidenceDto, PositionDto};
use crate::licenses::model::{Entitlement, Product};
use crate::licenses::positions::Book;
use crate::licenses::terms::counts_on;

crate::text_enum! {
    /// The sheets of an audit.
    pub enum Sheet { Summary = "summary", Evidence = "evidence", Entitlements = "entitlements" }
}

pub const SUMMARY: &[&str] = &[
    "product_id",
    "publisher",
    "product",
    "metric",
    "entitled",
    "consumed",
    "balance",
    "status",
    "covers_older",
    "covered_by_newer",
    "shortfall_cost_minor",
    "unused_cost_minor",
    "currency",
];

pub const EVIDENCE: &[&str] = &[
    "asset_tag",
    "hostname",
    "serial",
    "asset_status",
    "assignee_email",
    "product",
    "discovered_name",
    "version",
    "publisher",
    "rule_id",
    "first_seen",
    "last_seen",
    "units",
    "flags",
    "kind",
    "metric",
    "product_id",
    "covered_by",
    "entitlement_id",
];

pub const ENTITLEMENTS: &[&str] = &[
    "entitlement_id",
    "product_id",
    "product",
    "metric",
    "quantity",
    "starts_on",
    "ends_on",
    "unit_cost_minor",
    "currency",
    "vendor",
    "po_number",
    "contract_ref",
    "downgrade_rights",
    "core_rule",
    "min_cores_per_processor",
    "min_cores_per_device",
    "core_pack",
];

/// The format (`xlsx` when none) and CSV sheet a request names, each
/// refused with a 422 naming its field.
pub fn format_and_sheet(
    format: Option<&str>,
    sheet: Option<&str>,
) -> Result<(Format, Option<Sheet>), AppError> {
    let format: Format = format
        .unwrap_or("xlsx")
        .parse()
        .map_err(|_| AppError::invalid("format", "xlsx, csv or json"))?;
    let sheet = match sheet {
        None => None,
        Some(s) => Some(
            s.parse::<Sheet>()
                .map_err(|_| AppError::invalid("sheet", "summary, evidence or entitlements"))?,
        ),
    };
    if sheet.is_some() && format != Format::Csv {
        return Err(AppError::invalid(
            "sheet",
            "picks the sheet of a CSV export; XLSX and JSON hold all three",
        ));
    }
    Ok((format, sheet))
}

/// What to export.
#[derive(Debug, Clone)]
pub struct AuditRequest {
    pub as_of: Option<NaiveDate>,
    /// Only these products (all when empty).
    pub products: Vec<String>,
    pub format: Format,
    /// CSV: the sheet (evidence when none).
    pub sheet: Option<Sheet>,
}

/// The three sheets: summary and entitlements in hand, evidence read
/// product by product as it is written (so a large register is never
/// all in memory at once).
pub(super) struct Audit {
    pub day: NaiveDate,
    summary: Vec<PositionDto>,
    entitlements: Vec<(Entitlement, String)>,
    snap: Snapshot,
    book: Book,
    chosen: Vec<Product>,
    source: Source,
}

pub(super) fn gather(lic: &Licenses, actor: &User, req: &AuditRequest) -> Result<Audit, AppError> {
    let only = match req.products.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    };
    let snap = snapshot(lic, actor, req.as_of, only)?;
    for p in &req.products {
        if !snap.products.iter().any(|x| &x.id == p) {
            return Err(AppError::invalid("product", format!("no product {p}")));
        }
    }
    let chosen: Vec<Product> = snap
        .products
        .iter()
        .filter(|p| req.products.is_empty() || req.products.contains(&p.id))
        .cloned()
        .collect();
    let book = snap.book(lic);
    let mine: Vec<_> = book
        .positions
        .iter()
        .filter(|p| chosen.iter().any(|c| c.id == p.product_id))
        .cloned()
        .collect();
    let summary = items(&snap, &mine);
    let source = Source::of(lic, &chosen.iter().collect::<Vec<_>>())?;
    let entitlements = snap
        .entitlements
        .iter()
        .filter(|e| counts_on(e.starts_on, e.ends_on, snap.day))
        .filter_map(|e| {
            let p = chosen.iter().find(|p| p.id == e.product_id)?;
            Some((e.clone(), label(p)))
        })
        .collect();
    Ok(Audit {
        day: snap.day,
        summary,
        entitlements,
        snap,
        book,
        chosen,
        source,
    })
}

fn int(n: Option<i64>) -> Cell {
    n.map_or(Cell::Empty, Cell::Int)
}

fn summary_row(p: &PositionDto) -> Vec<Cell> {
    vec![
        Cell::text(&p.product_id),
        Cell::text(&p.publisher),
        Cell::text(&p.product),
        Cell::text(p.metric.as_str()),
        int(p.entitled),
        Cell::Int(p.consumed),
        int(p.balance),
        Cell::text(&p.status),
        Cell::Int(p.covers_older),
        Cell::Int(p.covered_by_newer),
        Cell::Int(p.shortfall_cost_minor),
        Cell::Int(p.unused_cost_minor),
        Cell::opt(p.currency.clone()),
    ]
}

fn evidence_row(e: &EvidenceDto) -> Vec<Cell> {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| Cell::opt(t.map(|t| t.to_rfc3339()));
    vec![
        Cell::opt(e.asset_tag.clone()),
        Cell::opt(e.hostname.clone()),
        Cell::opt(e.serial.clone()),
        Cell::opt(e.asset_status.clone()),
        Cell::opt(e.assignee_email.clone()),
        Cell::text(&e.product),
        Cell::opt(e.discovered_name.clone()),
        Cell::opt(e.version.clone()),
        Cell::opt(e.publisher.clone()),
        Cell::opt(e.rule_id.clone()),
        when(e.first_seen),
        when(e.last_seen),
        Cell::Decimal(e.units.to_string()),
        Cell::text(e.flags.join(" ")),
        Cell::text(&e.kind),
        Cell::text(e.metric.as_str()),
        Cell::text(&e.product_id),
        Cell::opt(e.covered_by.clone()),
        Cell::opt(e.entitlement_id.clone()),
    ]
}

fn entitlement_row((e, product): &(Entitlement, String)) -> Vec<Cell> {
    let small = |n: Option<i32>| n.map_or(Cell::Empty, |n| Cell::Int(n.into()));
    vec![
        Cell::text(&e.id),
        Cell::text(&e.product_id),
        Cell::text(product),
        Cell::text(e.metric.as_str()),
        Cell::Int(e.quantity),
        Cell::opt(e.starts_on.map(|d| d.to_string())),
        Cell::opt(e.ends_on.map(|d| d.to_string())),
        int(e.unit_cost_minor),
        Cell::opt(e.currency.clone()),
        Cell::opt(e.vendor.clone()),
        Cell::opt(e.po_number.clone()),
        Cell::opt(e.contract_ref.clone()),
        Cell::text(e.downgrade_rights.to_string()),
        Cell::opt(e.core_rule.map(|r| r.as_str())),
        small(e.min_cores_per_processor),
        small(e.min_cores_per_device),
        small(e.core_pack),
    ]
}

/// A sheet's name and columns.
fn head(s: Sheet) -> (&'static str, &'static [&'static str]) {
    match s {
        Sheet::Summary => ("Summary", SUMMARY),
        Sheet::Evidence => ("Evidence", EVIDENCE),
        Sheet::Entitlements => ("Entitlements", ENTITLEMENTS),
    }
}

/// Writes a sheet's rows.
fn rows(lic: &Licenses, a: &Audit, s: Sheet, t: &mut TableWriter) -> Result<(), AppError> {
    match s {
        Sheet::Summary => {
            for p in &a.summary {
                t.row(&summary_row(p))?;
            }
        }
        Sheet::Evidence => {
            for p in &a.chosen {
                for e in a.source.rows(lic, &a.snap, &a.book, p)? {
                    t.row(&evidence_row(&e))?;
                }
            }
        }
        Sheet::Entitlements => {
            for e in &a.entitlements {
                t.row(&entitlement_row(e))?;
            }
        }
    }
    Ok(())
}

/// Writes the audit to `out`; returns the day it was taken on.
pub fn write_audit(
    lic: &Licenses,
    actor: &User,
    req: &AuditRequest,
    out: &mut dyn Write,
) -> Result<NaiveDate, AppError> {
    let a = gather(lic, actor, req)?;
    write_gathered(lic, &a, req.format, req.sheet, out)?;
    Ok(a.day)
}

/// Writes gathered rows in one format (CSV: one sheet, evidence by default).
pub(super) fn write_gathered(
    lic: &Licenses,
    a: &Audit,
    format: Format,
    csv_sheet: Option<Sheet>,
    out: &mut dyn Write,
) -> Result<(), AppError> {
    match format {
        Format::Csv => {
            let s = csv_sheet.unwrap_or(Sheet::Evidence);
            let (name, cols) = head(s);
            let mut t = TableWriter::new(Format::Csv, name, cols, out)?;
            rows(lic, a, s, &mut t)?;
            t.finish()?;
        }
        Format::Xlsx => {
            let mut t = TableWriter::new(Format::Xlsx, "Summary", SUMMARY, out)?;
            for (i, s) in [Sheet::Summary, Sheet::Evidence, Sheet::Entitlements]
                .into_iter()
                .enumerate()
            {
                let (name, cols) = head(s);
                if i > 0 {
                    t.next_sheet(name, cols)?;
                }
                rows(lic, a, s, &mut t)?;
            }
            t.finish()?;
        }
        Format::Json => json(lic, a, out)?,
    }
    Ok(())
}

/// `{"as_of", "summary": […], "evidence": […], "entitlements": […]}`.
fn json(lic: &Licenses, a: &Audit, out: &mut dyn Write) -> Result<(), AppError> {
    write!(out, "{{\"as_of\": \"{}\"", a.day).map_err(ExportError::from)?;
    for s in [Sheet::Summary, Sheet::Evidence, Sheet::Entitlements] {
        let (_, cols) = head(s);
        write!(out, ",\n\"{}\": ", s.as_str()).map_err(ExportError::from)?;
        let mut t = TableWriter::new(Format::Json, "", cols, out)?;
        rows(lic, a, s, &mut t)?;
        t.finish()?;
    }
    writeln!(out, "}}").map_err(ExportError::from)?;
    Ok(())
}
