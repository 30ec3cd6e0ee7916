//! Queries of the onboarding tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::{RunKind, RunStatus, StepKind, StepStatus};
use std::sync::{Mutex, PoisonError};

use crate::db::schema::{onboarding_runs, onboarding_steps, onboarding_templates};
use crate::db::{Db, DbConn};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = onboarding_templates)]
pub struct TemplateRow {
    pub name: String,
    /// The template as JSON.
    pub spec: String,
    /// `config` or `api`.
    pub source: String,
    pub updated_at: NaiveDateTime,
}

pub fn templates(conn: &mut DbConn) -> QueryResult<Vec<TemplateRow>> {
    onboarding_templates::table
        .order(onboarding_templates::name.asc())
        .select(TemplateRow::as_select())
        .load(conn)
}

pub fn template(conn: &mut DbConn, name: &str) -> QueryResult<Option<TemplateRow>> {
    onboarding_templates::table
        .find(name)
        .select(TemplateRow::as_select())
        .first(conn)
        .optional()
}

pub fn put_template(conn: &mut DbConn, row: &TemplateRow) -> QueryResult<()> {
    let updated = diesel::update(onboarding_templates::table.find(&row.name))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(onboarding_templates::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_template(conn: &mut DbConn, name: &str) -> QueryResult<usize> {
    diesel::delete(onboarding_templates::table.find(name)).execute(conn)
}

/// A run as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = onboarding_runs, treat_none_as_null = true)]
pub struct RunRow {
    pub id: String,
    pub kind: RunKind,
    pub status: RunStatus,
    pub person_id: Option<String>,
    /// The person as asked (JSON).
    pub person: String,
    pub template: Option<String>,
    pub effective_on: chrono::NaiveDate,
    /// The plan's overview (JSON).
    pub plan: String,
    /// What a revert needs (JSON): the groups and place of an offboarded
    /// account.
    pub undo: Option<String>,
    pub sealed_password: Option<String>,
    /// `none`, `sealed` or `revealed`.
    pub password_state: String,
    pub requested_by: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The service request the run was asked for by.
    pub ticket_id: Option<String>,
}

/// A step as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = onboarding_steps, treat_none_as_null = true)]
pub struct StepRow {
    pub run_id: String,
    pub position: i32,
    pub kind: StepKind,
    pub status: StepStatus,
    /// What it will do (JSON).
    pub detail: String,
    /// What it did (JSON).
    pub result: Option<String>,
    pub error: Option<String>,
    pub attempts: i32,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

pub fn insert_run(conn: &mut DbConn, run: &RunRow, steps: &[StepRow]) -> QueryResult<()> {
    diesel::insert_into(onboarding_runs::table)
        .values(run)
        .execute(conn)?;
    crate::insert_all!(conn, onboarding_steps::table, steps)?;
    Ok(())
}

pub fn run(conn: &mut DbConn, id: &str) -> QueryResult<Option<RunRow>> {
    onboarding_runs::table
        .find(id)
        .select(RunRow::as_select())
        .first(conn)
        .optional()
}

/// Holds a run's row until the transaction ends (PostgreSQL; SQLite's one
/// writer serialises already).
pub fn lock_run(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT id FROM onboarding_runs WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(c)?;
    }
    Ok(())
}

/// Runs `f` while no other allocation of a POSIX uidNumber runs: a
/// process-wide mutex, and on PostgreSQL (several processes share the
/// database) an advisory lock held by a transaction around `f`.
pub fn with_uid_lock<T>(db: &Db, f: impl FnOnce() -> Result<T, AppError>) -> Result<T, AppError> {
    static IN_PROCESS: Mutex<()> = Mutex::new(());
    let _held = IN_PROCESS.lock().unwrap_or_else(PoisonError::into_inner);
    db.read(|conn| match conn {
        DbConn::Postgres(c) => c.transaction(|c| {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<diesel::sql_types::Text, _>("itdesk:posix-uid-number")
                .execute(c)?;
            f()
        }),
        DbConn::Sqlite(_) => f(),
    })
}

pub fn save_run(conn: &mut DbConn, run: &RunRow) -> QueryResult<()> {
    diesel::update(onboarding_runs::table.find(&run.id))
        .set(run)
        .execute(conn)
        .map(|_| ())
}

/// The runs of `kind` for this person, oldest first.
pub fn runs_of_person(
    conn: &mut DbConn,
    person_id: &str,
    kind: RunKind,
) -> QueryResult<Vec<RunRow>> {
    onboarding_runs::table
        .filter(onboarding_runs::person_id.eq(person_id))
        .filter(onboarding_runs::kind.eq(kind))
        .order((onboarding_runs::created_at.asc(), onboarding_runs::id.asc()))
        .select(RunRow::as_select())
        .load(conn)
}

pub fn steps(conn: &mut DbConn, run_id: &str) -> QueryResult<Vec<StepRow>> {
    onboarding_steps::table
        .filter(onboarding_steps::run_id.eq(run_id))
        .order(onboarding_steps::position.asc())
        .select(StepRow::as_select())
        .load(conn)
}

pub fn save_step(conn: &mut DbConn, step: &StepRow) -> QueryResult<()> {
    diesel::update(onboarding_steps::table.find((&step.run_id, step.position)))
        .set(step)
        .execute(conn)
        .map(|_| ())
}

/// A page of runs, newest first, and how many match.
pub fn runs(
    conn: &mut DbConn,
    q: &super::dto::RunFilter,
    (limit, offset): (i64, i64),
) -> QueryResult<(Vec<RunRow>, i64)> {
    let filtered = || {
        let mut b = onboarding_runs::table.into_boxed();
        if let Some(s) = q.status {
            b = b.filter(onboarding_runs::status.eq(s));
        }
        if let Some(k) = q.kind {
            b = b.filter(onboarding_runs::kind.eq(k));
        }
        if let Some(p) = &q.person_id {
            b = b.filter(onboarding_runs::person_id.eq(p.clone()));
        }
        b
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((
            onboarding_runs::created_at.desc(),
            onboarding_runs::id.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select(RunRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}
