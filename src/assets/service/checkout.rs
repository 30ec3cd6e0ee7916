//! Handing assets to people: check-out with a confirmed receipt, check-in,
//! and the list of what is out.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;

use super::lifecycle::{current, name_of, settle};
use super::{AssetView, ENTITY, get, may_manage, may_read};
use crate::assets::domain::{self, Move, Status};
use crate::assets::dto::{CheckinRequest, CheckoutRequest};
use crate::assets::model::{Asset, Checkout};
use crate::assets::repo;
use crate::audit::{self, Entry};
use crate::auth::people::find_person;
use crate::auth::token::digest;
use crate::auth::{User, people as users};
use crate::db::{Db, DbConn};
use crate::error::AppError;
use crate::ids;

/// A check-out with its asset and person.
pub type CheckoutView = (Checkout, Asset, Option<User>);

/// Hands an asset in stock to a person: it becomes deployed with them, and
/// (unless told otherwise) they get a mail with a link to confirm receipt.
pub fn checkout(
    db: &Db,
    mail: &super::super::MailFrom,
    actor: &User,
    id_or_tag: &str,
    req: &CheckoutRequest,
    now: NaiveDateTime,
) -> Result<(AssetView, CheckoutView), AppError> {
    may_manage(actor)?;
    if req.expected_return.is_some_and(|d| d < now.date()) {
        return Err(AppError::invalid("expected_return", "is in the past"));
    }
    let (asset_id, checkout_id) = db.write(|conn| {
        let mut a = repo::asset(conn, id_or_tag)?
            .ok_or_else(|| AppError::NotFound(format!("asset {id_or_tag}")))?;
        let person = find_person(conn, req.assignee.trim())?
            .ok_or_else(|| AppError::invalid("assignee", "no such person"))?;
        may_hand_out(conn, &a)?;
        let out = domain::apply(
            &current(&a),
            &Move {
                to: Some(Status::Deployed),
                reason: "checked out".into(),
                assignee: Some(Some(person.id.clone())),
                ..Move::default()
            },
        )?;
        let token = req
            .require_acceptance
            .unwrap_or(true)
            .then(crate::auth::token::generate);
        let row = Checkout {
            id: ids::new_id(),
            asset_id: a.id.clone(),
            user_id: person.id.clone(),
            checked_out_by: actor.id.clone(),
            checked_out_at: now,
            expected_return: req.expected_return,
            accept_token_digest: token.as_deref().map(digest),
            accepted_at: None,
            checked_in_at: None,
            checked_in_by: None,
            note: req.note.clone().unwrap_or_default(),
        };
        repo::insert_checkout(conn, &row)?;
        audit::record(
            conn,
            Entry {
                entity_type: ENTITY,
                entity_id: &a.id,
                actor_id: Some(&actor.id),
                action: "asset_checked_out",
                changes: json!({
                    "status": audit::change(a.status.as_str(), out.status.as_str()),
                    "assignee_id": audit::change(a.assignee_id.clone(), out.assignee.clone()),
                    "expected_return": row.expected_return,
                    "acceptance_required": token.is_some(),
                }),
                at: now,
            },
        )?;
        settle(conn, &mut a, out, now)?;
        if let Some(token) = &token {
            mail_handover(conn, mail, &a, &person, token, row.expected_return, now)?;
        }
        Ok::<_, AppError>((a.id, row.id))
    })?;
    let view = get(db, actor, &asset_id, false)?;
    let c = checkout_view(db, &checkout_id)?;
    Ok((view, c))
}

/// Only an asset in stock that nobody has is handed out.
fn may_hand_out(conn: &mut DbConn, a: &Asset) -> Result<(), AppError> {
    if repo::open_checkout(conn, &a.id)?.is_some() {
        return Err(AppError::conflict(
            "already_checked_out",
            format!("{} is checked out; check it in first", a.asset_tag),
        ));
    }
    if a.status != Status::InStock {
        return Err(AppError::Conflict {
            code: "not_in_stock",
            detail: format!(
                "only assets in stock are checked out; {} is {}",
                a.asset_tag, a.status
            ),
            extensions: serde_json::Map::new(),
        });
    }
    Ok(())
}

