//! API tokens: issued by the CLI (creating the person if need be) or by
//! a person for themselves, listed, expiring and revoked. Admins see and
//! revoke everyone's; anyone else only their own.

use chrono::NaiveDateTime;

use super::domain::{Role, normalize_email};
use super::model::{ApiToken, User};
use super::service::insert_user;
use super::{repo, token};
use crate::audit;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;

/// Longest label kept.
pub const MAX_LABEL_CHARS: usize = 100;

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
    expires_at: Option<NaiveDateTime>,
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
            None => (
                insert_user(conn, &email, None, role, None, None, now)?,
                true,
                None,
            ),
        };
        let row = ApiToken {
            id: ids::new_id(),
            user_id: user.id.clone(),
            digest: token::digest(&secret),
            label: label.to_owned(),
            created_at: now,
            revoked_at: None,
            expires_at,
        };
        repo::insert_token(conn, &row)?;
        audit::record(
            conn,
            audit::Entry {
                entity_type: "user",
                entity_id: &user.id,
                actor_id: None,
                action: "token_created",
                changes: serde_json::json!({"token_id": row.id, "label": label, "expires_at": expires_at}),
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

/// A token as lists show it (never its secret).
#[derive(Debug, Clone)]
pub struct TokenView {
    pub token: ApiToken,
    pub owner: User,
}

/// A token a person issues for themselves: its row and the secret, shown
/// once.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub view: TokenView,
    pub secret: String,
}

fn check_label(label: &str) -> Result<String, AppError> {
    let label = label.trim();
    if label.is_empty() {
        return Err(AppError::invalid(
            "label",
            "name the token after what uses it, e.g. \"nightly Intune import\"",
        ));
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(AppError::invalid(
            "label",
            format!("must be at most {MAX_LABEL_CHARS} characters"),
        ));
    }
    Ok(label.to_owned())
}

/// Issues a token to the person asking, with their own role.
pub fn issue_own_token(
    db: &Db,
    actor: &User,
    label: &str,
    expires_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<NewToken, AppError> {
    let label = check_label(label)?;
    if expires_at.is_some_and(|e| e <= now) {
        return Err(AppError::invalid("expires_at", "must be in the future"));
    }
    let secret = token::generate();
    let row = ApiToken {
        id: ids::new_id(),
        user_id: actor.id.clone(),
        digest: token::digest(&secret),
        label: label.clone(),
        created_at: now,
        revoked_at: None,
        expires_at,
    };
    db.write(|conn| {
        repo::insert_token(conn, &row)?;
        record(conn, actor, &actor.id, "token_created", &row, now)
    })?;
    Ok(NewToken {
        view: TokenView {
            token: row,
            owner: actor.clone(),
        },
        secret,
    })
}

fn record(
    conn: &mut DbConn,
    actor: &User,
    owner_id: &str,
    action: &str,
    row: &ApiToken,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    Ok(audit::record(
        conn,
        audit::Entry {
            entity_type: "user",
            entity_id: owner_id,
            actor_id: Some(&actor.id),
            action,
            changes: serde_json::json!({"token_id": row.id, "label": row.label, "expires_at": row.expires_at}),
            at: now,
        },
    )?)
}

/// Whose tokens a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// The person asking.
    Me,
    /// Everyone's (admins).
    Everyone,
    /// One person's, by email or id (admins).
    Person(String),
}

/// Tokens, newest first. Only admins list other people's.
pub fn list_tokens(db: &Db, actor: &User, owner: &Owner) -> Result<Vec<TokenView>, AppError> {
    if *owner != Owner::Me && !actor.role.administers() {
        return Err(AppError::Forbidden(
            "only admins may list other people's tokens".into(),
        ));
    }
    db.read(|conn| {
        let user_id = match owner {
            Owner::Me => Some(actor.id.clone()),
            Owner::Everyone => None,
            Owner::Person(key) => Some(
                match repo::find_user(conn, key)? {
                    Some(u) => u,
                    None => repo::find_user_by_email(conn, &key.trim().to_lowercase())?
                        .ok_or_else(|| AppError::NotFound(format!("user {key}")))?,
                }
                .id,
            ),
        };
        Ok(repo::tokens(conn, user_id.as_deref())?
            .into_iter()
            .map(|(token, owner)| TokenView { token, owner })
            .collect())
    })
}

/// Revokes a token: its owner's or, for admins, anyone's (`None` actor: the
/// command line). Returns the revoked token's digest, to forget it from
/// caches; revoking a revoked token changes nothing.
pub fn revoke_token(
    db: &Db,
    actor: Option<&User>,
    token_id: &str,
    now: NaiveDateTime,
) -> Result<(TokenView, Vec<String>), AppError> {
    db.write(|conn| {
        let row = repo::find_token(conn, token_id)?
            .ok_or_else(|| AppError::NotFound(format!("token {token_id}")))?;
        let owner = repo::find_user(conn, &row.user_id)?
            .ok_or_else(|| AppError::NotFound("token owner".into()))?;
        if let Some(a) = actor
            && a.id != row.user_id
            && !a.role.administers()
        {
            // Someone else's token is not even acknowledged as existing.
            return Err(AppError::NotFound(format!("token {token_id}")));
        }
        let digests = repo::revoke_tokens(conn, Some(&row.id), &row.user_id, now)?;
        if !digests.is_empty() {
            let by = actor.cloned().unwrap_or_else(|| owner.clone());
            record(conn, &by, &row.user_id, "token_revoked", &row, now)?;
        }
        let token = repo::find_token(conn, token_id)?.unwrap_or(row);
        Ok((TokenView { token, owner }, digests))
    })
}

/// The user a bearer token belongs to, and until when, if it is valid now.
pub fn authenticate_token(
    db: &Db,
    bearer: &str,
    now: NaiveDateTime,
) -> Result<Option<(User, Option<NaiveDateTime>)>, AppError> {
    if !bearer.starts_with(token::PREFIX) {
        return Ok(None);
    }
    let digest = token::digest(bearer);
    db.read(|conn| Ok(repo::user_for_token_digest(conn, &digest, now)?))
}
