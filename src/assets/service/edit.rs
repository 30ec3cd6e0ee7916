//! Correcting the facts of an asset: tag, serial, model, host name,
//! purchase, warranty, notes and custom fields. Status, person and place
//! move through transitions and check-outs instead.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Map, Value};

use super::{AssetView, ENTITY, get, may_manage};
use crate::assets::dto::UpdateAsset;
use crate::assets::fields::{self, FieldSpec};
use crate::assets::repo;
use crate::audit::{self, Entry, note_change as note};
use crate::auth::User;
use crate::db::schema::assets;
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

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
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = db.write(|conn| {
        // PostgreSQL: hold the row, so that two edits (or an edit and an
        // import) cannot each write back what the other changed.
        // SQLite's single writer already serialises them.
        if let DbConn::Postgres(c) = conn {
            diesel::sql_query("SELECT id FROM assets WHERE id = $1 OR asset_tag = $1 FOR UPDATE")
                .bind::<diesel::sql_types::Text, _>(id_or_tag)
                .execute(c)?;
        }
        let mut a =
            repo::asset(conn, id_or_tag)?.ok_or_else(|| AppError::NotFound("asset".into()))?;
        let mut ch = Map::new();
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
            note(&mut ch, "asset_tag", &mut a.asset_tag, tag);
        }
        if let Some(v) = &input.serial {
            note(&mut ch, "serial", &mut a.serial, clean(v));
        }
        if let Some(v) = &input.hostname {
            note(
                &mut ch,
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
            note(
                &mut ch,
                "category",
                &mut category,
                model.as_ref().map(|m| m.category.as_str().to_owned()),
            );
            a.category = model.as_ref().map(|m| m.category);
            note(&mut ch, "model_id", &mut a.model_id, model.map(|m| m.id));
        }
        if let Some(v) = input.purchase_date {
            let mut cur = a.purchase_date.map(|d| d.to_string());
            note(&mut ch, "purchase_date", &mut cur, v.map(|d| d.to_string()));
            a.purchase_date = v;
        }
        if let Some(v) = &input.cost {
            note(
                &mut ch,
                "cost_minor",
                &mut a.cost_minor,
                v.as_ref().map(|c| c.amount_minor),
            );
            note(
                &mut ch,
                "currency",
                &mut a.currency,
                v.as_ref().map(|c| c.currency.clone()),
            );
        }
        if let Some(v) = &input.supplier {
            note(&mut ch, "supplier", &mut a.supplier, clean(v));
        }
        if let Some(v) = &input.po_number {
            note(&mut ch, "po_number", &mut a.po_number, clean(v));
        }
        if let Some(v) = input.warranty_end {
            let mut cur = a.warranty_end.map(|d| d.to_string());
            note(&mut ch, "warranty_end", &mut cur, v.map(|d| d.to_string()));
            a.warranty_end = v;
        }
        if let Some(n) = &input.notes {
            note(
                &mut ch,
                "notes",
                &mut a.notes,
                n.clone().unwrap_or_default(),
            );
        }
        let mut custom: Map<String, Value> =
            serde_json::from_str(&a.custom_fields).unwrap_or_default();
        if let Some(given) = &input.custom_fields {
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
                &mut ch,
                "custom_fields",
                &mut text,
                Value::Object(custom.clone()).to_string(),
            );
            a.custom_fields = text;
        }
        // A new model holds every field to its category's definitions;
        // otherwise only the fields this edit sends (so an old value does
        // not block an unrelated edit), and a required one cannot be
        // removed.
        let errors = if input.model_id.is_some() {
            fields::check(a.category, specs, &custom, true)
        } else {
            let given = input.custom_fields.clone().unwrap_or_default();
            let sent: Map<String, Value> =
                given.into_iter().filter(|(_, v)| !v.is_null()).collect();
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
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if ch.is_empty() {
            return Ok(a.id);
        }
        diesel::update(assets::table.find(&a.id))
            .set((
                assets::asset_tag.eq(&a.asset_tag),
                assets::serial.eq(&a.serial),
                assets::hostname.eq(&a.hostname),
                assets::model_id.eq(&a.model_id),
                assets::category.eq(a.category),
                assets::purchase_date.eq(a.purchase_date),
                assets::cost_minor.eq(a.cost_minor),
                assets::currency.eq(&a.currency),
                assets::supplier.eq(&a.supplier),
                assets::po_number.eq(&a.po_number),
                assets::warranty_end.eq(a.warranty_end),
                assets::notes.eq(&a.notes),
                assets::custom_fields.eq(&a.custom_fields),
                assets::updated_at.eq(now),
            ))
            .execute(conn)?;
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
