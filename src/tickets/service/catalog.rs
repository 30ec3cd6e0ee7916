//! Queues (teams) and categories: the names tickets are sorted by.

use chrono::NaiveDateTime;

use super::super::dto::CreateNamed;
use super::super::model::{Category, Queue};
use super::super::repo;
use crate::audit;
use crate::auth::{Role, User};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids;

/// Lowercase letters, digits and dashes, starting with a letter or digit.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 63
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
}

fn check(input: &CreateNamed, actor: &User) -> Result<(), AppError> {
    if !matches!(actor.role, Role::Admin | Role::Coordinator) {
        return Err(AppError::Forbidden(
            "only coordinators and admins manage queues and categories".into(),
        ));
    }
    let mut errors = Vec::new();
    if !valid_slug(&input.slug) {
        errors.push(FieldError::new(
            "slug",
            "use 1–63 lowercase letters, digits and dashes, not starting with a dash",
        ));
    }
    if input.name.trim().is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn duplicate(kind: &str, slug: &str) -> impl FnOnce(AppError) -> AppError {
    let detail = format!("a {kind} with slug `{slug}` already exists");
    move |e| match e {
        AppError::Conflict {
            code: "already_exists",
            ..
        } => AppError::conflict("already_exists", detail),
        other => other,
    }
}

pub fn list_queues(db: &Db) -> Result<Vec<Queue>, AppError> {
    db.read(|conn| Ok(repo::all_queues(conn)?))
}

pub fn create_queue(
    db: &Db,
    actor: &User,
    input: &CreateNamed,
    now: NaiveDateTime,
) -> Result<Queue, AppError> {
    check(input, actor)?;
    let row = Queue {
        id: ids::new_id(),
        slug: input.slug.clone(),
        name: input.name.trim().to_owned(),
        description: input.description.trim().to_owned(),
        created_at: now,
    };
    let (id, slug, name) = (row.id.clone(), row.slug.clone(), row.name.clone());
    let named = Named {
        kind: "queue",
        id: &id,
        slug: &slug,
        name: &name,
    };
    insert_named(db, actor, named, now, row, repo::insert_queue)
}

pub fn list_categories(db: &Db) -> Result<Vec<Category>, AppError> {
    db.read(|conn| Ok(repo::all_categories(conn)?))
}

pub fn create_category(
    db: &Db,
    actor: &User,
    input: &CreateNamed,
    now: NaiveDateTime,
) -> Result<Category, AppError> {
    check(input, actor)?;
    let row = Category {
        id: ids::new_id(),
        slug: input.slug.clone(),
        name: input.name.trim().to_owned(),
        created_at: now,
    };
    let (id, slug, name) = (row.id.clone(), row.slug.clone(), row.name.clone());
    let named = Named {
        kind: "category",
        id: &id,
        slug: &slug,
        name: &name,
    };
    insert_named(db, actor, named, now, row, repo::insert_category)
}

/// What a new queue and a new category have in common.
struct Named<'a> {
    kind: &'static str,
    id: &'a str,
    slug: &'a str,
    name: &'a str,
}

/// Inserts a queue or a category with its audit entry; a taken slug is a
/// conflict that names it.
fn insert_named<T: Clone>(
    db: &Db,
    actor: &User,
    named: Named<'_>,
    now: NaiveDateTime,
    row: T,
    insert: fn(&mut DbConn, &T) -> diesel::QueryResult<()>,
) -> Result<T, AppError> {
    db.write(|conn| {
        insert(conn, &row)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: named.kind,
                entity_id: named.id,
                actor_id: Some(&actor.id),
                action: "created",
                changes: serde_json::json!({"slug": named.slug, "name": named.name}),
                at: now,
            },
        )?;
        Ok(row.clone())
    })
    .map_err(duplicate(named.kind, named.slug))
}

/// The coordinators named for a queue (by email).
pub fn queue_coordinators(db: &Db, actor: &User, slug: &str) -> Result<Vec<User>, AppError> {
    if !actor.role.sees_all_tickets() {
        return Err(AppError::Forbidden(
            "only staff see who coordinates a queue".into(),
        ));
    }
    db.read(|conn| {
        let q = repo::find_queue_by_slug(conn, slug)?
            .ok_or_else(|| AppError::NotFound(format!("queue `{slug}`")))?;
        let ids = repo::queue_coordinator_ids(conn, &q.id)?;
        let mut people = crate::auth::people::find_users(conn, &ids)?;
        people.sort_by(|a, b| a.email.cmp(&b.email));
        Ok(people)
    })
}

/// Names the coordinators of a queue; each email must be an active coordinator.
pub fn set_queue_coordinators(
    db: &Db,
    actor: &User,
    slug: &str,
    emails: &[String],
    now: NaiveDateTime,
) -> Result<Vec<User>, AppError> {
    if !matches!(actor.role, Role::Admin | Role::Coordinator) {
        return Err(AppError::Forbidden(
            "only coordinators and admins manage queues".into(),
        ));
    }
    db.write(|conn| {
        let q = repo::find_queue_by_slug(conn, slug)?.ok_or_else(|| AppError::NotFound(format!("queue `{slug}`")))?;
        let mut people = Vec::new();
        let mut errors = Vec::new();
        for (i, email) in emails.iter().enumerate() {
            match crate::auth::people::find_user_by_email(conn, &email.trim().to_lowercase())? {
                Some(u) if u.role == Role::Coordinator && u.is_active => people.push(u),
                Some(u) => errors.push(FieldError::new(format!("coordinators[{i}]"), format!("{} is a {}, not a coordinator", u.email, u.role))),
                None => errors.push(FieldError::new(format!("coordinators[{i}]"), format!("no user `{email}`"))),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        people.sort_by(|a, b| a.email.cmp(&b.email));
        people.dedup_by(|a, b| a.id == b.id);
        let ids: Vec<String> = people.iter().map(|u| u.id.clone()).collect();
        repo::set_queue_coordinators(conn, &q.id, &ids)?;
        audit::record(conn, audit::Entry {
            entity_type: "queue",
            entity_id: &q.id,
            actor_id: Some(&actor.id),
            action: "coordinators_set",
            changes: serde_json::json!({"coordinators": people.iter().map(|u| u.email.clone()).collect::<Vec<_>>()}),
            at: now,
        })?;
        Ok(people)
    })
}

#[cfg(test)]
mod tests {
    use super::valid_slug;

    #[test]
    fn slugs_are_lowercase_words_with_dashes() {
        assert!(valid_slug("service-desk"));
        assert!(valid_slug("l2"));
        assert!(!valid_slug("Service Desk"));
        assert!(!valid_slug("-x"));
        assert!(!valid_slug(""));
    }
}
