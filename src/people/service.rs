//! Adding, changing, finding and listing people; every change in the
//! person's history (`person`).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;

use super::domain::{EmploymentStatus, full_name, status_on};
use super::dto::{DirectoryLink, PersonDto, PersonInput};
use super::model::Person;
use super::repo::{self, PeopleQuery};
use crate::audit;
use crate::auth::domain::Role;
use crate::auth::{User, people, service::ensure_contact_named};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::ids::utc;

/// Staff read people; requesters see only themselves elsewhere.
fn may_read(actor: &User) -> Result<(), AppError> {
    if actor.role == Role::Requester {
        return Err(AppError::Forbidden("people are for staff".into()));
    }
    Ok(())
}

/// Coordinators and admins add and change people.
fn may_change(actor: &User) -> Result<(), AppError> {
    if matches!(actor.role, Role::Coordinator | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "coordinators and admins add and change people".into(),
        ))
    }
}

use crate::text::trimmed as text;

/// Puts the input on `p`, collecting faults; the manager is resolved.
fn apply(
    conn: &mut DbConn,
    p: &mut Person,
    input: &PersonInput,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    let mut name = |field: &str, v: &Option<String>, into: &mut String| {
        if let Some(v) = v {
            let v = v.trim();
            if v.is_empty() || v.chars().count() > 120 {
                errors.push(FieldError::new(field, "1 to 120 characters"));
            }
            v.clone_into(into);
        }
    };
    name("given_name", &input.given_name, &mut p.given_name);
    name("surname", &input.surname, &mut p.surname);
    if let Some(v) = &input.employee_id {
        p.employee_id = text(v);
    }
    if let Some(v) = &input.department {
        p.department = text(v);
    }
    if let Some(v) = &input.title {
        p.title = text(v);
    }
    if let Some(v) = &input.location_id {
        p.location_id = text(v);
    }
    if let Some(v) = input.start_date {
        p.start_date = v;
    }
    if let Some(v) = input.end_date {
        p.end_date = v;
    }
    if let (Some(s), Some(e)) = (p.start_date, p.end_date)
        && e < s
    {
        errors.push(FieldError::new("end_date", "on or after the start date"));
    }
    if let Some(m) = &input.manager {
        p.manager_id = match text(m) {
            None => None,
            Some(who) => match people::find_person(conn, &who)? {
                Some(u) if u.id == p.user_id => {
                    errors.push(FieldError::new("manager", "not the person themselves"));
                    None
                }
                Some(u) => Some(u.id),
                None => {
                    errors.push(FieldError::new("manager", "no such person"));
                    None
                }
            },
        };
    }
    if let Some(id) = &p.employee_id
        && repo::by_employee_id(conn, id)?.is_some_and(|o| o.user_id != p.user_id)
    {
        errors.push(FieldError::new(
            "employee_id",
            "another person has this employee id",
        ));
    }
    Ok(())
}

/// Adds a person: the account of `email` (made as a requester when there is
/// none) with what HR knows. 409 when the account is a person already.
pub fn create_person(
    db: &Db,
    actor: &User,
    input: &PersonInput,
    (today, now): (NaiveDate, NaiveDateTime),
) -> Result<PersonDto, AppError> {
    may_change(actor)?;
    db.write(|conn| {
        let p = create_in(conn, actor, input, (today, now))?;
        view(conn, &p)
    })
}

