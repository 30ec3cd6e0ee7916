//! Periodic clean-up that `itdesk serve` runs in the background: forgets
//! idempotency keys after a day and login attempts once they can no longer
//! count against a rate limit. Both are idempotent deletes, so several
//! processes running them at once is harmless.

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::auth::repo as users;
use crate::db::Db;
use crate::error::AppError;
use crate::tickets::repo as tickets;

/// How long a client may retry a POST with the same `Idempotency-Key`.
pub const IDEMPOTENCY_KEY_TTL_HOURS: i64 = 24;

/// What one sweep removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Swept {
    pub idempotency_keys: usize,
    pub login_attempts: usize,
}

/// One sweep, as of `now`.
pub fn sweep(db: &Db, login_window_minutes: i64, now: NaiveDateTime) -> Result<Swept, AppError> {
    let keys_before = now - chrono::Duration::hours(IDEMPOTENCY_KEY_TTL_HOURS);
    let attempts_before = now - chrono::Duration::minutes(login_window_minutes.max(1) * 2);
    db.write(|conn| {
        Ok(Swept {
            idempotency_keys: tickets::purge_idempotency_keys(conn, keys_before)?,
            login_attempts: users::purge_login_attempts(conn, attempts_before)?,
        })
    })
}

/// Runs [`sweep`] every `every` until the process ends.
pub async fn run(db: Db, login_window_minutes: i64, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let db = db.clone();
        let result =
            actix_web::web::block(move || sweep(&db, login_window_minutes, crate::ids::now()))
                .await;
        match result {
            Ok(Ok(swept)) if swept != Swept::default() => tracing::info!(?swept, "housekeeping"),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
            Err(e) => tracing::warn!(error = %e, "housekeeping task failed; will retry"),
        }
    }
}
