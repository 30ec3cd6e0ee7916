//! What the register adds up to: installed software, book value, stock.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{default_months, may_read};
use crate::assets::domain::{self, Category, Status, Substate};
use crate::assets::model::{AssetModel, Manufacturer};
use crate::assets::repo;
use crate::auth::User;
use crate::db::Db;
use crate::error::AppError;

/// The software on a device.
pub fn installations(
    db: &Db,
    actor: &User,
    asset: &str,
    include_ended: bool,
) -> Result<Vec<crate::assets::inventory::Installation>, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let a = repo::asset(conn, asset)?
            .ok_or_else(|| AppError::NotFound(format!("asset {asset}")))?;
        Ok(crate::assets::inventory::installations(
            conn,
            &a.id,
            include_ended,
        )?)
    })
}

/// Every installation still present on a device, in pages by id (for the
/// license register, which checks its own readers).
pub fn open_installations(
    db: &Db,
    after: &str,
    limit: i64,
) -> Result<Vec<crate::assets::inventory::OpenInstall>, AppError> {
    db.read(|conn| {
        Ok(crate::assets::inventory::open_installations(
            conn, after, limit,
        )?)
    })
}

/// Model, category, purchase date, cost and currency of an asset.
type CostRow = (
    Option<String>,
    Option<Category>,
    Option<NaiveDate>,
    Option<i64>,
    Option<String>,
);

/// Straight-line book value on `on` of every asset not disposed, by
/// category and currency (an asset without a model depreciates over its
/// category's default period, or not at all without a category).
pub fn depreciation(
    db: &Db,
    actor: &User,
    on: NaiveDate,
) -> Result<crate::assets::dto::DepreciationReport, AppError> {
    use crate::db::schema::assets;
    use diesel::prelude::*;
    may_read(actor)?;
    db.read(|conn| {
        let months: HashMap<String, i32> = repo::models(conn)?
            .into_iter()
            .map(|(m, _)| (m.id, m.depreciation_months))
            .collect();
        let rows: Vec<CostRow> = assets::table
            .filter(assets::status.ne(Status::Disposed))
            .select((
                assets::model_id,
                assets::category,
                assets::purchase_date,
                assets::cost_minor,
                assets::currency,
            ))
            .load(conn)?;
        let mut totals: std::collections::BTreeMap<(Option<Category>, String), (i64, i64, i64)> =
            std::collections::BTreeMap::new();
        let mut unvalued = 0;
        for (model, category, bought, cost, currency) in rows {
            let (Some(bought), Some(cost), Some(currency)) = (bought, cost, currency) else {
                unvalued += 1;
                continue;
            };
            let period = model
                .and_then(|m| months.get(&m).copied())
                .or_else(|| category.map(default_months))
                .unwrap_or(0);
            let value = if period == 0 && category.is_none() {
                cost
            } else {
                domain::value_on(cost, bought, period.max(0) as u32, on)
            };
            let t = totals.entry((category, currency)).or_default();
            t.0 += 1;
            t.1 += cost;
            t.2 += value;
        }
        Ok(crate::assets::dto::DepreciationReport {
            on,
            totals: totals
                .into_iter()
                .map(|((category, currency), (n, cost, value))| {
                    crate::assets::dto::DepreciationTotal {
                        category,
                        currency,
                        assets: n,
                        cost_minor: cost,
                        value_minor: value,
                    }
                })
                .collect(),
            unvalued,
        })
    })
}

/// How many assets of each model are where in their life (disposed ones
/// left out), models by name.
pub fn stock(db: &Db, actor: &User) -> Result<Vec<crate::assets::dto::StockLine>, AppError> {
    use crate::db::schema::assets;
    use diesel::prelude::*;
    may_read(actor)?;
    db.read(|conn| {
        let models: HashMap<String, (AssetModel, Manufacturer)> = repo::models(conn)?
            .into_iter()
            .map(|(m, maker)| (m.id.clone(), (m, maker)))
            .collect();
        let counts: Vec<(Option<String>, Status, Option<Substate>, i64)> = assets::table
            .filter(assets::status.ne(Status::Disposed))
            .group_by((assets::model_id, assets::status, assets::substate))
            .select((
                assets::model_id,
                assets::status,
                assets::substate,
                diesel::dsl::count_star(),
            ))
            .load(conn)?;
        let mut lines: std::collections::BTreeMap<String, crate::assets::dto::StockLine> =
            std::collections::BTreeMap::new();
        for (model_id, status, substate, n) in counts {
            let (name, category) = match model_id.as_ref().and_then(|m| models.get(m)) {
                Some((m, maker)) => (format!("{} {}", maker.name, m.name), Some(m.category)),
                None => ("(no model)".to_owned(), None),
            };
            let line = lines
                .entry(name.clone())
                .or_insert_with(|| crate::assets::dto::StockLine {
                    model_id: model_id.clone(),
                    model: name,
                    category,
                    available: 0,
                    reserved: 0,
                    pending_repair: 0,
                    deployed: 0,
                    in_repair: 0,
                    ordered: 0,
                    other: 0,
                });
            match (status, substate) {
                (Status::InStock, Some(Substate::Reserved)) => line.reserved += n,
                (Status::InStock, Some(Substate::PendingRepair)) => line.pending_repair += n,
                (Status::InStock, _) => line.available += n,
                (Status::Deployed, _) => line.deployed += n,
                (Status::InRepair, _) => line.in_repair += n,
                (Status::Ordered, _) => line.ordered += n,
                _ => line.other += n,
            }
        }
        Ok(lines.into_values().collect())
    })
}
