//! Calendars and policies: syncing the configuration into the database,
//! changes over the API, the compiled registry, previews.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::calendar::CalendarSpec;
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;
use crate::jobs::queue::{self as jobs, NewJob};
use crate::sla::clock::{SlaReport, evaluate};
use crate::sla::policy::PolicySpec;
use crate::sla::registry::Registry;
use crate::sla::repo::{self, CalendarRow, PolicyRow};

/// The stored calendars and policies, compiled.
pub fn load(conn: &mut DbConn) -> Result<Registry, AppError> {
    let version = repo::version(conn)?;
    let (calendars, policies) = stored_specs(conn)?;
    Registry::compile(&calendars, &policies, version).map_err(AppError::Validation)
}

fn stored_specs(conn: &mut DbConn) -> Result<(Vec<CalendarSpec>, Vec<PolicySpec>), AppError> {
    let parse_err = |what: &str, name: &str, e: serde_json::Error| {
        AppError::Internal(anyhow::anyhow!("stored {what} `{name}` is unreadable: {e}"))
    };
    let calendars = repo::calendars(conn)?
        .into_iter()
        .map(|r| serde_json::from_str(&r.spec).map_err(|e| parse_err("calendar", &r.name, e)))
        .collect::<Result<Vec<CalendarSpec>, _>>()?;
    let policies = repo::policies(conn)?
        .into_iter()
        .map(|r| serde_json::from_str(&r.spec).map_err(|e| parse_err("policy", &r.name, e)))
        .collect::<Result<Vec<PolicySpec>, _>>()?;
    Ok((calendars, policies))
}

/// The job that recomputes every open ticket after a change of policies.
pub fn recompute_job(version: i64, now: NaiveDateTime) -> NewJob {
    NewJob::now(
        crate::sla::worker::RECOMPUTE_JOB,
        json!({ "version": version }),
        now,
    )
    .dedupe(format!("sla.recompute:v{version}"))
}

/// Writes the configuration's calendars and policies into the database
/// (rows from the API are kept), checks that the whole set compiles, and
/// schedules a recompute of open tickets when anything changed.
pub fn sync_config(
    db: &Db,
    calendars: &[CalendarSpec],
    policies: &[PolicySpec],
) -> Result<Registry, AppError> {
    db.write(|conn| {
        conn.lock_for_seeding()?;
        let now = ids::now();
        let mut changed = sync_calendars(conn, calendars, now)?;
        changed |= sync_policies(conn, policies, now)?;
        let version = if changed {
            repo::bump_version(conn, now)?
        } else {
            repo::version(conn)?
        };
        let registry = load(conn)?;
        if changed {
            jobs::enqueue(conn, recompute_job(version, now), now)?;
        }
        Ok(registry)
    })
}

