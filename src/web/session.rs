//! The page-side view of sessions: extractors for "anyone" and "a logged-in
//! person", CSRF checks, and the navigation every page shows.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};

use super::PageError;
use crate::auth::User;
use crate::auth::session::{COOKIE, Session};
use crate::auth::sessions;
use crate::error::{AppError, blocking};
use crate::state::AppState;

/// The signed-in person as the page header shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub name: String,
    pub role: String,
    pub staff: bool,
    /// Sees the access page.
    pub admin: bool,
    /// Unread in-app notifications.
    pub unread: i64,
}

/// What the layout needs on every page.
#[derive(Debug, Clone)]
pub struct Nav {
    pub user: Option<NavUser>,
    pub csrf: String,
    /// Which menu entry is current: "queue", "mine", "new" or "".
    pub current: &'static str,
}

impl Nav {
    pub fn anonymous() -> Nav {
        Nav {
            user: None,
            csrf: String::new(),
            current: "",
        }
    }
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("app state missing")))
}

fn read_session(req: &HttpRequest, state: &AppState) -> Option<Session> {
    let cookie = req.cookie(COOKIE)?;
    Session::from_cookie_value(cookie.value(), &state.auth.session_key, now_unix())
}

/// Anyone's session; a visitor without one gets a fresh anonymous session
/// that the handler must send back ([`WebSession::attach`]).
#[derive(Debug, Clone)]
pub struct WebSession {
    pub session: Session,
    pub fresh: bool,
}

impl WebSession {
    /// Adds the session cookie to a response if it is new.
    pub fn attach(&self, state: &AppState, mut resp: HttpResponse) -> HttpResponse {
        if self.fresh {
            let _ = resp.add_cookie(
                &self
                    .session
                    .to_cookie(&state.auth.session_key, state.settings.web.secure_cookies),
            );
        }
        resp
    }

    /// Refuses a form whose CSRF token does not match the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        check_csrf(&self.session, submitted, self.fresh)
    }
}

fn check_csrf(session: &Session, submitted: &str, fresh: bool) -> Result<(), PageError> {
    if !fresh && session.csrf_matches(submitted) {
        return Ok(());
    }
    Err(PageError::App(AppError::Forbidden(
        "this form has expired or did not come from itdesk; reload the page and try again".into(),
    )))
}

impl FromRequest for WebSession {
    type Error = PageError;
    type Future = std::future::Ready<Result<WebSession, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = state_of(req).map_err(PageError::App).map(|state| {
            let ttl = state.settings.web.session_ttl_hours * 3600;
            match read_session(req, &state) {
                Some(session) => WebSession {
                    session,
                    fresh: false,
                },
                None => WebSession {
                    session: Session::anonymous(now_unix(), ttl),
                    fresh: true,
                },
            }
        });
        std::future::ready(result)
    }
}

/// A logged-in, active person; anyone else is sent to the login page.
#[derive(Debug, Clone)]
pub struct WebUser {
    pub user: User,
    pub session: Session,
    pub unread: i64,
}

impl WebUser {
    pub fn nav(&self, current: &'static str) -> Nav {
        Nav {
            user: Some(NavUser {
                name: self.user.display_name.clone(),
                role: self.user.role.to_string(),
                staff: self.user.role.sees_all_tickets(),
                admin: self.user.role.administers(),
                unread: self.unread,
            }),
            csrf: self.session.csrf.clone(),
            current,
        }
    }

    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        check_csrf(&self.session, submitted, false)
    }
}

fn login_redirect(req: &HttpRequest) -> PageError {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let next: String = url_encode(path);
    PageError::Redirect(format!("/login?next={next}"))
}

/// Percent-encodes everything but unreserved characters.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FromRequest for WebUser {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<WebUser, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state_of(req);
        let session = state.as_ref().ok().and_then(|s| read_session(req, s));
        let redirect = login_redirect(req);
        Box::pin(async move {
            let state = state?;
            let Some(session) = session else {
                return Err(redirect);
            };
            let (Some(user_id), Some(sid)) = (session.user_id.clone(), session.session_id.clone())
            else {
                return Err(redirect);
            };
            let db = state.db.clone();
            let found = blocking(move || {
                let Some((user, _)) = sessions::current(&db, &sid, &user_id, crate::ids::now())?
                else {
                    return Ok::<_, AppError>(None);
                };
                let unread = crate::sla::notifications::unread_count(&db, &user)?;
                Ok(Some((user, unread)))
            })
            .await?;
            match found {
                Some((user, unread)) => Ok(WebUser {
                    user,
                    session,
                    unread,
                }),
                None => Err(redirect),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::url_encode;

    #[test]
    fn next_parameter_is_fully_encoded() {
        assert_eq!(
            url_encode("/queue?status=open&q=a b"),
            "%2Fqueue%3Fstatus%3Dopen%26q%3Da%20b"
        );
    }
}
