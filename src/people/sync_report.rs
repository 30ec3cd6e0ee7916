//! What a directory sync did, as the CLI, the API and the page show it,
//! and the kept runs (`directory_syncs`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::sync::Trigger;
use super::sync_plan::{Action, Known, Plan};
use crate::db::DbConn;
use crate::db::schema::directory_syncs;
use crate::directory::Entry;
use crate::error::AppError;
use crate::ids::utc;

/// At most this many lines are kept with a run.
const KEPT_LINES: usize = 2000;

/// One person a sync touched (or would touch).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SyncLine {
    /// created, updated, deactivated, skipped or note.
    pub action: String,
    pub name: String,
    pub email: Option<String>,
    /// The person's id (for a created person, once created).
    pub user_id: Option<String>,
    pub dn: Option<String>,
    /// What changed, or why.
    pub detail: String,
}

/// One run of the sync.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = DirectorySync)]
pub struct SyncReport {
    pub id: String,
    /// cli, schedule, web or api.
    pub started_by: String,
    pub dry_run: bool,
    /// done or failed.
    pub status: String,
    pub created: i32,
    pub updated: i32,
    pub deactivated: i32,
    pub unchanged: i32,
    pub skipped: i32,
    /// Why the run failed.
    pub error: Option<String>,
    /// The people touched (at most 2,000 kept).
    pub lines: Vec<SyncLine>,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
}

/// A line per action (in the plan's order), then the notes.
pub fn lines(plan: &Plan, entries: &[Entry], known: &[Known]) -> Vec<SyncLine> {
    let people: HashMap<&str, &Known> = known.iter().map(|k| (k.user_id.as_str(), k)).collect();
    let by_dn: HashMap<&str, &Entry> = entries.iter().map(|e| (e.dn.as_str(), e)).collect();
    let mut out: Vec<SyncLine> = plan
        .actions
        .iter()
        .map(|a| match a {
            Action::Create { user_id, wanted } => SyncLine {
                action: "created".into(),
                name: wanted.display_name.clone(),
                email: Some(wanted.email.clone()),
                user_id: user_id.clone(),
                dn: Some(wanted.dn.clone()),
                detail: match user_id {
                    Some(_) => "a person on the existing account".into(),
                    None => "a new person and account".into(),
                },
            },
            Action::Update {
                user_id,
                wanted,
                changed,
            } => SyncLine {
                action: "updated".into(),
                name: wanted.display_name.clone(),
                email: people.get(user_id.as_str()).map(|k| k.email.clone()),
                user_id: Some(user_id.clone()),
                dn: Some(wanted.dn.clone()),
                detail: changed.join(", "),
            },
            Action::Deactivate {
                user_id,
                name,
                reason,
            } => SyncLine {
                action: "deactivated".into(),
                name: name.clone(),
                email: people.get(user_id.as_str()).map(|k| k.email.clone()),
                user_id: Some(user_id.clone()),
                dn: people.get(user_id.as_str()).and_then(|k| k.dn.clone()),
                detail: reason.clone(),
            },
            Action::Skip { dn, reason } => about_entry("skipped", dn, reason, &by_dn),
        })
        .collect();
    out.extend(
        plan.notes
            .iter()
            .map(|(dn, note)| about_entry("note", dn, note, &by_dn)),
    );
    out
}

/// A line about an entry no person is tied to (left out, or a note).
fn about_entry(action: &str, dn: &str, detail: &str, by_dn: &HashMap<&str, &Entry>) -> SyncLine {
    SyncLine {
        action: action.into(),
        name: by_dn
            .get(dn)
            .map(|e| e.display_name.clone())
            .unwrap_or_default(),
        email: None,
        user_id: None,
        dn: Some(dn.to_owned()),
        detail: detail.to_owned(),
    }
}

/// The run as it ended.
pub fn report(
    trigger: Trigger<'_>,
    outcome: &Result<(Plan, Vec<SyncLine>), AppError>,
    started: NaiveDateTime,
    finished: NaiveDateTime,
) -> SyncReport {
    let mut r = SyncReport {
        id: crate::ids::new_id(),
        started_by: trigger.started_by.to_owned(),
        dry_run: trigger.dry_run,
        status: "done".into(),
        created: 0,
        updated: 0,
        deactivated: 0,
        unchanged: 0,
        skipped: 0,
        error: None,
        lines: Vec::new(),
        started_at: utc(started),
        finished_at: utc(finished),
    };
    match outcome {
        Ok((plan, lines)) => {
            let count =
                |f: fn(&Action) -> bool| plan.actions.iter().filter(|a| f(a)).count() as i32;
            r.created = count(|a| matches!(a, Action::Create { .. }));
            r.updated = count(|a| matches!(a, Action::Update { .. }));
            r.deactivated = count(|a| matches!(a, Action::Deactivate { .. }));
            r.skipped = count(|a| matches!(a, Action::Skip { .. }));
            r.unchanged = plan.unchanged as i32;
            r.lines = lines.clone();
        }
        Err(e) => {
            r.status = "failed".into();
            r.error = Some(e.to_string());
        }
    }
    r
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = directory_syncs)]
struct Row {
    id: String,
    started_by: String,
    actor_id: Option<String>,
    dry_run: bool,
    status: String,
    created: i32,
    updated: i32,
    deactivated: i32,
    unchanged: i32,
    skipped: i32,
    error: Option<String>,
    details: String,
    started_at: NaiveDateTime,
    finished_at: NaiveDateTime,
}

/// Keeps a run (its first lines).
pub fn store(conn: &mut DbConn, r: &SyncReport, actor_id: Option<&str>) -> Result<(), AppError> {
    let kept = &r.lines[..r.lines.len().min(KEPT_LINES)];
    let row = Row {
        id: r.id.clone(),
        started_by: r.started_by.clone(),
        actor_id: actor_id.map(str::to_owned),
        dry_run: r.dry_run,
        status: r.status.clone(),
        created: r.created,
        updated: r.updated,
        deactivated: r.deactivated,
        unchanged: r.unchanged,
        skipped: r.skipped,
        error: r.error.clone(),
        details: serde_json::to_string(kept).map_err(anyhow::Error::from)?,
        started_at: r.started_at.naive_utc(),
        finished_at: r.finished_at.naive_utc(),
    };
    diesel::insert_into(directory_syncs::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// The latest runs, newest first.
pub fn latest(conn: &mut DbConn, limit: i64) -> Result<Vec<SyncReport>, AppError> {
    let rows: Vec<Row> = directory_syncs::table
        .order((
            directory_syncs::started_at.desc(),
            directory_syncs::id.desc(),
        ))
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// One run.
pub fn find(conn: &mut DbConn, id: &str) -> Result<Option<SyncReport>, AppError> {
    let row: Option<Row> = directory_syncs::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(from_row))
}

fn from_row(r: Row) -> SyncReport {
    SyncReport {
        id: r.id,
        started_by: r.started_by,
        dry_run: r.dry_run,
        status: r.status,
        created: r.created,
        updated: r.updated,
        deactivated: r.deactivated,
        unchanged: r.unchanged,
        skipped: r.skipped,
        error: r.error,
        lines: serde_json::from_str(&r.details).unwrap_or_default(),
        started_at: utc(r.started_at),
        finished_at: utc(r.finished_at),
    }
}
