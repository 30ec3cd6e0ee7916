//! Asset use cases: each is one transaction, with its history event in the
//! same transaction.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::domain::{self, Category, Current, Disposal, Move, MoveError, Status, Substate};
use super::dto::{
    AssetListParams, CheckinRequest, CheckoutRequest, CreateModel, CreateNamedThing, RegisterAsset,
    TransitionRequest,
};
use super::model::{Asset, AssetModel, Checkout, Location, Manufacturer};
use super::repo::{self, ListFilter};
use crate::audit::{self, AuditEvent, Entry};
use crate::auth::{User, repo as users};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids;

const ENTITY: &str = "asset";

/// An asset with what its page shows next to it.
#[derive(Debug, Clone)]
pub struct AssetView {
    pub asset: Asset,
    pub model: Option<(AssetModel, Manufacturer)>,
    pub location: Option<Location>,
    pub assignee: Option<User>,
    pub history: Option<Vec<(AuditEvent, Option<User>)>>,
}

fn may_manage(actor: &User) -> Result<(), AppError> {
    if actor.role.manages_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only asset managers and admins change the asset register".into(),
        ))
    }
}

fn may_read(actor: &User) -> Result<(), AppError> {
    if actor.role.sees_assets() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the asset register is for staff".into(),
        ))
    }
}

/// Default depreciation period of a category, in months.
pub fn default_months(c: Category) -> i32 {
    match c {
        Category::Phone => 24,
        Category::Laptop | Category::Tablet | Category::Peripheral => 36,
        Category::Desktop => 48,
        Category::Monitor | Category::Server | Category::Network => 60,
    }
}

