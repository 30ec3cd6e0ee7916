//! Steps on itdesk's own registers: the person, a device from stock, seats,
//! technician tasks (service-request tickets), the mail to the manager,
//! and an offboarding's deactivation, returns and released seats. Each
//! makes its change and marks itself done in one transaction.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::Onboarding;
use super::plan::{
    DeviceDetail, MailDetail, NewHire, SeatsDetail, TaskPlan, TasksDetail, UpdateDetail,
};
use super::repo::{self, RunRow, StepRow};
use super::steps::{current_run, detail, done, person_of};
use crate::assets::service::reservations::{self, Wanted};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;
use crate::ids;
use crate::licenses::service::person_seats;
use crate::people::domain::EmploymentStatus;
use crate::people::dto::PersonInput;
use crate::tickets::domain::{Channel, TicketType};
use crate::tickets::dto::CreateTicket;

/// Runs one register step.
pub(super) fn execute(
    ob: &Onboarding,
    run: &RunRow,
    actor: &User,
    step: &StepRow,
) -> Result<(), AppError> {
    use super::domain::StepKind::*;
    let now = ids::now();
    let mut forget = None;
    ob.db.write(|conn| {
        // Another worker may have done it meanwhile: once, under the lock.
        repo::lock_run(conn, &run.id)?;
        let now_done = repo::steps(conn, &run.id)?
            .iter()
            .any(|s| s.position == step.position && s.status == super::domain::StepStatus::Done);
        if now_done {
            return Ok(());
        }
        let result = match step.kind {
            RegisterPerson => register(conn, run, actor, step, now)?,
            ReserveDevice => device(ob, conn, actor, step, now)?,
            AllocateSeats => seats(conn, run, actor, step, now)?,
            RaiseTasks => {
                let d: TasksDetail = detail(step)?;
                let name = name_of(conn, run)?;
                let mut raised = Vec::new();
                for t in &d.tasks {
                    raised.push(task(ob, conn, actor, run, (&t.title, &name), t, now)?);
                }
                json!({"tickets": raised})
            }
            UpdatePerson => {
                let d: UpdateDetail = detail(step)?;
                let p = person_of(conn, &run.id)?;
                let input = PersonInput {
                    department: d.department.clone().map(Some),
                    title: d.title.clone().map(Some),
                    ..PersonInput::default()
                };
                crate::people::service::update_in(conn, actor, &p.user_id, &input, now)?;
                json!({"department": d.department, "title": d.title})
            }
            DeactivatePerson => {
                let (result, id) = deactivate(conn, run, actor, now)?;
                forget = Some(id);
                result
            }
            ReturnDevices => returns(ob, conn, run, actor, now)?,
            ReleaseSeats => {
                let p = person_of(conn, &run.id)?;
                json!({"released": person_seats::release_all(conn, &actor.id, &p.user_id, now)?})
            }
            MailManager => mail(ob, conn, run, step, now)?,
            other => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "{other} is not a register step"
                )));
            }
        };
        done(conn, step, actor, result, now)
    })?;
    if let Some(id) = forget {
        ob.people.tokens.forget_user(&id);
    }
    Ok(())
}

fn seats(
    conn: &mut DbConn,
    run: &RunRow,
    actor: &User,
    step: &StepRow,
    now: NaiveDateTime,
) -> Result<Value, AppError> {
    let d: SeatsDetail = detail(step)?;
    let p = person_of(conn, &run.id)?;
    let mut seats = Vec::new();
    for product in &d.products {
        seats.push(person_seats::allocate_product(
            conn, &actor.id, product, &p.user_id, now,
        )?);
    }
    Ok(json!({"seats": seats}))
}

/// Departed: the login off with its sessions and tokens; answers the
/// account to forget in the token cache.
fn deactivate(
    conn: &mut DbConn,
    run: &RunRow,
    actor: &User,
    now: NaiveDateTime,
) -> Result<(Value, String), AppError> {
    let p = person_of(conn, &run.id)?;
    let change = crate::auth::people::deactivate(conn, &p.user_id, "onboarding", now)?;
    let input = PersonInput {
        employment_status: Some(EmploymentStatus::Departed),
        end_date: Some(Some(run.effective_on)),
        ..PersonInput::default()
    };
    crate::people::service::update_in(conn, actor, &p.user_id, &input, now)?;
    let result = json!({"revoked_tokens": change.as_ref().map_or(0, |c| c.revoked_tokens.len()),
        "ended_sessions": change.as_ref().map_or(0, |c| c.ended_sessions)});
    Ok((result, p.user_id))
}