/// [`create_person`] inside the caller's write transaction (onboarding
/// registers its new hire this way); the caller checked the actor.
pub fn create_in(
    conn: &mut DbConn,
    actor: &User,
    input: &PersonInput,
    (today, now): (NaiveDate, NaiveDateTime),
) -> Result<Person, AppError> {
    let Some(email) = text(&input.email) else {
        return Err(AppError::invalid("email", "the person's email address"));
    };
    let name = full_name(
        input.given_name.as_deref().unwrap_or(""),
        input.surname.as_deref().unwrap_or(""),
    );
    let user = ensure_contact_named(conn, &email, Some(&name), "email", Some(&actor.id), now)?;
    if repo::find(conn, &user.id)?.is_some() {
        return Err(AppError::conflict(
            "person_exists",
            format!("{} is a person already", user.email),
        ));
    }
    let mut p = Person::blank(&user.id, now);
    let mut errors = Vec::new();
    for (field, v) in [
        ("given_name", &input.given_name),
        ("surname", &input.surname),
    ] {
        if v.is_none() {
            errors.push(FieldError::new(field, "1 to 120 characters"));
        }
    }
    apply(conn, &mut p, input, &mut errors)?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    p.employment_status = input
        .employment_status
        .unwrap_or_else(|| status_on(p.start_date, p.end_date, today));
    repo::insert(conn, &p)?;
    record(conn, actor, &p.user_id, "created", snapshot(&p), now)?;
    Ok(p)
}

/// Changes a person.
pub fn update_person(
    db: &Db,
    actor: &User,
    id: &str,
    input: &PersonInput,
    now: NaiveDateTime,
) -> Result<PersonDto, AppError> {
    may_change(actor)?;
    db.write(|conn| {
        let p = update_in(conn, actor, id, input, now)?;
        view(conn, &p)
    })
}

/// [`update_person`] inside the caller's write transaction; the caller
/// checked the actor.
pub fn update_in(
    conn: &mut DbConn,
    actor: &User,
    id: &str,
    input: &PersonInput,
    now: NaiveDateTime,
) -> Result<Person, AppError> {
    if input.email.is_some() {
        return Err(AppError::invalid(
            "email",
            "changes on the account, not here",
        ));
    }
    let mut p = load(conn, id)?;
    let before = snapshot(&p);
    let mut errors = Vec::new();
    apply(conn, &mut p, input, &mut errors)?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if let Some(s) = input.employment_status {
        p.employment_status = s;
    }
    p.updated_at = now;
    repo::save(conn, &p)?;
    let after = snapshot(&p);
    let changes = audit::diff(&before, &after);
    if changes.as_object().is_some_and(|c| !c.is_empty()) {
        record(conn, actor, &p.user_id, "updated", changes, now)?;
    }
    Ok(p)
}

/// A person by account id or email, on the caller's connection.
pub fn find_in(conn: &mut DbConn, id: &str) -> Result<Option<Person>, AppError> {
    Ok(match people::find_person(conn, id)? {
        Some(u) => repo::find(conn, &u.id)?,
        None => None,
    })
}

/// Links a person to the directory entry made for them (onboarding), with
/// the change in their history.
pub fn link_directory(
    conn: &mut DbConn,
    actor: &User,
    user_id: &str,
    link: &DirectoryLink,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut p = load(conn, user_id)?;
    let before = json!({"flavor": p.directory_flavor, "dn": p.directory_dn,
        "key": p.directory_key, "account_name": p.account_name});
    p.directory_flavor = Some(link.flavor.clone());
    p.directory_dn.clone_from(&link.dn);
    p.directory_key = Some(link.key.clone());
    p.account_name.clone_from(&link.account_name);
    p.updated_at = now;
    repo::save(conn, &p)?;
    let after = json!({"flavor": p.directory_flavor, "dn": p.directory_dn,
        "key": p.directory_key, "account_name": p.account_name});
    record(
        conn,
        actor,
        user_id,
        "directory_linked",
        audit::diff(&before, &after),
        now,
    )
}

/// One person, by account id or email.
pub fn person(db: &Db, actor: &User, id: &str) -> Result<PersonDto, AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let p = load(conn, id)?;
        view(conn, &p)
    })
}

/// One person with what they hold: devices, seats, tickets, runs.
pub fn person_with_holdings(
    people: &super::People,
    actor: &User,
    id: &str,
) -> Result<PersonDto, AppError> {
    may_read(actor)?;
    people.db.read(|conn| {
        let p = load(conn, id)?;
        let mut dto = view(conn, &p)?;
        if let Some(source) = &people.holdings {
            let h = source.holdings(conn, &p.user_id)?;
            dto.assets = Some(h.assets);
            dto.license_allocations = Some(h.license_allocations);
            dto.tickets = Some(h.tickets);
            dto.runs = Some(h.runs);
        }
        Ok(dto)
    })
}