/// The configuration's calendars into the database; whether any changed.
fn sync_calendars(
    conn: &mut DbConn,
    calendars: &[CalendarSpec],
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let mut changed = false;
    let stored = repo::calendars(conn)?;
    for spec in calendars {
        let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
        match stored.iter().find(|r| r.name == spec.name) {
            Some(r) if r.source == "api" => {
                return Err(AppError::invalid(
                    format!("calendars[{}]", spec.name),
                    "a calendar of this name was created over the API; rename one of them",
                ));
            }
            Some(r) if r.spec == text => {}
            _ => {
                repo::save_calendar(
                    conn,
                    &CalendarRow {
                        name: spec.name.clone(),
                        spec: text,
                        source: "config".into(),
                        updated_at: now,
                    },
                )?;
                changed = true;
            }
        }
    }
    for r in stored.iter().filter(|r| r.source == "config") {
        if !calendars.iter().any(|c| c.name == r.name) {
            repo::delete_calendar(conn, &r.name)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// The configuration's policies (in order) into the database; whether any
/// changed.
fn sync_policies(
    conn: &mut DbConn,
    policies: &[PolicySpec],
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let mut changed = false;
    let stored = repo::policies(conn)?;
    for (i, spec) in policies.iter().enumerate() {
        let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
        match stored.iter().find(|r| r.name == spec.name) {
            Some(r) if r.source == "api" => {
                return Err(AppError::invalid(
                    format!("sla_policies[{}]", spec.name),
                    "a policy of this name was created over the API; rename one of them",
                ));
            }
            Some(r) if r.spec == text && r.position == i as i32 => {}
            _ => {
                repo::save_policy(
                    conn,
                    &PolicyRow {
                        name: spec.name.clone(),
                        position: i as i32,
                        spec: text,
                        source: "config".into(),
                        updated_at: now,
                    },
                )?;
                changed = true;
            }
        }
    }
    for r in stored.iter().filter(|r| r.source == "config") {
        if !policies.iter().any(|p| p.name == r.name) {
            repo::delete_policy(conn, &r.name)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// Saves a calendar or policy created or changed over the API after checking
/// that the whole set still compiles; schedules the recompute.
pub fn save_from_api(
    db: &Db,
    calendar: Option<CalendarSpec>,
    policy: Option<(PolicySpec, Option<i32>)>,
) -> Result<Registry, AppError> {
    db.write(|conn| {
        let now = ids::now();
        if let Some(spec) = &calendar {
            let existing = repo::calendars(conn)?;
            if existing
                .iter()
                .any(|r| r.name == spec.name && r.source == "config")
                || spec.name == "24x7"
            {
                return Err(AppError::conflict(
                    "defined_in_config",
                    format!(
                        "calendar `{}` is defined in the configuration; change it there",
                        spec.name
                    ),
                ));
            }
            let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
            repo::save_calendar(
                conn,
                &CalendarRow {
                    name: spec.name.clone(),
                    spec: text,
                    source: "api".into(),
                    updated_at: now,
                },
            )?;
        }
        if let Some((spec, position)) = &policy {
            let existing = repo::policies(conn)?;
            if existing
                .iter()
                .any(|r| r.name == spec.name && r.source == "config")
            {
                return Err(AppError::conflict(
                    "defined_in_config",
                    format!(
                        "policy `{}` is defined in the configuration; change it there",
                        spec.name
                    ),
                ));
            }
            let last = existing.iter().map(|r| r.position).max().unwrap_or(0);
            let position = position.unwrap_or_else(|| {
                existing
                    .iter()
                    .find(|r| r.name == spec.name)
                    .map(|r| r.position)
                    .unwrap_or(last + 1)
            });
            let text = serde_json::to_string(spec).map_err(anyhow::Error::from)?;
            repo::save_policy(
                conn,
                &PolicyRow {
                    name: spec.name.clone(),
                    position,
                    spec: text,
                    source: "api".into(),
                    updated_at: now,
                },
            )?;
        }
        let version = repo::bump_version(conn, now)?;
        let registry = load(conn)?;
        jobs::enqueue(conn, recompute_job(version, now), now)?;
        Ok(registry)
    })
}

/// Removes an API-managed calendar or policy.
pub fn delete_from_api(
    db: &Db,
    calendar: Option<&str>,
    policy: Option<&str>,
) -> Result<Registry, AppError> {
    db.write(|conn| {
        let now = ids::now();
        if let Some(name) = calendar {
            let row = repo::calendars(conn)?.into_iter().find(|r| r.name == name);
            match row {
                None => return Err(AppError::NotFound(format!("calendar `{name}`"))),
                Some(r) if r.source == "config" => {
                    return Err(AppError::conflict(
                        "defined_in_config",
                        format!("calendar `{name}` is defined in the configuration"),
                    ));
                }
                Some(_) => {
                    repo::delete_calendar(conn, name)?;
                }
            }
        }
        if let Some(name) = policy {
            let row = repo::policies(conn)?.into_iter().find(|r| r.name == name);
            match row {
                None => return Err(AppError::NotFound(format!("policy `{name}`"))),
                Some(r) if r.source == "config" => {
                    return Err(AppError::conflict(
                        "defined_in_config",
                        format!("policy `{name}` is defined in the configuration"),
                    ));
                }
                Some(_) => {
                    repo::delete_policy(conn, name)?;
                }
            }
        }
        let version = repo::bump_version(conn, now)?;
        let registry = load(conn)?;
        jobs::enqueue(conn, recompute_job(version, now), now)?;
        Ok(registry)
    })
}

/// Runs a calendar and a policy on a history without storing anything.
pub fn preview(req: &crate::sla::dto::PreviewRequest) -> Result<SlaReport, AppError> {
    let mut errors = Vec::new();
    let events = req.events().map_err(AppError::Validation);
    let calendar = req.calendar.compile("calendar.", &[], &[]);
    let policy = req.policy.compile("policy.");
    let events = match events {
        Ok(e) => Some(e),
        Err(AppError::Validation(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => return Err(other),
    };
    if let Err(e) = &calendar {
        errors.extend(e.clone());
    }
    if let Err(e) = &policy {
        errors.extend(e.clone());
    }
    match (calendar, policy, events) {
        (Ok(calendar), Ok(policy), Some(events)) if errors.is_empty() => Ok(evaluate(
            &calendar,
            &policy,
            req.priority,
            req.created_at.timestamp_micros(),
            &events,
            req.now.timestamp_micros(),
        )),
        _ => Err(AppError::Validation(errors)),
    }
}

/// The stored calendars and policies, for the API.
pub fn stored(db: &Db) -> Result<(Vec<CalendarRow>, Vec<PolicyRow>), AppError> {
    db.read(|conn| Ok((repo::calendars(conn)?, repo::policies(conn)?)))
}