/// A return task for every device deployed with the person now.
fn returns(
    ob: &Onboarding,
    conn: &mut DbConn,
    run: &RunRow,
    actor: &User,
    now: NaiveDateTime,
) -> Result<Value, AppError> {
    let p = person_of(conn, &run.id)?;
    let name = name_of(conn, run)?;
    let mut raised = Vec::new();
    for d in reservations::deployed_with(conn, &p.user_id)? {
        let title = format!("Collect {} from {name}", d.asset_tag);
        let plan = TaskPlan {
            title: title.clone(),
            queue: None,
            due_on: run.effective_on,
        };
        let t = task(ob, conn, actor, run, (&title, &name), &plan, now)?;
        let ticket_id = t["id"].as_str().unwrap_or_default().to_owned();
        reservations::link_task(conn, actor, &ticket_id, &d.asset_id, now)?;
        raised.push(json!({"asset_tag": d.asset_tag, "ticket": t}));
    }
    Ok(json!({"returns": raised}))
}

/// The new hire becomes a person (pending start until the start date); one
/// of the same address without a directory account is taken as the new hire.
fn register(
    conn: &mut DbConn,
    run: &RunRow,
    actor: &User,
    step: &StepRow,
    now: NaiveDateTime,
) -> Result<Value, AppError> {
    let mut r = current_run(conn, &run.id)?;
    if let Some(id) = &r.person_id {
        return Ok(json!({"person_id": id}));
    }
    let h: NewHire = detail(step)?;
    let start = h.start_date.unwrap_or(run.effective_on);
    let input = PersonInput {
        email: h.email.clone(),
        given_name: h.given_name.clone(),
        surname: h.surname.clone(),
        employee_id: h.employee_id.clone().map(Some),
        department: h.department.clone().map(Some),
        title: h.title.clone().map(Some),
        manager: h.manager.clone().map(Some),
        start_date: Some(Some(start)),
        employment_status: Some(if start > now.date() {
            EmploymentStatus::PendingStart
        } else {
            EmploymentStatus::Active
        }),
        ..PersonInput::default()
    };
    let (p, adopted) = match earlier_hire(conn, run, h.email.as_deref())? {
        Some(p) => {
            let input = PersonInput {
                email: None,
                ..input
            };
            let id = p.user_id.clone();
            (
                crate::people::service::update_in(conn, actor, &id, &input, now)?,
                true,
            )
        }
        None => (
            crate::people::service::create_in(conn, actor, &input, (now.date(), now))?,
            false,
        ),
    };
    r.person_id = Some(p.user_id.clone());
    r.updated_at = now;
    repo::save_run(conn, &r)?;
    Ok(json!({"person_id": p.user_id, "adopted": adopted}))
}

/// The person of this address when an earlier onboarding registered them
/// and stopped before it made their account: this run's new hire. Any other
/// holder of the address is refused — a staff account (a directory account
/// with its address would log in as it), or a person with an account.
fn earlier_hire(
    conn: &mut DbConn,
    run: &RunRow,
    email: Option<&str>,
) -> Result<Option<crate::people::Person>, AppError> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let Some(user) = crate::auth::people::find_user_by_email(conn, email)? else {
        return Ok(None);
    };
    if user.role != crate::auth::Role::Requester {
        return Err(AppError::conflict(
            "address_taken",
            format!(
                "{email} is the address of an itdesk {} account; a new hire needs an address \
                 of their own",
                user.role
            ),
        ));
    }
    let Some(p) = crate::people::service::find_in(conn, &user.id)? else {
        return Ok(None);
    };
    let refused = |why: &str| {
        AppError::conflict(
            "person_exists",
            format!(
                "{email} is a person already ({why}); plan a move or an offboarding for them instead"
            ),
        )
    };
    if let Some(dn) = &p.directory_dn
        && p.directory_key.is_some()
    {
        return Err(refused(&format!("with the directory account {dn}")));
    }
    let stopped = repo::runs_of_person(conn, &p.user_id, super::domain::RunKind::Onboard)?
        .into_iter()
        .filter(|r| r.id != run.id)
        .any(|r| r.status == super::domain::RunStatus::Failed);
    if !stopped {
        return Err(refused("not registered by an onboarding that stopped"));
    }
    Ok(Some(p))
}

fn name_of(conn: &mut DbConn, run: &RunRow) -> Result<String, AppError> {
    let p = person_of(conn, &run.id)?;
    Ok(crate::people::domain::full_name(&p.given_name, &p.surname))
}

