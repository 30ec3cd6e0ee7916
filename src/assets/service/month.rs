//! Every asset as it stood at the end of a period (for the monthly
//! report): its status then (the current one, rolled back over the status
//! changes recorded since), whether it was deployed or retired during the
//! period, its warranty, whether it was inventoried in the 30 days before
//! the end, and its straight-line book value on the last day.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::default_months;
use crate::assets::domain::{self, Category, Status};
use crate::assets::repo;
use crate::audit::{self, AuditEvent};
use crate::db::Db;
use crate::db::schema::assets;
use crate::error::AppError;

/// How far back an inventory counts as fresh.
pub const FRESH_DAYS: i64 = 30;

/// One asset at the end of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct AtEnd {
    pub category: Option<Category>,
    pub status: Status,
    pub deployed_in_period: bool,
    pub retired_in_period: bool,
    pub warranty_end: Option<NaiveDate>,
    /// An inventory arrived in the 30 days before the end.
    pub inventoried_recently: bool,
    /// Currency, cost and book value on the last day (valued assets).
    pub value: Option<(String, i64, i64)>,
}

type Row = (
    String,
    Option<String>,
    Option<Category>,
    Status,
    Option<NaiveDate>,
    Option<i64>,
    Option<String>,
    Option<NaiveDate>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

/// The status changes (from, to) in a history, oldest first.
fn status_changes(h: &[AuditEvent]) -> Vec<(NaiveDateTime, String, String)> {
    h.iter()
        .filter_map(|e| {
            let c: serde_json::Value = serde_json::from_str(&e.changes).ok()?;
            let from = c["status"]["from"].as_str()?;
            let to = c["status"]["to"].as_str()?;
            (from != to).then(|| (e.occurred_at, from.to_owned(), to.to_owned()))
        })
        .collect()
}

/// Every asset registered before `end`, as it stood then; `last_day` is
/// the period's last local day (book values are taken on it).
pub fn at_end(
    db: &Db,
    (start, end): (NaiveDateTime, NaiveDateTime),
    last_day: NaiveDate,
) -> Result<Vec<AtEnd>, AppError> {
    db.read(|conn| {
        let months: HashMap<String, i32> = repo::models(conn)?
            .into_iter()
            .map(|(m, _)| (m.id, m.depreciation_months))
            .collect();
        let rows: Vec<Row> = assets::table
            .filter(assets::created_at.lt(end))
            .select((
                assets::id,
                assets::model_id,
                assets::category,
                assets::status,
                assets::purchase_date,
                assets::cost_minor,
                assets::currency,
                assets::warranty_end,
                assets::updated_at,
                assets::last_inventory_at,
                assets::created_at,
            ))
            .load(conn)?;
        let touched: Vec<String> = rows
            .iter()
            .filter(|r| r.8 >= start)
            .map(|r| r.0.clone())
            .collect();
        let histories = audit::history_since(conn, "asset", &touched, start, "inventory_received")?;
        let fresh = (end - Duration::days(FRESH_DAYS), end);
        let later: Vec<String> = rows
            .iter()
            .filter(|r| r.9.is_some_and(|t| t >= end))
            .map(|r| r.0.clone())
            .collect();
        let inventoried =
            audit::with_action_between(conn, "asset", &later, "inventory_received", fresh)?;
        let ctx = Seen {
            span: (start, end),
            fresh,
            last_day,
            months,
            histories,
            inventoried,
        };
        Ok(rows.into_iter().map(|r| ctx.at_end(r)).collect())
    })
}

/// What the period's end says of every asset, read once.
struct Seen {
    span: (NaiveDateTime, NaiveDateTime),
    fresh: (NaiveDateTime, NaiveDateTime),
    last_day: NaiveDate,
    months: HashMap<String, i32>,
    histories: HashMap<String, Vec<AuditEvent>>,
    inventoried: std::collections::HashSet<String>,
}

impl Seen {
    fn at_end(&self, row: Row) -> AtEnd {
        let (start, end) = self.span;
        let (id, model, category, status, bought, cost, currency, warranty, _, last_inv, created) =
            row;
        let changes = self
            .histories
            .get(&id)
            .map(|h| status_changes(h))
            .unwrap_or_default();
        let status_then = changes
            .iter()
            .find(|c| c.0 >= end)
            .and_then(|c| c.1.parse().ok())
            .unwrap_or(status);
        // Registered in the period with a status: entered it then.
        let registered = (created >= start).then(|| {
            changes
                .first()
                .map_or(status.as_str().to_owned(), |c| c.1.clone())
        });
        let entered = |s: Status| {
            registered.as_deref() == Some(s.as_str())
                || changes.iter().any(|c| c.0 < end && c.2 == s.as_str())
        };
        let recent = last_inv.is_some_and(|t| t >= self.fresh.0 && t < end)
            || self.inventoried.contains(&id);
        let value = match (bought, cost, currency) {
            (Some(b), Some(c), Some(cur)) => {
                let period = model
                    .and_then(|m| self.months.get(&m).copied())
                    .or_else(|| category.map(default_months))
                    .unwrap_or(0);
                let v = if period == 0 && category.is_none() {
                    c
                } else {
                    domain::value_on(c, b, period.max(0) as u32, self.last_day)
                };
                Some((cur, c, v))
            }
            _ => None,
        };
        AtEnd {
            category,
            status: status_then,
            deployed_in_period: entered(Status::Deployed),
            retired_in_period: entered(Status::Retired),
            warranty_end: warranty,
            inventoried_recently: recent,
            value,
        }
    }
}
