//! Saved queue views: a name for a filter and a sort. Anyone who works the
//! queue saves views for themselves; coordinators and admins may share one
//! with all staff. Only the owner (or an admin, for a shared one) deletes.

use chrono::NaiveDateTime;

use super::super::model::SavedView;
use super::super::repo;
use crate::audit;
use crate::auth::{Role, User};
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::ids;

/// The most characters of a view's name.
pub const MAX_NAME: usize = 60;

/// A view to save.
#[derive(Debug, Clone)]
pub struct NewView<'a> {
    pub name: &'a str,
    /// The queue's query string, without `?`.
    pub query: &'a str,
    pub shared: bool,
}

fn may_use(actor: &User) -> Result<(), AppError> {
    if actor.role.sees_all_tickets() {
        Ok(())
    } else {
        Err(AppError::Forbidden("saved views are for IT staff".into()))
    }
}

fn check(actor: &User, v: &NewView<'_>) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let name = v.name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("name", "give the view a name"));
    } else if name.chars().count() > MAX_NAME {
        errors.push(FieldError::new(
            "name",
            format!("at most {MAX_NAME} characters"),
        ));
    }
    if v.query.len() > 2000 || v.query.contains(['\r', '\n', '#']) {
        errors.push(FieldError::new("query", "is not a queue address"));
    }
    if v.shared && !matches!(actor.role, Role::Coordinator | Role::Admin) {
        errors.push(FieldError::new(
            "shared",
            "only coordinators and admins share views with the team",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Saves a view; a name the person already uses is a conflict.
pub fn save_view(
    db: &Db,
    actor: &User,
    v: &NewView<'_>,
    now: NaiveDateTime,
) -> Result<SavedView, AppError> {
    may_use(actor)?;
    check(actor, v)?;
    let row = SavedView {
        id: ids::new_id(),
        owner_id: actor.id.clone(),
        name: v.name.trim().to_owned(),
        query: v.query.trim_start_matches('?').to_owned(),
        shared: v.shared,
        created_at: now,
    };
    db.write(|conn| {
        repo::insert_view(conn, &row)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "saved_view",
                entity_id: &row.id,
                actor_id: Some(&actor.id),
                action: "created",
                changes: serde_json::json!({"name": row.name, "query": row.query, "shared": row.shared}),
                at: now,
            },
        )?;
        Ok(row.clone())
    })
    .map_err(|e| match e {
        AppError::Conflict { .. } => AppError::conflict(
            "already_exists",
            format!("you already have a view named “{}”", v.name.trim()),
        ),
        other => other,
    })
}

/// One's own views and the shared ones.
pub fn list_views(db: &Db, actor: &User) -> Result<Vec<SavedView>, AppError> {
    may_use(actor)?;
    db.read(|conn| Ok(repo::views_for(conn, &actor.id)?))
}

/// Deletes a view: its owner, or an admin for a shared one.
pub fn delete_view(db: &Db, actor: &User, id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    may_use(actor)?;
    db.write(|conn| {
        let v = repo::view(conn, id)?
            .filter(|v| v.owner_id == actor.id || v.shared)
            .ok_or_else(|| AppError::NotFound(format!("saved view {id}")))?;
        if v.owner_id != actor.id && actor.role != Role::Admin {
            return Err(AppError::Forbidden(
                "only its owner or an admin deletes a shared view".into(),
            ));
        }
        repo::delete_view(conn, id)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "saved_view",
                entity_id: id,
                actor_id: Some(&actor.id),
                action: "deleted",
                changes: serde_json::json!({"name": v.name}),
                at: now,
            },
        )?;
        Ok(())
    })
}