fn find_person(conn: &mut DbConn, who: &str) -> Result<Option<User>, AppError> {
    let who = who.trim();
    Ok(if who.contains('@') {
        users::find_user_by_email(conn, &who.to_lowercase())?
    } else {
        users::find_user(conn, who)?
    })
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Registers an asset.
pub fn register(
    db: &Db,
    actor: &User,
    input: &RegisterAsset,
    now: NaiveDateTime,
) -> Result<AssetView, AppError> {
    may_manage(actor)?;
    let mut errors = Vec::new();
    let tag = input.asset_tag.trim().to_owned();
    if tag.is_empty() || tag.chars().count() > 64 {
        errors.push(FieldError::new("asset_tag", "must be 1–64 characters"));
    }
    let status = input.status.unwrap_or(Status::InStock);
    if !matches!(status, Status::Ordered | Status::InStock | Status::Deployed) {
        errors.push(FieldError::new(
            "status",
            "a new asset is ordered, in_stock or deployed; move it on with a transition",
        ));
    }
    let substate = match input.substate {
        Some(s) if !status.substates().contains(&s) => {
            errors.push(FieldError::new(
                "substate",
                format!("{s} is not a substate of {status}"),
            ));
            None
        }
        Some(s) => Some(s),
        None => status.default_substate(),
    };
    if let Some(c) = &input.cost {
        if c.amount_minor < 0 {
            errors.push(FieldError::new("cost.amount_minor", "must not be negative"));
        }
        if c.currency.len() != 3 || !c.currency.chars().all(|ch| ch.is_ascii_uppercase()) {
            errors.push(FieldError::new(
                "cost.currency",
                "must be an ISO 4217 code such as EUR or USD",
            ));
        }
    }
    if let Some(fields) = &input.custom_fields {
        for (k, v) in fields {
            if v.is_object() || v.is_array() {
                errors.push(FieldError::new(
                    format!("custom_fields.{k}"),
                    "must be a string, number, boolean or null",
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = db.write(|conn| {
        let mut errors = Vec::new();
        let model = match trimmed(&input.model_id) {
            Some(mid) => match repo::model(conn, &mid)? {
                Some(m) => Some(m),
                None => {
                    errors.push(FieldError::new("model_id", "no such model"));
                    None
                }
            },
            None => None,
        };
        let location_id = match trimmed(&input.location_id) {
            Some(lid) => {
                if repo::location(conn, &lid)?.is_none() {
                    errors.push(FieldError::new("location_id", "no such location"));
                }
                Some(lid)
            }
            None => None,
        };
        let assignee_id = match trimmed(&input.assignee) {
            Some(who) => match find_person(conn, &who)? {
                Some(u) => Some(u.id),
                None => {
                    errors.push(FieldError::new("assignee", "no such person"));
                    None
                }
            },
            None => None,
        };
        if status == Status::Deployed && assignee_id.is_none() && location_id.is_none() {
            errors.push(FieldError::new(
                "assignee",
                "a deployed asset needs an assignee or a location",
            ));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if repo::asset(conn, &tag)?.is_some() {
            return Err(AppError::conflict(
                "already_exists",
                format!("the asset tag {tag} is already in use"),
            ));
        }
        let row = Asset {
            id: ids::new_id(),
            asset_tag: tag.clone(),
            serial: trimmed(&input.serial),
            category: model.as_ref().map(|m| m.category),
            model_id: model.map(|m| m.id),
            hostname: trimmed(&input.hostname).map(|h| h.to_lowercase()),
            status,
            substate,
            needs_review: false,
            location_id,
            assignee_id,
            purchase_date: input.purchase_date,
            cost_minor: input.cost.as_ref().map(|c| c.amount_minor),
            currency: input.cost.as_ref().map(|c| c.currency.clone()),
            supplier: trimmed(&input.supplier),
            po_number: trimmed(&input.po_number),
            warranty_end: input.warranty_end,
            notes: input.notes.clone().unwrap_or_default(),
            custom_fields: Value::Object(input.custom_fields.clone().unwrap_or_default())
                .to_string(),
            disposal_method: None,
            disposal_date: None,
            disposal_evidence: None,
            created_at: now,
            updated_at: now,
        };
        repo::insert_asset(conn, &row)?;
        audit::record(
            conn,
            Entry {
                entity_type: ENTITY,
                entity_id: &row.id,
                actor_id: Some(&actor.id),
                action: "asset_registered",
                changes: json!({
                    "asset_tag": row.asset_tag,
                    "status": row.status.as_str(),
                    "substate": row.substate.map(|s| s.as_str()),
                }),
                at: now,
            },
        )?;
        Ok::<_, AppError>(row.id)
    })?;
    get(db, actor, &id, false)
}

/// One asset (by id or asset tag), with its history when asked.
pub fn get(db: &Db, actor: &User, id_or_tag: &str, history: bool) -> Result<AssetView, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let asset = repo::asset(conn, id_or_tag)?
            .ok_or_else(|| AppError::NotFound(format!("asset {id_or_tag}")))?;
        let mut views = views(conn, vec![asset])?;
        let mut view = views.pop().expect("one view per asset");
        if history {
            let events = audit::history(conn, ENTITY, &view.asset.id)?;
            let actor_ids: Vec<String> = events.iter().filter_map(|e| e.actor_id.clone()).collect();
            let people: HashMap<String, User> = users::find_users(conn, &actor_ids)?
                .into_iter()
                .map(|u| (u.id.clone(), u))
                .collect();
            view.history = Some(
                events
                    .into_iter()
                    .map(|e| {
                        let who = e.actor_id.as_ref().and_then(|id| people.get(id)).cloned();
                        (e, who)
                    })
                    .collect(),
            );
        }
        Ok(view)
    })
}

/// Attaches models, locations and people to rows.
fn views(conn: &mut DbConn, rows: Vec<Asset>) -> Result<Vec<AssetView>, AppError> {
    let models: HashMap<String, (AssetModel, Manufacturer)> = repo::models(conn)?
        .into_iter()
        .map(|(m, maker)| (m.id.clone(), (m, maker)))
        .collect();
    let locations: HashMap<String, Location> = repo::locations(conn)?
        .into_iter()
        .map(|l| (l.id.clone(), l))
        .collect();
    let mut person_ids: Vec<String> = rows.iter().filter_map(|a| a.assignee_id.clone()).collect();
    person_ids.sort();
    person_ids.dedup();
    let people: HashMap<String, User> = users::find_users(conn, &person_ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    Ok(rows
        .into_iter()
        .map(|asset| AssetView {
            model: asset
                .model_id
                .as_ref()
                .and_then(|id| models.get(id))
                .cloned(),
            location: asset
                .location_id
                .as_ref()
                .and_then(|id| locations.get(id))
                .cloned(),
            assignee: asset
                .assignee_id
                .as_ref()
                .and_then(|id| people.get(id))
                .cloned(),
            asset,
            history: None,
        })
        .collect())
}

fn encode_cursor(a: &Asset) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", a.created_at.and_utc().to_rfc3339(), a.id))
}

fn decode_cursor(text: &str) -> Result<(NaiveDateTime, String), AppError> {
    let bad = || AppError::invalid("cursor", "is not a cursor this listing handed out");
    let raw = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let (at, id) = raw.split_once('|').ok_or_else(bad)?;
    let at = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| bad())?;
    Ok((at.naive_utc(), id.to_owned()))
}

/// A page of assets, newest first.
pub fn list(
    db: &Db,
    actor: &User,
    p: &AssetListParams,
) -> Result<(Vec<AssetView>, Option<String>), AppError> {
    may_read(actor)?;
    let mut errors = Vec::new();
    let mut f = ListFilter::default();
    if let Some(s) = &p.status {
        for part in s.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match part.parse::<Status>() {
                Ok(st) => f.statuses.push(st),
                Err(_) => errors.push(FieldError::new(
                    "status",
                    format!(
                        "unknown status {part:?}; one of {}",
                        Status::ALL
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        }
    }
    if let Some(c) = &p.category {
        match c.parse::<Category>() {
            Ok(c) => f.category = Some(c),
            Err(_) => errors.push(FieldError::new(
                "category",
                format!("unknown category {c:?}"),
            )),
        }
    }
    if let Some(d) = &p.warranty_before {
        match d.parse::<NaiveDate>() {
            Ok(d) => f.warranty_before = Some(d),
            Err(_) => errors.push(FieldError::new("warranty_before", "must be YYYY-MM-DD")),
        }
    }
    let limit = p.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        errors.push(FieldError::new("limit", "must be 1–200"));
    }
    let after = match &p.cursor {
        Some(c) => match decode_cursor(c) {
            Ok(a) => Some(a),
            Err(AppError::Validation(mut e)) => {
                errors.append(&mut e);
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    f.model_id = p.model.clone();
    f.location_id = p.location.clone();
    f.hostname = p.hostname.clone();
    f.serial = p.serial.clone();
    f.needs_review = p.needs_review;
    db.read(|conn| {
        if let Some(who) = &p.assignee {
            f.assignee_id = if who == "none" {
                Some(None)
            } else {
                match find_person(conn, who)? {
                    Some(u) => Some(Some(u.id)),
                    // Nobody by that name has anything.
                    None => return Ok((Vec::new(), None)),
                }
            };
        }
        let mut rows = repo::list(conn, &f, after, limit + 1)?;
        let next = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(encode_cursor)
        } else {
            None
        };
        Ok((views(conn, rows)?, next))
    })
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

fn name_of(v: Option<Substate>) -> Value {
    v.map_or(Value::Null, |s| Value::from(s.as_str()))
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
        let assignee = match &req.assignee {
            None => None,
            Some(None) => Some(None),
            Some(Some(who)) => match find_person(conn, who)? {
                Some(u) => Some(Some(u.id)),
                None => return Err(AppError::invalid("assignee", "no such person")),
            },
        };
        if let Some(Some(lid)) = &req.location_id
            && repo::location(conn, lid)?.is_none()
        {
            return Err(AppError::invalid("location_id", "no such location"));
        }
        let current = Current {
            status: a.status,
            substate: a.substate,
            assignee: a.assignee_id.clone(),
            location: a.location_id.clone(),
        };
        let m = Move {
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
        };
        let out = domain::apply(&current, &m)?;
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
        changes.insert("reason".into(), Value::from(m.reason.trim()));
        a.status = out.status;
        a.substate = out.substate;
        a.assignee_id = out.assignee;
        a.location_id = out.location;
        a.needs_review = false;
        a.updated_at = now;
        repo::save_lifecycle(conn, &a)?;
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

fn clean_name(field: &str, name: &str) -> Result<String, AppError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 120 {
        return Err(AppError::invalid(field, "must be 1–120 characters"));
    }
    Ok(n.to_owned())
}

pub fn create_manufacturer(
    db: &Db,
    actor: &User,
    input: &CreateNamedThing,
    now: NaiveDateTime,
) -> Result<Manufacturer, AppError> {
    may_manage(actor)?;
    let row = Manufacturer {
        id: ids::new_id(),
        name: clean_name("name", &input.name)?,
        created_at: now,
    };
    db.write(|conn| {
        repo::insert_manufacturer(conn, &row)?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

pub fn create_location(
    db: &Db,
    actor: &User,
    input: &CreateNamedThing,
    now: NaiveDateTime,
) -> Result<Location, AppError> {
    may_manage(actor)?;
    let row = Location {
        id: ids::new_id(),
        name: clean_name("name", &input.name)?,
        created_at: now,
    };
    db.write(|conn| {
        repo::insert_location(conn, &row)?;
        Ok::<_, AppError>(())
    })?;
    Ok(row)
}

/// Creates a model (and its manufacturer if new).
pub fn create_model(
    db: &Db,
    actor: &User,
    input: &CreateModel,
    now: NaiveDateTime,
) -> Result<(AssetModel, Manufacturer), AppError> {
    may_manage(actor)?;
    let maker_name = clean_name("manufacturer", &input.manufacturer)?;
    let name = clean_name("name", &input.name)?;
    let months = input
        .depreciation_months
        .unwrap_or_else(|| default_months(input.category));
    if !(0..=600).contains(&months) {
        return Err(AppError::invalid("depreciation_months", "must be 0–600"));
    }
    db.write(|conn| {
        let maker = match repo::manufacturer_by_name(conn, &maker_name)? {
            Some(m) => m,
            None => {
                let m = Manufacturer {
                    id: ids::new_id(),
                    name: maker_name.clone(),
                    created_at: now,
                };
                repo::insert_manufacturer(conn, &m)?;
                m
            }
        };
        let model = AssetModel {
            id: ids::new_id(),
            manufacturer_id: maker.id.clone(),
            name: name.clone(),
            category: input.category,
            depreciation_months: months,
            created_at: now,
        };
        repo::insert_model(conn, &model)?;
        Ok::<_, AppError>((model, maker))
    })
}

pub fn models(db: &Db, actor: &User) -> Result<Vec<(AssetModel, Manufacturer)>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::models(conn)?))
}

pub fn locations(db: &Db, actor: &User) -> Result<Vec<Location>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::locations(conn)?))
}

pub fn manufacturers(db: &Db, actor: &User) -> Result<Vec<Manufacturer>, AppError> {
    may_read(actor)?;
    db.read(|conn| Ok(repo::manufacturers(conn)?))
}

/// A check-out with its asset and person.
pub type CheckoutView = (Checkout, Asset, Option<User>);

fn digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    crate::auth::token::hex(&Sha256::digest(token.as_bytes()))
}

/// Hands an asset in stock to a person: it becomes deployed with them, and
/// (unless told otherwise) they get a mail with a link to confirm receipt.
pub fn checkout(
    db: &Db,
    settings: &crate::config::Settings,
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
        let person = find_person(conn, &req.assignee)?
            .ok_or_else(|| AppError::invalid("assignee", "no such person"))?;
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
        let out = domain::apply(
            &Current {
                status: a.status,
                substate: a.substate,
                assignee: a.assignee_id.clone(),
                location: a.location_id.clone(),
            },
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
        a.status = out.status;
        a.substate = out.substate;
        a.assignee_id = out.assignee;
        a.location_id = out.location;
        a.needs_review = false;
        a.updated_at = now;
        repo::save_lifecycle(conn, &a)?;
        if let Some(token) = &token {
            let link = format!(
                "{}/assets/accept/{token}",
                settings.server.public_url.trim_end_matches('/')
            );
            let model = match &a.model_id {
                Some(mid) => repo::model(conn, mid)?.map(|m| m.name),
                None => None,
            };
            let what = match model {
                Some(m) => format!("{m} ({})", a.asset_tag),
                None => a.asset_tag.clone(),
            };
            crate::mail::notify::standalone(
                conn,
                &settings.mail,
                "asset_handover",
                &person.email,
                crate::mail::templates::asset_handover(
                    &settings.mail.display_name,
                    &person.display_name,
                    &what,
                    &link,
                    row.expected_return,
                ),
                now,
            )?;
        }
        Ok::<_, AppError>((a.id, row.id))
    })?;
    let view = get(db, actor, &asset_id, false)?;
    let c = checkout_view(db, &checkout_id)?;
    Ok((view, c))
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
            &Current {
                status: a.status,
                substate: a.substate,
                assignee: a.assignee_id.clone(),
                location: a.location_id.clone(),
            },
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
        a.status = out.status;
        a.substate = out.substate;
        a.assignee_id = out.assignee;
        a.location_id = out.location;
        a.updated_at = now;
        repo::save_lifecycle(conn, &a)?;
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

/// The hand-over an acceptance link belongs to (to show before confirming).
pub fn checkout_by_token(db: &Db, token: &str) -> Result<CheckoutView, AppError> {
    let d = digest(token.trim());
    let id = db
        .read(|conn| Ok::<_, AppError>(repo::checkout_by_token_digest(conn, &d)?))?
        .ok_or_else(|| AppError::NotFound("acceptance link".into()))?
        .id;
    checkout_view(db, &id)
}

fn ticket_for_linking(
    conn: &mut DbConn,
    actor: &User,
    ticket: &str,
) -> Result<crate::tickets::model::Ticket, AppError> {
    let r = crate::tickets::service::TicketRef::parse(ticket);
    let (t, _) = crate::tickets::service::visible_ticket(conn, actor, &r)?;
    Ok(t)
}

/// Records that a ticket is about an asset (both histories show it).
pub fn link_ticket(
    db: &Db,
    actor: &User,
    ticket: &str,
    asset: &str,
    now: NaiveDateTime,
) -> Result<Vec<Asset>, AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(
            "only staff link tickets to assets".into(),
        ));
    }
    db.write(|conn| {
        let t = ticket_for_linking(conn, actor, ticket)?;
        let a = repo::asset(conn, asset)?
            .ok_or_else(|| AppError::invalid("asset", format!("no asset {asset}")))?;
        if repo::link_ticket(conn, &t.id, &a.id, &actor.id, now)? {
            audit::record_many(
                conn,
                &[
                    Entry {
                        entity_type: "ticket",
                        entity_id: &t.id,
                        actor_id: Some(&actor.id),
                        action: "asset_linked",
                        changes: json!({"asset_id": a.id, "asset_tag": a.asset_tag}),
                        at: now,
                    },
                    Entry {
                        entity_type: ENTITY,
                        entity_id: &a.id,
                        actor_id: Some(&actor.id),
                        action: "ticket_linked",
                        changes: json!({"ticket_id": t.id, "ticket_number": t.number}),
                        at: now,
                    },
                ],
            )?;
        }
        Ok(repo::assets_of_ticket(conn, &t.id)?)
    })
}

/// Removes a ticket's link to an asset.
pub fn unlink_ticket(
    db: &Db,
    actor: &User,
    ticket: &str,
    asset: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(
            "only staff link tickets to assets".into(),
        ));
    }
    db.write(|conn| {
        let t = ticket_for_linking(conn, actor, ticket)?;
        let a = repo::asset(conn, asset)?
            .ok_or_else(|| AppError::NotFound(format!("asset {asset}")))?;
        if !repo::unlink_ticket(conn, &t.id, &a.id)? {
            return Err(AppError::NotFound(format!(
                "link between ticket #{} and {}",
                t.number, a.asset_tag
            )));
        }
        audit::record_many(
            conn,
            &[
                Entry {
                    entity_type: "ticket",
                    entity_id: &t.id,
                    actor_id: Some(&actor.id),
                    action: "asset_unlinked",
                    changes: json!({"asset_id": a.id, "asset_tag": a.asset_tag}),
                    at: now,
                },
                Entry {
                    entity_type: ENTITY,
                    entity_id: &a.id,
                    actor_id: Some(&actor.id),
                    action: "ticket_unlinked",
                    changes: json!({"ticket_id": t.id, "ticket_number": t.number}),
                    at: now,
                },
            ],
        )?;
        Ok(())
    })
}

