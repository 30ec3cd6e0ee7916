//! Asset use cases: each is one transaction, with its history event in the
//! same transaction. Registering, reading and listing are here; the rest is
//! split by use case below.

mod catalog;
mod checkout;
mod edit;
mod lifecycle;
mod links;
mod reports;

pub use catalog::*;
pub use checkout::*;
pub use edit::update;
pub use lifecycle::transition;
pub use links::*;
pub use reports::*;

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::domain::{Category, Status};
use super::dto::{AssetListParams, RegisterAsset};
use super::model::{Asset, AssetModel, Location, Manufacturer};
use super::repo::{self, ListFilter};
use crate::audit::{self, AuditEvent, Entry};
use crate::auth::people::find_person;
use crate::auth::{User, people as users};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids;

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

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Registers an asset.
pub fn register(
    db: &Db,
    specs: &[crate::assets::fields::FieldSpec],
    actor: &User,
    input: &RegisterAsset,
    now: NaiveDateTime,
) -> Result<AssetView, AppError> {
    may_manage(actor)?;
    let mut errors = Vec::new();
    let tag = input.asset_tag.trim().to_owned();
    if tag.is_empty() || tag.chars().count() > 64 {
        errors.push(FieldError::new("asset_tag", "must be 1–64 characters"));
    }
    let status = input.status.unwrap_or(Status::InStock);
    if !matches!(status, Status::Ordered | Status::InStock | Status::Deployed) {
        errors.push(FieldError::new(
            "status",
            "a new asset is ordered, in_stock or deployed; move it on with a transition",
        ));
    }
    let substate = match input.substate {
        Some(s) if !status.substates().contains(&s) => {
            errors.push(FieldError::new(
                "substate",
                format!("{s} is not a substate of {status}"),
            ));
            None
        }
        Some(s) => Some(s),
        None => status.default_substate(),
    };
    if let Some(c) = &input.cost
        && let Err(e) = c.check("cost", Some(0))
    {
        errors.extend(e);
    }
    if let Some(fields) = &input.custom_fields {
        for (k, v) in fields {
            if v.is_object() || v.is_array() {
                errors.push(FieldError::new(
                    format!("custom_fields.{k}"),
                    "must be a string, number, boolean or null",
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = db.write(|conn| {
        let mut errors = Vec::new();
        let model = match trimmed(&input.model_id) {
            Some(mid) => match repo::model(conn, &mid)? {
                Some(m) => Some(m),
                None => {
                    errors.push(FieldError::new("model_id", "no such model"));
                    None
                }
            },
            None => None,
        };
        let location_id = match trimmed(&input.location_id) {
            Some(lid) => {
                if repo::location(conn, &lid)?.is_none() {
                    errors.push(FieldError::new("location_id", "no such location"));
                }
                Some(lid)
            }
            None => None,
        };
        let assignee_id = match trimmed(&input.assignee) {
            Some(who) => match find_person(conn, &who)? {
                Some(u) => Some(u.id),
                None => {
                    errors.push(FieldError::new("assignee", "no such person"));
                    None
                }
            },
            None => None,
        };
        errors.extend(crate::assets::fields::check(
            model.as_ref().map(|m| m.category),
            specs,
            &input.custom_fields.clone().unwrap_or_default(),
            true,
        ));
        if status == Status::Deployed && assignee_id.is_none() && location_id.is_none() {
            errors.push(FieldError::new(
                "assignee",
                "a deployed asset needs an assignee or a location",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if repo::asset(conn, &tag)?.is_some() {
            return Err(AppError::conflict(
                "already_exists",
                format!("the asset tag {tag} is already in use"),
            ));
        }
        let row = Asset {
            id: ids::new_id(),
            asset_tag: tag.clone(),
            serial: trimmed(&input.serial),
            category: model.as_ref().map(|m| m.category),
            model_id: model.map(|m| m.id),
            hostname: trimmed(&input.hostname).map(|h| h.to_lowercase()),
            status,
            substate,
            needs_review: false,
            location_id,
            assignee_id,
            purchase_date: input.purchase_date,
            cost_minor: input.cost.as_ref().map(|c| c.amount_minor),
            currency: input.cost.as_ref().map(|c| c.currency.clone()),
            supplier: trimmed(&input.supplier),
            po_number: trimmed(&input.po_number),
            warranty_end: input.warranty_end,
            notes: input.notes.clone().unwrap_or_default(),
            custom_fields: Value::Object(input.custom_fields.clone().unwrap_or_default())
                .to_string(),
            disposal_method: None,
            disposal_date: None,
            disposal_evidence: None,
            created_at: now,
            updated_at: now,
        };
        repo::insert_asset(conn, &row)?;
        audit::record(
            conn,
            Entry {
                entity_type: ENTITY,
                entity_id: &row.id,
                actor_id: Some(&actor.id),
                action: "asset_registered",
                changes: json!({
                    "asset_tag": row.asset_tag,
                    "status": row.status.as_str(),
                    "substate": row.substate.map(|s| s.as_str()),
                }),
                at: now,
            },
        )?;
        Ok::<_, AppError>(row.id)
    })?;
    get(db, actor, &id, false)
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

/// A page of assets, newest first.
pub fn list(
    db: &Db,
    actor: &User,
    p: &AssetListParams,
) -> Result<(Vec<AssetView>, Option<String>), AppError> {
    may_read(actor)?;
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
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
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
