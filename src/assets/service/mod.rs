//! Asset use cases: each is one transaction, with its history event in the
//! same transaction. Registering, reading and listing are here; the rest is
//! split by use case below.

mod catalog;
mod checkout;
mod edit;
mod lifecycle;
mod links;
pub mod month;
pub mod receiving;
mod register;
mod reports;
pub mod reservations;
pub mod suppliers;

pub use catalog::*;
pub use checkout::*;
pub use edit::update;
pub use lifecycle::transition;
pub use links::*;
pub use register::register;
pub use reports::*;

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDate, NaiveDateTime};

use super::domain::{Category, Status};
use super::dto::AssetListParams;
use super::model::{Asset, AssetModel, Location, Manufacturer};
use super::repo::{self, ListFilter};
use crate::audit::{self, AuditEvent};
use crate::auth::people::find_person;
use crate::auth::{User, people as users};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};

pub(crate) const ENTITY: &str = "asset";

/// An asset with what its page shows next to it.
#[derive(Debug, Clone)]
pub struct AssetView {
    pub asset: Asset,
    pub model: Option<(AssetModel, Manufacturer)>,
    pub location: Option<Location>,
    pub assignee: Option<User>,
    pub history: Option<Vec<(AuditEvent, Option<User>)>>,
}

pub(super) fn may_manage(actor: &User) -> Result<(), AppError> {
    if actor.role.manages_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only asset managers and admins change the asset register".into(),
        ))
    }
}

pub(super) fn may_read(actor: &User) -> Result<(), AppError> {
    if actor.role.sees_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the asset register is for staff".into(),
        ))
    }
}

/// Default depreciation period of a category, in months.
pub fn default_months(c: Category) -> i32 {
    match c {
        Category::Phone => 24,
        Category::Laptop | Category::Tablet | Category::Peripheral => 36,
        Category::Desktop => 48,
        Category::Monitor | Category::Server | Category::Network => 60,
    }
}

pub(super) fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// One asset (by id or asset tag), with its history when asked.
pub fn get(db: &Db, actor: &User, id_or_tag: &str, history: bool) -> Result<AssetView, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let asset = repo::asset(conn, id_or_tag)?
            .ok_or_else(|| AppError::NotFound(format!("asset {id_or_tag}")))?;
        let mut views = views(conn, vec![asset])?;
        let mut view = views.pop().expect("one view per asset");
        if history {
            let events = audit::history(conn, ENTITY, &view.asset.id)?;
            view.history = Some(users::with_actors(conn, events)?);
        }
        Ok(view)
    })
}

/// Attaches models, locations and people to rows.
pub(super) fn views(conn: &mut DbConn, rows: Vec<Asset>) -> Result<Vec<AssetView>, AppError> {
    // Only what these rows refer to, each id once.
    let ids = |f: fn(&Asset) -> Option<&String>| {
        let mut ids: Vec<String> = rows.iter().filter_map(|a| f(a).cloned()).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let models: HashMap<String, (AssetModel, Manufacturer)> =
        repo::models_by_ids(conn, &ids(|a| a.model_id.as_ref()))?
            .into_iter()
            .map(|(m, maker)| (m.id.clone(), (m, maker)))
            .collect();
    let locations: HashMap<String, Location> =
        repo::locations_by_ids(conn, &ids(|a| a.location_id.as_ref()))?
            .into_iter()
            .map(|l| (l.id.clone(), l))
            .collect();
    let person_ids = ids(|a| a.assignee_id.as_ref());
    let people: HashMap<String, User> = users::find_users(conn, &person_ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    Ok(rows
        .into_iter()
        .map(|asset| AssetView {
            model: asset
                .model_id
                .as_ref()
                .and_then(|id| models.get(id))
                .cloned(),
            location: asset
                .location_id
                .as_ref()
                .and_then(|id| locations.get(id))
                .cloned(),
            assignee: asset
                .assignee_id
                .as_ref()
                .and_then(|id| people.get(id))
                .cloned(),
            asset,
            history: None,
        })
        .collect())
}

fn encode_cursor(a: &Asset) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", a.created_at.and_utc().to_rfc3339(), a.id))
}

fn decode_cursor(text: &str) -> Result<(NaiveDateTime, String), AppError> {
    let bad = || AppError::invalid("cursor", "is not a cursor this listing handed out");
    let raw = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let (at, id) = raw.split_once('|').ok_or_else(bad)?;
    let at = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| bad())?;
    Ok((at.naive_utc(), id.to_owned()))
}

/// Where a page starts: after this (created at, id).
type Cursor = (NaiveDateTime, String);

/// The filter, page size and cursor a listing asks for; every fault named.
fn list_filter(p: &AssetListParams) -> Result<(ListFilter, i64, Option<Cursor>), AppError> {
    let mut errors = Vec::new();
    let mut f = ListFilter::default();
    if let Some(s) = &p.status {
        for part in s.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match part.parse::<Status>() {
                Ok(st) => f.statuses.push(st),
                Err(_) => errors.push(FieldError::new(
                    "status",
                    format!(
                        "unknown status {part:?}; one of {}",
                        Status::ALL
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        }
    }
    if let Some(c) = &p.category {
        match c.parse::<Category>() {
            Ok(c) => f.category = Some(c),
            Err(_) => errors.push(FieldError::new(
                "category",
                format!("unknown category {c:?}"),
            )),
        }
    }
    if let Some(d) = &p.warranty_before {
        match d.parse::<NaiveDate>() {
            Ok(d) => f.warranty_before = Some(d),
            Err(_) => errors.push(FieldError::new("warranty_before", "must be YYYY-MM-DD")),
        }
    }
    let limit = p.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        errors.push(FieldError::new("limit", "must be 1–200"));
    }
    let after = match &p.cursor {
        Some(c) => match decode_cursor(c) {
            Ok(a) => Some(a),
            Err(AppError::Validation(mut e)) => {
                errors.append(&mut e);
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    f.model_id = p.model.clone();
    f.location_id = p.location.clone();
    f.hostname = p.hostname.clone();
    f.serial = p.serial.clone();
    f.needs_review = p.needs_review;
    f.prefix =
        p.q.as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned);
    if errors.is_empty() {
        Ok((f, limit, after))
    } else {
        Err(AppError::Validation(errors))
    }
}

/// A page of assets, newest first.
pub fn list(
    db: &Db,
    actor: &User,
    p: &AssetListParams,
) -> Result<(Vec<AssetView>, Option<String>), AppError> {
    may_read(actor)?;
    let (mut f, limit, after) = list_filter(p)?;
    db.read(|conn| {
        if let Some(who) = &p.assignee {
            f.assignee_id = if who == "none" {
                Some(None)
            } else {
                match find_person(conn, who.trim())? {
                    Some(u) => Some(Some(u.id)),
                    // Nobody by that name has anything.
                    None => return Ok((Vec::new(), None)),
                }
            };
        }
        let mut rows = repo::list(conn, &f, after, limit + 1)?;
        let next = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(encode_cursor)
        } else {
            None
        };
        Ok((views(conn, rows)?, next))
    })
}
