//! Use cases of people and access: contacts, users, tokens, login with rate
//! limiting, and the session signing key.

use base64::Engine;
use chrono::NaiveDateTime;

use super::domain::{Role, name_from_email, normalize_email};
use super::model::{NewUser, User};
use super::{password, repo};
use crate::audit;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;

/// Finds a person by email or creates them as a requester contact (no
/// password: they reach us by mail or are invited later).
pub fn ensure_contact(
    conn: &mut DbConn,
    raw_email: &str,
    field: &str,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    ensure_contact_named(conn, raw_email, None, field, actor_id, now)
}

/// [`ensure_contact`], naming a new contact as their mail does.
pub fn ensure_contact_named(
    conn: &mut DbConn,
    raw_email: &str,
    name: Option<&str>,
    field: &str,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let email = normalize_email(raw_email).map_err(|m| AppError::invalid(field, m))?;
    if let Some(user) = repo::find_user_by_email(conn, &email)? {
        return Ok(user);
    }
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 120);
    insert_user(conn, &email, name, Role::Requester, None, actor_id, now)
}

pub(super) fn insert_user(
    conn: &mut DbConn,
    email: &str,
    display_name: Option<&str>,
    role: Role,
    password_hash: Option<&str>,
    actor_id: Option<&str>,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let id = ids::new_id();
    let name = display_name
        .map(str::to_owned)
        .unwrap_or_else(|| name_from_email(email));
    repo::insert_user(
        conn,
        &NewUser {
            id: &id,
            email,
            display_name: &name,
            role,
            password_hash,
            is_active: true,
            organization: None,
            created_at: now,
            updated_at: now,
        },
    )?;
    audit::record(
        conn,
        audit::Entry {
            entity_type: "user",
            entity_id: &id,
            actor_id,
            action: "created",
            changes: serde_json::json!({"email": email, "role": role, "display_name": name}),
            at: now,
        },
    )?;
    repo::find_user(conn, &id)?.ok_or_else(|| AppError::NotFound("user".into()))
}

/// The person with this email, if any.
pub fn find_by_email(db: &Db, raw_email: &str) -> Result<Option<User>, AppError> {
    let email = raw_email.trim().to_lowercase();
    db.read(|conn| Ok(repo::find_user_by_email(conn, &email)?))
}

/// Creates a user with a password; refuses an email that already exists.
pub fn create_user(
    db: &Db,
    raw_email: &str,
    display_name: Option<&str>,
    role: Role,
    plain_password: &str,
) -> Result<User, AppError> {
    let email = normalize_email(raw_email).map_err(|m| AppError::invalid("email", m))?;
    if plain_password.chars().count() < password::MIN_LENGTH {
        return Err(AppError::invalid(
            "password",
            format!("must be at least {} characters", password::MIN_LENGTH),
        ));
    }
    let hash = password::hash(plain_password)?;
    db.write(|conn| {
        if repo::find_user_by_email(conn, &email)?.is_some() {
            return Err(AppError::conflict(
                "user_exists",
                format!("a user with email {email} already exists"),
            ));
        }
        insert_user(
            conn,
            &email,
            display_name,
            role,
            Some(&hash),
            None,
            ids::now(),
        )
    })
}

/// Sets a new password on an existing user and ends every session they
/// have (whoever knew the old password is logged out).
pub fn set_password(db: &Db, user_id: &str, plain_password: &str) -> Result<(), AppError> {
    if plain_password.chars().count() < password::MIN_LENGTH {
        return Err(AppError::invalid(
            "password",
            format!("must be at least {} characters", password::MIN_LENGTH),
        ));
    }
    let hash = password::hash(plain_password)?;
    db.write(|conn| {
        let now = ids::now();
        repo::set_password(conn, user_id, &hash, now)?;
        repo::revoke_sessions(conn, user_id, None, None, now)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "user",
                entity_id: user_id,
                actor_id: None,
                action: "password_set",
                changes: serde_json::json!({}),
                at: now,
            },
        )?;
        Ok(())
    })
}