/// The assets a ticket is about (staff who may see the ticket).
pub fn assets_of_ticket(db: &Db, actor: &User, ticket: &str) -> Result<Vec<AssetView>, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let t = ticket_for_linking(conn, actor, ticket)?;
        let rows = repo::assets_of_ticket(conn, &t.id)?;
        views(conn, rows)
    })
}

/// The tickets about an asset, newest first.
pub fn tickets_of_asset(
    db: &Db,
    actor: &User,
    asset: &str,
) -> Result<Vec<repo::TicketBrief>, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let a = repo::asset(conn, asset)?
            .ok_or_else(|| AppError::NotFound(format!("asset {asset}")))?;
        Ok(repo::tickets_of_asset(conn, &a.id)?)
    })
}

/// The software on a device.
pub fn installations(
    db: &Db,
    actor: &User,
    asset: &str,
    include_ended: bool,
) -> Result<Vec<super::inventory::Installation>, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let a = repo::asset(conn, asset)?
            .ok_or_else(|| AppError::NotFound(format!("asset {asset}")))?;
        Ok(super::inventory::installations(conn, &a.id, include_ended)?)
    })
}

/// Model, category, purchase date, cost and currency of an asset.
type CostRow = (
    Option<String>,
    Option<Category>,
    Option<NaiveDate>,
    Option<i64>,
    Option<String>,
);

