//! The product catalog and the normalization rules.

use chrono::NaiveDateTime;
use serde_json::json;

use super::{may_change, may_read, record};
use crate::auth::User;
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::licenses::domain;
use crate::licenses::dto::{NewProduct, NewRule, UpdateProduct, UpdateRule};
use crate::licenses::model::{Product, RuleRow};
use crate::licenses::repo;

fn text(field: &str, v: &str, errors: &mut Vec<FieldError>) -> String {
    let t = v.trim();
    if t.is_empty() || t.chars().count() > 200 {
        errors.push(FieldError::new(field, "1 to 200 characters"));
    }
    t.to_owned()
}

fn opt(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn same_product(e: AppError, p: &Product) -> AppError {
    match e {
        AppError::Conflict { .. } => AppError::conflict(
            "already_exists",
            format!(
                "{} {}{} is in the catalog already",
                p.publisher,
                p.name,
                p.edition
                    .as_deref()
                    .map(|e| format!(" {e}"))
                    .unwrap_or_default()
            ),
        ),
        other => other,
    }
}

pub fn create_product(
    db: &Db,
    actor: &User,
    input: &NewProduct,
    now: NaiveDateTime,
) -> Result<Product, AppError> {
    may_change(actor)?;
    let mut errors = Vec::new();
    let p = Product {
        id: ids::new_id(),
        publisher: text("publisher", &input.publisher, &mut errors),
        name: text("name", &input.name, &mut errors),
        edition: opt(&input.edition),
        family: opt(&input.family),
        version: opt(&input.version),
        created_at: now,
        updated_at: now,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    db.write(|conn| {
        repo::insert_product(conn, &p)?;
        let changes = json!({"publisher": p.publisher, "name": p.name, "edition": p.edition});
        record(
            conn,
            actor,
            ("license_product", &p.id),
            "created",
            changes,
            now,
        )?;
        Ok(p.clone())
    })
    .map_err(|e| same_product(e, &p))
}

pub fn products(db: &Db, actor: &User) -> Result<Vec<Product>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::products(conn)?))
}

pub fn product(db: &Db, actor: &User, id: &str) -> Result<Product, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        repo::product(conn, id)?.ok_or_else(|| AppError::NotFound(format!("product {id}")))
    })
}

