//! Applying an approved run: the job `onboarding.run` works its steps in
//! order. A step the directory or the database could not do for now waits
//! and the job is tried again with backoff (the step says why); one that
//! cannot be done fails the run, and `retry` resumes from it. Each step
//! reads before it writes, so a step run again after a crash finds its own
//! work instead of doing it twice.

use serde_json::json;

use super::Onboarding;
use super::domain::{RunStatus, StepStatus};
use super::repo::{self, RunRow, StepRow};
use super::steps;
use crate::auth::User;
use crate::error::AppError;
use crate::ids;
use crate::jobs::Jobs;
use crate::jobs::queue::Job;

/// The job kind that applies a run.
pub(super) const JOB: &str = "onboarding.run";

impl Onboarding {
    /// The job that applies approved runs.
    pub fn jobs(&self) -> Jobs {
        let me = self.clone();
        Jobs::default().kind(JOB, move |job| run_job(&me, job))
    }
}

/// Whether a failure may pass by itself (a server that did not answer).
fn passing(e: &AppError) -> bool {
    matches!(e, AppError::Upstream(_) | AppError::Unavailable(_))
}

/// Starts (or resumes) the run: `None` when there is nothing to do.
fn start(ob: &Onboarding, id: &str) -> Result<Option<(RunRow, User)>, AppError> {
    let now = ids::now();
    ob.db.write(|conn| {
        repo::lock_run(conn, id)?;
        let Some(mut r) = repo::run(conn, id)? else {
            return Ok(None);
        };
        match r.status {
            RunStatus::Approved => {
                r.status = RunStatus::Running;
                r.updated_at = now;
                repo::save_run(conn, &r)?;
                super::history(
                    conn,
                    r.approved_by.as_deref(),
                    &r.id,
                    "started",
                    json!({}),
                    now,
                )?;
            }
            RunStatus::Running => {}
            _ => return Ok(None),
        }
        let approver = r
            .approved_by
            .as_deref()
            .map(|a| crate::auth::people::find_user(conn, a))
            .transpose()?
            .flatten()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("run {id} has no approver")))?;
        Ok(Some((r, approver)))
    })
}

fn run_job(ob: &Onboarding, job: &Job) -> Result<(), AppError> {
    let payload: serde_json::Value = serde_json::from_str(&job.payload)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("onboarding job payload: {e}")))?;
    let id = payload["run_id"].as_str().unwrap_or_default().to_owned();
    let last_try = job.attempts >= job.max_attempts;
    apply(ob, &id, last_try)
}

/// Works the run's steps; `Err` asks the queue to try again later.
pub(super) fn apply(ob: &Onboarding, id: &str, last_try: bool) -> Result<(), AppError> {
    let Some((run, approver)) = start(ob, id)? else {
        return Ok(());
    };
    let all = ob
        .db
        .read(|conn| Ok::<_, AppError>(repo::steps(conn, id)?))?;
    for step in all {
        match step.status {
            StepStatus::Done | StepStatus::Skipped => continue,
            StepStatus::Failed => return Ok(()),
            StepStatus::Pending | StepStatus::Running => {}
        }
        let step = begin(ob, step)?;
        if let Err(e) = steps::execute(ob, &run, &approver, &step) {
            let waits = passing(&e) && !last_try;
            finish_badly(ob, (&run, &approver), &step, &e, waits)?;
            return if waits { Err(e) } else { Ok(()) };
        }
    }
    let now = ids::now();
    ob.db.write(|conn| {
        repo::lock_run(conn, id)?;
        let Some(mut r) = repo::run(conn, id)? else {
            return Ok(());
        };
        r.status = RunStatus::Done;
        r.error = None;
        r.updated_at = now;
        repo::save_run(conn, &r)?;
        let said = format!("Done: {}.", super::dto::says_run(r.kind, &r.person));
        note(ob, conn, &r, &approver, &said, now);
        super::history(conn, r.approved_by.as_deref(), id, "done", json!({}), now)
    })
}

/// An internal note on the run's ticket, if it has one. Best effort: a
/// ticket gone or an approver no longer allowed to note on it is logged,
/// and never keeps the run from ending (the refusals come before any write).
fn note(
    ob: &Onboarding,
    conn: &mut crate::db::DbConn,
    r: &RunRow,
    approver: &User,
    said: &str,
    now: chrono::NaiveDateTime,
) {
    let Some(t) = &r.ticket_id else {
        return;
    };
    let body = format!(
        "{said} {}/onboarding/runs/{}",
        ob.mail_from.public_url, r.id
    );
    let noted = ob.tickets.with_rules(|rules| {
        crate::tickets::service::for_onboarding::note_in(conn, rules, approver, t, &body, now)
    });
    if let Err(e) = noted {
        tracing::warn!(run = %r.id, ticket = %t, error = %e, "could not note the run on its ticket");
    }
}

/// Marks a step running and counts the attempt.
fn begin(ob: &Onboarding, mut step: StepRow) -> Result<StepRow, AppError> {
    let now = ids::now();
    step.status = StepStatus::Running;
    step.attempts += 1;
    step.started_at.get_or_insert(now);
    ob.db
        .write(|conn| Ok::<_, AppError>(repo::save_step(conn, &step)?))?;
    Ok(step)
}

/// Records why a step did not get done: it waits to be tried again, or it
/// failed and the run with it.
fn finish_badly(
    ob: &Onboarding,
    (run, approver): (&RunRow, &User),
    step: &StepRow,
    e: &AppError,
    waits: bool,
) -> Result<(), AppError> {
    let now = ids::now();
    let said = e.public_detail();
    tracing::warn!(run = %run.id, step = step.position, kind = %step.kind, waits, error = %e, "onboarding step not done");
    ob.db.write(|conn| {
        let mut s = step.clone();
        if waits {
            s.status = StepStatus::Pending;
            s.error = Some(format!("waiting to try again: {said}"));
            repo::save_step(conn, &s)?;
            return super::history(
                conn,
                run.approved_by.as_deref(),
                &run.id,
                "step_waiting",
                json!({"position": s.position, "kind": s.kind.as_str(),
                    "attempt": s.attempts, "error": said}),
                now,
            );
        }
        s.status = StepStatus::Failed;
        s.error = Some(said.clone());
        s.finished_at = Some(now);
        repo::save_step(conn, &s)?;
        repo::lock_run(conn, &run.id)?;
        if let Some(mut r) = repo::run(conn, &run.id)? {
            r.status = RunStatus::Failed;
            r.error = Some(format!("step {} ({}): {said}", s.position, s.kind));
            r.updated_at = now;
            repo::save_run(conn, &r)?;
            let told = format!(
                "Stopped: {} failed at step {}: {said}. Retry it from its page once that is fixed.",
                super::dto::says_run(r.kind, &r.person),
                s.position
            );
            note(ob, conn, &r, approver, &told, now);
        }
        super::history(
            conn,
            run.approved_by.as_deref(),
            &run.id,
            "step_failed",
            json!({"position": s.position, "kind": s.kind.as_str(), "error": said}),
            now,
        )
    })
}
