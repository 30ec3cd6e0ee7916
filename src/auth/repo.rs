//! Queries of the people and access tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{ApiToken, NewLoginAttempt, NewUser, User, WebSessionRow};
use crate::db::DbConn;
use crate::db::schema::{api_tokens, app_secrets, login_attempts, users, web_sessions};

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

/// Ids by address, in chunks that every backend's parameter limit takes.
pub fn ids_by_email(
    conn: &mut DbConn,
    emails: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let mut out = std::collections::HashMap::new();
    for chunk in emails.chunks(500) {
        let found: Vec<(String, String)> = users::table
            .filter(users::email.eq_any(chunk))
            .select((users::email, users::id))
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// Several users in one statement.
pub fn insert_users(conn: &mut DbConn, rows: &[NewUser<'_>]) -> QueryResult<()> {
    crate::insert_all!(conn, users::table, rows).map(|_| ())
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

pub fn set_identity(
    conn: &mut DbConn,
    id: &str,
    email: &str,
    display_name: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::display_name.eq(display_name),
            users::updated_at.eq(at),
        ))
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

/// The active owner of an unrevoked, unexpired token with this digest, and
/// the token's expiry.
pub fn user_for_token_digest(
    conn: &mut DbConn,
    digest: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(User, Option<NaiveDateTime>)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::digest.eq(digest))
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(now)),
        )
        .filter(users::is_active.eq(true))
        .select((User::as_select(), api_tokens::expires_at))
        .first(conn)
        .optional()
}

pub fn insert_token(conn: &mut DbConn, token: &ApiToken) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .execute(conn)
        .map(|_| ())
}

/// Tokens with their owners, newest first: one person's, or everyone's.
pub fn tokens(conn: &mut DbConn, user_id: Option<&str>) -> QueryResult<Vec<(ApiToken, User)>> {
    let mut q = api_tokens::table
        .inner_join(users::table)
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select((ApiToken::as_select(), User::as_select()))
        .into_boxed();
    if let Some(id) = user_id {
        q = q.filter(api_tokens::user_id.eq(id.to_owned()));
    }
    q.load(conn)
}

pub fn find_token(conn: &mut DbConn, id: &str) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)
        .optional()
}

/// Revokes tokens not yet revoked: one, or all of a person's. Returns their
/// digests (to forget them from caches).
pub fn revoke_tokens(
    conn: &mut DbConn,
    token_id: Option<&str>,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    let mut q = api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::revoked_at.is_null())
        .select(api_tokens::digest)
        .into_boxed();
    if let Some(id) = token_id {
        q = q.filter(api_tokens::id.eq(id.to_owned()));
    }
    let digests: Vec<String> = q.load(conn)?;
    if !digests.is_empty() {
        diesel::update(api_tokens::table.filter(api_tokens::digest.eq_any(&digests)))
            .set(api_tokens::revoked_at.eq(at))
            .execute(conn)?;
    }
    Ok(digests)
}

pub fn set_active(conn: &mut DbConn, id: &str, active: bool, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::is_active.eq(active), users::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Everyone with a login or a token (not mail contacts), by name.
pub fn staff_and_login_users(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    users::table
        .filter(
            users::password_hash
                .is_not_null()
                .or(users::id.eq_any(api_tokens::table.select(api_tokens::user_id))),
        )
        .order((users::display_name.asc(), users::id.asc()))
        .select(User::as_select())
        .load(conn)
}

/// Holds the login counters of this address and this account until the
/// transaction ends (PostgreSQL), so that parallel attempts count one after
/// another; SQLite's single writer already does. The address is always
/// locked first, so two attempts never wait for each other in a circle.
pub fn lock_login(conn: &mut DbConn, client_ip: &str, email: &str) -> QueryResult<()> {
    if let DbConn::Postgres(c) = conn {
        for key in [
            format!("login-ip:{client_ip}"),
            format!("login-account:{email}"),
        ] {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(c)?;
        }
    }
    Ok(())
}

/// Failed (or still unfinished) logins from this address since `since`.
pub fn failures_from_address(
    conn: &mut DbConn,
    client_ip: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    login_attempts::table
        .filter(login_attempts::client_ip.eq(client_ip))
        .filter(login_attempts::attempted_at.ge(since))
        .filter(login_attempts::succeeded.eq(false))
        .count()
        .get_result(conn)
}

/// Failed (or still unfinished) logins to this account since `since`.
pub fn failures_for_account(
    conn: &mut DbConn,
    email: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::attempted_at.ge(since))
        .filter(login_attempts::succeeded.eq(false))
        .count()
        .get_result(conn)
}

/// The oldest failure from this address in the window, so the caller can
/// say when the next try is allowed.
pub fn oldest_failure_from_address(
    conn: &mut DbConn,
    client_ip: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    login_attempts::table
        .filter(login_attempts::client_ip.eq(client_ip))
        .filter(login_attempts::attempted_at.ge(since))
        .filter(login_attempts::succeeded.eq(false))
        .select(diesel::dsl::min(login_attempts::attempted_at))
        .first(conn)
}

pub fn mark_attempt_succeeded(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::succeeded.eq(true))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_session(conn: &mut DbConn, row: &WebSessionRow) -> QueryResult<()> {
    diesel::insert_into(web_sessions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// A session that still counts, with its active owner.
pub fn live_session(
    conn: &mut DbConn,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(WebSessionRow, User)>> {
    web_sessions::table
        .inner_join(users::table)
        .filter(web_sessions::id.eq(id))
        .filter(web_sessions::revoked_at.is_null())
        .filter(web_sessions::expires_at.gt(now))
        .filter(users::is_active.eq(true))
        .select((WebSessionRow::as_select(), User::as_select()))
        .first(conn)
        .optional()
}

pub fn touch_session(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(web_sessions::table.find(id))
        .set(web_sessions::last_seen_at.eq(at))
        .execute(conn)
        .map(|_| ())
}

/// A person's sessions that still count, most recently used first.
pub fn live_sessions_of(
    conn: &mut DbConn,
    user_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<WebSessionRow>> {
    web_sessions::table
        .filter(web_sessions::user_id.eq(user_id))
        .filter(web_sessions::revoked_at.is_null())
        .filter(web_sessions::expires_at.gt(now))
        .order(web_sessions::last_seen_at.desc())
        .select(WebSessionRow::as_select())
        .load(conn)
}

/// Ends sessions: one (`id`), or all of a person's but `except`.
pub fn revoke_sessions(
    conn: &mut DbConn,
    user_id: &str,
    id: Option<&str>,
    except: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut q = diesel::update(web_sessions::table)
        .filter(web_sessions::user_id.eq(user_id))
        .filter(web_sessions::revoked_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(web_sessions::id.eq(id.to_owned()));
    }
    if let Some(keep) = except {
        q = q.filter(web_sessions::id.ne(keep.to_owned()));
    }
    q.set(web_sessions::revoked_at.eq(at)).execute(conn)
}

/// Forgets sessions that ended before `before` (housekeeping).
pub fn purge_sessions(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(web_sessions::table.filter(web_sessions::expires_at.lt(before))).execute(conn)
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
