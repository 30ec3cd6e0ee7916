//! `/account`: your sessions (end one, or all the others), your API tokens
//! (issue one — its secret shown once —, revoke), and your password.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::format::{iso, when};
use super::session::Nav;
use super::{PageError, WebUser, render_with, see_other};
use crate::auth::dto::token_state;
use crate::auth::service as people;
use crate::auth::sessions;
use crate::auth::tokens::{self, Owner};
use crate::error::{AppError, FieldError, blocking};
use crate::ids;
use crate::state::AppState;

pub struct SessionRow {
    pub started: String,
    pub seen: String,
    pub seen_iso: String,
    pub from: String,
    pub current: bool,
    /// What the form posts to end it (a digest: the id itself never leaves
    /// the cookie).
    pub key: String,
}

pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub owner: String,
    pub created: String,
    pub expires: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "account.html", config = "src/web/askama.toml")]
struct AccountPage {
    nav: Nav,
    name: String,
    email: String,
    role: String,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    errors: Vec<FieldError>,
    notice: Option<String>,
    /// A token just issued: shown once.
    new_secret: Option<String>,
    label: String,
    expires: String,
}

/// What a page outcome adds to the account page.
#[derive(Default)]
struct Outcome {
    errors: Vec<FieldError>,
    notice: Option<String>,
    new_secret: Option<String>,
    label: String,
    expires: String,
}

pub fn token_rows(list: &[tokens::TokenView]) -> Vec<TokenRow> {
    let now = ids::now();
    list.iter()
        .map(|t| TokenRow {
            id: t.token.id.clone(),
            label: t.token.label.clone(),
            owner: t.owner.email.clone(),
            created: when(t.token.created_at),
            expires: t
                .token
                .expires_at
                .map(when)
                .unwrap_or_else(|| "never".into()),
            state: token_state(t.token.revoked_at, t.token.expires_at, now),
        })
        .collect()
}

async fn page(
    state: &web::Data<AppState>,
    user: &WebUser,
    status: StatusCode,
    outcome: Outcome,
) -> Result<HttpResponse, PageError> {
    let st = state.clone();
    let actor = user.user.clone();
    let current = user.session.session_id.clone();
    let (list, mine) = blocking(move || {
        let list = sessions::list(&st.db, &actor.id, current.as_deref(), ids::now())?;
        let mine = tokens::list_tokens(&st.db, &actor, &Owner::Me)?;
        Ok::<_, AppError>((list, mine))
    })
    .await?;
    let sessions = list
        .into_iter()
        .map(|(s, current)| SessionRow {
            started: when(s.created_at),
            seen: when(s.last_seen_at),
            seen_iso: iso(s.last_seen_at),
            from: format!("{} · {}", s.client_ip, browser_name(&s.user_agent)),
            current,
            key: s.id,
        })
        .collect();
    render_with(
        status,
        &AccountPage {
            nav: user.nav("account"),
            name: user.user.display_name.clone(),
            email: user.user.email.clone(),
            role: user.user.role.to_string().replace('_', " "),
            sessions,
            tokens: token_rows(&mine),
            errors: outcome
                .errors
                .into_iter()
                .map(|e| FieldError::new(e.field.replace('_', " "), e.message))
                .collect(),
            notice: outcome.notice,
            new_secret: outcome.new_secret,
            label: outcome.label,
            expires: outcome.expires,
        },
    )
}

/// A short, readable name for a User-Agent string.
fn browser_name(ua: &str) -> String {
    let known = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    let browser = known
        .iter()
        .find(|(k, _)| ua.contains(k))
        .map(|(_, n)| *n)
        .unwrap_or("a browser");
    let system = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, n)| format!(" on {n}"))
    .unwrap_or_default();
    format!("{browser}{system}")
}

pub async fn show(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    page(&state, &user, StatusCode::OK, Outcome::default()).await
}

#[derive(Debug, Deserialize)]
pub struct SessionForm {
    csrf: String,
    /// One session's key, or empty for every other session.
    #[serde(default)]
    session: String,
}

/// Ends one of your sessions, or every other one.
pub async fn end_sessions(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<SessionForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let st = state.clone();
    let uid = user.user.id.clone();
    let keep = user.session.session_id.clone();
    let key = form.session.clone();
    let ended = blocking(move || {
        if key.is_empty() {
            sessions::end_all(&st.db, &uid, keep.as_deref(), ids::now())
        } else {
            sessions::end_by_key(&st.db, &uid, &key, ids::now())
        }
    })
    .await?;
    let notice = match ended {
        0 => "No other session was open.".to_owned(),
        1 => "1 session ended.".to_owned(),
        n => format!("{n} sessions ended."),
    };
    page(
        &state,
        &user,
        StatusCode::OK,
        Outcome {
            notice: Some(notice),
            ..Outcome::default()
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    csrf: String,
    label: String,
    /// A date (YYYY-MM-DD) or empty.
    #[serde(default)]
    expires: String,
}

/// Issues you a token and shows its secret once.
pub async fn create_token(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let expires = match form.expires.trim() {
        "" => Ok(None),
        d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| d.and_hms_opt(0, 0, 0))
            .map_err(|_| AppError::invalid("expires", "must be a date like 2027-06-30")),
    };
    let st = state.clone();
    let actor = user.user.clone();
    let label = form.label.clone();
    let issued = match expires {
        Ok(at) => {
            blocking(move || tokens::issue_own_token(&st.db, &actor, &label, at, ids::now())).await
        }
        Err(e) => Err(e),
    };
    match issued {
        Ok(t) => {
            page(
                &state,
                &user,
                StatusCode::CREATED,
                Outcome {
                    notice: Some(format!(
                        "Token “{}” issued. Copy it now: it is not shown again.",
                        t.view.token.label
                    )),
                    new_secret: Some(t.secret),
                    ..Outcome::default()
                },
            )
            .await
        }
        Err(AppError::Validation(errors)) => {
            page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome {
                    errors,
                    label: form.label,
                    expires: form.expires,
                    ..Outcome::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    csrf: String,
}

/// Revokes one of your tokens (admins: anyone's, from the access page).
pub async fn revoke_token(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let st = state.clone();
    let actor = user.user.clone();
    let (view, digests) =
        blocking(move || tokens::revoke_token(&st.db, Some(&actor), &path, ids::now())).await?;
    state.auth.tokens.forget(&digests);
    let back = if view.owner.id == user.user.id {
        "/account"
    } else {
        "/admin/access"
    };
    Ok(see_other(back))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
    repeat_password: String,
}

/// Changes your password; every session (this one too) ends.
pub async fn change_password(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let st = state.clone();
    let actor = user.user.clone();
    let result = blocking(move || {
        people::change_own_password(
            &st.db,
            &actor,
            &form.current_password,
            &form.new_password,
            &form.repeat_password,
        )
    })
    .await;
    match result {
        Ok(()) => {
            let mut resp = see_other("/login?changed=password");
            let _ = resp.add_cookie(&crate::auth::session::removal_cookie(
                state.settings.web.secure_cookies,
            ));
            Ok(resp)
        }
        Err(AppError::Validation(errors)) => {
            page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome {
                    errors,
                    ..Outcome::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::browser_name;

    #[test]
    fn browsers_are_named_in_words() {
        assert_eq!(
            browser_name(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
            ),
            "Chrome on Windows"
        );
        assert_eq!(browser_name("curl/8.5.0"), "curl");
        assert_eq!(browser_name(""), "a browser");
    }
}
