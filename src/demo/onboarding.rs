//! The demo's people and onboarding: every requester a person in the
//! department their organisation names (the first of each its manager),
//! an onboarding template, and two finished runs — a new hire onboarded
//! and a leaver offboarded.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

use crate::assets::service::reservations::{self, Wanted};
use crate::auth::people as users;
use crate::auth::{Role, User};
use crate::error::AppError;
use crate::onboarding::Onboarding;
use crate::onboarding::domain::RunKind;
use crate::onboarding::dto::RunRequest;
use crate::onboarding::plan::NewHire;
use crate::onboarding::template::{TaskSpec, TemplateSpec};
use crate::people::dto::PersonInput;

const TITLES: &[&str] = &[
    "Analyst",
    "Specialist",
    "Associate",
    "Consultant",
    "Officer",
];

fn split(name: &str) -> (String, String) {
    match name.split_once(' ') {
        Some((g, s)) => (g.to_owned(), s.to_owned()),
        None => (name.to_owned(), String::new()),
    }
}

/// Loads them unless people exist already; answers how many people.
pub fn load_people_and_runs(ob: &Onboarding, now: NaiveDateTime) -> Result<usize, AppError> {
    let (actor, requesters, known) = ob.db.read(|conn| {
        let actor = users::find_user_by_email(conn, "coordinator@example.org")?;
        let requesters = users::list_users(conn, &[Role::Requester])?;
        let known = crate::people::service::find_in(conn, "user@example.org")?.is_some();
        Ok::<_, AppError>((actor, requesters, known))
    })?;
    let Some(actor) = actor else {
        return Ok(0);
    };
    if known || requesters.is_empty() {
        return Ok(0);
    }
    let mut by_department: BTreeMap<String, Vec<&User>> = BTreeMap::new();
    for u in &requesters {
        let dept = u
            .organization
            .clone()
            .unwrap_or_else(|| "Operations".into());
        by_department.entry(dept).or_default().push(u);
    }
    let today = now.date();
    let mut made = 0;
    let mut managers = BTreeMap::new();
    ob.db.write(|conn| {
        for (dept, members) in &by_department {
            for (i, u) in members.iter().enumerate() {
                let (given, surname) = split(&u.display_name);
                let title = if i == 0 {
                    format!("Head of {dept}")
                } else {
                    TITLES[i % TITLES.len()].to_owned()
                };
                let input = PersonInput {
                    email: Some(u.email.clone()),
                    given_name: Some(given),
                    surname: Some(if surname.is_empty() {
                        "Person".into()
                    } else {
                        surname
                    }),
                    employee_id: Some(Some(format!("E-{:05}", 1000 + made))),
                    department: Some(Some(dept.clone())),
                    title: Some(Some(title)),
                    manager: Some(if i == 0 {
                        None
                    } else {
                        Some(members[0].email.clone())
                    }),
                    start_date: Some(Some(today - Duration::days(400 + 7 * made as i64))),
                    ..PersonInput::default()
                };
                crate::people::service::create_in(conn, &actor, &input, (today, now))?;
                made += 1;
            }
            managers.insert(dept.clone(), members[0].email.clone());
        }
        Ok::<_, AppError>(())
    })?;
    runs(ob, &actor, &by_department, &managers, now)?;
    Ok(made)
}

/// An onboarding into Engineering and an offboarding from Sales, done.
fn runs(
    ob: &Onboarding,
    actor: &User,
    by_department: &BTreeMap<String, Vec<&User>>,
    managers: &BTreeMap<String, String>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let laptop = ob
        .db
        .read(|conn| reservations::available(conn, &Wanted::Category("laptop".into())))?;
    let template = TemplateSpec {
        name: "demo-engineering".into(),
        department: Some("Engineering".into()),
        role: None,
        ou: None,
        groups: Vec::new(),
        device_model: None,
        device_category: laptop.map(|_| "laptop".into()),
        license_products: Vec::new(),
        tasks: vec![
            TaskSpec {
                title: "Prepare the desk and a docking station".into(),
                queue: None,
                due_days: -1,
            },
            TaskSpec {
                title: "Welcome session: accounts, VPN and the helpdesk".into(),
                queue: None,
                due_days: 0,
            },
        ],
        welcome_mail: true,
        must_change_password: true,
    };
    crate::onboarding::templates::save(ob, actor, &template.name.clone(), &template)?;
    let today = now.date();
    let hire = RunRequest {
        kind: RunKind::Onboard,
        person: Some(NewHire {
            given_name: Some("Nora".into()),
            surname: Some("Newman".into()),
            email: Some("nora.newman@example.org".into()),
            department: Some("Engineering".into()),
            title: Some("Engineer".into()),
            manager: managers.get("Engineering").cloned(),
            ..NewHire::default()
        }),
        person_id: None,
        template: Some(template.name.clone()),
        effective_on: today - Duration::days(10),
        ticket: None,
    };
    finish(ob, actor, &hire)?;
    if let Some(leaver) = by_department.get("Sales").and_then(|m| m.get(1)) {
        let leave = RunRequest {
            kind: RunKind::Offboard,
            person: None,
            person_id: Some(leaver.email.clone()),
            template: None,
            effective_on: today - Duration::days(3),
            ticket: None,
        };
        finish(ob, actor, &leave)?;
    }
    Ok(())
}

fn finish(ob: &Onboarding, actor: &User, req: &RunRequest) -> Result<(), AppError> {
    let run = crate::onboarding::runs::plan_run(ob, actor, req)?;
    crate::onboarding::approve(ob, actor, &run.id)?;
    crate::onboarding::run_now(ob, &run.id)
}
