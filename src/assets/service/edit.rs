//! Correcting the facts of an asset: tag, serial, model, host name,
//! purchase, warranty, notes and custom fields. Status, person and place
//! move through transitions and check-outs instead.

use chrono::NaiveDateTime;

use serde_json::{Map, Value};

use super::{AssetView, ENTITY, get, may_manage};
use crate::assets::domain::Status;
use crate::assets::dto::UpdateAsset;
use crate::assets::fields::{self, FieldSpec};
use crate::assets::model::Asset;
use crate::assets::repo;
use crate::audit::{self, Entry, note_change as note};
use crate::auth::User;
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};

use crate::text::trimmed as clean;

/// Applies the given facts; an edit that changes nothing records nothing.
pub fn update(
    db: &Db,
    specs: &[FieldSpec],
    actor: &User,
    id_or_tag: &str,
    input: &UpdateAsset,
    now: NaiveDateTime,
) -> Result<AssetView, AppError> {
    may_manage(actor)?;
    check_input(input)?;
    let id = db.write(|conn| {
        // Hold the row, so that two edits (or an edit and an import) cannot
        // each write back what the other changed.
        repo::lock_asset(conn, id_or_tag)?;
        let mut a =
            repo::asset(conn, id_or_tag)?.ok_or_else(|| AppError::NotFound("asset".into()))?;
        let mut ch = Map::new();
        apply_facts(conn, &mut a, input, &mut ch)?;
        let custom = apply_custom_fields(&mut a, input, &mut ch)?;
        let errors = check_custom_fields(specs, &a, input, &custom);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if ch.is_empty() {
            return Ok(a.id);
        }
        repo::save_facts(conn, &a, now)?;
        if let Some(r) = clean(&input.reason) {
            ch.insert("reason".into(), Value::from(r));
        }
        audit::record(
            conn,
            Entry {
                entity_type: ENTITY,
                entity_id: &a.id,
                actor_id: Some(&actor.id),
                action: "asset_updated",
                changes: Value::Object(ch),
                at: now,
            },
        )?;
        Ok::<_, AppError>(a.id)
    })?;
    get(db, actor, &id, true)
}

