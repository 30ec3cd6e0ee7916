//! WAL checkpoints beside the writer (SQLite, the service). Left to the
//! writer, a checkpoint copies thousands of pages back into the database
//! inside a COMMIT while every request of the batch waits for it; here a
//! connection of its own copies them every fraction of a second, PASSIVE
//! (it never waits for readers or the writer, and the writer never waits
//! for it). The writer still checkpoints itself should the WAL grow far
//! past what this keeps up with.

use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::{ConnManager, DbError};

/// How often the WAL is copied back.
const EVERY: Duration = Duration::from_millis(200);

/// The writer's own checkpoint, should this thread fall behind: 64 MB of WAL.
pub(super) const WRITER_FALLBACK_PAGES: u32 = 16_000;

/// Starts the thread; it stops within [`EVERY`] of the last clone of the
/// returned handle being dropped.
pub(super) fn start(manager: &ConnManager) -> Result<Arc<()>, DbError> {
    let mut conn = manager.connect()?;
    let alive = Arc::new(());
    let watch: Weak<()> = Arc::downgrade(&alive);
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while watch.strong_count() > 0 {
                std::thread::sleep(EVERY);
                if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                    tracing::warn!(error = %e, "WAL checkpoint failed; the writer checkpoints itself");
                }
            }
        })
        .map_err(|e| DbError::Connect(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(alive)
}
