//! Inventory agents (FusionInventory / OCS Inventory XML protocol): reading
//! what they send — zlib, gzip or plain XML, PROLOG then INVENTORY — and
//! reconciling a device's report with the register.

use std::collections::HashMap;

pub mod facts;
mod parse;
pub mod titles;

pub(crate) use parse::real_serial;
pub use parse::{DecodeError, Report, Request, Software, decode_body, parse};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::domain::{Status, Substate};
use super::model::Asset;
use super::repo;
use crate::audit::{self, Entry};
use crate::db::schema::{asset_hardware, assets, software_installations};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;

/// What an inventory did to the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub asset_id: String,
    pub asset_tag: String,
    pub created: bool,
    pub installed: usize,
    pub still_installed: usize,
    pub removed: usize,
}

/// Finds the device (serial, then asset tag, then host name) or registers
/// it as discovered, records its hardware, and replaces its software list:
/// new packages start, packages no longer reported end (kept, with a date).
pub fn apply(db: &Db, r: &Report, now: NaiveDateTime) -> Result<Applied, AppError> {
    db.write(|conn| apply_in(conn, r, now))
}

fn find(conn: &mut DbConn, r: &Report) -> QueryResult<Option<Asset>> {
    if let Some(serial) = &r.serial {
        let hit = assets::table
            .filter(assets::serial.eq(serial))
            .filter(assets::status.ne(Status::Disposed))
            .select(Asset::as_select())
            .first(conn)
            .optional()?;
        if hit.is_some() {
            return Ok(hit);
        }
    }
    if let Some(tag) = &r.asset_tag
        && let Some(a) = repo::asset(conn, tag)?
    {
        return Ok(Some(a));
    }
    if let Some(host) = &r.hostname {
        return assets::table
            .filter(assets::hostname.eq(host))
            .filter(assets::status.ne(Status::Disposed))
            .order(assets::created_at.asc())
            .select(Asset::as_select())
            .first(conn)
            .optional();
    }
    Ok(None)
}

fn apply_in(conn: &mut DbConn, r: &Report, now: NaiveDateTime) -> Result<Applied, AppError> {
    let (asset, created) = match find(conn, r)? {
        Some(a) => (a, false),
        None => (discovered(conn, r, now)?, true),
    };
    record_hardware(conn, &asset, r, now)?;

    let (installed, still_installed, removed) =
        replace_software(conn, &asset.id, &r.software, now)?;
    let applied = Applied {
        asset_id: asset.id.clone(),
        asset_tag: asset.asset_tag.clone(),
        created,
        installed,
        still_installed,
        removed,
    };
    audit::record(
        conn,
        Entry {
            entity_type: "asset",
            entity_id: &asset.id,
            actor_id: None,
            action: "inventory_received",
            changes: json!({
                "device_id": r.device_id,
                "software_installed": applied.installed,
                "software_still_installed": applied.still_installed,
                "software_removed": applied.removed,
            }),
            at: now,
        },
    )?;
    Ok(applied)
}

/// A device no asset matches: registered as deployed, discovered, to be
/// reviewed.
fn discovered(conn: &mut DbConn, r: &Report, now: NaiveDateTime) -> Result<Asset, AppError> {
    let id = ids::new_id();
    let tag = match &r.asset_tag {
        Some(t) => t.clone(),
        None => format!("INV-{}", &id.replace('-', "")[20..32]),
    };
    let a = Asset {
        id,
        asset_tag: tag,
        serial: r.serial.clone(),
        model_id: None,
        category: None,
        hostname: r.hostname.clone(),
        status: Status::Deployed,
        substate: Some(Substate::Discovered),
        needs_review: true,
        location_id: None,
        assignee_id: None,
        purchase_date: None,
        cost_minor: None,
        currency: None,
        supplier: None,
        po_number: None,
        warranty_end: None,
        notes: String::new(),
        custom_fields: "{}".into(),
        disposal_method: None,
        disposal_date: None,
        disposal_evidence: None,
        created_at: now,
        updated_at: now,
    };
    repo::insert_asset(conn, &a)?;
    audit::record(
        conn,
        Entry {
            entity_type: "asset",
            entity_id: &a.id,
            actor_id: None,
            action: "asset_discovered",
            changes: json!({"device_id": r.device_id, "hostname": r.hostname, "serial": r.serial}),
            at: now,
        },
    )?;
    Ok(a)
}

