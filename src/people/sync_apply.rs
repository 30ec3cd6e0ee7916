//! Applying a sync's plan: people created a chunk at a time (accounts,
//! people and history each in one statement; managers before the people
//! who report to them), then updates and deactivations.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::json;

use super::People;
use super::domain::EmploymentStatus;
use super::model::Person;
use super::repo;
use super::sync_plan::{Action, ManagerRef, Plan, Wanted};
use super::sync_report::SyncLine;
use crate::audit;
use crate::auth::people as accounts;
use crate::db::DbConn;
use crate::error::AppError;

/// How many actions one transaction applies.
const CHUNK: usize = 200;
/// Who a sync acts as in the people's history.
const SOURCE: &str = "directory_sync";

/// Applies the plan: people created first (so managers among them can be
/// named), then updates, then deactivations, a chunk per transaction.
pub(super) fn apply(
    people: &People,
    plan: &Plan,
    flavor: &str,
    lines: &mut [SyncLine],
) -> Result<(), AppError> {
    let now = crate::ids::now();
    let mut created: HashMap<String, String> = HashMap::new();
    let mut creates: Vec<(usize, &Action)> = plan
        .actions
        .iter()
        .enumerate()
        .filter(|(_, a)| matches!(a, Action::Create { .. }))
        .collect();
    // Managers before the people who report to them, so that most are
    // named as each person is created.
    let depth = manager_depths(plan);
    creates.sort_by_key(|(i, _)| depth.get(i).copied().unwrap_or(0));
    for chunk in creates.chunks(CHUNK) {
        let made = people
            .db
            .write(|conn| create_chunk(conn, chunk, flavor, &created, now))?;
        for (i, key, id) in made {
            lines[i].user_id = Some(id.clone());
            created.insert(key, id);
        }
    }
    let rest: Vec<&Action> = plan
        .actions
        .iter()
        .filter(|a| !matches!(a, Action::Create { .. } | Action::Skip { .. }))
        .collect();
    let mut gone = Vec::new();
    for chunk in rest.chunks(CHUNK) {
        people.db.write(|conn| {
            for a in chunk {
                match a {
                    Action::Update {
                        user_id, wanted, ..
                    } => update(conn, user_id, wanted, flavor, &created, now)?,
                    Action::Deactivate {
                        user_id, reason, ..
                    } => {
                        accounts::deactivate(conn, user_id, SOURCE, now)?;
                        record(conn, user_id, "deactivated", json!({"reason": reason}), now)?;
                        gone.push(user_id.clone());
                    }
                    _ => {}
                }
            }
            Ok::<_, AppError>(())
        })?;
    }
    // Managers who were created in this run.
    set_new_managers(people, plan, &depth, &created, now)?;
    for id in gone {
        people.tokens.forget_user(&id);
    }
    Ok(())
}

/// Creates a chunk's people: new accounts in one statement, people and
/// their history in one more each; answers (action index, key, person).
fn create_chunk(
    conn: &mut DbConn,
    chunk: &[(usize, &Action)],
    flavor: &str,
    created: &HashMap<String, String>,
    now: NaiveDateTime,
) -> Result<Vec<(usize, String, String)>, AppError> {
    let wanted: Vec<(usize, Option<&String>, &Wanted)> = chunk
        .iter()
        .filter_map(|(i, a)| match a {
            Action::Create { user_id, wanted } => Some((*i, user_id.as_ref(), wanted)),
            _ => None,
        })
        .collect();
    let keys: Vec<String> = wanted.iter().map(|(_, _, w)| w.key.clone()).collect();
    // Linked by another run since this one planned.
    let linked = repo::user_ids_by_key(conn, &keys)?;
    let mut out = Vec::new();
    let mut fresh = Vec::new();
    for (i, user_id, w) in wanted {
        if let Some(id) = linked.get(&w.key) {
            out.push((i, w.key.clone(), id.clone()));
        } else if let Some(id) = user_id {
            out.push((i, w.key.clone(), create(conn, id, w, flavor, now)?));
        } else {
            fresh.push((i, w));
        }
    }
    let pairs: Vec<(&str, &str)> = fresh
        .iter()
        .map(|(_, w)| (w.email.as_str(), w.display_name.as_str()))
        .collect();
    let users = accounts::create_contacts(conn, &pairs, SOURCE, now)?;
    let ids: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.email.as_str(), u.id.as_str()))
        .collect();
    // Everyone made so far, this chunk included, may be named as manager.
    let mut known = created.clone();
    known.extend(
        fresh
            .iter()
            .filter_map(|(_, w)| Some((w.key.clone(), (*ids.get(w.email.as_str())?).to_owned()))),
    );
    let mut rows = Vec::new();
    for (i, w) in fresh {
        let Some(id) = ids.get(w.email.as_str()) else {
            continue;
        };
        let mut p = Person::blank(id, now);
        put(&mut p, w, flavor, &known);
        out.push((i, w.key.clone(), p.user_id.clone()));
        rows.push(p);
    }
    repo::insert_many(conn, &rows)?;
    let snapshots: Vec<serde_json::Value> = rows.iter().map(snapshot).collect();
    let entries: Vec<audit::Entry<'_>> = rows
        .iter()
        .zip(snapshots)
        .map(|(p, mut changes)| {
            changes["source"] = SOURCE.into();
            audit::Entry {
                entity_type: "person",
                entity_id: &p.user_id,
                actor_id: None,
                action: "created",
                changes,
                at: now,
            }
        })
        .collect();
    audit::record_many(conn, &entries)?;
    Ok(out)
}

