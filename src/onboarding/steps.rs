//! What each step does. Directory steps talk to the directory first (on
//! the job's thread, never inside a database transaction) and read before
//! they write; then the step is marked done in one transaction with what
//! it recorded. Register steps (`register.rs`) do their change and the
//! marking in one transaction, so they happen once.

use chrono::NaiveDateTime;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::Onboarding;
use super::domain::{StepKind, StepStatus, initial_password};
use super::plan::{AccountDetail, DisableDetail, GroupsDetail, PasswordDetail};
use super::repo::{self, RunRow, StepRow};
use crate::auth::User;
use crate::db::DbConn;
use crate::directory::DirectoryError;
use crate::directory::client::{NewAccount, Session, normalize_dn};
use crate::error::AppError;
use crate::ids;
use crate::people::Person;
use crate::people::dto::DirectoryLink;

/// A step's detail as its kind reads it.
pub(super) fn detail<T: DeserializeOwned>(step: &StepRow) -> Result<T, AppError> {
    serde_json::from_str(&step.detail).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "step {} of run {} has an unreadable detail: {e}",
            step.position,
            step.run_id
        ))
    })
}

/// Marks a step done with what it did, in the caller's transaction.
pub(super) fn done(
    conn: &mut DbConn,
    step: &StepRow,
    actor: &User,
    result: Value,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mut s = step.clone();
    s.status = StepStatus::Done;
    s.result = Some(result.to_string());
    s.error = None;
    s.finished_at = Some(now);
    repo::save_step(conn, &s)?;
    super::history(
        conn,
        Some(&actor.id),
        &step.run_id,
        "step_done",
        json!({"position": step.position, "kind": step.kind.as_str(), "result": result}),
        now,
    )
}

/// Runs one step.
pub(super) fn execute(
    ob: &Onboarding,
    run: &RunRow,
    actor: &User,
    step: &StepRow,
) -> Result<(), AppError> {
    match step.kind {
        StepKind::CreateAccount => create_account(ob, actor, step),
        StepKind::SetPassword => set_password(ob, actor, step),
        StepKind::AddGroups => groups(ob, actor, step, true),
        StepKind::RemoveGroups => groups(ob, actor, step, false),
        StepKind::DisableAccount => disable(ob, actor, step),
        StepKind::UpdatePerson => {
            update_entry(ob, step)?;
            super::register::execute(ob, run, actor, step)
        }
        _ => super::register::execute(ob, run, actor, step),
    }
}

/// The run as it is now (earlier steps fill it in).
pub(super) fn current_run(conn: &mut DbConn, id: &str) -> Result<RunRow, AppError> {
    repo::run(conn, id)?.ok_or_else(|| AppError::NotFound(format!("onboarding run {id}")))
}

/// The run's person as it is now.
pub(super) fn person_of(conn: &mut DbConn, run_id: &str) -> Result<Person, AppError> {
    let r = current_run(conn, run_id)?;
    let id = r
        .person_id
        .ok_or_else(|| AppError::conflict("no_person", "the run's person is not registered yet"))?;
    crate::people::service::find_in(conn, &id)?
        .ok_or_else(|| AppError::NotFound(format!("person {id}")))
}

/// The person's entry DN now: found by its stable key (so a move by
/// anyone, or a step that moved it before a crash, is followed).
pub(super) fn entry_dn(session: &mut Session, p: &Person) -> Result<String, AppError> {
    if let Some(key) = &p.directory_key
        && let Some(e) = session.find_key_in_domain(key)?
    {
        return Ok(e.dn);
    }
    if let Some(account) = &p.account_name
        && let Some(e) = session.find_account(account)?
    {
        return Ok(e.dn);
    }
    Err(AppError::conflict(
        "no_account",
        "the person has no directory account (it was not created, or was deleted)",
    ))
}

pub(super) fn open(ob: &Onboarding) -> Result<Session, AppError> {
    Ok(Session::open(ob.people.directory.clone())?)
}

