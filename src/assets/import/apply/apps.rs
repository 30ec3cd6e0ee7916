//! Discovered apps: replacing each listed device's software list.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::assets::domain::Status;
use crate::assets::import::profiles::Field;
use crate::assets::import::read::{AppRow, Table};
use crate::assets::import::{Options, Report, SoftwareSummary};
use crate::assets::inventory::{Software, replace_software};
use crate::audit::{self, Entry};
use crate::db::DbConn;
use crate::db::schema::assets;

use super::{CHUNK, Outcome, RollBackOr, at, rejected_lines};

/// Discovered apps: each device's rows replace its software list.
pub(super) fn apps(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    table: &Table,
    opts: &Options,
    now: NaiveDateTime,
    mut report: Report,
) -> Result<Outcome, RollBackOr> {
    let (order, by_device) = by_device(table);
    let hosts = live_assets_by_hostname(conn, &order)?;
    let mut known_devices = Vec::new();
    for device in &order {
        match hosts.get(device) {
            Some(id) => known_devices.push((device, id.clone())),
            None => {
                for r in &by_device[device] {
                    report.errors.push(at(
                        table,
                        r.line,
                        &Field::DeviceName,
                        Some(&r.device),
                        format!("no asset has the host name {}: import the device list (profile intune) first", r.device),
                    ));
                }
            }
        }
    }
    report.errors.sort_by_key(|e| (e.line, e.column));
    report.rejected = rejected_lines(&report.errors);
    if !opts.dry_run && !report.errors.is_empty() && !opts.partial {
        return Ok(Outcome::RollBack(report));
    }
    let mut summary = SoftwareSummary::default();
    for (device, asset_id) in known_devices {
        let (installed, still, removed) =
            replace_device_software(conn, actor_id, opts, &asset_id, &by_device[device], now)?;
        summary.devices += 1;
        summary.installed += installed;
        summary.still_installed += still;
        summary.removed += removed;
    }
    report.software = Some(summary);
    if opts.dry_run || (!report.errors.is_empty() && !opts.partial) {
        return Ok(Outcome::RollBack(report));
    }
    report.applied = true;
    Ok(Outcome::Keep(report))
}

/// The rows grouped by device, and the devices in the order the file
/// names them first.
fn by_device(table: &Table) -> (Vec<String>, HashMap<String, Vec<&AppRow>>) {
    let mut order: Vec<String> = Vec::new();
    let mut by_device: HashMap<String, Vec<&AppRow>> = HashMap::new();
    for r in &table.apps {
        by_device
            .entry(r.device.clone())
            .or_insert_with(|| {
                order.push(r.device.clone());
                Vec::new()
            })
            .push(r);
    }
    (order, by_device)
}

/// The oldest asset not disposed of with each host name.
fn live_assets_by_hostname(
    conn: &mut DbConn,
    hosts: &[String],
) -> Result<HashMap<String, String>, RollBackOr> {
    let mut found: HashMap<String, String> = HashMap::new();
    for chunk in hosts.chunks(CHUNK) {
        let rows: Vec<(Option<String>, String)> = assets::table
            .filter(assets::hostname.eq_any(chunk))
            .filter(assets::status.ne(Status::Disposed))
            .order((assets::created_at.asc(), assets::id.asc()))
            .select((assets::hostname, assets::id))
            .load(conn)?;
        for (h, id) in rows {
            if let Some(h) = h {
                found.entry(h).or_insert(id);
            }
        }
    }
    Ok(found)
}

/// Replaces one device's software list with its rows (each package and
/// version once), recorded in its history; returns how many were
/// installed, still installed and removed.
fn replace_device_software(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    opts: &Options,
    asset_id: &str,
    rows: &[&AppRow],
    now: NaiveDateTime,
) -> Result<(usize, usize, usize), RollBackOr> {
    let mut seen = HashSet::new();
    let software: Vec<Software> = rows
        .iter()
        .filter(|r| seen.insert((r.name.clone(), r.version.clone())))
        .map(|r| Software {
            name: r.name.clone(),
            version: r.version.clone(),
            publisher: r.publisher.clone(),
        })
        .collect();
    let (installed, still, removed) = replace_software(conn, asset_id, &software, now)?;
    audit::record(
        conn,
        Entry {
            entity_type: "asset",
            entity_id: asset_id,
            actor_id,
            action: "software_imported",
            changes: json!({
                "source": format!("import {} ({})", opts.file_name, opts.profile.name),
                "software_installed": installed,
                "software_still_installed": still,
                "software_removed": removed,
            }),
            at: now,
        },
    )?;
    Ok((installed, still, removed))
}