/// What the agent says about the hardware, its names and when it last
/// reported; a known host name or serial is kept when the agent has none.
fn record_hardware(
    conn: &mut DbConn,
    asset: &Asset,
    r: &Report,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(assets::table.find(&asset.id))
        .set((
            assets::os_name.eq(&r.os_name),
            assets::os_version.eq(&r.os_version),
            assets::cpu_name.eq(&r.cpu_name),
            assets::cpu_cores.eq(r.cpu_cores),
            assets::cpu_threads.eq(r.cpu_threads),
            assets::memory_mb.eq(r.memory_mb),
            assets::device_id.eq(Some(&r.device_id)),
            assets::last_inventory_at.eq(Some(now)),
            assets::hostname.eq(r.hostname.clone().or(asset.hostname.clone())),
            assets::serial.eq(asset.serial.clone().or(r.serial.clone())),
            assets::updated_at.eq(now),
        ))
        .execute(conn)?;
    let row = (
        asset_hardware::asset_id.eq(&asset.id),
        asset_hardware::cpu_sockets.eq(r.cpu_sockets),
    );
    let sockets = asset_hardware::cpu_sockets.eq(r.cpu_sockets);
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(asset_hardware::table)
            .values(row)
            .on_conflict(asset_hardware::asset_id)
            .do_update()
            .set(sockets)
            .execute(c),
        DbConn::Postgres(c) => diesel::insert_into(asset_hardware::table)
            .values(row)
            .on_conflict(asset_hardware::asset_id)
            .do_update()
            .set(sockets)
            .execute(c),
    }
    .map(|_| ())
}

/// Replaces a device's software list: packages new to it start now,
/// packages still there are seen again, packages no longer reported end
/// (kept, with a date). Returns (installed, still installed, removed).
pub fn replace_software(
    conn: &mut DbConn,
    asset_id: &str,
    software: &[Software],
    now: NaiveDateTime,
) -> QueryResult<(usize, usize, usize)> {
    let open: Vec<(String, String, String)> = software_installations::table
        .filter(software_installations::asset_id.eq(asset_id))
        .filter(software_installations::ended_at.is_null())
        .select((
            software_installations::id,
            software_installations::name,
            software_installations::version,
        ))
        .load(conn)?;
    let mut open_by_key: HashMap<(String, String), String> = open
        .into_iter()
        .map(|(id, name, version)| ((name, version), id))
        .collect();
    let mut still = Vec::new();
    let mut fresh = Vec::new();
    for s in software {
        match open_by_key.remove(&(s.name.clone(), s.version.clone())) {
            Some(id) => still.push(id),
            None => fresh.push(s),
        }
    }
    let titles = titles::ids_of(conn, &fresh)?;
    let new_rows: Vec<_> = fresh
        .iter()
        .zip(titles)
        .map(|(s, title)| {
            (
                software_installations::id.eq(ids::new_id()),
                software_installations::asset_id.eq(asset_id.to_owned()),
                software_installations::name.eq(s.name.clone()),
                software_installations::version.eq(s.version.clone()),
                software_installations::publisher.eq(s.publisher.clone()),
                software_installations::first_seen.eq(now),
                software_installations::last_seen.eq(now),
                software_installations::title_id.eq(Some(title)),
            )
        })
        .collect();
    for chunk in new_rows.chunks(500) {
        crate::insert_all!(conn, software_installations::table, chunk)?;
    }
    for chunk in still.chunks(500) {
        diesel::update(
            software_installations::table.filter(software_installations::id.eq_any(chunk)),
        )
        .set(software_installations::last_seen.eq(now))
        .execute(conn)?;
    }
    let gone: Vec<String> = open_by_key.into_values().collect();
    for chunk in gone.chunks(500) {
        diesel::update(
            software_installations::table.filter(software_installations::id.eq_any(chunk)),
        )
        .set(software_installations::ended_at.eq(Some(now)))
        .execute(conn)?;
    }
    Ok((new_rows.len(), still.len(), gone.len()))
}

/// One installed (or formerly installed) package on a device.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Installation {
    pub name: String,
    pub version: String,
    pub publisher: Option<String>,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

/// The software on a device, by name; ended ones only when asked.
pub fn installations(
    conn: &mut DbConn,
    asset_id: &str,
    include_ended: bool,
) -> QueryResult<Vec<Installation>> {
    let mut q = software_installations::table
        .filter(software_installations::asset_id.eq(asset_id))
        .into_boxed::<crate::db::DbBackend>();
    if !include_ended {
        q = q.filter(software_installations::ended_at.is_null());
    }
    q.order((
        software_installations::name.asc(),
        software_installations::first_seen.asc(),
    ))
    .select((
        software_installations::name,
        software_installations::version,
        software_installations::publisher,
        software_installations::first_seen,
        software_installations::last_seen,
        software_installations::ended_at,
    ))
    .load(conn)
}

/// An installation still present on its device, for the license register.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct OpenInstall {
    pub id: String,
    pub asset_id: String,
    pub name: String,
    pub version: String,
    pub publisher: Option<String>,
}

