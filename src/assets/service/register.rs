//! Registering an asset: the request checked whole (every fault named at
//! once), the model, location and person it names found, then the row and
//! its first history event.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::{AssetView, ENTITY, get, may_manage, trimmed};
use crate::assets::domain::{Status, Substate};
use crate::assets::dto::RegisterAsset;
use crate::assets::fields::{self, FieldSpec};
use crate::assets::model::{Asset, AssetModel};
use crate::assets::repo;
use crate::audit::{self, Entry};
use crate::auth::User;
use crate::auth::people::find_person;
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids;

/// Registers an asset.
pub fn register(
    db: &Db,
    specs: &[FieldSpec],
    actor: &User,
    input: &RegisterAsset,
    now: NaiveDateTime,
) -> Result<AssetView, AppError> {
    may_manage(actor)?;
    let (status, substate) = check_request(input)?;
    let tag = input.asset_tag.trim().to_owned();
    let id = db.write(|conn| {
        let refs = resolve(conn, specs, input, status)?;
        if repo::asset(conn, &tag)?.is_some() {
            return Err(AppError::conflict(
                "already_exists",
                format!("the asset tag {tag} is already in use"),
            ));
        }
        let row = new_row(input, tag.clone(), (status, substate), refs, now);
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

/// What can be checked without the database: the tag, the status a new
/// asset may start in and its substate, the cost and the custom fields'
/// shapes. Returns the status and substate to start in.
fn check_request(input: &RegisterAsset) -> Result<(Status, Option<Substate>), AppError> {
    let mut errors = Vec::new();
    let tag = input.asset_tag.trim();
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
    for (k, v) in input.custom_fields.iter().flatten() {
        if v.is_object() || v.is_array() {
            errors.push(FieldError::new(
                format!("custom_fields.{k}"),
                "must be a string, number, boolean or null",
            ));
        }
    }
    if errors.is_empty() {
        Ok((status, substate))
    } else {
        Err(AppError::Validation(errors))
    }
}

/// What a request names, found.
struct Refs {
    model: Option<AssetModel>,
    location_id: Option<String>,
    assignee_id: Option<String>,
}

/// Finds the model, location and person the request names, and checks the
/// custom fields against the model's category; every fault named at once.
fn resolve(
    conn: &mut DbConn,
    specs: &[FieldSpec],
    input: &RegisterAsset,
    status: Status,
) -> Result<Refs, AppError> {
    let mut errors = Vec::new();
    let model = match trimmed(&input.model_id) {
        Some(mid) => {
            let m = repo::model(conn, &mid)?;
            if m.is_none() {
                errors.push(FieldError::new("model_id", "no such model"));
            }
            m
        }
        None => None,
    };
    let location_id = trimmed(&input.location_id);
    if let Some(lid) = &location_id
        && repo::location(conn, lid)?.is_none()
    {
        errors.push(FieldError::new("location_id", "no such location"));
    }
    let assignee_id = match trimmed(&input.assignee) {
        Some(who) => {
            let person = find_person(conn, &who)?;
            if person.is_none() {
                errors.push(FieldError::new("assignee", "no such person"));
            }
            person.map(|u| u.id)
        }
        None => None,
    };
    errors.extend(fields::check(
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
    if errors.is_empty() {
        Ok(Refs {
            model,
            location_id,
            assignee_id,
        })
    } else {
        Err(AppError::Validation(errors))
    }
}

fn new_row(
    input: &RegisterAsset,
    tag: String,
    (status, substate): (Status, Option<Substate>),
    refs: Refs,
    now: NaiveDateTime,
) -> Asset {
    Asset {
        id: ids::new_id(),
        asset_tag: tag,
        serial: trimmed(&input.serial),
        category: refs.model.as_ref().map(|m| m.category),
        model_id: refs.model.map(|m| m.id),
        hostname: trimmed(&input.hostname).map(|h| h.to_lowercase()),
        status,
        substate,
        needs_review: false,
        location_id: refs.location_id,
        assignee_id: refs.assignee_id,
        purchase_date: input.purchase_date,
        cost_minor: input.cost.as_ref().map(|c| c.amount_minor),
        currency: input.cost.as_ref().map(|c| c.currency.clone()),
        supplier: trimmed(&input.supplier),
        po_number: trimmed(&input.po_number),
        warranty_end: input.warranty_end,
        notes: input.notes.clone().unwrap_or_default(),
        custom_fields: Value::Object(input.custom_fields.clone().unwrap_or_default()).to_string(),
        disposal_method: None,
        disposal_date: None,
        disposal_evidence: None,
        created_at: now,
        updated_at: now,
    }
}