/// A person on an account that exists already (a contact until now).
fn create(
    conn: &mut DbConn,
    user_id: &str,
    w: &Wanted,
    flavor: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let user = accounts::find_user(conn, user_id)?
        .ok_or_else(|| AppError::NotFound(format!("account {user_id}")))?;
    accounts::set_identity(conn, &user, (&w.email, &w.display_name), SOURCE, now)?;
    let mut p = Person::blank(&user.id, now);
    put(&mut p, w, flavor, &HashMap::new());
    repo::insert(conn, &p)?;
    record(conn, &p.user_id, "created", snapshot(&p), now)?;
    Ok(p.user_id)
}

fn update(
    conn: &mut DbConn,
    user_id: &str,
    w: &Wanted,
    flavor: &str,
    created: &HashMap<String, String>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(mut p) = repo::find(conn, user_id)? else {
        return Ok(());
    };
    if let Some(user) = accounts::find_user(conn, user_id)? {
        let email = if w.email.is_empty() {
            user.email.as_str()
        } else {
            &w.email
        };
        accounts::set_identity(conn, &user, (email, &w.display_name), SOURCE, now)?;
    }
    let before = snapshot(&p);
    put(&mut p, w, flavor, created);
    p.updated_at = now;
    repo::save(conn, &p)?;
    let changes = audit::diff(&before, &snapshot(&p));
    record(conn, user_id, "updated", changes, now)
}

/// The entry's facts on the person; an employee id or manager the entry
/// does not settle stays as it was.
fn put(p: &mut Person, w: &Wanted, flavor: &str, created: &HashMap<String, String>) {
    p.given_name = w.given.clone();
    p.surname = w.surname.clone();
    if w.employee_id.is_some() {
        p.employee_id = w.employee_id.clone();
    }
    p.department = w.department.clone();
    p.title = w.title.clone();
    match &w.manager {
        None => {}
        Some(None) => p.manager_id = None,
        Some(Some(ManagerRef::Known(id))) => p.manager_id = Some(id.clone()),
        Some(Some(ManagerRef::New(key))) => p.manager_id = created.get(key).cloned(),
    }
    if p.manager_id.as_deref() == Some(p.user_id.as_str()) {
        p.manager_id = None;
    }
    p.directory_flavor = Some(flavor.to_owned());
    p.directory_dn = Some(w.dn.clone());
    p.directory_key = Some(w.key.clone());
    p.account_name = w.account_name.clone();
    if p.employment_status == EmploymentStatus::PendingStart && p.start_date.is_none() {
        p.employment_status = EmploymentStatus::Active;
    }
}

/// People created in this run whose managers were created in it too.
fn set_new_managers(
    people: &People,
    plan: &Plan,
    depth: &HashMap<usize, usize>,
    created: &HashMap<String, String>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let looped: std::collections::HashSet<String> = depth
        .iter()
        .filter(|(_, d)| **d == usize::MAX)
        .filter_map(|(i, _)| match &plan.actions[*i] {
            Action::Create { wanted, .. } => Some(wanted.key.clone()),
            _ => None,
        })
        .collect();
    let pending: Vec<(&String, &String)> = plan
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Create { wanted, .. } => match &wanted.manager {
                // Named at creation unless the manager came later (a
                // loop of managers).
                Some(Some(ManagerRef::New(key))) if looped.contains(&wanted.key) => {
                    Some((created.get(&wanted.key)?, created.get(key)?))
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    for chunk in pending.chunks(CHUNK) {
        people.db.write(|conn| {
            for (id, manager) in chunk {
                if id == manager {
                    continue;
                }
                if let Some(mut p) = repo::find(conn, id)? {
                    p.manager_id = Some((*manager).clone());
                    repo::save(conn, &p)?;
                    record(
                        conn,
                        id,
                        "updated",
                        json!({"manager_id": audit::change(None::<String>, manager.as_str())}),
                        now,
                    )?;
                }
            }
            Ok::<_, AppError>(())
        })?;
    }
    Ok(())
}

/// For each create (by action index), how many new managers stand above
/// it in this plan; `usize::MAX` for a loop of managers.
fn manager_depths(plan: &Plan) -> HashMap<usize, usize> {
    let by_key: HashMap<&str, (usize, &Wanted)> = plan
        .actions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| match a {
            Action::Create { wanted, .. } => Some((wanted.key.as_str(), (i, wanted))),
            _ => None,
        })
        .collect();
    let manager_of = |w: &Wanted| match &w.manager {
        Some(Some(ManagerRef::New(key))) => by_key.get(key.as_str()).copied(),
        _ => None,
    };
    by_key
        .values()
        .map(|(i, w)| {
            let mut depth = 0;
            let mut at = *w;
            while let Some((_, m)) = manager_of(at) {
                depth += 1;
                if depth > by_key.len() {
                    return (*i, usize::MAX);
                }
                at = m;
            }
            (*i, depth)
        })
        .collect()
}

fn snapshot(p: &Person) -> serde_json::Value {
    json!({"employee_id": p.employee_id, "given_name": p.given_name, "surname": p.surname,
        "department": p.department, "title": p.title, "manager_id": p.manager_id,
        "directory_dn": p.directory_dn, "directory_key": p.directory_key,
        "account_name": p.account_name})
}

fn record(
    conn: &mut DbConn,
    id: &str,
    action: &str,
    mut changes: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    changes["source"] = SOURCE.into();
    audit::record(
        conn,
        audit::Entry {
            entity_type: "person",
            entity_id: id,
            actor_id: None,
            action,
            changes,
            at: now,
        },
    )?;
    Ok(())
}
