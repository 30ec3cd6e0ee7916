//! Web sessions in a signed cookie: who is logged in, which server-side
//! session that is ([`super::sessions`], so that it can be ended), until
//! when, and the CSRF token every form must echo. The signature (HMAC with
//! the session key) makes the cookie tamper-proof.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// Name of the session cookie.
pub const COOKIE: &str = "itdesk_session";

/// The content of the session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The logged-in user, or none for a visitor (who still gets a CSRF token
    /// so the login form itself is protected).
    #[serde(rename = "u")]
    pub user_id: Option<String>,
    #[serde(rename = "c")]
    pub csrf: String,
    /// The server-side session this cookie stands for (a logged-in person
    /// only): ending it there ends the cookie.
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Unix seconds after which the cookie is void.
    #[serde(rename = "e")]
    pub expires_at: i64,
}

fn random_token() -> String {
    let bytes: [u8; 24] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Session {
    /// A visitor's session.
    pub fn anonymous(now_unix: i64, ttl_secs: i64) -> Session {
        Session {
            user_id: None,
            csrf: random_token(),
            session_id: None,
            expires_at: now_unix + ttl_secs,
        }
    }

    /// A fresh session after login (a new CSRF token: never reuse the
    /// visitor's), standing for the server-side session `session_id`.
    pub fn for_user(user_id: &str, session_id: &str, now_unix: i64, ttl_secs: i64) -> Session {
        Session {
            user_id: Some(user_id.to_owned()),
            csrf: random_token(),
            session_id: Some(session_id.to_owned()),
            expires_at: now_unix + ttl_secs,
        }
    }

    /// The signed cookie carrying this session.
    pub fn to_cookie(&self, key: &Key, secure: bool) -> Cookie<'static> {
        let value = serde_json::to_string(self).unwrap_or_default();
        let mut jar = CookieJar::new();
        let cookie = Cookie::build(COOKIE, value)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .finish();
        jar.signed_mut(key).add(cookie);
        jar.get(COOKIE)
            .cloned()
            .unwrap_or_else(|| Cookie::new(COOKIE, ""))
    }

    /// Reads and verifies a session cookie's value; expired or forged ones
    /// are ignored.
    pub fn from_cookie_value(value: &str, key: &Key, now_unix: i64) -> Option<Session> {
        let mut jar = CookieJar::new();
        jar.add_original(Cookie::new(COOKIE, value.to_owned()));
        let verified = jar.signed(key).get(COOKIE)?;
        let session: Session = serde_json::from_str(verified.value()).ok()?;
        (session.expires_at > now_unix).then_some(session)
    }

    /// Constant-time check of a submitted CSRF token.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        let a = self.csrf.as_bytes();
        let b = submitted.as_bytes();
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// A cookie that removes the session.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut c = Cookie::build(COOKIE, "")
        .path("/")
        .http_only(true)
        .secure(secure)
        .finish();
    c.make_removal();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key::from(&[7u8; 64])
    }

    #[test]
    fn signed_session_round_trips_and_forgery_is_rejected() {
        let s = Session::for_user("u1", "s1", 1_000, 3_600);
        let cookie = s.to_cookie(&key(), false);
        assert_eq!(
            Session::from_cookie_value(cookie.value(), &key(), 1_001),
            Some(s.clone())
        );
        let forged = cookie.value().replace("u1", "u2");
        assert_eq!(Session::from_cookie_value(&forged, &key(), 1_001), None);
        let other_key = Key::from(&[8u8; 64]);
        assert_eq!(
            Session::from_cookie_value(cookie.value(), &other_key, 1_001),
            None
        );
    }

    #[test]
    fn expired_session_is_ignored() {
        let s = Session::for_user("u1", "s1", 1_000, 10);
        let cookie = s.to_cookie(&key(), false);
        assert_eq!(
            Session::from_cookie_value(cookie.value(), &key(), 1_011),
            None
        );
    }

    #[test]
    fn csrf_must_match_exactly() {
        let s = Session::anonymous(0, 10);
        assert!(s.csrf_matches(&s.csrf.clone()));
        assert!(!s.csrf_matches("nope"));
        assert_ne!(Session::anonymous(0, 10).csrf, s.csrf);
    }
}
