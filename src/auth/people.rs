//! People as the other contexts look them up, inside their own
//! transactions: by id, by email, by role, and the people behind history
//! entries. The rows and queries stay in this context.

use std::collections::HashMap;

use diesel::QueryResult;

use super::domain::Role;
use super::model::User;
use super::repo;
use crate::audit::AuditEvent;
use crate::db::DbConn;

/// The person with this id.
pub fn find_user(conn: &mut DbConn, id: &str) -> QueryResult<Option<User>> {
    repo::find_user(conn, id)
}

/// The people with these ids (in no particular order; unknown ids left out).
pub fn find_users(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<User>> {
    repo::find_users(conn, ids)
}

/// The person with this (normalized, lowercase) address.
pub fn find_user_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    repo::find_user_by_email(conn, email)
}

/// Active people with these roles, by name.
pub fn list_users(conn: &mut DbConn, roles: &[Role]) -> QueryResult<Vec<User>> {
    repo::list_users(conn, roles)
}

/// The ids of the people with these addresses, by address.
pub fn ids_by_email(conn: &mut DbConn, emails: &[String]) -> QueryResult<HashMap<String, String>> {
    repo::ids_by_email(conn, emails)
}

/// A person created by a bulk loader (the demo data) with a given
/// password hash; recorded in the person's history.
pub struct NewPerson<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub organization: Option<&'a str>,
}

pub fn create(
    conn: &mut DbConn,
    p: &NewPerson<'_>,
    now: chrono::NaiveDateTime,
) -> Result<User, crate::error::AppError> {
    let id = crate::ids::new_id();
    repo::insert_user(
        conn,
        &super::model::NewUser {
            id: &id,
            email: p.email,
            display_name: p.name,
            role: p.role,
            password_hash: Some(p.password_hash),
            is_active: true,
            organization: p.organization,
            created_at: now,
            updated_at: now,
        },
    )?;
    crate::audit::record(
        conn,
        crate::audit::Entry {
            entity_type: "user",
            entity_id: &id,
            actor_id: None,
            action: "created",
            changes: serde_json::json!({"email": p.email, "role": p.role, "source": "demo"}),
            at: now,
        },
    )?;
    repo::find_user(conn, &id)?.ok_or_else(|| crate::error::AppError::NotFound("user".into()))
}

/// Forgets login attempts before `attempts_before` and sessions that ended
/// before `sessions_before` (housekeeping); returns how many of each.
pub fn purge(
    conn: &mut DbConn,
    attempts_before: chrono::NaiveDateTime,
    sessions_before: chrono::NaiveDateTime,
) -> QueryResult<(usize, usize)> {
    Ok((
        repo::purge_login_attempts(conn, attempts_before)?,
        repo::purge_sessions(conn, sessions_before)?,
    ))
}

/// Requester accounts for many addresses at once (a directory sync):
/// addresses that have an account keep it; the rest are made in one
/// statement, each recorded in its history. Answers the account of every
/// address given, in order. Addresses must be normalized already
/// ([`super::domain::normalize_email`]).
pub fn create_contacts(
    conn: &mut DbConn,
    wanted: &[(&str, &str)],
    source: &str,
    now: chrono::NaiveDateTime,
) -> Result<Vec<User>, crate::error::AppError> {
    let emails: Vec<String> = wanted.iter().map(|(e, _)| (*e).to_owned()).collect();
    let mut ids = repo::ids_by_email(conn, &emails)?;
    let mut fresh: Vec<super::model::NewUser<'_>> = Vec::new();
    let new_ids: Vec<String> = wanted.iter().map(|_| crate::ids::new_id()).collect();
    for ((email, name), id) in wanted.iter().zip(&new_ids) {
        if ids.contains_key(*email) || fresh.iter().any(|u| u.email == *email) {
            continue;
        }
        fresh.push(super::model::NewUser {
            id,
            email,
            display_name: name,
            role: Role::Requester,
            password_hash: None,
            is_active: true,
            organization: None,
            created_at: now,
            updated_at: now,
        });
    }
    for chunk in fresh.chunks(500) {
        repo::insert_users(conn, chunk)?;
    }
    let changes: Vec<serde_json::Value> = fresh
        .iter()
        .map(|u| serde_json::json!({"email": u.email, "role": Role::Requester, "display_name": u.display_name, "source": source}))
        .collect();
    let entries: Vec<crate::audit::Entry<'_>> = fresh
        .iter()
        .zip(changes)
        .map(|(u, changes)| crate::audit::Entry {
            entity_type: "user",
            entity_id: u.id,
            actor_id: None,
            action: "created",
            changes,
            at: now,
        })
        .collect();
    crate::audit::record_many(conn, &entries)?;
    ids.extend(fresh.iter().map(|u| (u.email.to_owned(), u.id.to_owned())));
    let all: Vec<String> = wanted
        .iter()
        .filter_map(|(e, _)| ids.get(*e).cloned())
        .collect();
    let users: HashMap<String, User> = repo::find_users(conn, &all)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    Ok(all.iter().filter_map(|id| users.get(id).cloned()).collect())
}