/// The mail that asks the person to confirm they received the asset.
fn mail_handover(
    conn: &mut DbConn,
    mail: &super::super::MailFrom,
    a: &Asset,
    person: &User,
    token: &str,
    expected_return: Option<chrono::NaiveDate>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let link = format!(
        "{}/assets/accept/{token}",
        mail.public_url.trim_end_matches('/')
    );
    let model = match &a.model_id {
        Some(mid) => repo::model(conn, mid)?.map(|m| m.name),
        None => None,
    };
    let what = match model {
        Some(m) => format!("{m} ({})", a.asset_tag),
        None => a.asset_tag.clone(),
    };
    crate::outbox::standalone(
        conn,
        crate::outbox::Sender {
            address: &mail.address,
            display_name: &mail.display_name,
        },
        "asset_handover",
        &person.email,
        super::super::mail::asset_handover(
            &mail.display_name,
            &person.display_name,
            &what,
            &link,
            expected_return,
        ),
        now,
    )
}

fn checkout_view(db: &Db, id: &str) -> Result<CheckoutView, AppError> {
    db.read(|conn| {
        let c = repo::checkout(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("check-out {id}")))?;
        let a = repo::asset(conn, &c.asset_id)?
            .ok_or_else(|| AppError::NotFound(format!("asset {}", c.asset_id)))?;
        let u = users::find_user(conn, &c.user_id)?;
        Ok((c, a, u))
    })
}

/// Takes an asset back into stock and closes its check-out.
pub fn checkin(
    db: &Db,
    actor: &User,
    id_or_tag: &str,
    req: &CheckinRequest,
    now: NaiveDateTime,
) -> Result<(AssetView, CheckoutView), AppError> {
    may_manage(actor)?;
    let (asset_id, checkout_id) = db.write(|conn| {
        let mut a = repo::asset(conn, id_or_tag)?
            .ok_or_else(|| AppError::NotFound(format!("asset {id_or_tag}")))?;
        let open = repo::open_checkout(conn, &a.id)?.ok_or_else(|| {
            AppError::conflict(
                "not_checked_out",
                format!("{} is not checked out", a.asset_tag),
            )
        })?;
        let reason = req
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .unwrap_or("checked in")
            .to_owned();
        let out = domain::apply(
            &current(&a),
            &Move {
                to: Some(Status::InStock),
                substate: req.substate,
                reason: reason.clone(),
                ..Move::default()
            },
        )?;
        repo::mark_checked_in(conn, &open.id, &actor.id, now)?;
        audit::record(
            conn,
            Entry {
                entity_type: ENTITY,
                entity_id: &a.id,
                actor_id: Some(&actor.id),
                action: "asset_checked_in",
                changes: json!({
                    "status": audit::change(a.status.as_str(), out.status.as_str()),
                    "substate": audit::change(name_of(a.substate), name_of(out.substate)),
                    "assignee_id": audit::change(a.assignee_id.clone(), out.assignee.clone()),
                    "reason": reason,
                }),
                at: now,
            },
        )?;
        settle(conn, &mut a, out, now)?;
        Ok::<_, AppError>((a.id, open.id))
    })?;
    let view = get(db, actor, &asset_id, false)?;
    let c = checkout_view(db, &checkout_id)?;
    Ok((view, c))
}

fn accept(
    conn: &mut DbConn,
    c: &Checkout,
    by: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if c.checked_in_at.is_some() {
        return Err(AppError::conflict(
            "checked_in",
            "this hand-over has ended; the asset was checked in",
        ));
    }
    if c.accepted_at.is_some() {
        return Ok(()); // the link clicked twice
    }
    repo::mark_accepted(conn, &c.id, now)?;
    audit::record(
        conn,
        Entry {
            entity_type: ENTITY,
            entity_id: &c.asset_id,
            actor_id: by.or(Some(&c.user_id)),
            action: "asset_checkout_accepted",
            changes: json!({ "checkout_id": c.id }),
            at: now,
        },
    )?;
    Ok(())
}

