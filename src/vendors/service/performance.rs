//! A vendor's performance over a period: its escalations' answer and
//! resolution times against its own targets.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};

use super::may_read;
use crate::auth::User;
use crate::error::AppError;
use crate::ids;
use crate::vendors::Vendors;
use crate::vendors::dto::PerformanceDto;
use crate::vendors::performance::{Facts, compute};
use crate::vendors::{repo, repo_escalations};

/// The longest period asked for at once.
const MAX_DAYS: i64 = 3660;

/// The start of `day` in the contracts' time zone, as UTC.
fn start_of(vendors: &Vendors, day: NaiveDate) -> NaiveDateTime {
    let tz = vendors.settings.zone().unwrap_or(chrono_tz::UTC);
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map_or(midnight, |t| t.naive_utc())
}

/// The figures of the escalations made from `from` to `to` (days in
/// `vendors.time_zone`, both included; by default the last 90 days).
pub fn performance(
    vendors: &Vendors,
    actor: &User,
    vendor_id: &str,
    (from, to): (Option<NaiveDate>, Option<NaiveDate>),
) -> Result<PerformanceDto, AppError> {
    may_read(actor)?;
    let to = to.unwrap_or_else(|| vendors.settings.today());
    let from = from.unwrap_or(to - Duration::days(89));
    if from > to {
        return Err(AppError::invalid("from", "after `to`"));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(AppError::invalid("from", "at most ten years at once"));
    }
    let span = (
        start_of(vendors, from),
        start_of(vendors, to + Duration::days(1)),
    );
    let now = ids::now();
    vendors.db.read(|conn| {
        let vendor = repo::vendor(conn, vendor_id)?
            .ok_or_else(|| AppError::NotFound(format!("vendor {vendor_id}")))?;
        let facts: Vec<Facts> = repo_escalations::of_vendor(conn, vendor_id, span)?
            .into_iter()
            .map(|e| Facts {
                response_target: e.response_target_seconds,
                resolution_target: e.resolution_target_seconds,
                response_due_at: e.response_due_at,
                resolution_due_at: e.resolution_due_at,
                response_seconds: e.response_seconds,
                resolution_seconds: e.resolution_seconds,
            })
            .collect();
        Ok(PerformanceDto {
            vendor_id: vendor.id,
            vendor: vendor.name,
            from,
            to,
            figures: compute(&facts, now),
        })
    })
}

/// Every vendor's escalations made in `span`, as they stood at its end
/// (an answer or resolution after it is not known yet), with the vendor's
/// name: for the monthly report.
pub fn escalations_between(
    db: &crate::db::Db,
    span: (NaiveDateTime, NaiveDateTime),
) -> Result<Vec<(String, Facts)>, AppError> {
    let end = span.1;
    db.read(|conn| {
        let rows = repo_escalations::between(conn, span)?;
        let mut names: std::collections::HashMap<String, String> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for e in rows {
            if !names.contains_key(&e.vendor_id) {
                let name = repo::vendor(conn, &e.vendor_id)?
                    .map_or_else(|| e.vendor_id.clone(), |v| v.name);
                names.insert(e.vendor_id.clone(), name);
            }
            let known = |at: Option<NaiveDateTime>, s: Option<i64>| {
                s.filter(|_| at.is_some_and(|a| a < end))
            };
            out.push((
                names[&e.vendor_id].clone(),
                Facts {
                    response_target: e.response_target_seconds,
                    resolution_target: e.resolution_target_seconds,
                    response_due_at: e.response_due_at,
                    resolution_due_at: e.resolution_due_at,
                    response_seconds: known(e.responded_at, e.response_seconds),
                    resolution_seconds: known(e.resolved_at, e.resolution_seconds),
                },
            ));
        }
        Ok(out)
    })
}
