//! `/login/password` (with `[auth] ldap = true`): a person changes their
//! directory password with the old one — where a new hire whose password
//! must be changed at first logon lands from the login form — and is
//! logged in with the new one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::form::Problems;
use super::login::{admit, origin_of, start_session};
use super::session::{Nav, WebSession};
use super::{PageError, render_with, see_other};
use crate::error::{AppError, blocking};
use crate::ids;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login_password.html", config = "src/web/askama.toml")]
struct PasswordPage {
    nav: Nav,
    problems: Problems,
    login: String,
    next: String,
    /// Sent here by the login form: the directory wants a new password.
    must: bool,
}

/// This page's address for a login, where to go after, and whether the
/// directory asked for the change.
pub fn address(login: &str, next: &str, must: bool) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "/login/password?login={}&next={}{}",
        enc(login),
        enc(next),
        if must { "&must=1" } else { "" }
    )
}

#[derive(Debug, Deserialize)]
pub struct PasswordQuery {
    login: Option<String>,
    next: Option<String>,
    must: Option<String>,
}

fn page(
    session: &WebSession,
    problems: Problems,
    login: String,
    next: String,
    must: bool,
) -> PasswordPage {
    PasswordPage {
        nav: Nav {
            user: None,
            csrf: session.session.csrf.clone(),
            current: "",
        },
        problems,
        login,
        next,
        must,
    }
}

fn ldap_only(state: &AppState) -> Result<(), PageError> {
    if state.settings.auth.ldap {
        Ok(())
    } else {
        Err(AppError::NotFound("page".into()).into())
    }
}

pub async fn form(
    state: web::Data<AppState>,
    session: WebSession,
    query: web::Query<PasswordQuery>,
) -> Result<HttpResponse, PageError> {
    ldap_only(&state)?;
    let q = query.into_inner();
    let next = super::login::safe_next(q.next.as_deref());
    let p = page(
        &session,
        Problems::default(),
        q.login.unwrap_or_default(),
        next,
        q.must.is_some(),
    );
    let resp = render_with(StatusCode::OK, &p)?;
    Ok(session.attach(&state, resp))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    csrf: String,
    login: String,
    current_password: String,
    new_password: String,
    repeat_password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    must: Option<String>,
}

/// What the form itself can tell before asking the directory.
fn check(f: &PasswordForm) -> Problems {
    let mut p = Problems::default();
    if f.login.trim().is_empty() {
        p.push("login", "your email or account name");
    }
    if f.current_password.is_empty() {
        p.push("current_password", "the password you have now");
    }
    if f.new_password.is_empty() {
        p.push("new_password", "a new password");
    } else if f.new_password == f.current_password {
        p.push("new_password", "not the same as the current one");
    }
    if f.repeat_password != f.new_password {
        p.push("repeat_password", "not the same as the new password");
    }
    p
}

pub async fn submit(
    state: web::Data<AppState>,
    session: WebSession,
    req: HttpRequest,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, PageError> {
    ldap_only(&state)?;
    session.check_csrf(&form.csrf)?;
    let f = form.into_inner();
    let next = super::login::safe_next(f.next.as_deref());
    let problems = check(&f);
    let refused = |problems: Problems, status: StatusCode| {
        let p = page(
            &session,
            problems,
            f.login.clone(),
            next.clone(),
            f.must.is_some(),
        );
        render_with(status, &p)
    };
    if !problems.is_empty() {
        return refused(problems, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let origin = origin_of(&req);
    let changed = async {
        let attempt = admit(&state, &f.login, &origin).await?;
        let st = state.clone();
        let (old, new) = (f.current_password.clone(), f.new_password.clone());
        let user = blocking(move || {
            crate::people::login::change_password(
                &st.people,
                &st.db,
                &attempt,
                (&old, &new),
                ids::now(),
            )
        })
        .await?;
        start_session(&state, user, &origin).await
    }
    .await;
    match changed {
        Ok(cookie) => {
            let mut resp = see_other(&next);
            let _ = resp.add_cookie(&cookie);
            Ok(resp)
        }
        Err(
            e @ (AppError::Unauthenticated(_)
            | AppError::RateLimited { .. }
            | AppError::Upstream(_)),
        ) => {
            let status = actix_web::ResponseError::status_code(&e);
            let problems = Problems {
                fields: Vec::new(),
                general: Some(e.public_detail()),
            };
            refused(problems, status)
        }
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            refused(Problems::refusal(e)?, status)
        }
    }
}
