//! The runs finished in a period (for the monthly report): their kind,
//! when they were asked for and when their last step was done.

use chrono::NaiveDateTime;

use super::domain::RunKind;
use super::repo;
use crate::db::Db;
use crate::error::AppError;

/// A run that finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    pub kind: RunKind,
    pub requested_at: NaiveDateTime,
    pub done_at: NaiveDateTime,
}

/// The runs whose last step was done in `[from, to)` (their `done` event).
pub fn completed_between(
    db: &Db,
    span: (NaiveDateTime, NaiveDateTime),
) -> Result<Vec<Completed>, AppError> {
    db.read(|conn| {
        let done = crate::audit::actions_between(conn, "onboarding_run", "done", span)?;
        let mut out = Vec::with_capacity(done.len());
        for e in done {
            if let Some(run) = repo::run(conn, &e.entity_id)? {
                out.push(Completed {
                    kind: run.kind,
                    requested_at: run.created_at,
                    done_at: e.occurred_at,
                });
            }
        }
        Ok(out)
    })
}