pub fn update_product(
    db: &Db,
    actor: &User,
    id: &str,
    input: &UpdateProduct,
    now: NaiveDateTime,
) -> Result<Product, AppError> {
    may_change(actor)?;
    let result = db.write(|conn| {
        let mut p =
            repo::product(conn, id)?.ok_or_else(|| AppError::NotFound(format!("product {id}")))?;
        let mut errors = Vec::new();
        if let Some(v) = &input.publisher {
            p.publisher = text("publisher", v, &mut errors);
        }
        if let Some(v) = &input.name {
            p.name = text("name", v, &mut errors);
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        for (field, given) in [
            (&mut p.edition, &input.edition),
            (&mut p.family, &input.family),
            (&mut p.version, &input.version),
        ] {
            if let Some(v) = given {
                *field = opt(v);
            }
        }
        p.updated_at = now;
        repo::save_product(conn, &p)?;
        let changes = json!({"publisher": p.publisher, "name": p.name, "edition": p.edition,
                             "family": p.family, "version": p.version});
        record(
            conn,
            actor,
            ("license_product", &p.id),
            "updated",
            changes,
            now,
        )?;
        Ok(p)
    });
    result.map_err(|e| match e {
        AppError::Conflict { .. } => {
            AppError::conflict("already_exists", "another product has that name already")
        }
        other => other,
    })
}

/// Deletes a product no rule or entitlement names.
pub fn delete_product(db: &Db, actor: &User, id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    may_change(actor)?;
    db.write(|conn| {
        let p =
            repo::product(conn, id)?.ok_or_else(|| AppError::NotFound(format!("product {id}")))?;
        let held = repo::entitlements_of_product(conn, id)?;
        if held > 0 {
            return Err(AppError::conflict(
                "in_use",
                format!(
                    "{} {} has {held} entitlement(s): delete them first",
                    p.publisher, p.name
                ),
            ));
        }
        let rules = repo::rules_of_product(conn, id)?;
        if rules > 0 {
            return Err(AppError::conflict(
                "in_use",
                format!(
                    "{} {} is named by {rules} normalization rule(s): delete or change them first",
                    p.publisher, p.name
                ),
            ));
        }
        repo::delete_product(conn, id)?;
        let changes = json!({"publisher": p.publisher, "name": p.name});
        record(
            conn,
            actor,
            ("license_product", id),
            "deleted",
            changes,
            now,
        )
    })
}

/// A rule's row from a request, checked whole.
pub(super) fn rule_row(
    conn: &mut DbConn,
    input: &NewRule,
    position: i32,
    now: NaiveDateTime,
) -> Result<RuleRow, AppError> {
    let row = RuleRow {
        id: ids::new_id(),
        product_id: opt(&input.product_id),
        name_pattern: input.name_pattern.trim().to_owned(),
        publisher_pattern: input
            .publisher_pattern
            .as_deref()
            .map(|p| p.trim().to_owned()),
        version_pattern: input
            .version_pattern
            .as_deref()
            .map(|p| p.trim().to_owned()),
        exclude: input.exclude,
        position,
        created_at: now,
        updated_at: now,
    };
    check_row(conn, &row)?;
    Ok(row)
}

fn check_row(conn: &mut DbConn, row: &RuleRow) -> Result<(), AppError> {
    let mut errors = domain::check_rule(
        row.product_id.as_deref(),
        &row.name_pattern,
        row.publisher_pattern.as_deref(),
        row.version_pattern.as_deref(),
        row.exclude,
    );
    if !(0..=domain::MAX_POSITION).contains(&row.position) {
        errors.push(FieldError::new(
            "position",
            format!("from 0 to {}", domain::MAX_POSITION),
        ));
    }
    if let Some(pid) = &row.product_id
        && !row.exclude
        && repo::product(conn, pid)?.is_none()
    {
        errors.push(FieldError::new("product_id", "no such product"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn rule_changes(r: &RuleRow) -> serde_json::Value {
    json!({"product_id": r.product_id, "name_pattern": r.name_pattern,
           "publisher_pattern": r.publisher_pattern, "version_pattern": r.version_pattern,
           "exclude": r.exclude, "position": r.position})
}

pub fn create_rule(
    db: &Db,
    actor: &User,
    input: &NewRule,
    now: NaiveDateTime,
) -> Result<RuleRow, AppError> {
    may_change(actor)?;
    db.write(|conn| {
        super::resolution::before_rule_change(conn)?;
        let position = match input.position {
            Some(p) => p,
            None => repo::next_position(conn)?,
        };
        let row = rule_row(conn, input, position, now)?;
        repo::insert_rule(conn, &row)?;
        super::resolution::after_rule_change(conn, None, Some(&row.rule()))?;
        record(
            conn,
            actor,
            ("license_rule", &row.id),
            "created",
            rule_changes(&row),
            now,
        )?;
        Ok(row)
    })
}

pub fn rules(db: &Db, actor: &User) -> Result<Vec<RuleRow>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::rules(conn)?))
}

pub fn update_rule(
    db: &Db,
    actor: &User,
    id: &str,
    input: &UpdateRule,
    now: NaiveDateTime,
) -> Result<RuleRow, AppError> {
    may_change(actor)?;
    db.write(|conn| {
        super::resolution::before_rule_change(conn)?;
        let mut r =
            repo::rule(conn, id)?.ok_or_else(|| AppError::NotFound(format!("rule {id}")))?;
        let old = r.rule();
        if let Some(v) = &input.product_id {
            r.product_id = opt(v);
        }
        if let Some(v) = &input.name_pattern {
            r.name_pattern = v.trim().to_owned();
        }
        if let Some(v) = &input.publisher_pattern {
            r.publisher_pattern = v.as_deref().map(|p| p.trim().to_owned());
        }
        if let Some(v) = &input.version_pattern {
            r.version_pattern = v.as_deref().map(|p| p.trim().to_owned());
        }
        if let Some(v) = input.exclude {
            r.exclude = v;
        }
        if let Some(v) = input.position {
            r.position = v;
        }
        check_row(conn, &r)?;
        r.updated_at = now;
        repo::save_rule(conn, &r)?;
        super::resolution::after_rule_change(conn, Some(&old), Some(&r.rule()))?;
        record(
            conn,
            actor,
            ("license_rule", &r.id),
            "updated",
            rule_changes(&r),
            now,
        )?;
        Ok(r)
    })
}

pub fn delete_rule(db: &Db, actor: &User, id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    may_change(actor)?;
    db.write(|conn| {
        super::resolution::before_rule_change(conn)?;
        let r = repo::rule(conn, id)?.ok_or_else(|| AppError::NotFound(format!("rule {id}")))?;
        repo::delete_rule(conn, id)?;
        super::resolution::after_rule_change(conn, Some(&r.rule()), None)?;
        record(
            conn,
            actor,
            ("license_rule", id),
            "deleted",
            rule_changes(&r),
            now,
        )
    })
}
