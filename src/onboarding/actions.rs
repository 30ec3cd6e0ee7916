//! What people do with a run once planned: read it, approve it (its steps
//! then wait on the durable job queue for the effective day), resume a
//! failed one, see its initial password once, undo an offboarding.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::json;

use super::Onboarding;
use super::apply::JOB;
use super::domain::{RunKind, RunStatus, StepStatus};
use super::dto::{RunEvent, RunView, run_view};
use super::repo::{self, RunRow};
use super::runs::{calendar, may_read, may_run};
use crate::auth::User;
use crate::auth::people::find_users;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::jobs::queue::{self as jobs, NewJob};

fn load(conn: &mut DbConn, id: &str) -> Result<RunRow, AppError> {
    repo::run(conn, id)?.ok_or_else(|| AppError::NotFound(format!("onboarding run {id}")))
}

fn views(conn: &mut DbConn, rows: Vec<RunRow>, with_steps: bool) -> Result<Vec<RunView>, AppError> {
    let mut ids: Vec<String> = Vec::new();
    for r in &rows {
        ids.push(r.requested_by.clone());
        ids.extend(r.approved_by.clone());
        ids.extend(r.person_id.clone());
    }
    let users = find_users(conn, &ids)?;
    let ticket_ids: Vec<String> = rows.iter().filter_map(|r| r.ticket_id.clone()).collect();
    let tickets = crate::tickets::service::lookup::find_many(conn, &ticket_ids)?;
    let email = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| users.iter().find(|u| &u.id == id))
            .map(|u| u.email.clone())
    };
    let mut out = Vec::new();
    for r in rows {
        let steps = if with_steps {
            repo::steps(conn, &r.id)?
        } else {
            Vec::new()
        };
        let asked: serde_json::Value = serde_json::from_str(&r.person).unwrap_or_default();
        let name = match r
            .person_id
            .as_ref()
            .and_then(|id| users.iter().find(|u| &u.id == id))
        {
            Some(u) => u.display_name.clone(),
            None => format!(
                "{} {}",
                asked["given_name"].as_str().unwrap_or(""),
                asked["surname"].as_str().unwrap_or("")
            )
            .trim()
            .to_owned(),
        };
        let who = (email(&Some(r.requested_by.clone())), email(&r.approved_by));
        let number = r
            .ticket_id
            .as_ref()
            .and_then(|id| tickets.iter().find(|t| &t.id == id))
            .map(|t| t.number);
        out.push(run_view(&r, &steps, name, who, number));
    }
    Ok(out)
}

/// One run with its plan and steps (staff).
pub fn get(ob: &Onboarding, actor: &User, id: &str) -> Result<RunView, AppError> {
    may_read(actor)?;
    ob.db.read(|conn| {
        let r = load(conn, id)?;
        Ok(views(conn, vec![r], true)?.remove(0))
    })
}

