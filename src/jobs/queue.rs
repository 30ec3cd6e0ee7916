//! The queue's operations: enqueue inside the caller's transaction, claim
//! with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
//! writer), complete, or fail with backoff until the attempts run out.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use crate::db::schema::{job_schedules, jobs};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub max_attempts: i32,
    pub locked_by: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// What to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub run_at: NaiveDateTime,
    /// At most one job ever exists per key: a second enqueue is a no-op.
    pub dedupe_key: Option<String>,
    pub max_attempts: i32,
}

impl NewJob {
    pub fn now(kind: &'static str, payload: serde_json::Value, now: NaiveDateTime) -> NewJob {
        NewJob {
            kind,
            payload,
            run_at: now,
            dedupe_key: None,
            max_attempts: 8,
        }
    }

    pub fn dedupe(mut self, key: impl Into<String>) -> NewJob {
        self.dedupe_key = Some(key.into());
        self
    }
}

/// Adds a job in the caller's transaction, so it exists exactly when the
/// change that asked for it committed. Returns whether it was added (false
/// when a job with the same dedupe key already exists).
pub fn enqueue(conn: &mut DbConn, job: NewJob, now: NaiveDateTime) -> QueryResult<bool> {
    let row = Job {
        id: ids::new_id(),
        kind: job.kind.to_owned(),
        payload: job.payload.to_string(),
        dedupe_key: job.dedupe_key,
        status: "queued".into(),
        run_at: job.run_at,
        attempts: 0,
        max_attempts: job.max_attempts,
        locked_by: None,
        locked_until: None,
        last_error: None,
        created_at: now,
        finished_at: None,
    };
    let inserted = match conn {
        DbConn::Sqlite(c) => diesel::insert_into(jobs::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(c)?,
        DbConn::Postgres(c) => diesel::insert_into(jobs::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(inserted == 1)
}

/// Records `occurrence` as the latest enqueued one of schedule `kind`;
/// `true` when this call moved it (so the caller enqueues it), `false` when
/// it was already there or later. A schedule seen for the first time is
/// recorded, and runs only when `first_runs`. Two processes asking at once
/// get one `true`: the update compares and sets in one statement.
pub fn claim_occurrence(
    conn: &mut DbConn,
    kind: &str,
    occurrence: NaiveDateTime,
    first_runs: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let known: Option<NaiveDateTime> = job_schedules::table
        .find(kind)
        .select(job_schedules::last_occurrence)
        .first(conn)
        .optional()?;
    if known.is_none() {
        let row = (
            job_schedules::kind.eq(kind),
            job_schedules::last_occurrence.eq(occurrence),
            job_schedules::updated_at.eq(now),
        );
        let inserted = match conn {
            DbConn::Sqlite(c) => diesel::insert_into(job_schedules::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c)?,
            DbConn::Postgres(c) => diesel::insert_into(job_schedules::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
        if inserted == 1 {
            return Ok(first_runs);
        }
    }
    let moved = diesel::update(
        job_schedules::table
            .filter(job_schedules::kind.eq(kind))
            .filter(job_schedules::last_occurrence.lt(occurrence)),
    )
    .set((
        job_schedules::last_occurrence.eq(occurrence),
        job_schedules::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(moved == 1)
}

/// Leases up to `limit` ready jobs of the given kinds to `worker` until
/// `now + lease`. A job whose lease ran out (its worker died) is ready again.
pub fn claim(
    db: &Db,
    worker: &str,
    kinds: &[&str],
    limit: i64,
    lease: Duration,
    now: NaiveDateTime,
) -> Result<Vec<Job>, AppError> {
    let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    let until = now + lease;
    db.write(|conn| {
        let ids: Vec<String> = match conn {
            DbConn::Postgres(c) => {
                #[derive(QueryableByName)]
                struct Id {
                    #[diesel(sql_type = Text)]
                    id: String,
                }
                diesel::sql_query(
                    "SELECT id FROM jobs WHERE status IN ('queued', 'running') AND run_at <= $1 \
                     AND (locked_until IS NULL OR locked_until < $1) AND kind = ANY($2) \
                     ORDER BY run_at LIMIT $3 FOR UPDATE SKIP LOCKED",
                )
                .bind::<Timestamp, _>(now)
                .bind::<diesel::sql_types::Array<Text>, _>(&kinds)
                .bind::<diesel::sql_types::BigInt, _>(limit)
                .load::<Id>(c)?
                .into_iter()
                .map(|r| r.id)
                .collect()
            }
            DbConn::Sqlite(_) => jobs::table
                .filter(jobs::status.eq_any(["queued", "running"]))
                .filter(jobs::run_at.le(now))
                .filter(jobs::locked_until.is_null().or(jobs::locked_until.lt(now)))
                .filter(jobs::kind.eq_any(&kinds))
                .order(jobs::run_at.asc())
                .limit(limit)
                .select(jobs::id)
                .load(conn)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(jobs::table.filter(jobs::id.eq_any(&ids)))
            .set((
                jobs::status.eq("running"),
                jobs::locked_by.eq(worker),
                jobs::locked_until.eq(until),
                jobs::attempts.eq(jobs::attempts + 1),
            ))
            .execute(conn)?;
        Ok(jobs::table
            .filter(jobs::id.eq_any(&ids))
            .order(jobs::run_at.asc())
            .select(Job::as_select())
            .load(conn)?)
    })
}

/// Marks a leased job done (only if this worker still holds it).
pub fn complete(db: &Db, job: &Job, worker: &str, now: NaiveDateTime) -> Result<(), AppError> {
    db.write(|conn| {
        diesel::update(
            jobs::table
                .filter(jobs::id.eq(&job.id))
                .filter(jobs::locked_by.eq(worker)),
        )
        .set((
            jobs::status.eq("done"),
            jobs::finished_at.eq(Some(now)),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
        Ok(())
    })
}

/// Delay after the `n + 1`-th failed attempt: 5 s, 10 s, 20 s … at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let secs = 5i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(secs.min(3600))
}

/// Records a failure: retried after a backoff, or `failed` for good once the
/// attempts are used up.
pub fn fail(
    db: &Db,
    job: &Job,
    worker: &str,
    error: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let give_up = job.attempts >= job.max_attempts;
    db.write(|conn| {
        let target = jobs::table
            .filter(jobs::id.eq(&job.id))
            .filter(jobs::locked_by.eq(worker));
        if give_up {
            diesel::update(target)
                .set((
                    jobs::status.eq("failed"),
                    jobs::finished_at.eq(Some(now)),
                    jobs::locked_until.eq(None::<NaiveDateTime>),
                    jobs::last_error.eq(Some(error)),
                ))
                .execute(conn)?;
        } else {
            diesel::update(target)
                .set((
                    jobs::status.eq("queued"),
                    jobs::run_at.eq(now + backoff(job.attempts - 1)),
                    jobs::locked_until.eq(None::<NaiveDateTime>),
                    jobs::last_error.eq(Some(error)),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Forgets finished jobs older than `before` (housekeeping).
pub fn purge_finished(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        jobs::table
            .filter(jobs::status.eq_any(["done", "failed"]))
            .filter(jobs::finished_at.lt(before)),
    )
    .execute(conn)
}

/// Jobs that failed for good, newest first (at most 100).
pub fn failed(conn: &mut DbConn) -> QueryResult<Vec<Job>> {
    jobs::table
        .filter(jobs::status.eq("failed"))
        .order(jobs::finished_at.desc())
        .limit(100)
        .select(Job::as_select())
        .load(conn)
}

/// Jobs by status, for health checks and tests.
pub fn count_by_status(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<(String, i64)>> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .group_by(jobs::status)
        .select((jobs::status, diesel::dsl::count_star()))
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(0).num_seconds(), 5);
        assert_eq!(backoff(1).num_seconds(), 10);
        assert_eq!(backoff(3).num_seconds(), 40);
        assert_eq!(backoff(30).num_seconds(), 3600);
    }
}