/// Straight-line book value on `on` of every asset not disposed, by
/// category and currency (an asset without a model depreciates over its
/// category's default period, or not at all without a category).
pub fn depreciation(
    db: &Db,
    actor: &User,
    on: NaiveDate,
) -> Result<super::dto::DepreciationReport, AppError> {
    use crate::db::schema::assets;
    use diesel::prelude::*;
    may_read(actor)?;
    db.read(|conn| {
        let months: HashMap<String, i32> = repo::models(conn)?
            .into_iter()
            .map(|(m, _)| (m.id, m.depreciation_months))
            .collect();
        let rows: Vec<CostRow> = assets::table
            .filter(assets::status.ne(Status::Disposed))
            .select((
                assets::model_id,
                assets::category,
                assets::purchase_date,
                assets::cost_minor,
                assets::currency,
            ))
            .load(conn)?;
        let mut totals: std::collections::BTreeMap<(Option<Category>, String), (i64, i64, i64)> =
            std::collections::BTreeMap::new();
        let mut unvalued = 0;
        for (model, category, bought, cost, currency) in rows {
            let (Some(bought), Some(cost), Some(currency)) = (bought, cost, currency) else {
                unvalued += 1;
                continue;
            };
            let period = model
                .and_then(|m| months.get(&m).copied())
                .or_else(|| category.map(default_months))
                .unwrap_or(0);
            let value = if period == 0 && category.is_none() {
                cost
            } else {
                domain::value_on(cost, bought, period.max(0) as u32, on)
            };
            let t = totals.entry((category, currency)).or_default();
            t.0 += 1;
            t.1 += cost;
            t.2 += value;
        }
        Ok(super::dto::DepreciationReport {
            on,
            totals: totals
                .into_iter()
                .map(
                    |((category, currency), (n, cost, value))| super::dto::DepreciationTotal {
                        category,
                        currency,
                        assets: n,
                        cost_minor: cost,
                        value_minor: value,
                    },
                )
                .collect(),
            unvalued,
        })
    })
}

