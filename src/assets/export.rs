//! The register as a file through the shared [`crate::export`] writer (CSV,
//! JSON or an XLSX sheet), one row per asset, oldest first.

use std::collections::HashMap;
use std::io::Write;

use diesel::prelude::*;

use super::model::Asset;
use super::repo;
use crate::auth::people as users;
use crate::db::Db;
use crate::db::schema::assets;
use crate::error::AppError;
use crate::export::{Cell, Format, TableWriter};

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
        crate::money::Money::from_parts(a.cost_minor, a.currency.as_deref())
            .map(|m| m.plain())
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

/// Writes every asset to `out` in `format`; `progress` hears the count after each page.
/// Returns how many were written.
pub fn export(
    db: &Db,
    format: Format,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, AppError> {
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
    let mut table = TableWriter::new(format, "Assets", COLUMNS, out)?;
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
            let cells: Vec<Cell> = fields.iter().map(|f| Cell::text(f.as_str())).collect();
            table.row(&cells)?;
            written += 1;
        }
        progress(written);
        match last {
            Some(l) if lines.len() == 1000 => after = Some(l),
            _ => break,
        }
    }
    table.finish()?;
    Ok(written)
}
