//! Rows of the people and access tables.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::Role;
use crate::db::schema::{api_tokens, login_attempts, users, web_sessions};

/// A person: staff member, requester, or a contact created by mail.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub is_active: bool,
    pub organization: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// VIP requesters can get their own SLA policy.
    pub is_vip: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: Option<&'a str>,
    pub is_active: bool,
    pub organization: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An API token: only the SHA-256 digest of the secret is stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub user_id: String,
    pub digest: String,
    pub label: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// After this the token is refused; none: until revoked.
    pub expires_at: Option<NaiveDateTime>,
}

/// A web session: the cookie carries its id, the row whether it still
/// counts (only the SHA-256 of the id is stored).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = web_sessions)]
pub struct WebSessionRow {
    pub id: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub client_ip: String,
    pub user_agent: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = login_attempts)]
pub struct NewLoginAttempt<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub client_ip: &'a str,
    pub succeeded: bool,
    pub attempted_at: NaiveDateTime,
}
