//! Login limits (`[login]`) and web sessions (`[web]`).

use std::fmt;

use serde::Deserialize;

use crate::config::ConfigError;

/// `[auth]`: how people prove who they are on the web pages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Log in with the directory's password (`[directory]` must be set);
    /// local passwords still work for break-glass admins.
    pub ldap: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginSettings {
    /// Failed logins from one client address within the window before it
    /// is refused (429).
    pub max_failures: i64,
    pub window_minutes: i64,
    /// Failed logins to one account within the window before its logins
    /// slow down (never lock).
    pub account_delay_after: i64,
    /// The longest an account's login waits.
    pub account_max_delay_seconds: u64,
}

impl LoginSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.max_failures < 1 || self.window_minutes < 1 {
            return Err(ConfigError::Invalid(
                "login.max_failures and login.window_minutes must be ≥ 1".into(),
            ));
        }
        Ok(())
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    pub session_key: String,
    pub session_ttl_hours: i64,
    pub secure_cookies: bool,
    /// The address people reach the pages at, for links in mail; empty:
    /// `server.public_url`.
    #[serde(default)]
    pub base_url: String,
}

impl fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = if self.session_key.is_empty() {
            "(generated)"
        } else {
            "(redacted)"
        };
        f.debug_struct("WebSettings")
            .field("session_key", &key)
            .field("session_ttl_hours", &self.session_ttl_hours)
            .field("secure_cookies", &self.secure_cookies)
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl WebSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.session_key.is_empty() && self.session_key.len() < 64 {
            return Err(ConfigError::Invalid(
                "web.session_key must be at least 64 characters (or empty to generate one)".into(),
            ));
        }
        if self.session_ttl_hours < 1 {
            return Err(ConfigError::Invalid(
                "web.session_ttl_hours must be ≥ 1".into(),
            ));
        }
        Ok(())
    }
}
