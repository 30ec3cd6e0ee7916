//! The API's view of tokens and people's access.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::User;
use super::tokens::{NewToken, TokenView};
use crate::audit::AuditEvent;
use crate::ids::utc;

/// A login or API user, as far as access goes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountDto {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    /// `false`: cannot log in, no session or token works.
    pub active: bool,
}

impl From<&User> for AccountDto {
    fn from(u: &User) -> AccountDto {
        AccountDto {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.display_name.clone(),
            role: u.role.to_string(),
            active: u.is_active,
        }
    }
}

/// An API token (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: String,
    pub label: String,
    pub owner: AccountDto,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// `valid`, `expired` or `revoked`.
    pub state: &'static str,
}

/// Whether a token still works at `now`.
pub fn token_state(
    revoked_at: Option<NaiveDateTime>,
    expires_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> &'static str {
    match (revoked_at, expires_at) {
        (Some(_), _) => "revoked",
        (None, Some(e)) if e <= now => "expired",
        _ => "valid",
    }
}

impl TokenDto {
    pub fn new(v: &TokenView, now: NaiveDateTime) -> TokenDto {
        let t = &v.token;
        TokenDto {
            id: t.id.clone(),
            label: t.label.clone(),
            owner: (&v.owner).into(),
            created_at: utc(t.created_at),
            expires_at: t.expires_at.map(utc),
            revoked_at: t.revoked_at.map(utc),
            state: token_state(t.revoked_at, t.expires_at, now),
        }
    }
}

/// A token just issued: its secret is in `token`, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedTokenDto {
    #[serde(flatten)]
    pub info: TokenDto,
    /// The secret for `Authorization: Bearer …`; only its SHA-256 is kept.
    pub token: String,
}

impl IssuedTokenDto {
    pub fn new(t: &NewToken, now: NaiveDateTime) -> IssuedTokenDto {
        IssuedTokenDto {
            info: TokenDto::new(&t.view, now),
            token: t.secret.clone(),
        }
    }
}

/// Body of `POST /api/v1/tokens`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// What uses the token, e.g. "nightly Intune import".
    pub label: String,
    /// When it stops working (default: until revoked).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Query of `GET /api/v1/tokens`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TokenQuery {
    /// `me` (default), `all`, or a person's email or id (admins).
    pub owner: Option<String>,
}

/// A person as shown in tickets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: String,
    pub email: String,
    pub name: String,
}

impl From<&User> for PersonDto {
    fn from(u: &User) -> PersonDto {
        PersonDto {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.display_name.clone(),
        }
    }
}

/// One change in a ticket's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryEntryDto {
    pub id: String,
    pub at: DateTime<Utc>,
    /// Who made the change; `null` for the system.
    pub actor: Option<PersonDto>,
    /// e.g. `created`, `updated`, `commented`, `attachment_added`.
    pub action: String,
    /// For `updated`: `{"field": {"from": …, "to": …}}`.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

impl HistoryEntryDto {
    pub fn new(e: &AuditEvent, actor: Option<&User>) -> HistoryEntryDto {
        HistoryEntryDto {
            id: e.id.clone(),
            at: utc(e.occurred_at),
            actor: actor.map(Into::into),
            action: e.action.clone(),
            changes: serde_json::from_str(&e.changes).unwrap_or(serde_json::Value::Null),
        }
    }
}
