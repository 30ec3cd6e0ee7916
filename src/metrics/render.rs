//! The report as a file: JSON (every figure, nested by section), CSV (one
//! row per figure), XLSX (a sheet per section and `Definitions`) and HTML
//! (the printable page, see [`super::page`]).

use super::definitions::{self, DEFINITIONS};
use super::figures::{Figure, SECTIONS, Value, figures};
use super::report::Report;
use crate::error::AppError;
use crate::export::{Cell, Format, TableWriter};

crate::text_enum! {
    /// The formats a report is rendered in.
    pub enum ReportFormat { Html = "html", Json = "json", Csv = "csv", Xlsx = "xlsx" }
}

impl ReportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Html => "text/html; charset=utf-8",
            ReportFormat::Json => Format::Json.content_type(),
            ReportFormat::Csv => Format::Csv.content_type(),
            ReportFormat::Xlsx => Format::Xlsx.content_type(),
        }
    }

    /// Reads a format name, with the error people see for a wrong one.
    pub fn parse_name(name: &str) -> Result<ReportFormat, String> {
        name.parse()
            .map_err(|_| format!("unknown format {name:?}: use html, json, csv or xlsx"))
    }
}

/// The columns of the CSV file.
pub const COLUMNS: &[&str] = &["section", "metric", "dimension", "value", "unit"];

fn cell(v: &Value) -> Cell {
    match v {
        Value::None => Cell::Empty,
        Value::Count(n) => Cell::Int(*n as i64),
        Value::Seconds(s) => Cell::Int(*s),
        // Shares keep every digit f64 has (`0.9375`), so they recompute.
        Value::Share(s) => Cell::Decimal(s.to_string()),
        Value::Amount(a) => Cell::Decimal(a.clone()),
        Value::Text(t) => Cell::text(t.clone()),
    }
}

fn row(f: &Figure, with_section: bool) -> Vec<Cell> {
    let mut cells = Vec::with_capacity(5);
    if with_section {
        cells.push(Cell::text(f.section));
    }
    cells.extend([
        Cell::text(f.metric.clone()),
        Cell::text(f.dimension.clone()),
        cell(&f.value),
        Cell::text(f.unit.clone()),
    ]);
    cells
}

/// The report in `format` (HTML through [`super::page::render`]).
pub fn render(report: &Report, format: ReportFormat) -> Result<Vec<u8>, AppError> {
    match format {
        ReportFormat::Json => {
            serde_json::to_vec_pretty(report).map_err(|e| AppError::Internal(e.into()))
        }
        ReportFormat::Csv => {
            let mut out = Vec::new();
            let mut t = TableWriter::new(Format::Csv, "Report", COLUMNS, &mut out)?;
            for f in figures(report) {
                t.row(&row(&f, true))?;
            }
            t.finish()?;
            Ok(out)
        }
        ReportFormat::Xlsx => xlsx(report),
        ReportFormat::Html => Ok(super::page::render(report).into_bytes()),
    }
}

fn xlsx(report: &Report) -> Result<Vec<u8>, AppError> {
    let all = figures(report);
    let columns = &COLUMNS[1..];
    let mut out = Vec::new();
    let mut t = TableWriter::new(Format::Xlsx, "About", &["field", "value"], &mut out)?;
    for (k, v) in [
        ("month", report.month.clone()),
        ("time_zone", report.time_zone.clone()),
        (
            "definitions_version",
            report.definitions_version.to_string(),
        ),
        ("generated_at", report.generated_at.to_rfc3339()),
        ("frozen", report.frozen.to_string()),
    ] {
        t.row(&[Cell::text(k), Cell::text(v)])?;
    }
    for section in SECTIONS {
        t.next_sheet(&title(section), columns)?;
        for f in all.iter().filter(|f| f.section == *section) {
            t.row(&row(f, false))?;
        }
    }
    t.next_sheet("Definitions", &["section", "metric", "definition"])?;
    for (s, m, d) in DEFINITIONS {
        t.row(&[Cell::text(*s), Cell::text(*m), Cell::text(*d)])?;
    }
    t.finish()?;
    Ok(out)
}

/// A section's sheet name: `sla` → `SLA`, `tickets` → `Tickets`.
fn title(section: &str) -> String {
    match section {
        "sla" => "SLA".into(),
        s => {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// Whether every figure the report emits has a definition.
pub fn undefined(report: &Report) -> Vec<String> {
    let mut missing: Vec<String> = figures(report)
        .iter()
        .filter(|f| definitions::of(f.section, &f.metric).is_none())
        .map(|f| format!("{}.{}", f.section, f.metric))
        .collect();
    missing.dedup();
    missing
}
