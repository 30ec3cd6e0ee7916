//! Logging in and out.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::session::{Nav, WebSession};
use super::{PageError, render_with, see_other};
use crate::auth::login;
use crate::auth::session::{Session, removal_cookie};
use crate::auth::sessions::{self, Origin};
use crate::error::{AppError, blocking};
use crate::ids;
use crate::people::login::Outcome;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html", config = "src/web/askama.toml")]
struct LoginPage {
    nav: Nav,
    error: Option<String>,
    notice: Option<&'static str>,
    email: String,
    next: String,
    /// People may name themselves by account name too.
    ldap: bool,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// `password` after a password change.
    changed: Option<String>,
}

/// Only a local path is followed after login: one leading `/`, then no
/// `/` or `\\` (which browsers read as another host), no backslash or
/// control character anywhere (browsers drop tabs and newlines, so
/// `/\t/evil.example` is `//evil.example` to them) and no whitespace.
/// Anything else goes home.
pub(super) fn safe_next(next: Option<&str>) -> String {
    let local = |n: &str| {
        let mut chars = n.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && !n
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    };
    match next {
        Some(n) if local(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn page(
    session: &WebSession,
    ldap: bool,
    error: Option<String>,
    email: String,
    next: String,
) -> LoginPage {
    LoginPage {
        ldap,
        nav: Nav {
            user: None,
            csrf: session.session.csrf.clone(),
            current: "",
        },
        error,
        notice: None,
        email,
        next,
    }
}

pub async fn form(
    state: web::Data<AppState>,
    session: WebSession,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(query.next.as_deref());
    let mut session = session;
    if let (Some(user_id), Some(sid)) = (
        session.session.user_id.clone(),
        session.session.session_id.clone(),
    ) {
        let st = state.clone();
        let live = blocking(move || sessions::current(&st.db, &sid, &user_id, ids::now())).await?;
        if live.is_some() {
            return Ok(see_other(&next));
        }
    }
    if session.session.user_id.is_some() {
        // A cookie whose session has ended: start over as a visitor.
        let ttl = state.settings.web.session_ttl_hours * 3600;
        session = WebSession {
            session: Session::anonymous(chrono::Utc::now().timestamp(), ttl),
            fresh: true,
        };
    }
    let mut login = page(
        &session,
        state.settings.auth.ldap,
        None,
        String::new(),
        next,
    );
    if query.changed.as_deref() == Some("password") {
        login.notice = Some("Your password is changed. Log in with the new one.");
    }
    let resp = render_with(StatusCode::OK, &login)?;
    Ok(session.attach(&state, resp))
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn submit(
    state: web::Data<AppState>,
    session: WebSession,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    session.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let origin = origin_of(&req);
    match log_in(&state, &form.email, form.password, &origin).await {
        Ok(Some(cookie)) => {
            let mut resp = see_other(&next);
            let _ = resp.add_cookie(&cookie);
            Ok(resp)
        }
        Ok(None) => Ok(see_other(&super::login_password::address(
            &form.email,
            &next,
            true,
        ))),
        Err(e @ (AppError::Unauthenticated(_) | AppError::RateLimited { .. })) => {
            let status = actix_web::ResponseError::status_code(&e);
            let mut resp = render_with(
                status,
                &page(
                    &session,
                    state.settings.auth.ldap,
                    Some(e.public_detail()),
                    form.email,
                    next,
                ),
            )?;
            if let AppError::RateLimited { retry_after_secs } = e
                && let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string())
            {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

/// Admits the attempt, waits out the account's slow-down (on the async
/// side: no thread sleeps), checks the password (the directory's first
/// under `[auth] ldap`) and starts a session; `None` when the directory
/// wants a new password first.
async fn log_in(
    state: &web::Data<AppState>,
    email: &str,
    password: String,
    origin: &Origin,
) -> Result<Option<actix_web::cookie::Cookie<'static>>, AppError> {
    let attempt = admit(state, email, origin).await?;
    let st = state.clone();
    let user = blocking(move || {
        if !st.settings.auth.ldap {
            return login::finish(&st.db, &attempt, &password).map(Some);
        }
        let outcome =
            crate::people::login::finish(&st.people, &st.db, &attempt, &password, ids::now())?;
        Ok::<_, AppError>(match outcome {
            Outcome::LoggedIn(user) => Some(user),
            Outcome::MustChange => None,
        })
    })
    .await?;
    match user {
        Some(user) => Ok(Some(start_session(state, user, origin).await?)),
        None => Ok(None),
    }
}

/// Admits a login attempt (or refuses it, 429) and waits out the
/// account's slow-down.
pub(super) async fn admit(
    state: &web::Data<AppState>,
    login_name: &str,
    origin: &Origin,
) -> Result<login::Attempt, AppError> {
    let st = state.clone();
    let (name, ip) = (login_name.to_owned(), origin.client_ip.clone());
    let attempt =
        blocking(move || login::begin(&st.db, &st.settings.login, &name, &ip, ids::now())).await?;
    if !attempt.delay.is_zero() {
        actix_web::rt::time::sleep(attempt.delay).await;
    }
    Ok(attempt)
}

/// A server-side session for `user` and the cookie that carries it.
pub(super) async fn start_session(
    state: &web::Data<AppState>,
    user: crate::auth::User,
    origin: &Origin,
) -> Result<actix_web::cookie::Cookie<'static>, AppError> {
    let st = state.clone();
    let origin = origin.clone();
    let ttl_hours = state.settings.web.session_ttl_hours;
    let user_id = user.id.clone();
    let session_id = blocking(move || {
        let ttl = chrono::Duration::hours(ttl_hours);
        sessions::start(&st.db, &user, ttl, &origin, ids::now())
    })
    .await?;
    let fresh = Session::for_user(
        &user_id,
        &session_id,
        chrono::Utc::now().timestamp(),
        ttl_hours * 3600,
    );
    Ok(fresh.to_cookie(&state.auth.session_key, state.settings.web.secure_cookies))
}

/// Where a request comes from, for the login limits and the session list.
pub(super) fn origin_of(req: &HttpRequest) -> Origin {
    Origin {
        client_ip: req
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
    }
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

/// Ends this session, here and on the server.
pub async fn logout(
    state: web::Data<AppState>,
    session: WebSession,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, PageError> {
    session.check_csrf(&form.csrf)?;
    if let (Some(user_id), Some(sid)) = (
        session.session.user_id.clone(),
        session.session.session_id.clone(),
    ) {
        let st = state.clone();
        blocking(move || sessions::end(&st.db, &user_id, &sid, ids::now())).await?;
    }
    let mut resp = see_other("/login");
    let _ = resp.add_cookie(&removal_cookie(state.settings.web.secure_cookies));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/queue?status=open")), "/queue?status=open");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
        for hostile in [
            "/\t/evil.example",
            "/\n/x",
            "/\r\n/x",
            "/ /evil.example",
            "/x\\y",
            "/\u{7f}/x",
            "https:/evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(
            safe_next(Some("/tickets/42#comment-1")),
            "/tickets/42#comment-1"
        );
    }
}