fn create_account(ob: &Onboarding, actor: &User, step: &StepRow) -> Result<(), AppError> {
    let d: AccountDetail = detail(step)?;
    let person = ob.db.read(|conn| person_of(conn, &step.run_id))?;
    let mut session = open(ob)?;
    // Made already (this step before a crash)? Then it is ours when it is
    // this person's; a name someone took since the plan is refused.
    let entry = match session.find_account(&d.account)? {
        Some(e) if e.given == d.given && e.surname == d.surname => e,
        Some(e) => {
            return Err(AppError::conflict(
                "account_taken",
                format!(
                    "{} was taken after the plan (by {}); plan the run again",
                    d.account, e.dn
                ),
            ));
        }
        None => {
            if session.account_taken(&d.account)? {
                return Err(AppError::conflict(
                    "account_taken",
                    format!("{} was taken after the plan; plan the run again", d.account),
                ));
            }
            let new = NewAccount {
                account: d.account.clone(),
                given: d.given.clone(),
                surname: d.surname.clone(),
                mail: d.mail.clone(),
                department: d.department.clone(),
                title: d.title.clone(),
                manager_dn: d.manager_dn.clone(),
                employee_id: d.employee_id.clone(),
                ou: d.ou.clone(),
            };
            let mut create = || session.create(&new).map_err(AppError::from);
            if ob.people.directory.posix.enabled {
                // Its uidNumber is the highest plus one: one at a time.
                repo::with_uid_lock(&ob.db, create)?;
            } else {
                create()?;
            }
            session.find_account(&d.account)?.ok_or_else(|| {
                AppError::Upstream(format!("{} was created but cannot be read back", d.account))
            })?
        }
    };
    session.close();
    let link = DirectoryLink {
        flavor: ob.people.directory.flavor.as_str().to_owned(),
        dn: Some(entry.dn.clone()),
        key: entry.key.clone(),
        account_name: Some(entry.account.clone()),
    };
    let now = ids::now();
    ob.db.write(|conn| {
        crate::people::service::link_directory(conn, actor, &person.user_id, &link, now)?;
        done(
            conn,
            step,
            actor,
            json!({"dn": entry.dn, "key": entry.key, "account": entry.account}),
            now,
        )
    })
}

fn set_password(ob: &Onboarding, actor: &User, step: &StepRow) -> Result<(), AppError> {
    let d: PasswordDetail = detail(step)?;
    let key = ob.seal_key()?.clone();
    // The same password on every try: sealed before it is set.
    let (person, password) = ob.db.write(|conn| {
        repo::lock_run(conn, &step.run_id)?;
        let mut r = current_run(conn, &step.run_id)?;
        let person = person_of(conn, &step.run_id)?;
        if let Some(sealed) = &r.sealed_password
            && let Some(p) = key.open(&r.id, sealed)
        {
            return Ok((person, p));
        }
        let p = initial_password(d.length);
        r.sealed_password = Some(key.seal(&r.id, &p));
        r.password_state = "none".into();
        repo::save_run(conn, &r)?;
        Ok::<_, AppError>((person, p))
    })?;
    let mut session = open(ob)?;
    let dn = entry_dn(&mut session, &person)?;
    if let Err(e) = session.set_password(&dn, &password) {
        return Err(refused_password(ob, &step.run_id, e));
    }
    session.enable(&dn, d.must_change)?;
    session.close();
    let now = ids::now();
    ob.db.write(|conn| {
        let mut r = current_run(conn, &step.run_id)?;
        if r.password_state == "none" {
            r.password_state = "sealed".into();
            repo::save_run(conn, &r)?;
        }
        done(
            conn,
            step,
            actor,
            json!({"dn": dn, "must_change": d.must_change}),
            now,
        )
    })
}

/// A password the directory refused for its policy (constraint violation,
/// RFC 4511) is dropped, so that the next try makes a new one rather than
/// offering the same one again; anything else passes through.
fn refused_password(ob: &Onboarding, run_id: &str, e: DirectoryError) -> AppError {
    let DirectoryError::Refused { code: 19, text, .. } = &e else {
        return e.into();
    };
    let dropped = ob.db.write(|conn| {
        repo::lock_run(conn, run_id)?;
        let mut r = current_run(conn, run_id)?;
        if r.password_state == "none" {
            r.sealed_password = None;
            repo::save_run(conn, &r)?;
        }
        Ok::<_, AppError>(())
    });
    if let Err(db) = dropped {
        return db;
    }
    AppError::conflict(
        "password_refused",
        format!(
            "the directory refused the password ({text}); a retry makes a new one — if that \
             is refused too, raise onboarding.password_length or look at the directory's \
             password policy"
        ),
    )
}

