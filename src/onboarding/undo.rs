//! Taking an offboarding back: the account where it was and enabled the
//! way it was disabled, its groups again, the person active, the run
//! `reverted`.

use serde_json::{Value, json};

use super::Onboarding;
use super::domain::{RunStatus, StepKind, StepStatus, initial_password};
use super::repo::{self, RunRow};
use super::steps::{current_run, entry_dn, open, person_of};
use crate::auth::User;
use crate::directory::{Disabling, Flavor};
use crate::error::AppError;
use crate::ids;
use crate::people::domain::EmploymentStatus;
use crate::people::dto::{DirectoryLink, PersonInput};

/// Takes an offboarding back: the entry where it was, enabled (OpenLDAP:
/// unlocked, or given a new initial password sealed for the approver when
/// the old one was removed), in its groups again; the person active.
pub(super) fn revert(ob: &Onboarding, actor: &User, run: &RunRow) -> Result<(), AppError> {
    let undo: Value = run
        .undo
        .as_deref()
        .and_then(|u| serde_json::from_str(u).ok())
        .unwrap_or_else(|| json!({}));
    let person = ob.db.read(|conn| person_of(conn, &run.id))?;
    let mut restored = json!({});
    if ob.people.directory.in_use() && person.directory_key.is_some() {
        let mut session = open(ob)?;
        let mut dn = entry_dn(&mut session, &person)?;
        if let Some(before) = undo["dn_before"].as_str()
            && let Some(parent) = crate::directory::client::parent_of(before)
        {
            dn = session.move_to(&dn, parent)?;
        }
        let mut password = None;
        match how_disabled(ob, &run.id)? {
            None => {}
            Some(Disabling::AccountDisabled) => session.enable(&dn, false)?,
            Some(Disabling::Locked) => session.unlock(&dn)?,
            Some(Disabling::PasswordRemoved) => {
                let p = initial_password(ob.settings.password_length);
                session.set_password(&dn, &p)?;
                password = Some(p);
            }
        }
        let groups: Vec<String> = undo["groups"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|g| g.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for g in &groups {
            session.add_member(g, &dn)?;
        }
        session.close();
        restored = json!({"dn": dn, "groups": groups});
        if let Some(p) = password {
            let key = ob.seal_key()?.clone();
            ob.db.write(|conn| {
                let mut r = current_run(conn, &run.id)?;
                r.sealed_password = Some(key.seal(&r.id, &p));
                r.password_state = "sealed".into();
                r.approved_by = Some(actor.id.clone());
                repo::save_run(conn, &r)?;
                Ok::<_, AppError>(())
            })?;
        }
        let link = DirectoryLink {
            flavor: ob.people.directory.flavor.as_str().to_owned(),
            dn: Some(dn),
            key: person.directory_key.clone().unwrap_or_default(),
            account_name: person.account_name.clone(),
        };
        let now = ids::now();
        ob.db.write(|conn| {
            crate::people::service::link_directory(conn, actor, &person.user_id, &link, now)
        })?;
    }
    reactivate(ob, actor, run, &person, restored)
}

/// How the run's disable step disabled the account; `None` when it did not
/// run. A step done before the way was recorded removed the password
/// (OpenLDAP) or set ACCOUNTDISABLE (AD).
fn how_disabled(ob: &Onboarding, run_id: &str) -> Result<Option<Disabling>, AppError> {
    let steps = ob
        .db
        .read(|conn| Ok::<_, AppError>(repo::steps(conn, run_id)?))?;
    let Some(step) = steps
        .iter()
        .find(|s| s.kind == StepKind::DisableAccount && s.status == StepStatus::Done)
    else {
        return Ok(None);
    };
    let recorded = step
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str::<Value>(r).ok())
        .and_then(|r| r["how"].as_str().and_then(Disabling::parse));
    Ok(Some(recorded.unwrap_or(match ob.people.directory.flavor {
        Flavor::Ad => Disabling::AccountDisabled,
        Flavor::OpenLdap => Disabling::PasswordRemoved,
    })))
}

/// An offboarding taken back: the person active again and the run
/// `reverted`, in one transaction.
pub(super) fn reactivate(
    ob: &Onboarding,
    actor: &User,
    run: &RunRow,
    person: &crate::people::Person,
    restored: Value,
) -> Result<(), AppError> {
    let now = ids::now();
    ob.db.write(|conn| {
        if let Some(user) = crate::auth::people::find_user(conn, &person.user_id)? {
            crate::auth::service::change_active(
                conn,
                Some(&actor.id),
                user,
                true,
                Some("onboarding"),
                now,
            )?;
        }
        let input = PersonInput {
            employment_status: Some(EmploymentStatus::Active),
            end_date: Some(None),
            ..PersonInput::default()
        };
        crate::people::service::update_in(conn, actor, &person.user_id, &input, now)?;
        repo::lock_run(conn, &run.id)?;
        let mut r = current_run(conn, &run.id)?;
        if !matches!(r.status, RunStatus::Done | RunStatus::Failed) {
            return Err(AppError::conflict(
                "not_revertible",
                format!("the run is {} now", r.status),
            ));
        }
        r.status = RunStatus::Reverted;
        r.updated_at = now;
        repo::save_run(conn, &r)?;
        super::history(conn, Some(&actor.id), &run.id, "reverted", restored, now)
    })
}
