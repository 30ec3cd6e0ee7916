//! Use cases of people and access: contacts, users, tokens, login with rate
//! limiting, and the session signing key.

use base64::Engine;
use chrono::{Duration, NaiveDateTime};

use super::domain::{Role, name_from_email, normalize_email};
use super::model::{ApiToken, NewLoginAttempt, NewUser, User};
use super::{password, repo, token};
use crate::audit;
use crate::config::LoginSettings;
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

fn insert_user(
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

/// Sets a new password on an existing user.
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

/// What `create_token` did.
#[derive(Debug)]
pub struct IssuedToken {
    pub user: User,
    pub user_created: bool,
    pub previous_role: Option<Role>,
    /// The secret, shown once.
    pub token: String,
}

/// Issues a token for the user with this email, creating the user with the
/// role if missing, or giving an existing user the role.
pub fn create_token(
    db: &Db,
    raw_email: &str,
    role: Role,
    label: &str,
) -> Result<IssuedToken, AppError> {
    let email = normalize_email(raw_email).map_err(|m| AppError::invalid("email", m))?;
    let secret = token::generate();
    db.write(|conn| {
        let now = ids::now();
        let (user, user_created, previous_role) = match repo::find_user_by_email(conn, &email)? {
            Some(user) if user.role == role => (user, false, None),
            Some(user) => {
                repo::set_role(conn, &user.id, role, now)?;
                audit::record(
                    conn,
                    audit::Entry {
                        entity_type: "user",
                        entity_id: &user.id,
                        actor_id: None,
                        action: "role_changed",
                        changes: serde_json::json!({"role": audit::change(user.role.as_str(), role.as_str())}),
                        at: now,
                    },
                )?;
                let previous = user.role;
                (User { role, ..user }, false, Some(previous))
            }
            None => (insert_user(conn, &email, None, role, None, None, now)?, true, None),
        };
        let row = ApiToken {
            id: ids::new_id(),
            user_id: user.id.clone(),
            digest: token::digest(&secret),
            label: label.to_owned(),
            created_at: now,
            revoked_at: None,
        };
        repo::insert_token(conn, &row)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "user",
                entity_id: &user.id,
                actor_id: None,
                action: "token_created",
                changes: serde_json::json!({"token_id": row.id, "label": label}),
                at: now,
            },
        )?;
        Ok(IssuedToken {
            user,
            user_created,
            previous_role,
            token: secret.clone(),
        })
    })
}

/// The user a bearer token belongs to, if it is valid.
pub fn authenticate_token(db: &Db, bearer: &str) -> Result<Option<User>, AppError> {
    if !bearer.starts_with(token::PREFIX) {
        return Ok(None);
    }
    let digest = token::digest(bearer);
    db.read(|conn| Ok(repo::user_for_token_digest(conn, &digest)?))
}

/// Checks a password login. Refuses with 429 once an account or a client
/// address has failed `max_failures` times within the window; every attempt
/// is recorded.
pub fn login(
    db: &Db,
    limits: &LoginSettings,
    raw_email: &str,
    plain_password: &str,
    client_ip: &str,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let email = raw_email.trim().to_lowercase();
    let window = Duration::minutes(limits.window_minutes);
    let since = now - window;
    let (user, (by_email, by_ip)) = db.read(|conn| {
        Ok::<_, AppError>((
            repo::find_user_by_email(conn, &email)?,
            repo::recent_failures(conn, &email, client_ip, since)?,
        ))
    })?;
    if by_email >= limits.max_failures || by_ip >= limits.max_failures {
        let oldest = db.read(|conn| {
            Ok::<_, AppError>(repo::oldest_failure_since(conn, &email, client_ip, since)?)
        })?;
        let retry_at = oldest.unwrap_or(now) + window;
        let secs = (retry_at - now).num_seconds().max(1) as u64;
        return Err(AppError::RateLimited {
            retry_after_secs: secs,
        });
    }
    let stored = user
        .as_ref()
        .filter(|u| u.is_active)
        .and_then(|u| u.password_hash.as_deref());
    let ok = password::verify(plain_password, stored.unwrap_or(password::dummy_hash()))
        && stored.is_some();
    db.write(|conn| {
        repo::insert_login_attempt(
            conn,
            &NewLoginAttempt {
                id: &ids::new_id(),
                email: &email,
                client_ip,
                succeeded: ok,
                attempted_at: now,
            },
        )?;
        Ok::<_, AppError>(())
    })?;
    match (ok, user) {
        (true, Some(user)) => Ok(user),
        _ => Err(AppError::Unauthenticated("wrong email or password".into())),
    }
}

/// The key that signs session cookies: configured, or generated once and
/// kept in the database so every process sharing it agrees.
pub fn session_key(db: &Db, configured: &str) -> Result<Vec<u8>, AppError> {
    if !configured.is_empty() {
        return Ok(configured.as_bytes().to_vec());
    }
    const NAME: &str = "session_key";
    let engine = base64::engine::general_purpose::STANDARD;
    let stored = db.write(|conn| {
        conn.lock_for_seeding()?;
        if let Some(v) = repo::get_secret(conn, NAME)? {
            return Ok::<_, AppError>(v);
        }
        let bytes: [u8; 64] = rand::random();
        let value = engine.encode(bytes);
        repo::insert_secret(conn, NAME, &value, ids::now())?;
        Ok(value)
    })?;
    engine
        .decode(stored)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored session key is not base64: {e}")))
}