/// What can be refused before reading the asset.
fn check_input(input: &UpdateAsset) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(None) = &input.asset_tag {
        errors.push(FieldError::new("asset_tag", "an asset always has a tag"));
    }
    if let Some(Some(tag)) = &input.asset_tag
        && (tag.trim().is_empty() || tag.trim().chars().count() > 64)
    {
        errors.push(FieldError::new("asset_tag", "must be 1–64 characters"));
    }
    if let Some(Some(c)) = &input.cost
        && let Err(e) = c.check("cost", Some(0))
    {
        errors.extend(e);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Sets the facts the edit sends, noting each change in `ch`.
fn apply_facts(
    conn: &mut DbConn,
    a: &mut Asset,
    input: &UpdateAsset,
    ch: &mut Map<String, Value>,
) -> Result<(), AppError> {
    if let Some(Some(tag)) = &input.asset_tag {
        let tag = tag.trim().to_owned();
        if tag != a.asset_tag
            && let Some(other) = repo::asset(conn, &tag)?
            && other.id != a.id
        {
            return Err(AppError::conflict(
                "already_exists",
                format!("the asset tag {tag} is already in use"),
            ));
        }
        note(ch, "asset_tag", &mut a.asset_tag, tag);
    }
    if let Some(v) = &input.serial {
        note(ch, "serial", &mut a.serial, clean(v));
    }
    if let Some(v) = &input.hostname {
        note(
            ch,
            "hostname",
            &mut a.hostname,
            clean(v).map(|h| h.to_lowercase()),
        );
    }
    if let Some(v) = &input.model_id {
        let model = match clean(v) {
            Some(mid) => Some(
                repo::model(conn, &mid)?
                    .ok_or_else(|| AppError::invalid("model_id", "no such model"))?,
            ),
            None => None,
        };
        let mut category = a.category.map(|c| c.as_str().to_owned());
        let new_category = model.as_ref().map(|m| m.category.as_str().to_owned());
        note(ch, "category", &mut category, new_category);
        a.category = model.as_ref().map(|m| m.category);
        note(ch, "model_id", &mut a.model_id, model.map(|m| m.id));
    }
    apply_place(conn, a, input, ch)?;
    if let Some(v) = input.purchase_date {
        let mut cur = a.purchase_date.map(|d| d.to_string());
        note(ch, "purchase_date", &mut cur, v.map(|d| d.to_string()));
        a.purchase_date = v;
    }
    if let Some(v) = &input.cost {
        let amount = v.as_ref().map(|c| c.amount_minor);
        note(ch, "cost_minor", &mut a.cost_minor, amount);
        note(
            ch,
            "currency",
            &mut a.currency,
            v.as_ref().map(|c| c.currency.clone()),
        );
    }
    if let Some(v) = &input.supplier {
        note(ch, "supplier", &mut a.supplier, clean(v));
    }
    if let Some(v) = &input.po_number {
        note(ch, "po_number", &mut a.po_number, clean(v));
    }
    if let Some(v) = input.warranty_end {
        let mut cur = a.warranty_end.map(|d| d.to_string());
        note(ch, "warranty_end", &mut cur, v.map(|d| d.to_string()));
        a.warranty_end = v;
    }
    if let Some(n) = &input.notes {
        note(ch, "notes", &mut a.notes, n.clone().unwrap_or_default());
    }
    Ok(())
}

/// Sets where the asset is kept, when the edit sends it.
fn apply_place(
    conn: &mut DbConn,
    a: &mut Asset,
    input: &UpdateAsset,
    ch: &mut Map<String, Value>,
) -> Result<(), AppError> {
    if let Some(v) = &input.location_id {
        let place = match clean(v) {
            Some(lid) => Some(
                repo::location(conn, &lid)?
                    .ok_or_else(|| AppError::invalid("location_id", "no such location"))?
                    .id,
            ),
            None => None,
        };
        if place.is_none() && a.status == Status::Deployed && a.assignee_id.is_none() {
            return Err(AppError::invalid(
                "location_id",
                "a deployed asset without a person needs a location",
            ));
        }
        note(ch, "location_id", &mut a.location_id, place);
    }
    Ok(())
}

/// Merges the custom fields the edit sends (`null` removes one); returns
/// the asset's fields afterwards.
fn apply_custom_fields(
    a: &mut Asset,
    input: &UpdateAsset,
    ch: &mut Map<String, Value>,
) -> Result<Map<String, Value>, AppError> {
    let mut custom: Map<String, Value> = serde_json::from_str(&a.custom_fields).unwrap_or_default();
    let Some(given) = &input.custom_fields else {
        return Ok(custom);
    };
    for (k, v) in given {
        if v.is_object() || v.is_array() {
            return Err(AppError::invalid(
                format!("custom_fields.{k}"),
                "must be a string, number, boolean or null",
            ));
        }
        if v.is_null() {
            custom.remove(k);
        } else {
            custom.insert(k.clone(), v.clone());
        }
    }
    let mut text = a.custom_fields.clone();
    note(
        ch,
        "custom_fields",
        &mut text,
        Value::Object(custom.clone()).to_string(),
    );
    a.custom_fields = text;
    Ok(custom)
}

/// A new model holds every field to its category's definitions; otherwise
/// only the fields this edit sends (so an old value does not block an
/// unrelated edit), and a required one cannot be removed.
fn check_custom_fields(
    specs: &[FieldSpec],
    a: &Asset,
    input: &UpdateAsset,
    custom: &Map<String, Value>,
) -> Vec<FieldError> {
    if input.model_id.is_some() {
        return fields::check(a.category, specs, custom, true);
    }
    let given = input.custom_fields.clone().unwrap_or_default();
    let sent: Map<String, Value> = given.into_iter().filter(|(_, v)| !v.is_null()).collect();
    let mut errors = fields::check(a.category, specs, &sent, false);
    for (k, v) in input.custom_fields.iter().flatten() {
        if let Some(spec) = fields::spec_for(specs, a.category, k)
            && spec.required
            && v.is_null()
        {
            errors.push(FieldError::new(
                format!("custom_fields.{k}"),
                format!(
                    "{} is required for this category and cannot be removed",
                    spec.label
                ),
            ));
        }
    }
    errors
}