/// The person confirms receipt with the link's token.
pub fn accept_by_token(db: &Db, token: &str, now: NaiveDateTime) -> Result<CheckoutView, AppError> {
    let d = digest(token.trim());
    let id = db.write(|conn| {
        let c = repo::checkout_by_token_digest(conn, &d)?
            .ok_or_else(|| AppError::NotFound("acceptance link".into()))?;
        accept(conn, &c, None, now)?;
        Ok::<_, AppError>(c.id)
    })?;
    checkout_view(db, &id)
}

/// The person confirms receipt while logged in.
pub fn accept_as(
    db: &Db,
    actor: &User,
    checkout_id: &str,
    now: NaiveDateTime,
) -> Result<CheckoutView, AppError> {
    db.write(|conn| {
        let c = repo::checkout(conn, checkout_id)?
            .ok_or_else(|| AppError::NotFound(format!("check-out {checkout_id}")))?;
        if c.user_id != actor.id {
            return Err(AppError::Forbidden(
                "only the person who received the asset confirms it".into(),
            ));
        }
        if c.accept_token_digest.is_none() {
            return Err(AppError::conflict(
                "acceptance_not_required",
                "this hand-over needs no confirmation",
            ));
        }
        accept(conn, &c, Some(&actor.id), now)
    })?;
    checkout_view(db, checkout_id)
}

/// Open check-outs (or only the overdue ones), soonest due first.
pub fn checkouts(
    db: &Db,
    actor: &User,
    overdue: bool,
    limit: i64,
    today: NaiveDate,
) -> Result<Vec<CheckoutView>, AppError> {
    may_read(actor)?;
    if !(1..=500).contains(&limit) {
        return Err(AppError::invalid("limit", "must be 1–500"));
    }
    db.read(|conn| {
        let rows = repo::open_checkouts(conn, overdue.then_some(today), limit)?;
        let ids: Vec<String> = rows.iter().map(|(c, _)| c.user_id.clone()).collect();
        let people: HashMap<String, User> = users::find_users(conn, &ids)?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        Ok(rows
            .into_iter()
            .map(|(c, a)| {
                let u = people.get(&c.user_id).cloned();
                (c, a, u)
            })
            .collect())
    })
}

/// What a person holds now: each open hand-over with its asset and the
/// asset's model name. Anyone may ask about themselves.
pub fn held_by_me(
    db: &Db,
    actor: &User,
) -> Result<Vec<(Checkout, Asset, Option<String>)>, AppError> {
    db.read(|conn| {
        let rows = repo::held_by(conn, &actor.id)?;
        let model_ids: Vec<String> = rows
            .iter()
            .filter_map(|(_, a)| a.model_id.clone())
            .collect();
        let models = repo::models_by_ids(conn, &model_ids)?;
        Ok(rows
            .into_iter()
            .map(|(c, a)| {
                let model = a.model_id.as_ref().and_then(|id| {
                    models
                        .iter()
                        .find(|(m, _)| &m.id == id)
                        .map(|(m, make)| format!("{} {}", make.name, m.name))
                });
                (c, a, model)
            })
            .collect())
    })
}

/// The hand-over an acceptance link belongs to (to show before confirming).
pub fn checkout_by_token(db: &Db, token: &str) -> Result<CheckoutView, AppError> {
    let d = digest(token.trim());
    let id = db
        .read(|conn| Ok::<_, AppError>(repo::checkout_by_token_digest(conn, &d)?))?
        .ok_or_else(|| AppError::NotFound("acceptance link".into()))?
        .id;
    checkout_view(db, &id)
}

/// The open hand-over of an asset, with its person, if it is out.
pub fn open_checkout_of(
    db: &Db,
    actor: &User,
    asset_id: &str,
) -> Result<Option<(Checkout, Option<User>)>, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let Some(c) = repo::open_checkout(conn, asset_id)? else {
            return Ok(None);
        };
        let person = users::find_users(conn, std::slice::from_ref(&c.user_id))?
            .into_iter()
            .next();
        Ok(Some((c, person)))
    })
}
