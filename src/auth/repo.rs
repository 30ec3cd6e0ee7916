//! Queries of the people and access tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{ApiToken, NewLoginAttempt, NewUser, User};
use crate::db::DbConn;
use crate::db::schema::{api_tokens, app_secrets, login_attempts, users};

pub fn find_user_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_user(conn: &mut DbConn, id: &str) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_users(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<User>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::id.eq_any(ids))
        .select(User::as_select())
        .load(conn)
}

pub fn insert_user(conn: &mut DbConn, user: &NewUser<'_>) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map(|_| ())
}

pub fn set_role(
    conn: &mut DbConn,
    id: &str,
    role: super::domain::Role,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::role.eq(role), users::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

pub fn set_password(conn: &mut DbConn, id: &str, hash: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Staff and requesters ordered by name, for pickers and lists.
pub fn list_users(conn: &mut DbConn, roles: &[super::domain::Role]) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::role.eq_any(roles))
        .filter(users::is_active.eq(true))
        .order(users::display_name.asc())
        .select(User::as_select())
        .load(conn)
}

/// The active owner of an unrevoked token with this digest.
pub fn user_for_token_digest(conn: &mut DbConn, digest: &str) -> QueryResult<Option<User>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::digest.eq(digest))
        .filter(api_tokens::revoked_at.is_null())
        .filter(users::is_active.eq(true))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn insert_token(conn: &mut DbConn, token: &ApiToken) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .execute(conn)
        .map(|_| ())
}

/// Failed logins since `since`, counted by account and by client address.
pub fn recent_failures(
    conn: &mut DbConn,
    email: &str,
    client_ip: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, i64)> {
    let by_email = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::attempted_at.ge(since))
        .filter(login_attempts::succeeded.eq(false))
        .count()
        .get_result(conn)?;
    let by_ip = login_attempts::table
        .filter(login_attempts::client_ip.eq(client_ip))
        .filter(login_attempts::attempted_at.ge(since))
        .filter(login_attempts::succeeded.eq(false))
        .count()
        .get_result(conn)?;
    Ok((by_email, by_ip))
}

/// The oldest failure in the window that counts against this attempt, so
/// the caller can say when the next try is allowed.
pub fn oldest_failure_since(
    conn: &mut DbConn,
    email: &str,
    client_ip: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    login_attempts::table
        .filter(
            login_attempts::email
                .eq(email)
                .or(login_attempts::client_ip.eq(client_ip)),
        )
        .filter(login_attempts::attempted_at.ge(since))
        .filter(login_attempts::succeeded.eq(false))
        .select(diesel::dsl::min(login_attempts::attempted_at))
        .first(conn)
}

pub fn insert_login_attempt(conn: &mut DbConn, attempt: &NewLoginAttempt<'_>) -> QueryResult<()> {
    diesel::insert_into(login_attempts::table)
        .values(attempt)
        .execute(conn)
        .map(|_| ())
}

/// Forgets login attempts older than `before` (housekeeping).
pub fn purge_login_attempts(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::attempted_at.lt(before)))
        .execute(conn)
}

pub fn get_secret(conn: &mut DbConn, name: &str) -> QueryResult<Option<String>> {
    app_secrets::table
        .find(name)
        .select(app_secrets::value)
        .first(conn)
        .optional()
}

pub fn insert_secret(
    conn: &mut DbConn,
    name: &str,
    value: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(app_secrets::table)
        .values((
            app_secrets::name.eq(name),
            app_secrets::value.eq(value),
            app_secrets::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}
