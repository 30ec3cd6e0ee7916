//! LDAP login (`[auth] ldap = true`): the entry is found by mail or
//! account name, the password checked by binding as it, and the groups
//! decide the role (`directory.group_roles`). An entry the directory does
//! not know, a password it rejects, or a directory that does not answer
//! falls back to the local password, so break-glass admins always get in.
//! A right password that must be changed first leads to changing it in the
//! directory ([`change_password`]).

use chrono::NaiveDateTime;

use super::People;
use crate::auth::login::{self, Attempt};
use crate::auth::{User, people as accounts, service::ensure_contact_named};
use crate::db::Db;
use crate::directory::login::{change_own_password, role_of};
use crate::directory::{BindOutcome, DirectoryError, Entry, Session, check_password};
use crate::error::{AppError, FieldError};

/// Who a role change at login is recorded as.
const SOURCE: &str = "directory_login";

/// What a login comes to.
#[derive(Debug)]
pub enum Outcome {
    LoggedIn(User),
    /// The password is right but the directory wants a new one first
    /// (AD `data 773`, or expired).
    MustChange,
}

/// Checks an admitted attempt against the directory, then (when the
/// directory does not settle it) the local password.
pub fn finish(
    people: &People,
    db: &Db,
    attempt: &Attempt,
    password: &str,
    now: NaiveDateTime,
) -> Result<Outcome, AppError> {
    if password.is_empty() {
        // LDAP reads an empty password as an anonymous bind that "succeeds".
        return Err(wrong());
    }
    let found = find(people, attempt.login());
    let (mut session, entry) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return local(db, attempt, password),
        Err(e) => {
            tracing::warn!(error = %e, "LDAP login: the directory did not settle it; trying the local password");
            return local(db, attempt, password);
        }
    };
    let outcome = check_password(&people.directory, &entry.dn, password);
    let result = match outcome {
        Ok(BindOutcome::Accepted) => accept(people, db, &mut session, &entry, now).and_then(|u| {
            login::succeed(db, attempt)?;
            Ok(Outcome::LoggedIn(u))
        }),
        Ok(BindOutcome::MustChange | BindOutcome::Expired) => Ok(Outcome::MustChange),
        Ok(BindOutcome::Disabled) => Err(AppError::Unauthenticated(
            "your directory account is disabled; ask IT".into(),
        )),
        Ok(BindOutcome::Locked) => Err(AppError::Unauthenticated(
            "your directory account is locked (after too many failed logins, or by IT); wait or ask IT"
                .into(),
        )),
        Ok(BindOutcome::NotNow) => Err(AppError::Unauthenticated(
            "your directory account may not log in at this time or from here".into(),
        )),
        Ok(BindOutcome::Rejected) | Err(_) => local(db, attempt, password),
    };
    session.close();
    result
}

fn wrong() -> AppError {
    AppError::Unauthenticated("wrong email or password".into())
}

fn local(db: &Db, attempt: &Attempt, password: &str) -> Result<Outcome, AppError> {
    login::finish(db, attempt, password).map(Outcome::LoggedIn)
}

/// The entry a login names, with the service session that found it.
fn find(people: &People, login: &str) -> Result<Option<(Session, Entry)>, DirectoryError> {
    let mut s = Session::open(people.directory.clone())?;
    match s.find_login(login)? {
        Some(entry) if !entry.disabled => Ok(Some((s, entry))),
        _ => {
            s.close();
            Ok(None)
        }
    }
}

/// The account of a person the directory accepted, made when missing,
/// with the role their groups give.
fn accept(
    people: &People,
    db: &Db,
    session: &mut Session,
    entry: &Entry,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let role = role_of(
        &people.directory.group_roles,
        &session.login_groups(&entry.dn)?,
    );
    if entry.mail.trim().is_empty() {
        return Err(AppError::Unauthenticated(
            "your directory entry has no mail address, which itdesk needs; ask IT".into(),
        ));
    }
    let name = Some(entry.display_name.as_str()).filter(|n| !n.trim().is_empty());
    let user = db.write(|conn| {
        let user = ensure_contact_named(conn, &entry.mail, name, "email", None, now)?;
        if let Some(role) = role {
            accounts::set_role(conn, &user, role, SOURCE, now)?;
        }
        Ok::<_, AppError>(User {
            role: role.unwrap_or(user.role),
            ..user
        })
    })?;
    if !user.is_active {
        return Err(wrong());
    }
    Ok(user)
}

/// A person's new directory password, proving the old one; then they are
/// logged in with it. Field errors for the form.
pub fn change_password(
    people: &People,
    db: &Db,
    attempt: &Attempt,
    (old, new): (&str, &str),
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let (mut session, entry) = find(people, attempt.login())
        .map_err(AppError::from)?
        .ok_or_else(|| {
            AppError::Validation(vec![FieldError::new(
                "login",
                "no such person in the directory",
            )])
        })?;
    let changed = change_own_password(&people.directory, &entry.dn, old, new);
    let result = match changed {
        Ok(()) => match check_password(&people.directory, &entry.dn, new)? {
            BindOutcome::Accepted => accept(people, db, &mut session, &entry, now),
            other => Err(AppError::Unauthenticated(format!(
                "the password is changed, but the directory does not let you in yet ({other:?})"
            ))),
        },
        // OpenLDAP: the bind with the old password; AD: 0x56, a wrong old value.
        Err(DirectoryError::Refused { code, text, .. })
            if code == 49 || text.contains("00000056") =>
        {
            Err(AppError::Validation(vec![FieldError::new(
                "current_password",
                "this is not your current password",
            )]))
        }
        Err(DirectoryError::Refused { text, .. }) => {
            Err(AppError::Validation(vec![FieldError::new(
                "new_password",
                format!(
                    "the directory refused it: {text} (too short, too simple, or used before?)"
                ),
            )]))
        }
        Err(e) => Err(e.into()),
    };
    session.close();
    let user = result?;
    login::succeed(db, attempt)?;
    Ok(user)
}