/// Joins or leaves groups. An offboarding leaves every group the account
/// is in when the step runs, and keeps the list in the run for a revert.
fn groups(ob: &Onboarding, actor: &User, step: &StepRow, join: bool) -> Result<(), AppError> {
    let d: GroupsDetail = detail(step)?;
    let (run, person) = ob.db.read(|conn| {
        Ok::<_, AppError>((
            current_run(conn, &step.run_id)?,
            person_of(conn, &step.run_id)?,
        ))
    })?;
    let mut session = open(ob)?;
    let dn = entry_dn(&mut session, &person)?;
    let mut list = d.groups.clone();
    let offboarding = run.kind == super::domain::RunKind::Offboard;
    if offboarding {
        let mut now_in = session.groups_of(&dn)?;
        now_in.retain(|g| !list.iter().any(|l| normalize_dn(l) == normalize_dn(g)));
        list.extend(now_in);
        keep_for_revert(ob, &step.run_id, &dn, &list)?;
    }
    for g in &list {
        if join {
            session.add_member(g, &dn)?;
        } else {
            session.remove_member(g, &dn)?;
        }
    }
    session.close();
    let now = ids::now();
    ob.db
        .write(|conn| done(conn, step, actor, json!({"dn": dn, "groups": list}), now))
}

/// What a revert needs, merged into the run's `undo`: the groups left and
/// where the entry was.
fn keep_for_revert(
    ob: &Onboarding,
    run_id: &str,
    dn: &str,
    groups: &[String],
) -> Result<(), AppError> {
    ob.db.write(|conn| {
        repo::lock_run(conn, run_id)?;
        let mut r = current_run(conn, run_id)?;
        let mut undo: Value = r
            .undo
            .as_deref()
            .and_then(|u| serde_json::from_str(u).ok())
            .unwrap_or_else(|| json!({}));
        if undo.get("dn_before").is_none() {
            undo["dn_before"] = json!(dn);
        }
        let mut kept: Vec<String> = undo["groups"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|g| g.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for g in groups {
            if !kept.iter().any(|k| normalize_dn(k) == normalize_dn(g)) {
                kept.push(g.clone());
            }
        }
        undo["groups"] = json!(kept);
        r.undo = Some(undo.to_string());
        repo::save_run(conn, &r)?;
        Ok(())
    })
}

/// A move's department and title on the directory entry first (a person
/// without one changes in itdesk only).
fn update_entry(ob: &Onboarding, step: &StepRow) -> Result<(), AppError> {
    let d: super::plan::UpdateDetail = detail(step)?;
    let person = ob.db.read(|conn| person_of(conn, &step.run_id))?;
    if !ob.people.directory.in_use() || person.directory_key.is_none() {
        return Ok(());
    }
    let mut session = open(ob)?;
    let dn = entry_dn(&mut session, &person)?;
    session.set_job(&dn, d.department.as_deref(), d.title.as_deref())?;
    session.close();
    Ok(())
}

fn disable(ob: &Onboarding, actor: &User, step: &StepRow) -> Result<(), AppError> {
    let _planned: DisableDetail = detail(step)?;
    let person = ob.db.read(|conn| person_of(conn, &step.run_id))?;
    let mut session = open(ob)?;
    let dn = entry_dn(&mut session, &person)?;
    keep_for_revert(ob, &step.run_id, &dn, &[])?;
    let disabled = session.disable(&dn)?;
    session.close();
    let moved = disabled.dn;
    let now = ids::now();
    let link = DirectoryLink {
        flavor: ob.people.directory.flavor.as_str().to_owned(),
        dn: Some(moved.clone()),
        key: person.directory_key.clone().unwrap_or_default(),
        account_name: person.account_name.clone(),
    };
    ob.db.write(|conn| {
        crate::people::service::link_directory(conn, actor, &person.user_id, &link, now)?;
        let how = disabled.how.as_str();
        done(conn, step, actor, json!({"dn": moved, "how": how}), now)
    })
}
