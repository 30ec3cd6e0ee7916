//! Asking for a run: the request checked, the facts gathered (templates,
//! the person, the directory, stock, seats, due days) and the plan stored
//! with its steps, waiting for approval.

use chrono::NaiveDate;
use serde_json::json;

use super::Onboarding;
use super::domain::{RunKind, RunStatus, StepStatus, business_day_after};
use super::dto::{RunRequest, RunView};
use super::facts::{account_plan, entry_of, known, stock_facts, templates_for};
use super::plan::{self, Facts, TaskPlan};
use super::repo::{self, RunRow, StepRow};
use super::template::TemplateSpec;
use crate::auth::{Role, User};
use crate::calendar::Calendar;
use crate::error::{AppError, FieldError};
use crate::ids;
use crate::text::trimmed as text;

/// Coordinators and admins ask for, approve and undo runs.
pub(super) fn may_run(actor: &User) -> Result<(), AppError> {
    if matches!(actor.role, Role::Coordinator | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "coordinators and admins run onboarding".into(),
        ))
    }
}

/// Staff read runs.
pub(super) fn may_read(actor: &User) -> Result<(), AppError> {
    if actor.role == Role::Requester {
        return Err(AppError::Forbidden("onboarding is for staff".into()));
    }
    Ok(())
}

