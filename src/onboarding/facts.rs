//! What a plan is made from: the templates, the person and their manager,
//! the directory (a free account name, the entry and its groups), stock,
//! seats and holdings. Read only.

use chrono::NaiveDateTime;

use super::Onboarding;
use super::domain::RunKind;
use super::dto::RunRequest;
use super::plan::{AccountDetail, NewHire};
use super::template::{TemplateSpec, pick};
use super::templates;
use crate::assets::service::reservations::{self, Wanted};
use crate::auth::User;
use crate::auth::people::{find_person, find_user};
use crate::db::DbConn;
use crate::directory::client::{NewAccount, Session};
use crate::directory::names::{NameParts, base_name, first_free};
use crate::error::{AppError, FieldError};
use crate::licenses::service::person_seats;
use crate::people::Person;

use crate::text::trimmed as text;

/// What the database says for the plan: templates, the person, manager,
/// stock, seats and holdings.
pub(super) struct Known {
    /// The service request the run answers.
    pub(super) ticket: Option<crate::tickets::Ticket>,
    pub(super) templates: Vec<TemplateSpec>,
    pub(super) person: Option<(User, Person)>,
    pub(super) manager_email: Option<String>,
    pub(super) manager_dn: String,
}

pub(super) fn template_named(all: &[TemplateSpec], name: &str) -> Result<TemplateSpec, AppError> {
    all.iter()
        .find(|t| t.name == name.trim())
        .cloned()
        .ok_or_else(|| AppError::invalid("template", format!("no onboarding template {name:?}")))
}

pub(super) fn known(conn: &mut DbConn, actor: &User, req: &RunRequest) -> Result<Known, AppError> {
    let ticket = match &req.ticket {
        Some(t) => Some(
            crate::tickets::service::for_onboarding::request_in_category(
                conn,
                actor,
                t.trim(),
                "onboarding",
                "ticket",
            )?,
        ),
        None => None,
    };
    let templates: Vec<TemplateSpec> = templates::list(conn)?.into_iter().map(|s| s.spec).collect();
    if let Some(name) = &req.template {
        template_named(&templates, name)?;
    }
    let person = match text(&req.person_id) {
        None => None,
        Some(id) => {
            let user = find_person(conn, &id)?
                .ok_or_else(|| AppError::invalid("person_id", "no such person"))?;
            let p = crate::people::service::find_in(conn, &user.id)?.ok_or_else(|| {
                AppError::invalid(
                    "person_id",
                    format!("{} is a contact, not a person", user.email),
                )
            })?;
            Some((user, p))
        }
    };
    if req.kind == super::domain::RunKind::Onboard
        && let Some(email) = req.person.as_ref().and_then(|h| text(&h.email))
        && let Some(holder) = crate::auth::people::find_user_by_email(conn, &email)?
        && holder.role != crate::auth::Role::Requester
    {
        return Err(AppError::invalid(
            "person.email",
            format!(
                "the address of an itdesk {} account; a new hire needs one of their own",
                holder.role
            ),
        ));
    }
    let manager = match (&req.person, &person) {
        (Some(h), None) => match text(&h.manager) {
            Some(m) => Some(
                find_person(conn, &m)?
                    .ok_or_else(|| AppError::invalid("person.manager", "no such person"))?,
            ),
            None => None,
        },
        (_, Some((_, p))) => match &p.manager_id {
            Some(id) => find_user(conn, id)?,
            None => None,
        },
        _ => None,
    };
    let manager_dn = match &manager {
        Some(m) => crate::people::service::find_in(conn, &m.id)?
            .and_then(|p| p.directory_dn)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Known {
        ticket,
        templates,
        person,
        manager_email: manager.map(|m| m.email),
        manager_dn,
    })
}

/// Which templates apply: (the run's, a move's old one).
pub(super) fn templates_for(
    req: &RunRequest,
    k: &Known,
) -> Result<(Option<TemplateSpec>, Option<TemplateSpec>), AppError> {
    let current = k.person.as_ref().map(|(_, p)| p);
    let hire = req.person.clone().unwrap_or_default();
    let department = text(&hire.department).or(current.and_then(|p| p.department.clone()));
    let title = text(&hire.title).or(current.and_then(|p| p.title.clone()));
    let chosen = match &req.template {
        Some(name) => Some(template_named(&k.templates, name)?),
        None => pick(&k.templates, department.as_deref(), title.as_deref()).cloned(),
    };
    let old = match (req.kind, current) {
        (RunKind::Move, Some(p)) => {
            pick(&k.templates, p.department.as_deref(), p.title.as_deref()).cloned()
        }
        _ => None,
    };
    Ok((chosen, old))
}

