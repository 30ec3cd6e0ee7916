//! `itdesk directory sync`, its periodic job and its API: reads every
//! person under `directory.people_base`, plans the changes
//! ([`super::sync_plan`]) and applies them in short transactions (a dry run
//! applies nothing); every run is kept with what it did.

use std::collections::HashMap;

use super::People;
use super::model::Person;
use super::repo;
use super::sync_plan::{self, Known};
use super::sync_report::{self, SyncReport};
use crate::auth::{User, people as accounts};
use crate::db::DbConn;
use crate::directory::{Entry, Session};
use crate::error::AppError;

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
    let flavor = settings.flavor.as_str();
    let outcome = read_entries(people).and_then(|entries| {
        let known = people.db.read(|conn| known(conn, &entries))?;
        let plan = sync_plan::plan(&entries, &known, flavor);
        let mut lines = sync_report::lines(&plan, &entries, &known);
        if !trigger.dry_run {
            super::sync_apply::apply(people, &plan, flavor, &mut lines)?;
        }
        Ok((plan, lines))
    });
    let report = sync_report::report(trigger, &outcome, started, crate::ids::now());
    people
        .db
        .write(|conn| sync_report::store(conn, &report, trigger.actor_id))?;
    outcome.map(|_| report)
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