/// A technician task: a service-request ticket filed by the approver.
fn task(
    ob: &Onboarding,
    conn: &mut DbConn,
    actor: &User,
    run: &RunRow,
    (title, name): (&str, &str),
    t: &TaskPlan,
    now: NaiveDateTime,
) -> Result<Value, AppError> {
    let what = match run.kind {
        super::domain::RunKind::Onboard => "onboarding",
        super::domain::RunKind::Offboard => "offboarding",
        super::domain::RunKind::Move => "move",
    };
    let subject = if title.contains(name) {
        title.to_owned()
    } else {
        format!("{title} — {name}")
    };
    let input = CreateTicket {
        subject: subject.chars().take(200).collect(),
        description: format!(
            "A task of the {what} of {name} (effective {}), due {}.\n\nRun: {}/onboarding/runs/{}",
            run.effective_on, t.due_on, ob.mail_from.public_url, run.id
        ),
        requester_email: None,
        ticket_type: Some(TicketType::ServiceRequest),
        impact: None,
        urgency: None,
        priority: None,
        category: None,
        queue: t.queue.clone(),
        watchers: Vec::new(),
    };
    let view = ob.tickets.with_rules(|rules| {
        crate::tickets::service::insert_ticket(conn, rules, actor, &input, Channel::Api, now)
    })?;
    Ok(json!({"id": view.ticket.id, "number": view.ticket.number,
        "reference": format!("{}{}", ob.tickets.settings.reference_prefix, view.ticket.number),
        "title": title, "due_on": t.due_on}))
}

/// Reserves the device and raises its hand-over task, linked to it.
fn device(
    ob: &Onboarding,
    conn: &mut DbConn,
    actor: &User,
    step: &StepRow,
    now: NaiveDateTime,
) -> Result<Value, AppError> {
    let d: DeviceDetail = detail(step)?;
    let run = current_run(conn, &step.run_id)?;
    let p = person_of(conn, &run.id)?;
    let wanted = match (&d.model, &d.category) {
        (Some(m), _) => Wanted::Model(m.clone()),
        (None, Some(c)) => Wanted::Category(c.clone()),
        (None, None) => return Ok(json!({"skipped": "no device in the template"})),
    };
    let name = name_of(conn, &run)?;
    let reason = format!("reserved for {name} (onboarding)");
    let Some(dev) = reservations::reserve_for(conn, actor, &p.user_id, &wanted, &reason, now)?
    else {
        return Err(AppError::conflict(
            "no_device_in_stock",
            format!(
                "no {} is available in stock; receive one, then retry the run",
                d.model.or(d.category).unwrap_or_default()
            ),
        ));
    };
    let title = format!("Hand over {} to {name}", dev.asset_tag);
    let plan = TaskPlan {
        title: title.clone(),
        queue: None,
        due_on: d.hand_over_on,
    };
    let t = task(ob, conn, actor, &run, (&title, &name), &plan, now)?;
    let ticket_id = t["id"].as_str().unwrap_or_default().to_owned();
    reservations::link_task(conn, actor, &ticket_id, &dev.asset_id, now)?;
    Ok(json!({"device": dev, "ticket": t}))
}

/// The mail to the manager: what was done, never the password.
fn mail(
    ob: &Onboarding,
    conn: &mut DbConn,
    run: &RunRow,
    step: &StepRow,
    now: NaiveDateTime,
) -> Result<Value, AppError> {
    let d: MailDetail = detail(step)?;
    let name = name_of(conn, run)?;
    let steps = repo::steps(conn, &run.id)?;
    let lines: Vec<String> = steps
        .iter()
        .filter(|s| s.position < step.position)
        .map(|s| {
            let v: Value = serde_json::from_str(&s.detail).unwrap_or_default();
            format!("- {}", super::dto::says(s.kind, &v))
        })
        .collect();
    let (subject, opening) = match run.kind {
        super::domain::RunKind::Offboard => (
            format!("{name} leaves on {}", day(run.effective_on)),
            format!("{name}'s offboarding is done."),
        ),
        _ => (
            format!("{name} starts on {}", day(run.effective_on)),
            format!("Everything for {name}'s first day is arranged."),
        ),
    };
    let link = format!("{}/onboarding/runs/{}", ob.mail_from.public_url, run.id);
    let text = format!("{opening}\n\n{}\n\nThe run: {link}\n", lines.join("\n"));
    let html = format!(
        "<p>{}</p><ul>{}</ul><p><a href=\"{}\">The run</a></p>",
        crate::outbox::escape(&opening),
        lines
            .iter()
            .map(|l| format!(
                "<li>{}</li>",
                crate::outbox::escape(l.trim_start_matches("- "))
            ))
            .collect::<String>(),
        crate::outbox::escape(&link)
    );
    let rendered = crate::outbox::Rendered {
        subject: subject.clone(),
        text,
        html,
    };
    crate::outbox::standalone(
        conn,
        ob.mail_from.sender(),
        "onboarding",
        &d.to,
        rendered,
        now,
    )?;
    Ok(json!({"to": d.to, "subject": subject}))
}

fn day(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}
