//! The register as a file: CSV (RFC 4180, safe to open in a spreadsheet)
//! or JSON, one row per asset, oldest first.

use std::collections::HashMap;
use std::io::Write;

use diesel::prelude::*;
use serde_json::json;

use super::model::Asset;
use super::repo;
use crate::auth::repo as users;
use crate::db::Db;
use crate::db::schema::assets;
use crate::error::AppError;
use crate::text_enum;

text_enum! {
    /// What `export` writes.
    pub enum Format { Csv = "csv", Json = "json", Xlsx = "xlsx" }
}

/// The columns, in order (also the CSV header).
pub const COLUMNS: &[&str] = &[
    "asset_tag",
    "serial",
    "manufacturer",
    "model",
    "category",
    "hostname",
    "status",
    "substate",
    "needs_review",
    "location",
    "assignee",
    "purchase_date",
    "cost",
    "currency",
    "supplier",
    "po_number",
    "warranty_end",
    "os",
    "last_inventory_at",
    "created_at",
];

/// One field of a CSV line: quoted when it must be, and a leading `=`, `+`,
/// `-`, `@`, tab or carriage return neutralised so that a spreadsheet shows
/// the text instead of running it as a formula.
pub fn csv_field(value: &str) -> String {
    let value = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if value.parse::<f64>().is_err() => {
            format!("'{value}")
        }
        _ => value.to_owned(),
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

type InventoryCols = (Option<String>, Option<chrono::NaiveDateTime>);

struct Lookups {
    models: HashMap<String, (String, String)>,
    locations: HashMap<String, String>,
}

fn row(
    l: &Lookups,
    people: &HashMap<String, String>,
    a: &Asset,
    inv: &InventoryCols,
) -> Vec<String> {
    let (maker, model) = a
        .model_id
        .as_ref()
        .and_then(|m| l.models.get(m).cloned())
        .unwrap_or_default();
    let assignee = a
        .assignee_id
        .as_ref()
        .and_then(|id| people.get(id).cloned())
        .unwrap_or_default();
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        a.asset_tag.clone(),
        o(&a.serial),
        maker,
        model,
        a.category
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        o(&a.hostname),
        a.status.as_str().to_owned(),
        a.substate
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        a.needs_review.to_string(),
        a.location_id
            .as_ref()
            .and_then(|id| l.locations.get(id).cloned())
            .unwrap_or_default(),
        assignee,
        a.purchase_date.map(|d| d.to_string()).unwrap_or_default(),
        a.cost_minor
            .map(|c| format!("{}.{:02}", c / 100, (c % 100).abs()))
            .unwrap_or_default(),
        o(&a.currency),
        o(&a.supplier),
        o(&a.po_number),
        a.warranty_end.map(|d| d.to_string()).unwrap_or_default(),
        o(&inv.0),
        inv.1.map(|t| t.and_utc().to_rfc3339()).unwrap_or_default(),
        a.created_at.and_utc().to_rfc3339(),
    ]
}

/// Writes every asset to `out`; `progress` hears the count after each page.
/// Returns how many were written.
pub fn export(
    db: &Db,
    format: Format,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, AppError> {
    let io = |e: std::io::Error| AppError::Internal(anyhow::anyhow!("writing the export: {e}"));
    let lookups = db.read(|conn| {
        Ok::<_, AppError>(Lookups {
            models: repo::models(conn)?
                .into_iter()
                .map(|(m, maker)| (m.id, (maker.name, m.name)))
                .collect(),
            locations: repo::locations(conn)?
                .into_iter()
                .map(|l| (l.id, l.name))
                .collect(),
        })
    })?;
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| {
        AppError::Internal(anyhow::anyhow!("writing the spreadsheet: {e}"))
    };
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    match format {
        Format::Csv => writeln!(out, "{}", COLUMNS.join(",")).map_err(io)?,
        Format::Json => write!(out, "[").map_err(io)?,
        Format::Xlsx => {
            sheet.set_name("Assets").map_err(xlsx_err)?;
            for (c, name) in COLUMNS.iter().enumerate() {
                sheet.write_string(0, c as u16, *name).map_err(xlsx_err)?;
            }
        }
    }
    let mut written = 0u64;
    let mut after: Option<(chrono::NaiveDateTime, String)> = None;
    loop {
        let page = db.read(|conn| {
            let mut q = assets::table.into_boxed::<crate::db::DbBackend>();
            if let Some((at, id)) = &after {
                q = q.filter(
                    assets::created_at
                        .gt(*at)
                        .or(assets::created_at.eq(*at).and(assets::id.gt(id.clone()))),
                );
            }
            let rows: Vec<(Asset, InventoryCols)> = q
                .order((assets::created_at.asc(), assets::id.asc()))
                .limit(1000)
                .select((
                    Asset::as_select(),
                    (assets::os_name, assets::last_inventory_at),
                ))
                .load(conn)?;
            let ids: Vec<String> = rows
                .iter()
                .filter_map(|(a, _)| a.assignee_id.clone())
                .collect();
            let people: HashMap<String, String> = users::find_users(conn, &ids)?
                .into_iter()
                .map(|u| (u.id, u.email))
                .collect();
            let lines: Vec<Vec<String>> = rows
                .iter()
                .map(|(a, inv)| row(&lookups, &people, a, inv))
                .collect();
            let last = rows.last().map(|(a, _)| (a.created_at, a.id.clone()));
            Ok::<_, AppError>((lines, last))
        })?;
        let (lines, last) = page;
        for fields in &lines {
            match format {
                Format::Csv => {
                    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                    writeln!(out, "{}", line.join(",")).map_err(io)?;
                }
                Format::Json => {
                    let obj: serde_json::Map<String, serde_json::Value> = COLUMNS
                        .iter()
                        .zip(fields)
                        .map(|(k, v)| {
                            let v = if v.is_empty() { json!(null) } else { json!(v) };
                            ((*k).to_owned(), v)
                        })
                        .collect();
                    if written > 0 {
                        write!(out, ",").map_err(io)?;
                    }
                    write!(out, "\n{}", serde_json::Value::Object(obj)).map_err(io)?;
                }
                // Cells are written as text: nothing in them runs as a formula.
                Format::Xlsx => {
                    for (c, v) in fields.iter().enumerate() {
                        if !v.is_empty() {
                            sheet
                                .write_string(written as u32 + 1, c as u16, v)
                                .map_err(xlsx_err)?;
                        }
                    }
                }
            }
            written += 1;
        }
        progress(written);
        match last {
            Some(l) if lines.len() == 1000 => after = Some(l),
            _ => break,
        }
    }
    match format {
        Format::Json => writeln!(out, "\n]").map_err(io)?,
        Format::Xlsx => {
            sheet
                .autofilter(0, 0, written as u32, COLUMNS.len() as u16 - 1)
                .map_err(xlsx_err)?;
            sheet.set_freeze_panes(1, 0).map_err(xlsx_err)?;
            out.write_all(&workbook.save_to_buffer().map_err(xlsx_err)?)
                .map_err(io)?;
        }
        Format::Csv => {}
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-12.5"), "-12.5", "numbers stay numbers");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
    }
}