/// A run's history, oldest first (staff).
pub fn events(ob: &Onboarding, actor: &User, id: &str) -> Result<Vec<RunEvent>, AppError> {
    may_read(actor)?;
    ob.db.read(|conn| {
        let r = load(conn, id)?;
        let events = crate::audit::history(conn, "onboarding_run", &r.id)?;
        Ok(crate::auth::people::with_actors(conn, events)?
            .into_iter()
            .map(|(e, who)| RunEvent {
                at: ids::utc(e.occurred_at),
                actor: who.map(|u| u.email),
                action: e.action,
                changes: serde_json::from_str(&e.changes).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    })
}

/// Runs, newest first (staff), without their steps.
pub fn list(
    ob: &Onboarding,
    actor: &User,
    q: &super::dto::RunFilter,
    window: (i64, i64),
) -> Result<(Vec<RunView>, i64), AppError> {
    may_read(actor)?;
    ob.db.read(|conn| {
        let (rows, total) = repo::runs(conn, q, window)?;
        Ok((views(conn, rows, false)?, total))
    })
}

/// When an effective day begins: midnight in the calendar's zone.
fn starts_at(ob: &Onboarding, day: NaiveDate) -> NaiveDateTime {
    let zone = calendar(ob)
        .0
        .map(|c| c.time_zone())
        .unwrap_or(chrono_tz::UTC);
    crate::jobs::schedule::local_instant(zone, day, NaiveTime::MIN).naive_utc()
}

/// Puts the run's steps on the queue for `at` (now when it has passed).
fn enqueue(
    conn: &mut DbConn,
    run_id: &str,
    at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut job = NewJob::now(JOB, json!({ "run_id": run_id }), now);
    job.run_at = at.max(now);
    job.max_attempts = 12;
    jobs::enqueue(conn, job, now)?;
    Ok(())
}

/// Approves a planned run (coordinators and admins): its steps run on the
/// effective day (at once when that has come).
pub fn approve(ob: &Onboarding, actor: &User, id: &str) -> Result<RunView, AppError> {
    may_run(actor)?;
    let now = ids::now();
    ob.db.write(|conn| {
        repo::lock_run(conn, id)?;
        let mut r = load(conn, id)?;
        if r.status != RunStatus::Planned {
            return Err(AppError::conflict(
                "not_planned",
                format!("the run is {}; only a planned run is approved", r.status),
            ));
        }
        r.status = RunStatus::Approved;
        r.approved_by = Some(actor.id.clone());
        r.approved_at = Some(now);
        r.updated_at = now;
        repo::save_run(conn, &r)?;
        let at = starts_at(ob, r.effective_on);
        enqueue(conn, &r.id, at, now)?;
        super::history(
            conn,
            Some(&actor.id),
            &r.id,
            "approved",
            json!({"runs_at": ids::utc(at.max(now))}),
            now,
        )
    })?;
    get(ob, actor, id)
}

/// Resumes a failed run from its failed step (coordinators and admins).
pub fn retry(ob: &Onboarding, actor: &User, id: &str) -> Result<RunView, AppError> {
    may_run(actor)?;
    let now = ids::now();
    ob.db.write(|conn| {
        repo::lock_run(conn, id)?;
        let mut r = load(conn, id)?;
        if r.status != RunStatus::Failed {
            return Err(AppError::conflict(
                "not_failed",
                format!("the run is {}; only a failed run is retried", r.status),
            ));
        }
        if let Some(later) = taken_over(conn, &r)? {
            return Err(AppError::conflict(
                "superseded",
                format!("run {later}, planned later for the same person, took it over"),
            ));
        }
        for mut s in repo::steps(conn, id)? {
            if s.status == StepStatus::Failed {
                s.status = StepStatus::Pending;
                s.error = None;
                repo::save_step(conn, &s)?;
            }
        }
        r.status = RunStatus::Approved;
        r.error = None;
        r.updated_at = now;
        repo::save_run(conn, &r)?;
        enqueue(conn, &r.id, now, now)?;
        super::history(conn, Some(&actor.id), &r.id, "retried", json!({}), now)
    })?;
    get(ob, actor, id)
}

/// A later onboarding of the same person (which took over the new hire
/// this stopped run registered): retrying this one would provision them
/// twice.
fn taken_over(conn: &mut DbConn, r: &RunRow) -> Result<Option<String>, AppError> {
    let Some(person) = &r.person_id else {
        return Ok(None);
    };
    if r.kind != RunKind::Onboard {
        return Ok(None);
    }
    Ok(repo::runs_of_person(conn, person, RunKind::Onboard)?
        .into_iter()
        .find(|o| o.id != r.id && o.created_at > r.created_at)
        .map(|o| o.id))
}

/// The initial password, once, to the person who approved the run; it is
/// wiped as it is shown (410 afterwards).
pub fn reveal_password(ob: &Onboarding, actor: &User, id: &str) -> Result<String, AppError> {
    may_run(actor)?;
    let key = ob.seal_key()?.clone();
    let now = ids::now();
    ob.db.write(|conn| {
        repo::lock_run(conn, id)?;
        let mut r = load(conn, id)?;
        let mine = r.approved_by.as_deref() == Some(actor.id.as_str());
        match (r.password_state.as_str(), &r.sealed_password) {
            ("sealed", Some(_)) if !mine => Err(AppError::Forbidden(
                "only the person who approved the run sees its password".into(),
            )),
            ("revealed", _) => Err(AppError::Gone(
                "the password was shown once and wiped; set a new one in the directory".into(),
            )),
            ("sealed", Some(sealed)) => {
                let password = key.open(&r.id, sealed).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!(
                        "the sealed password of run {} does not open",
                        r.id
                    ))
                })?;
                r.sealed_password = None;
                r.password_state = "revealed".into();
                r.updated_at = now;
                repo::save_run(conn, &r)?;
                super::history(
                    conn,
                    Some(&actor.id),
                    &r.id,
                    "password_revealed",
                    json!({}),
                    now,
                )?;
                Ok(password)
            }
            _ => Err(AppError::conflict(
                "password_not_set",
                "the password is set when the run's password step is done",
            )),
        }
    })
}

/// Takes a mistaken offboarding back (coordinators and admins): the
/// account is enabled and put back where it was and in the groups it left,
/// and the person is active again. Devices and seats stay as they are.
pub fn revert(ob: &Onboarding, actor: &User, id: &str) -> Result<RunView, AppError> {
    may_run(actor)?;
    let r = ob.db.read(|conn| load(conn, id))?;
    if r.kind != RunKind::Offboard || !matches!(r.status, RunStatus::Done | RunStatus::Failed) {
        return Err(AppError::conflict(
            "not_revertible",
            format!(
                "a {} run that is {} cannot be reverted; only a done or failed offboarding",
                r.kind, r.status
            ),
        ));
    }
    super::undo::revert(ob, actor, &r)?;
    get(ob, actor, id)
}
