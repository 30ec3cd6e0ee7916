//! What the license register needs to know about the devices that run
//! software: identity, status and dates, assignee, and processors.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::assets::domain::Status;
use crate::db::DbConn;
use crate::db::schema::{asset_hardware, assets};

/// One device's facts.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct DeviceFacts {
    pub id: String,
    pub asset_tag: String,
    pub hostname: Option<String>,
    pub serial: Option<String>,
    pub status: Status,
    pub assignee_id: Option<String>,
    pub cpu_name: Option<String>,
    pub cpu_cores: Option<i32>,
    pub cpu_sockets: Option<i32>,
    pub created_at: NaiveDateTime,
    pub disposal_date: Option<NaiveDate>,
    pub last_inventory_at: Option<NaiveDateTime>,
}

impl DeviceFacts {
    /// Whether the device exists at `end` (an instant) and is not disposed
    /// on `day`, the date that instant ends.
    pub fn counted(&self, day: NaiveDate, end: NaiveDateTime) -> bool {
        let disposed = match self.disposal_date {
            Some(d) => d <= day,
            None => self.status == Status::Disposed,
        };
        self.created_at < end && !disposed
    }
}

/// The facts of the devices `ids` (in any order; unknown ids are left out).
pub fn devices(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<DeviceFacts>> {
    if ids.len() > 2000 {
        // Most of the register: one pass over it beats many lookups.
        let wanted: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut all = query().load::<DeviceFacts>(conn)?;
        all.retain(|d| wanted.contains(d.id.as_str()));
        return Ok(all);
    }
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows: Vec<DeviceFacts> = query().filter(assets::id.eq_any(chunk)).load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Every device's facts, as a query to narrow.
#[diesel::dsl::auto_type]
fn query() -> _ {
    assets::table.left_join(asset_hardware::table).select((
        assets::id,
        assets::asset_tag,
        assets::hostname,
        assets::serial,
        assets::status,
        assets::assignee_id,
        assets::cpu_name,
        assets::cpu_cores,
        asset_hardware::cpu_sockets.nullable(),
        assets::created_at,
        assets::disposal_date,
        assets::last_inventory_at,
    ))
}

/// The id and tag of the asset `id_or_tag` names, if any.
pub fn find_device(conn: &mut DbConn, id_or_tag: &str) -> QueryResult<Option<(String, String)>> {
    Ok(crate::assets::repo::asset(conn, id_or_tag)?.map(|a| (a.id, a.asset_tag)))
}