/// What the listing filters on, as asked.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub department: Option<String>,
    /// The manager's id or email.
    pub manager: Option<String>,
    pub status: Option<EmploymentStatus>,
    pub q: Option<String>,
}

/// A page of people by surname, and how many match.
pub fn list_people(
    db: &Db,
    actor: &User,
    f: &PeopleFilter,
    window: (i64, i64),
) -> Result<(Vec<PersonDto>, i64), AppError> {
    may_read(actor)?;
    db.read(|conn| {
        let manager_id = match f
            .manager
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            None => None,
            Some(m) => Some(
                people::find_person(conn, m)?
                    .map(|u| u.id)
                    .ok_or_else(|| AppError::invalid("manager", "no such person"))?,
            ),
        };
        let q = text(&f.q);
        // Matching addresses are found on the accounts.
        let emails = match &q {
            Some(t) if t.contains('@') => people::find_user_by_email(conn, &t.to_lowercase())?
                .map(|u| vec![u.id])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let query = PeopleQuery {
            department: text(&f.department),
            manager_id,
            status: f.status,
            q,
            emails,
        };
        let (rows, total) = repo::list(conn, &query, window)?;
        Ok((views(conn, &rows)?, total))
    })
}

fn load(conn: &mut DbConn, id: &str) -> Result<Person, AppError> {
    let user = people::find_person(conn, id)?;
    match user {
        Some(u) => repo::find(conn, &u.id)?,
        None => None,
    }
    .ok_or_else(|| AppError::NotFound(format!("person {id}")))
}

fn snapshot(p: &Person) -> serde_json::Value {
    json!({"employee_id": p.employee_id, "given_name": p.given_name, "surname": p.surname,
        "department": p.department, "title": p.title, "manager_id": p.manager_id,
        "location_id": p.location_id, "start_date": p.start_date, "end_date": p.end_date,
        "employment_status": p.employment_status.as_str()})
}

fn record(
    conn: &mut DbConn,
    actor: &User,
    id: &str,
    action: &'static str,
    changes: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    audit::record_by(conn, &actor.id, ("person", id), action, changes, now)?;
    Ok(())
}

fn view(conn: &mut DbConn, p: &Person) -> Result<PersonDto, AppError> {
    Ok(views(conn, std::slice::from_ref(p))?.remove(0))
}

/// People as the API shows them, with their accounts and managers' names.
fn views(conn: &mut DbConn, list: &[Person]) -> Result<Vec<PersonDto>, AppError> {
    let mut ids: Vec<String> = list.iter().map(|p| p.user_id.clone()).collect();
    ids.extend(list.iter().filter_map(|p| p.manager_id.clone()));
    let users: HashMap<String, User> = people::find_users(conn, &ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u))
        .collect();
    Ok(list
        .iter()
        .filter_map(|p| {
            let u = users.get(&p.user_id)?;
            Some(PersonDto {
                id: p.user_id.clone(),
                email: u.email.clone(),
                name: full_name(&p.given_name, &p.surname),
                given_name: p.given_name.clone(),
                surname: p.surname.clone(),
                employee_id: p.employee_id.clone(),
                department: p.department.clone(),
                title: p.title.clone(),
                manager_id: p.manager_id.clone(),
                manager_name: p
                    .manager_id
                    .as_ref()
                    .and_then(|m| users.get(m))
                    .map(|m| m.display_name.clone()),
                location_id: p.location_id.clone(),
                start_date: p.start_date,
                end_date: p.end_date,
                employment_status: p.employment_status,
                is_active: u.is_active,
                directory: p.directory_key.as_ref().map(|k| DirectoryLink {
                    flavor: p.directory_flavor.clone().unwrap_or_default(),
                    dn: p.directory_dn.clone(),
                    key: k.clone(),
                    account_name: p.account_name.clone(),
                }),
                created_at: utc(p.created_at),
                updated_at: utc(p.updated_at),
                assets: None,
                license_allocations: None,
                tickets: None,
                runs: None,
            })
        })
        .collect())
}