/// A person changes their own password, proving the current one; every
/// session they have ends (they log in again with the new one).
pub fn change_own_password(
    db: &Db,
    user: &User,
    current: &str,
    new: &str,
    repeated: &str,
) -> Result<(), AppError> {
    let stored = db
        .read(|conn| Ok::<_, AppError>(repo::find_user(conn, &user.id)?))?
        .and_then(|u| u.password_hash);
    let ok = password::verify(current, stored.as_deref().unwrap_or(password::dummy_hash()))
        && stored.is_some();
    let mut errors = Vec::new();
    if !ok {
        errors.push(crate::error::FieldError::new(
            "current_password",
            "is not your current password",
        ));
    }
    if new.chars().count() < password::MIN_LENGTH {
        errors.push(crate::error::FieldError::new(
            "new_password",
            format!("must be at least {} characters", password::MIN_LENGTH),
        ));
    } else if new != repeated {
        errors.push(crate::error::FieldError::new(
            "repeat_password",
            "does not match the new password",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    set_password(db, &user.id, new)
}

/// Everyone who can log in or holds a token (not mail contacts), by name,
/// for the admins' access page.
pub fn accounts(db: &Db, actor: &User) -> Result<Vec<User>, AppError> {
    if !actor.role.administers() {
        return Err(AppError::Forbidden(
            "only admins see everyone's access".into(),
        ));
    }
    db.read(|conn| Ok(repo::staff_and_login_users(conn)?))
}

/// What [`set_active`] did: the person, and the token digests it revoked
/// (for callers that cache verified tokens).
#[derive(Debug, Clone)]
pub struct ActiveChange {
    pub user: User,
    pub revoked_tokens: Vec<String>,
    pub ended_sessions: usize,
}

/// Deactivates or reactivates a login. Deactivating ends every session and
/// revokes every token at once (reactivating brings neither back). Admins
/// only; nobody deactivates themselves.
pub fn set_active(
    db: &Db,
    actor: Option<&User>,
    email_or_id: &str,
    active: bool,
    now: NaiveDateTime,
) -> Result<ActiveChange, AppError> {
    if let Some(a) = actor
        && !a.role.administers()
    {
        return Err(AppError::Forbidden(
            "only admins may deactivate or reactivate people".into(),
        ));
    }
    db.write(|conn| {
        let key = email_or_id.trim().to_lowercase();
        let user = match repo::find_user(conn, email_or_id.trim())? {
            Some(u) => Some(u),
            None => repo::find_user_by_email(conn, &key)?,
        }
        .ok_or_else(|| AppError::NotFound(format!("user {email_or_id}")))?;
        if !active && actor.is_some_and(|a| a.id == user.id) {
            return Err(AppError::conflict(
                "self_deactivation",
                "you cannot deactivate yourself; ask another admin",
            ));
        }
        change_active(conn, actor.map(|a| a.id.as_str()), user, active, None, now)
    })
}

/// Sets `user` active or not on the caller's connection: deactivating ends
/// every session and revokes every token; a change is recorded in the
/// person's history (with `source` when another context did it).
pub(crate) fn change_active(
    conn: &mut DbConn,
    actor_id: Option<&str>,
    user: User,
    active: bool,
    source: Option<&str>,
    now: NaiveDateTime,
) -> Result<ActiveChange, AppError> {
    let (revoked_tokens, ended_sessions) = if active {
        (Vec::new(), 0)
    } else {
        (
            repo::revoke_tokens(conn, None, &user.id, now)?,
            repo::revoke_sessions(conn, &user.id, None, None, now)?,
        )
    };
    if user.is_active != active {
        repo::set_active(conn, &user.id, active, now)?;
        let mut changes = serde_json::json!({
            "active": audit::change(user.is_active, active),
            "revoked_tokens": revoked_tokens.len(),
            "ended_sessions": ended_sessions,
        });
        if let Some(source) = source {
            changes["source"] = source.into();
        }
        audit::record(
            conn,
            audit::Entry {
                entity_type: "user",
                entity_id: &user.id,
                actor_id,
                action: if active { "activated" } else { "deactivated" },
                changes,
                at: now,
            },
        )?;
    }
    Ok(ActiveChange {
        user: User {
            is_active: active,
            ..user
        },
        revoked_tokens,
        ended_sessions,
    })
}

/// The key that signs session cookies: configured, or generated once and
/// kept in the database so every process sharing it agrees.
pub fn session_key(db: &Db, configured: &str) -> Result<Vec<u8>, AppError> {
    if !configured.is_empty() {
        return Ok(configured.as_bytes().to_vec());
    }
    app_secret(db, "session_key")
}

/// The key reply keys are made with (mail uses it for its reply keys),
/// generated once and kept in the database like the session key.
pub fn reply_key_secret(db: &Db) -> Result<Vec<u8>, AppError> {
    app_secret(db, "mail_reply_key_v1")
}

/// The reply key secret if it exists already, read on the caller's
/// connection (a one-shot process reads it without a write transaction).
pub fn stored_reply_key_secret(conn: &mut DbConn) -> Result<Option<Vec<u8>>, AppError> {
    repo::get_secret(conn, "mail_reply_key_v1")?
        .map(|v| decode_secret("mail_reply_key_v1", v))
        .transpose()
}

fn decode_secret(name: &str, value: String) -> Result<Vec<u8>, AppError> {
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored secret {name} is not base64: {e}")))
}

/// A random 64-byte secret under `name` (another context's key, such as
/// onboarding's sealing key), made by the first process that needs it and
/// read by every other. Not inside another write transaction.
pub fn named_secret(db: &Db, name: &str) -> Result<Vec<u8>, AppError> {
    app_secret(db, name)
}

/// A random 64-byte secret under `name`, made by the first process that
/// needs it and read by every other.
fn app_secret(db: &Db, name: &str) -> Result<Vec<u8>, AppError> {
    let engine = base64::engine::general_purpose::STANDARD;
    let stored = db.write(|conn| {
        conn.lock_for_seeding()?;
        if let Some(v) = repo::get_secret(conn, name)? {
            return Ok::<_, AppError>(v);
        }
        let bytes: [u8; 64] = rand::random();
        let value = engine.encode(bytes);
        repo::insert_secret(conn, name, &value, ids::now())?;
        Ok(value)
    })?;
    decode_secret(name, stored)
}