/// How many assets of each model are where in their life (disposed ones
/// left out), models by name.
pub fn stock(db: &Db, actor: &User) -> Result<Vec<super::dto::StockLine>, AppError> {
    use crate::db::schema::assets;
    use diesel::prelude::*;
    may_read(actor)?;
    db.read(|conn| {
        let models: HashMap<String, (AssetModel, Manufacturer)> = repo::models(conn)?
            .into_iter()
            .map(|(m, maker)| (m.id.clone(), (m, maker)))
            .collect();
        let counts: Vec<(Option<String>, Status, Option<Substate>, i64)> = assets::table
            .filter(assets::status.ne(Status::Disposed))
            .group_by((assets::model_id, assets::status, assets::substate))
            .select((
                assets::model_id,
                assets::status,
                assets::substate,
                diesel::dsl::count_star(),
            ))
            .load(conn)?;
        let mut lines: std::collections::BTreeMap<String, super::dto::StockLine> =
            std::collections::BTreeMap::new();
        for (model_id, status, substate, n) in counts {
            let (name, category) = match model_id.as_ref().and_then(|m| models.get(m)) {
                Some((m, maker)) => (format!("{} {}", maker.name, m.name), Some(m.category)),
                None => ("(no model)".to_owned(), None),
            };
            let line = lines
                .entry(name.clone())
                .or_insert_with(|| super::dto::StockLine {
                    model_id: model_id.clone(),
                    model: name,
                    category,
                    available: 0,
                    reserved: 0,
                    pending_repair: 0,
                    deployed: 0,
                    in_repair: 0,
                    ordered: 0,
                    other: 0,
                });
            match (status, substate) {
                (Status::InStock, Some(Substate::Reserved)) => line.reserved += n,
                (Status::InStock, Some(Substate::PendingRepair)) => line.pending_repair += n,
                (Status::InStock, _) => line.available += n,
                (Status::Deployed, _) => line.deployed += n,
                (Status::InRepair, _) => line.in_repair += n,
                (Status::Ordered, _) => line.ordered += n,
                _ => line.other += n,
            }
        }
        Ok(lines.into_values().collect())
    })
}
