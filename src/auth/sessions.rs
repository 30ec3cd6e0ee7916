//! Web sessions on the server: the signed cookie names a session, and the
//! session's row says whether it still counts. Logging out ends one; "log
//! out everywhere", a password change and deactivation end all of a
//! person's. Only the SHA-256 of a session id is stored.

use chrono::{Duration, NaiveDateTime};

use super::model::{User, WebSessionRow};
use super::{repo, token};
use crate::db::Db;
use crate::error::AppError;

/// How stale `last_seen_at` may get before a request refreshes it (a write
/// per page view would cost more than the answer is worth).
const SEEN_EVERY: Duration = Duration::minutes(10);

/// Where a session was started from, as the sessions list shows it.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub client_ip: String,
    pub user_agent: String,
}

/// Starts a session for a person who just logged in; returns the id the
/// cookie carries.
pub fn start(
    db: &Db,
    user: &User,
    ttl: Duration,
    origin: &Origin,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let id = token::generate();
    let row = WebSessionRow {
        id: token::digest(&id),
        user_id: user.id.clone(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + ttl,
        revoked_at: None,
        client_ip: origin.client_ip.chars().take(64).collect(),
        user_agent: crate::text::strip_controls(&origin.user_agent)
            .chars()
            .take(300)
            .collect(),
    };
    db.write(|conn| Ok::<_, AppError>(repo::insert_session(conn, &row)?))?;
    Ok(id)
}

/// The person of a session that still counts (not ended, not expired, an
/// active account that is the one the cookie names).
pub fn current(
    db: &Db,
    session_id: &str,
    user_id: &str,
    now: NaiveDateTime,
) -> Result<Option<(User, WebSessionRow)>, AppError> {
    let digest = token::digest(session_id);
    let found = db.read(|conn| Ok::<_, AppError>(repo::live_session(conn, &digest, now)?))?;
    let Some((row, user)) = found.filter(|(_, u)| u.id == user_id) else {
        return Ok(None);
    };
    if now - row.last_seen_at > SEEN_EVERY {
        db.write(|conn| Ok::<_, AppError>(repo::touch_session(conn, &digest, now)?))?;
    }
    Ok(Some((user, row)))
}

/// Ends one session (logging out).
pub fn end(db: &Db, user_id: &str, session_id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    let digest = token::digest(session_id);
    db.write(|conn| {
        Ok::<_, AppError>(repo::revoke_sessions(
            conn,
            user_id,
            Some(&digest),
            None,
            now,
        )?)
    })?;
    Ok(())
}

/// Ends every session of a person but `keep` (the one asking, if any);
/// returns how many ended.
pub fn end_all(
    db: &Db,
    user_id: &str,
    keep: Option<&str>,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let keep = keep.map(token::digest);
    db.write(|conn| {
        Ok::<_, AppError>(repo::revoke_sessions(
            conn,
            user_id,
            None,
            keep.as_deref(),
            now,
        )?)
    })
}

/// A person's sessions that still count; `is_current` marks the asking one.
pub fn list(
    db: &Db,
    user_id: &str,
    current: Option<&str>,
    now: NaiveDateTime,
) -> Result<Vec<(WebSessionRow, bool)>, AppError> {
    let current = current.map(token::digest);
    let rows = db.read(|conn| Ok::<_, AppError>(repo::live_sessions_of(conn, user_id, now)?))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let here = current.as_deref() == Some(r.id.as_str());
            (r, here)
        })
        .collect())
}

/// Ends one of a person's sessions named by its stored key (the digest the
/// sessions list shows); returns how many ended (0 or 1).
pub fn end_by_key(
    db: &Db,
    user_id: &str,
    key: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    db.write(|conn| Ok::<_, AppError>(repo::revoke_sessions(conn, user_id, Some(key), None, now)?))
}
