//! `itdesk directory sync`, its periodic job and its API: reads every
//! person under `directory.people_base`, plans the changes
//! ([`super::sync_plan`]) and applies them in short transactions (a dry run
//! applies nothing); every run is kept with what it did.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::json;

use super::People;
use super::domain::EmploymentStatus;
use super::model::Person;
use super::repo;
use super::sync_plan::{self, Action, Known, ManagerRef, Plan, Wanted};
use super::sync_report::{self, SyncLine, SyncReport};
use crate::audit;
use crate::auth::{User, people as accounts, service::ensure_contact_named};
use crate::db::DbConn;
use crate::directory::{Entry, Flavor, Session};
use crate::error::AppError;

/// How many actions one transaction applies.
const CHUNK: usize = 200;
/// Who a sync acts as in the people's history.
const SOURCE: &str = "directory_sync";

/// Who asked for a run.
#[derive(Debug, Clone, Copy)]
pub struct Trigger<'a> {
    /// `cli`, `schedule` or `web`/`api`.
    pub started_by: &'a str,
    pub actor_id: Option<&'a str>,
    pub dry_run: bool,
}

/// Runs a sync now (blocking: the directory session is). The run is kept
/// whether it succeeds or not; a failed run changed nothing it did not
/// report.
pub fn run(people: &People, trigger: Trigger<'_>) -> Result<SyncReport, AppError> {
    let started = crate::ids::now();
    let settings = people.directory.clone();
    let flavor = flavor_name(settings.flavor);
    let outcome = read_entries(people).and_then(|entries| {
        let known = people.db.read(|conn| known(conn, &entries))?;
        let plan = sync_plan::plan(&entries, &known, flavor);
        let mut lines = sync_report::lines(&plan, &entries, &known);
        if !trigger.dry_run {
            apply(people, &plan, flavor, &mut lines)?;
        }
        Ok((plan, lines))
    });
    let report = sync_report::report(trigger, &outcome, started, crate::ids::now());
    people
        .db
        .write(|conn| sync_report::store(conn, &report, trigger.actor_id))?;
    outcome.map(|_| report)
}

fn flavor_name(f: Flavor) -> &'static str {
    match f {
        Flavor::OpenLdap => "openldap",
        Flavor::Ad => "ad",
    }
}

/// Every person under `people_base` (a complete, paged search).
fn read_entries(people: &People) -> Result<Vec<Entry>, AppError> {
    if !people.directory.in_use() {
        return Err(AppError::conflict(
            "directory_not_configured",
            "no directory is configured: set directory.url (see config/example.toml)",
        ));
    }
    let mut session = Session::open(people.directory.clone())?;
    let entries = session.search_people("")?;
    session.close();
    Ok(entries)
}

/// Every person itdesk has, and the contact accounts with the entries'
/// addresses.
fn known(conn: &mut DbConn, entries: &[Entry]) -> Result<Vec<Known>, AppError> {
    let rows = repo::all(conn)?;
    let mut ids: Vec<String> = rows.iter().map(|p| p.user_id.clone()).collect();
    let mails: Vec<String> = entries
        .iter()
        .map(|e| e.mail.trim().to_lowercase())
        .filter(|m| !m.is_empty())
        .collect();
    let by_mail = accounts::ids_by_email(conn, &mails)?;
    ids.extend(by_mail.into_values());
    ids.sort();
    ids.dedup();
    let users: HashMap<String, User> = accounts::find_users(conn, &ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    let mut rows: HashMap<String, Person> =
        rows.into_iter().map(|p| (p.user_id.clone(), p)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| {
            let u = users.get(id)?;
            Some(known_of(u, rows.remove(id)))
        })
        .collect())
}

fn known_of(u: &User, p: Option<Person>) -> Known {
    let mut k = Known {
        user_id: u.id.clone(),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        is_active: u.is_active,
        is_person: p.is_some(),
        ..Known::default()
    };
    if let Some(p) = p {
        k.given = p.given_name;
        k.surname = p.surname;
        k.employee_id = p.employee_id;
        k.department = p.department;
        k.title = p.title;
        k.manager_id = p.manager_id;
        k.dn = p.directory_dn;
        k.key = p.directory_key;
        k.account_name = p.account_name;
        k.flavor = p.directory_flavor;
    }
    k
}

/// Applies the plan: people created first (so managers among them can be
/// named), then updates, then deactivations, a chunk per transaction.
fn apply(
    people: &People,
    plan: &Plan,
    flavor: &str,
    lines: &mut [SyncLine],
) -> Result<(), AppError> {
    let now = crate::ids::now();
    let mut created: HashMap<String, String> = HashMap::new();
    let creates: Vec<(usize, &Action)> = plan
        .actions
        .iter()
        .enumerate()
        .filter(|(_, a)| matches!(a, Action::Create { .. }))
        .collect();
    for chunk in creates.chunks(CHUNK) {
        let made = people.db.write(|conn| {
            let mut made = Vec::new();
            for (i, a) in chunk {
                if let Action::Create { user_id, wanted } = a {
                    let id = create(conn, user_id.as_deref(), wanted, flavor, now)?;
                    made.push((*i, wanted.key.clone(), id));
                }
            }
            Ok::<_, AppError>(made)
        })?;
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
    set_new_managers(people, plan, &created, now)?;
    for id in gone {
        people.tokens.forget_user(&id);
    }
    Ok(())
}

fn create(
    conn: &mut DbConn,
    user_id: Option<&str>,
    w: &Wanted,
    flavor: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    if let Some(p) = repo::by_directory_key(conn, &w.key)? {
        // Another run linked it since this one planned.
        return Ok(p.user_id);
    }
    let user = match user_id {
        Some(id) => {
            let user = accounts::find_user(conn, id)?
                .ok_or_else(|| AppError::NotFound(format!("account {id}")))?;
            accounts::set_identity(conn, &user, (&w.email, &w.display_name), SOURCE, now)?;
            user
        }
        None => ensure_contact_named(conn, &w.email, Some(&w.display_name), "mail", None, now)?,
    };
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
    created: &HashMap<String, String>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let pending: Vec<(&String, &String)> = plan
        .actions
        .iter()
        .filter_map(|a| match a {
            Action::Create { wanted, .. } => match &wanted.manager {
                Some(Some(ManagerRef::New(key))) => {
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
