//! Password login in two steps, so that the counting is atomic and the
//! waiting happens outside the database: [`begin`] records the attempt as a
//! failure before the password is even looked at (parallel attempts see each
//! other), refusing an address over its limit; the caller waits the
//! account's delay; [`finish`] checks the password and marks the attempt a
//! success.

use std::time::Duration;

use chrono::NaiveDateTime;

use super::domain::account_delay_secs;
use super::model::{NewLoginAttempt, User};
use super::settings::LoginSettings;
use super::{password, repo};
use crate::db::Db;
use crate::error::AppError;
use crate::ids;

/// An attempt let through: how long to wait before [`finish`].
#[derive(Debug, Clone)]
pub struct Attempt {
    id: String,
    email: String,
    /// The account's slow-down: wait this long, then check the password.
    pub delay: Duration,
}

/// Admits a login attempt from `client_ip` for `raw_email`, or refuses it
/// with 429 once that address has failed `max_failures` times within the
/// window. The attempt is recorded as failed until [`finish`] says
/// otherwise.
pub fn begin(
    db: &Db,
    limits: &LoginSettings,
    raw_email: &str,
    client_ip: &str,
    now: NaiveDateTime,
) -> Result<Attempt, AppError> {
    let email = raw_email.trim().to_lowercase();
    let window = chrono::Duration::minutes(limits.window_minutes);
    let since = now - window;
    db.write(|conn| {
        repo::lock_login(conn, client_ip, &email)?;
        if repo::failures_from_address(conn, client_ip, since)? >= limits.max_failures {
            let oldest = repo::oldest_failure_from_address(conn, client_ip, since)?;
            let retry_at = oldest.unwrap_or(now) + window;
            return Err(AppError::RateLimited {
                retry_after_secs: (retry_at - now).num_seconds().max(1) as u64,
            });
        }
        let failures = repo::failures_for_account(conn, &email, since)?;
        let id = ids::new_id();
        repo::insert_login_attempt(
            conn,
            &NewLoginAttempt {
                id: &id,
                email: &email,
                client_ip,
                succeeded: false,
                attempted_at: now,
            },
        )?;
        let delay = account_delay_secs(
            failures,
            limits.account_delay_after,
            limits.account_max_delay_seconds,
        );
        Ok(Attempt {
            id,
            email: email.clone(),
            delay: Duration::from_secs(delay),
        })
    })
}

impl Attempt {
    /// What the person typed to name themselves (trimmed, lowercase).
    pub fn login(&self) -> &str {
        &self.email
    }
}

/// Marks an admitted attempt a success (another context checked the
/// password, e.g. the directory).
pub fn succeed(db: &Db, attempt: &Attempt) -> Result<(), AppError> {
    db.write(|conn| Ok::<_, AppError>(repo::mark_attempt_succeeded(conn, &attempt.id)?))
}

/// Checks the password of an admitted attempt. Unknown accounts, inactive
/// ones and wrong passwords answer alike, after the same work.
pub fn finish(db: &Db, attempt: &Attempt, plain_password: &str) -> Result<User, AppError> {
    let user =
        db.read(|conn| Ok::<_, AppError>(repo::find_user_by_email(conn, &attempt.email)?))?;
    let stored = user
        .as_ref()
        .filter(|u| u.is_active)
        .and_then(|u| u.password_hash.as_deref());
    let ok = password::verify(plain_password, stored.unwrap_or(password::dummy_hash()))
        && stored.is_some();
    match (ok, user) {
        (true, Some(user)) => {
            db.write(|conn| Ok::<_, AppError>(repo::mark_attempt_succeeded(conn, &attempt.id)?))?;
            Ok(user)
        }
        _ => Err(AppError::Unauthenticated("wrong email or password".into())),
    }
}

/// [`begin`], the wait and [`finish`] in one call, for callers without an
/// async runtime (the command line, tests); the wait blocks the thread.
pub fn password_login(
    db: &Db,
    limits: &LoginSettings,
    raw_email: &str,
    plain_password: &str,
    client_ip: &str,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let attempt = begin(db, limits, raw_email, client_ip, now)?;
    std::thread::sleep(attempt.delay);
    finish(db, &attempt, plain_password)
}