/// Deactivates a person on the caller's connection, on behalf of another
/// context (`source`, e.g. `directory_sync`): every session ended and token
/// revoked. `None` when there is no such account.
pub fn deactivate(
    conn: &mut DbConn,
    user_id: &str,
    source: &str,
    now: chrono::NaiveDateTime,
) -> Result<Option<super::service::ActiveChange>, crate::error::AppError> {
    let Some(user) = repo::find_user(conn, user_id)? else {
        return Ok(None);
    };
    super::service::change_active(conn, None, user, false, Some(source), now).map(Some)
}

/// Changes a person's address and name as another context learnt them
/// (`source`), recorded in their history. Refused (409) when another
/// account has the address.
pub fn set_identity(
    conn: &mut DbConn,
    user: &User,
    (email, name): (&str, &str),
    source: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), crate::error::AppError> {
    let email = super::domain::normalize_email(email)
        .map_err(|m| crate::error::AppError::invalid("email", m))?;
    if email == user.email && name == user.display_name {
        return Ok(());
    }
    if email != user.email && repo::find_user_by_email(conn, &email)?.is_some() {
        return Err(crate::error::AppError::conflict(
            "email_taken",
            format!("another account has {email}"),
        ));
    }
    repo::set_identity(conn, &user.id, &email, name, now)?;
    let mut changes = serde_json::Map::new();
    if email != user.email {
        changes.insert(
            "email".into(),
            crate::audit::change(user.email.as_str(), email.as_str()),
        );
    }
    if name != user.display_name {
        changes.insert(
            "name".into(),
            crate::audit::change(user.display_name.as_str(), name),
        );
    }
    changes.insert("source".into(), source.into());
    crate::audit::record(
        conn,
        crate::audit::Entry {
            entity_type: "user",
            entity_id: &user.id,
            actor_id: None,
            action: "updated",
            changes: changes.into(),
            at: now,
        },
    )?;
    Ok(())
}

/// Gives a person the role another context decided (`source`, e.g. the
/// directory's groups at login), recorded in their history.
pub fn set_role(
    conn: &mut DbConn,
    user: &User,
    role: Role,
    source: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), crate::error::AppError> {
    if user.role == role {
        return Ok(());
    }
    repo::set_role(conn, &user.id, role, now)?;
    crate::audit::record(
        conn,
        crate::audit::Entry {
            entity_type: "user",
            entity_id: &user.id,
            actor_id: None,
            action: "role_changed",
            changes: serde_json::json!({
                "role": crate::audit::change(user.role.as_str(), role.as_str()),
                "source": source,
            }),
            at: now,
        },
    )?;
    Ok(())
}

/// A person named by email (any case) or id.
pub fn find_person(conn: &mut DbConn, who: &str) -> QueryResult<Option<User>> {
    if who.contains('@') {
        repo::find_user_by_email(conn, &who.trim().to_lowercase())
    } else {
        repo::find_user(conn, who)
    }
}

/// History entries with the people who made them (`None`: the system, or
/// someone no longer known).
pub fn with_actors(
    conn: &mut DbConn,
    events: Vec<AuditEvent>,
) -> QueryResult<Vec<(AuditEvent, Option<User>)>> {
    let mut ids: Vec<String> = events.iter().filter_map(|e| e.actor_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let people: HashMap<String, User> = repo::find_users(conn, &ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    Ok(events
        .into_iter()
        .map(|e| {
            let who = e.actor_id.as_ref().and_then(|id| people.get(id)).cloned();
            (e, who)
        })
        .collect())
}