/// The present installations after `after` (by id), at most `limit`.
pub fn open_installations(
    conn: &mut DbConn,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<OpenInstall>> {
    software_installations::table
        .filter(software_installations::ended_at.is_null())
        .filter(software_installations::id.gt(after))
        .order(software_installations::id.asc())
        .limit(limit)
        .select((
            software_installations::id,
            software_installations::asset_id,
            software_installations::name,
            software_installations::version,
            software_installations::publisher,
        ))
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const PROLOG: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST><DEVICEID>pc-2026-11-25-16-23-20</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>"#;

    const INVENTORY: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST><CONTENT>
<BIOS><SSN>PF4ABC12</SSN><SMANUFACTURER>LENOVO</SMANUFACTURER></BIOS>
<CPUS><CORE>4</CORE><NAME>Intel(R) Core(TM) i7</NAME><THREAD>8</THREAD></CPUS>
<CPUS><CORE>4</CORE><NAME>Intel(R) Core(TM) i7</NAME><THREAD>8</THREAD></CPUS>
<HARDWARE><MEMORY>16000</MEMORY><NAME>NB-Kim</NAME><OSNAME>Debian GNU/Linux 12</OSNAME><OSVERSION>6.1.0</OSVERSION></HARDWARE>
<MEMORIES><CAPACITY>8192</CAPACITY></MEMORIES><MEMORIES><CAPACITY>8192</CAPACITY></MEMORIES>
<OPERATINGSYSTEM><FULL_NAME>Debian GNU/Linux 12 (bookworm)</FULL_NAME><VERSION>12.11</VERSION></OPERATINGSYSTEM>
<SOFTWARES><NAME>adduser</NAME><PUBLISHER>Debian</PUBLISHER><VERSION>3.134</VERSION></SOFTWARES>
<SOFTWARES><NAME>curl</NAME><VERSION>7.88.1</VERSION></SOFTWARES>
<SOFTWARES><NAME>curl</NAME><VERSION>7.88.1</VERSION></SOFTWARES>
<SOFTWARES><VERSION>no name</VERSION></SOFTWARES>
</CONTENT><DEVICEID>pc-2026-11-25-16-23-20</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>"#;

    #[test]
    fn prolog_and_inventory_are_read() {
        assert_eq!(
            parse(PROLOG.as_bytes()).unwrap(),
            Request::Prolog {
                device_id: "pc-2026-11-25-16-23-20".into()
            }
        );
        let Request::Inventory(r) = parse(INVENTORY.as_bytes()).unwrap() else {
            panic!("an inventory")
        };
        assert_eq!(r.hostname.as_deref(), Some("nb-kim"));
        assert_eq!(r.serial.as_deref(), Some("PF4ABC12"));
        assert_eq!(r.os_name.as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
        assert_eq!(r.os_version.as_deref(), Some("12.11"));
        assert_eq!((r.cpu_cores, r.cpu_threads), (Some(8), Some(16)));
        assert_eq!(r.memory_mb, Some(16384), "modules win over the total");
        assert_eq!(
            r.software.len(),
            2,
            "duplicates and nameless entries dropped"
        );
        assert_eq!(r.software[0].publisher.as_deref(), Some("Debian"));
    }

    #[test]
    fn broken_xml_says_where() {
        let err = parse(b"<REQUEST><QUERY>INVENTORY</QUERY><CONTENT></REQUEST>").unwrap_err();
        assert!(
            err.contains("not well-formed") && err.contains("1:"),
            "{err}"
        );
        assert!(parse(b"<OTHER/>").unwrap_err().contains("<REQUEST>"));
        assert!(parse(b"<REQUEST><QUERY>INVENTORY</QUERY></REQUEST>").is_err());
    }

    #[test]
    fn placeholder_serials_are_not_identities() {
        assert_eq!(real_serial(Some("To be filled by O.E.M.".into())), None);
        assert_eq!(real_serial(Some("0000000".into())), None);
        assert_eq!(
            real_serial(Some("PF4ABC12".into())),
            Some("PF4ABC12".into())
        );
    }

    #[test]
    fn bodies_are_zlib_gzip_or_plain_and_bombs_stop_at_the_cap() {
        let xml = INVENTORY.as_bytes();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(xml).unwrap();
        let z = z.finish().unwrap();
        let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        g.write_all(xml).unwrap();
        let g = g.finish().unwrap();
        for body in [&z[..], &g[..], xml] {
            assert_eq!(decode_body(body, 1 << 20).unwrap(), xml);
        }
        // 100 MB of zeros compress to about 100 KB.
        let mut bomb = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..100 {
            bomb.write_all(&zeros).unwrap();
        }
        let bomb = bomb.finish().unwrap();
        assert!(bomb.len() < 200_000);
        assert_eq!(
            decode_body(&bomb, 50 << 20),
            Err(DecodeError::TooLarge(50 << 20))
        );
        assert!(matches!(
            decode_body(&[0x78, 0x9c, 1, 2, 3], 100),
            Err(DecodeError::Corrupt(_))
        ));
    }
}