/// The request's shape: who it is for, by kind.
fn check(req: &RunRequest) -> Result<(), AppError> {
    let mut errors = Vec::new();
    match req.kind {
        RunKind::Onboard => {
            if req.person_id.is_some() {
                errors.push(FieldError::new(
                    "person_id",
                    "an onboarding names a new person: use person",
                ));
            }
            match &req.person {
                None => errors.push(FieldError::new("person", "the new hire's facts")),
                Some(p) => {
                    for (field, v) in [("given_name", &p.given_name), ("surname", &p.surname)] {
                        let ok = text(v).is_some_and(|s| s.chars().count() <= 120);
                        if !ok {
                            errors.push(FieldError::new(
                                format!("person.{field}"),
                                "1 to 120 characters",
                            ));
                        }
                    }
                }
            }
        }
        RunKind::Offboard | RunKind::Move => {
            if text(&req.person_id).is_none() {
                errors.push(FieldError::new("person_id", "the person's id or email"));
            }
            if req.kind == RunKind::Offboard && req.person.is_some() {
                errors.push(FieldError::new(
                    "person",
                    "an offboarding names the person by person_id only",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The calendar due days count on, and a warning when it is not there.
pub(super) fn calendar(ob: &Onboarding) -> (Option<Calendar>, Option<String>) {
    let registry = ob.calendars.get();
    if let Some(c) = registry.calendars.get(&ob.settings.calendar) {
        return (Some(c.clone()), None);
    }
    (
        registry.calendars.get("24x7").cloned(),
        Some(format!(
            "onboarding.calendar `{}` is not a calendar in force: every day counts",
            ob.settings.calendar
        )),
    )
}

fn due(cal: Option<&Calendar>, start: NaiveDate, days: i32) -> NaiveDate {
    match cal {
        Some(c) => business_day_after(c, start, days),
        None => start + chrono::Duration::days(i64::from(days)),
    }
}

/// A template whose `ou` lies outside `directory.people_base` (saved
/// before that was refused, or `people_base` changed since): the account
/// would be found by neither login nor sync.
fn outside_people_base(ob: &Onboarding, t: Option<&TemplateSpec>) -> Result<(), AppError> {
    let directory = &ob.people.directory;
    let Some(t) = t.filter(|_| directory.in_use()) else {
        return Ok(());
    };
    match t
        .problems_in(&directory.people_base)
        .into_iter()
        .find(|p| p.field == "ou")
    {
        Some(p) => Err(AppError::invalid(
            "template",
            format!("template {}: ou: {}", t.name, p.message),
        )),
        None => Ok(()),
    }
}

/// Plans a run and keeps it, waiting for approval (coordinators and
/// admins). The directory is read (free account names, groups), never
/// written.
pub fn plan_run(ob: &Onboarding, actor: &User, req: &RunRequest) -> Result<RunView, AppError> {
    may_run(actor)?;
    check(req)?;
    let now = ids::now();
    let k = ob.db.read(|conn| known(conn, actor, req))?;
    let (template, old_template) = templates_for(req, &k)?;
    outside_people_base(ob, template.as_ref())?;
    let hire = req.person.clone().unwrap_or_default();
    let start = hire.start_date.unwrap_or(req.effective_on);
    let (cal, cal_warning) = calendar(ob);
    let mut facts = Facts {
        kind: Some(req.kind),
        hire: hire.clone(),
        template: template.clone(),
        old_template,
        password_length: ob.settings.password_length,
        disabled_ou: text(&Some(ob.people.directory.disabled_ou.clone())),
        manager_email: k.manager_email.clone(),
        warnings: cal_warning.into_iter().collect(),
        ..Facts::default()
    };
    match (&req.kind, &k.person) {
        (RunKind::Onboard, _) => {
            if ob.people.directory.in_use() {
                let account = account_plan(ob, &hire, template.as_ref(), &k.manager_dn)?;
                facts.hire.email = Some(account.mail.clone());
                facts.account = Some(account);
            } else if text(&hire.email).is_none() {
                return Err(AppError::invalid("person.email", "the new hire's address"));
            }
            facts.hand_over_on = Some(due(cal.as_ref(), start, 0));
            facts.tasks = template
                .iter()
                .flat_map(|t| &t.tasks)
                .map(|t| TaskPlan {
                    title: t.title.clone(),
                    queue: t.queue.clone(),
                    due_on: due(cal.as_ref(), start, t.due_days),
                })
                .collect();
        }
        (kind, Some((user, p))) => {
            facts.name = user.display_name.clone();
            let (dn, groups) = entry_of(ob, p, *kind == RunKind::Offboard)?;
            facts.entry_dn = dn;
            facts.current_groups = groups;
            facts.hand_over_on = Some(due(cal.as_ref(), req.effective_on, 0));
        }
        (_, None) => return Err(AppError::invalid("person_id", "no such person")),
    }
    let stock = ob
        .db
        .read(|conn| stock_facts(conn, req.kind, &k, template.as_ref(), now))?;
    facts.device_now = stock.device_now;
    facts.free_seats = stock.free_seats;
    facts.held_devices = stock.held_devices;
    facts.held_seats = stock.held_seats;
    let planned = plan::build(&facts);
    let (row, steps) = rows(actor, req, &k, template.map(|t| t.name), &planned, now);
    store(ob, actor, req, (&row, &steps), &planned.overview, now)?;
    super::actions::get(ob, actor, &row.id)
}

/// The run and its steps as stored.
fn rows(
    actor: &User,
    req: &RunRequest,
    k: &super::facts::Known,
    template: Option<String>,
    planned: &plan::Plan,
    now: chrono::NaiveDateTime,
) -> (RunRow, Vec<StepRow>) {
    let person_json = match (&req.person, &k.person) {
        (Some(h), _) if req.kind == RunKind::Onboard => serde_json::to_value(h).unwrap_or_default(),
        (h, Some((user, p))) => json!({"id": user.id, "email": user.email,
            "given_name": p.given_name, "surname": p.surname,
            "department": h.as_ref().and_then(|h| h.department.clone()).or(p.department.clone()),
            "title": h.as_ref().and_then(|h| h.title.clone()).or(p.title.clone())}),
        _ => json!({}),
    };
    let row = RunRow {
        id: ids::new_id(),
        kind: req.kind,
        status: RunStatus::Planned,
        person_id: k.person.as_ref().map(|(u, _)| u.id.clone()),
        person: person_json.to_string(),
        template,
        effective_on: req.effective_on,
        plan: planned.overview.to_string(),
        undo: None,
        sealed_password: None,
        password_state: "none".into(),
        requested_by: actor.id.clone(),
        approved_by: None,
        approved_at: None,
        error: None,
        created_at: now,
        updated_at: now,
        ticket_id: k.ticket.as_ref().map(|t| t.id.clone()),
    };
    let steps = planned
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepRow {
            run_id: row.id.clone(),
            position: i as i32 + 1,
            kind: s.kind,
            status: StepStatus::Pending,
            detail: s.detail.to_string(),
            result: None,
            error: None,
            attempts: 0,
            started_at: None,
            finished_at: None,
        })
        .collect();
    (row, steps)
}

/// Keeps the run and its steps, with the plan in its history and a note on
/// its ticket.
fn store(
    ob: &Onboarding,
    actor: &User,
    req: &RunRequest,
    (row, steps): (&RunRow, &[StepRow]),
    overview: &serde_json::Value,
    now: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let note = format!(
        "Planned: {} effective {}. The plan and its approval: {}/onboarding/runs/{}",
        super::dto::says_run(req.kind, &row.person),
        req.effective_on,
        ob.mail_from.public_url,
        row.id
    );
    ob.db.write(|conn| {
        repo::insert_run(conn, row, steps)?;
        if let Some(t) = &row.ticket_id {
            ob.tickets.with_rules(|rules| {
                crate::tickets::service::for_onboarding::note_in(conn, rules, actor, t, &note, now)
            })?;
        }
        super::history(
            conn,
            Some(&actor.id),
            &row.id,
            "planned",
            overview.clone(),
            now,
        )
    })
}