/// The account an onboarding will create: its free name and DN now.
pub(super) fn account_plan(
    ob: &Onboarding,
    hire: &NewHire,
    template: Option<&TemplateSpec>,
    manager_dn: &str,
) -> Result<AccountDetail, AppError> {
    let settings = ob.people.directory.clone();
    let given = text(&hire.given_name).unwrap_or_default();
    let surname = text(&hire.surname).unwrap_or_default();
    let employee_id = text(&hire.employee_id).unwrap_or_default();
    let parts = NameParts {
        given: &given,
        surname: &surname,
        employee_id: &employee_id,
    };
    let base = base_name(&settings.username_pattern, parts, settings.flavor).ok_or_else(|| {
        AppError::invalid(
            "person.given_name",
            "the name gives no account name under directory.username_pattern",
        )
    })?;
    let mut session = Session::open(settings.clone())?;
    let mut failure = None;
    let account = first_free(&base, settings.flavor, |c| match session.account_taken(c) {
        Ok(taken) => taken,
        Err(e) => {
            failure.get_or_insert(e);
            false
        }
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    let upn_suffix = settings.upn_suffix.trim();
    let mail = match text(&hire.email) {
        Some(m) => m.to_lowercase(),
        None if !upn_suffix.is_empty() => format!("{account}@{upn_suffix}"),
        None => {
            return Err(AppError::invalid(
                "person.email",
                "the new hire's address (no directory.upn_suffix to make one)",
            ));
        }
    };
    let new = NewAccount {
        account: account.clone(),
        given: given.clone(),
        surname: surname.clone(),
        mail: mail.clone(),
        department: text(&hire.department).unwrap_or_default(),
        title: text(&hire.title).unwrap_or_default(),
        manager_dn: manager_dn.to_owned(),
        employee_id: employee_id.clone(),
        ou: template.and_then(|t| t.ou.clone()).unwrap_or_default(),
    };
    let dn = session.dn_for(&new)?;
    session.close();
    let ou = if new.ou.is_empty() {
        settings.new_users_ou.clone()
    } else {
        new.ou.clone()
    };
    Ok(AccountDetail {
        upn: (settings.flavor == crate::directory::Flavor::Ad)
            .then(|| format!("{account}@{upn_suffix}")),
        account,
        dn,
        ou,
        given,
        surname,
        mail,
        department: new.department,
        title: new.title,
        employee_id,
        manager_dn: manager_dn.to_owned(),
    })
}

/// The person's entry and (offboard) its groups now.
pub(super) fn entry_of(
    ob: &Onboarding,
    p: &Person,
    groups: bool,
) -> Result<(Option<String>, Vec<String>), AppError> {
    if !ob.people.directory.in_use() {
        return Ok((None, Vec::new()));
    }
    let mut session = Session::open(ob.people.directory.clone())?;
    let entry = match (&p.directory_key, &p.account_name) {
        (Some(key), _) => session.find_key(key)?,
        (None, Some(account)) => session.find_account(account)?,
        (None, None) => None,
    };
    let found = match entry {
        Some(e) => {
            let g = if groups {
                session.groups_of(&e.dn)?
            } else {
                Vec::new()
            };
            (Some(e.dn), g)
        }
        None => (None, Vec::new()),
    };
    session.close();
    Ok(found)
}

pub(super) struct Stock {
    pub(super) device_now: Option<crate::assets::service::reservations::DeviceRef>,
    pub(super) free_seats: Vec<(String, i64)>,
    pub(super) held_devices: Vec<crate::assets::service::reservations::DeviceRef>,
    pub(super) held_seats: Vec<String>,
}

pub(super) fn stock_facts(
    conn: &mut DbConn,
    kind: RunKind,
    k: &Known,
    template: Option<&TemplateSpec>,
    now: NaiveDateTime,
) -> Result<Stock, AppError> {
    let mut out = Stock {
        device_now: None,
        free_seats: Vec::new(),
        held_devices: Vec::new(),
        held_seats: Vec::new(),
    };
    match kind {
        RunKind::Onboard => {
            if let Some(t) = template {
                let wanted = match (&t.device_model, &t.device_category) {
                    (Some(m), _) => Some(Wanted::Model(m.clone())),
                    (None, Some(c)) => Some(Wanted::Category(c.clone())),
                    _ => None,
                };
                if let Some(w) = wanted {
                    out.device_now =
                        reservations::available(conn, &w).map_err(|e| in_template(e, t))?;
                }
                for (i, name) in t.license_products.iter().enumerate() {
                    let product = person_seats::find_product(conn, name)?.ok_or_else(|| {
                        AppError::invalid(
                            format!("template.license_products[{i}]"),
                            format!("template {} names no license product {name:?}", t.name),
                        )
                    })?;
                    let free = person_seats::free_seats(conn, &product, now.date())?;
                    out.free_seats.push((name.clone(), free));
                }
            }
        }
        RunKind::Offboard => {
            if let Some((user, _)) = &k.person {
                out.held_devices = reservations::deployed_with(conn, &user.id)?;
                out.held_seats = person_seats::seats_of(conn, &user.id)?
                    .into_iter()
                    .map(|s| s.product)
                    .collect();
            }
        }
        RunKind::Move => {}
    }
    Ok(out)
}

/// A template's fault named as the template's.
pub(super) fn in_template(e: AppError, t: &TemplateSpec) -> AppError {
    match e {
        AppError::Validation(fields) => AppError::Validation(
            fields
                .into_iter()
                .map(|f| {
                    FieldError::new(
                        format!("template.{}", f.field),
                        format!("template {}: {}", t.name, f.message),
                    )
                })
                .collect(),
        ),
        other => other,
    }
}
