//! Manufacturers, models and locations.

use chrono::NaiveDateTime;

use super::{default_months, may_manage, may_read};
use crate::assets::dto::{CreateModel, CreateNamedThing};
use crate::assets::model::{AssetModel, Location, Manufacturer};
use crate::assets::repo;
use crate::auth::User;
use crate::db::Db;
use crate::error::AppError;
use crate::ids;

fn clean_name(field: &str, name: &str) -> Result<String, AppError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 120 {
        return Err(AppError::invalid(field, "must be 1–120 characters"));
    }
    Ok(n.to_owned())
}

pub fn create_manufacturer(
    db: &Db,
    actor: &User,
    input: &CreateNamedThing,
    now: NaiveDateTime,
) -> Result<Manufacturer, AppError> {
    may_manage(actor)?;
    let row = Manufacturer {
        id: ids::new_id(),
        name: clean_name("name", &input.name)?,
        created_at: now,
    };
    db.write(|conn| {
        repo::insert_manufacturer(conn, &row)?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

pub fn create_location(
    db: &Db,
    actor: &User,
    input: &CreateNamedThing,
    now: NaiveDateTime,
) -> Result<Location, AppError> {
    may_manage(actor)?;
    let row = Location {
        id: ids::new_id(),
        name: clean_name("name", &input.name)?,
        created_at: now,
    };
    db.write(|conn| {
        repo::insert_location(conn, &row)?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Creates a model (and its manufacturer if new).
pub fn create_model(
    db: &Db,
    actor: &User,
    input: &CreateModel,
    now: NaiveDateTime,
) -> Result<(AssetModel, Manufacturer), AppError> {
    may_manage(actor)?;
    let maker_name = clean_name("manufacturer", &input.manufacturer)?;
    let name = clean_name("name", &input.name)?;
    let months = input
        .depreciation_months
        .unwrap_or_else(|| default_months(input.category));
    if !(0..=600).contains(&months) {
        return Err(AppError::invalid("depreciation_months", "must be 0–600"));
    }
    if input
        .warranty_months
        .is_some_and(|w| !(0..=240).contains(&w))
    {
        return Err(AppError::invalid("warranty_months", "must be 0–240"));
    }
    db.write(|conn| {
        let maker = match repo::manufacturer_by_name(conn, &maker_name)? {
            Some(m) => m,
            None => {
                let m = Manufacturer {
                    id: ids::new_id(),
                    name: maker_name.clone(),
                    created_at: now,
                };
                repo::insert_manufacturer(conn, &m)?;
                m
            }
        };
        let model = AssetModel {
            id: ids::new_id(),
            manufacturer_id: maker.id.clone(),
            name: name.clone(),
            category: input.category,
            depreciation_months: months,
            created_at: now,
            warranty_months: input.warranty_months,
        };
        repo::insert_model(conn, &model)?;
        Ok::<_, AppError>((model, maker))
    })
}

pub fn models(db: &Db, actor: &User) -> Result<Vec<(AssetModel, Manufacturer)>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::models(conn)?))
}

pub fn locations(db: &Db, actor: &User) -> Result<Vec<Location>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::locations(conn)?))
}

pub fn manufacturers(db: &Db, actor: &User) -> Result<Vec<Manufacturer>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::manufacturers(conn)?))
}
