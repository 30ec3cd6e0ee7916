//! Moving an asset through its lifecycle: the rules are in
//! `domain::apply`; this applies their outcome and records it.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::{AssetView, ENTITY, get, may_manage};
use crate::assets::domain::{self, Current, Disposal, Move, MoveError, Outcome, Status, Substate};
use crate::assets::dto::TransitionRequest;
use crate::assets::model::Asset;
use crate::assets::repo;
use crate::audit::{self, Entry};
use crate::auth::User;
use crate::auth::people::find_person;
use crate::db::{Db, DbConn};
use crate::error::AppError;

/// What the lifecycle rules read of an asset.
pub(super) fn current(a: &Asset) -> Current {
    Current {
        status: a.status,
        substate: a.substate,
        assignee: a.assignee_id.clone(),
        location: a.location_id.clone(),
    }
}

/// Writes a move's outcome to the asset: a person has now looked at it, so
/// it no longer needs review.
pub(super) fn settle(
    conn: &mut DbConn,
    a: &mut Asset,
    out: Outcome,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    a.status = out.status;
    a.substate = out.substate;
    a.assignee_id = out.assignee;
    a.location_id = out.location;
    a.needs_review = false;
    a.updated_at = now;
    repo::save_lifecycle(conn, a)?;
    Ok(())
}

impl From<MoveError> for AppError {
    fn from(err: MoveError) -> AppError {
        match &err {
            MoveError::NotAllowed { allowed, .. } => {
                let mut extensions = serde_json::Map::new();
                extensions.insert(
                    "allowed".into(),
                    Value::Array(allowed.iter().map(|s| Value::from(s.as_str())).collect()),
                );
                AppError::Conflict {
                    code: "transition_not_allowed",
                    detail: err.to_string(),
                    extensions,
                }
            }
            MoveError::Invalid(field, message) => AppError::invalid(field.name(), message.clone()),
        }
    }
}

pub(super) fn name_of(v: Option<Substate>) -> Value {
    v.map_or(Value::Null, |s| Value::from(s.as_str()))
}

/// The move a request asks for, with the person and place it names found.
fn requested_move(conn: &mut DbConn, req: &TransitionRequest) -> Result<Move, AppError> {
    let assignee = match &req.assignee {
        None => None,
        Some(None) => Some(None),
        Some(Some(who)) => match find_person(conn, who.trim())? {
            Some(u) => Some(Some(u.id)),
            None => return Err(AppError::invalid("assignee", "no such person")),
        },
    };
    if let Some(Some(lid)) = &req.location_id
        && repo::location(conn, lid)?.is_none()
    {
        return Err(AppError::invalid("location_id", "no such location"));
    }
    Ok(Move {
        to: req.to,
        substate: req.substate,
        reason: req.reason.clone(),
        assignee,
        location: req.location_id.clone(),
        disposal: req.disposal.as_ref().map(|d| Disposal {
            method: d.method.trim().to_owned(),
            date: d.date,
            evidence: d.evidence.trim().to_owned(),
        }),
    })
}

/// What the move changes, from/to, for the history; a disposal's facts
/// are set on the asset.
fn moved(a: &mut Asset, out: &domain::Outcome, m: &Move) -> serde_json::Map<String, Value> {
    let mut changes = serde_json::Map::new();
    if out.status != a.status {
        changes.insert(
            "status".into(),
            audit::change(a.status.as_str(), out.status.as_str()),
        );
    }
    if out.substate != a.substate {
        changes.insert(
            "substate".into(),
            audit::change(name_of(a.substate), name_of(out.substate)),
        );
    }
    if out.assignee != a.assignee_id {
        changes.insert(
            "assignee_id".into(),
            audit::change(a.assignee_id.clone(), out.assignee.clone()),
        );
    }
    if out.location != a.location_id {
        changes.insert(
            "location_id".into(),
            audit::change(a.location_id.clone(), out.location.clone()),
        );
    }
    if out.status == Status::Disposed
        && let Some(d) = &m.disposal
    {
        a.disposal_method = Some(d.method.clone());
        a.disposal_date = Some(d.date);
        a.disposal_evidence = Some(d.evidence.clone());
        changes.insert(
            "disposal".into(),
            json!({"method": d.method, "date": d.date, "evidence": d.evidence}),
        );
    }
    if a.needs_review {
        changes.insert("needs_review".into(), audit::change(true, false));
    }
    changes
}

/// Moves an asset through its lifecycle (or changes substate, assignee or
/// location in place), recording who, when and why.
pub fn transition(
    db: &Db,
    actor: &User,
    id_or_tag: &str,
    req: &TransitionRequest,
    now: NaiveDateTime,
) -> Result<AssetView, AppError> {
    may_manage(actor)?;
    let id = db.write(|conn| {
        let mut a = repo::asset(conn, id_or_tag)?
            .ok_or_else(|| AppError::NotFound(format!("asset {id_or_tag}")))?;
        let m = requested_move(conn, req)?;
        let out = domain::apply(&current(&a), &m)?;
        let mut changes = moved(&mut a, &out, &m);
        changes.insert("reason".into(), Value::from(m.reason.trim()));
        settle(conn, &mut a, out, now)?;
        audit::record(
            conn,
            Entry {
                entity_type: ENTITY,
                entity_id: &a.id,
                actor_id: Some(&actor.id),
                action: "asset_transition",
                changes: Value::Object(changes),
                at: now,
            },
        )?;
        Ok::<_, AppError>(a.id)
    })?;
    get(db, actor, &id, true)
}
