//! Layered configuration: `config/default.toml` (compiled in) < `--config FILE`
//! < `ITDESK__SECTION__KEY` environment variables < `ITDESK_DATABASE_URL` <
//! command-line overrides. Every key is declared once, in `default.toml`, with
//! its comment; unknown keys are refused so a typo never goes unnoticed.
//!
//! This module knows no context: it reads the layers into whatever type it
//! is asked for ([`load`]) and holds the process-wide sections (server,
//! database, log). Each context declares and checks its own section; the
//! whole is composed in `src/settings.rs`.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::{Figment, Provider};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The defaults, as shipped.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: String,
    pub workers: usize,
    pub blocking_threads: usize,
    pub public_url: String,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    /// Read transactions running at once; 0: as many as the machine has
    /// cores (at least 2).
    #[serde(default)]
    pub read_concurrency: u32,
    pub connection_timeout_ms: u64,
    pub busy_timeout_ms: u64,
}

impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("pool_size", &self.pool_size)
            .field("read_concurrency", &self.read_concurrency)
            .field("connection_timeout_ms", &self.connection_timeout_ms)
            .field("busy_timeout_ms", &self.busy_timeout_ms)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Why an address cannot be the base of links people follow from mail:
/// it must be an absolute `http://` or `https://` URL with a host.
pub fn check_base_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must be an absolute http:// or https:// address, e.g. https://desk.example.org")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("names no host");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters");
    }
    if rest.contains(['?', '#']) {
        return Err("must not carry a query or a fragment");
    }
    Ok(())
}

/// Where settings come from besides the defaults.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    /// `--config FILE`: must exist when given.
    pub file: Option<PathBuf>,
    /// `--database-url`, the last word on the database.
    pub database_url: Option<String>,
    /// `--bind`.
    pub bind: Option<String>,
    /// Extra `section.key = value` pairs (tests use these).
    pub overrides: Vec<(String, serde_json::Value)>,
}

/// A configuration that cannot be used, with the reason.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("configuration: {0}")]
    Invalid(String),
}

/// Reads every layer (the process environment included) into `T`.
pub fn load<T: DeserializeOwned>(sources: &Sources) -> Result<T, ConfigError> {
    load_with_env(
        sources,
        |name| std::env::var(name).ok(),
        Env::prefixed("ITDESK__"),
    )
}

/// [`load`] with the environment given (tests keep the process's out).
pub fn load_with_env<T: DeserializeOwned>(
    sources: &Sources,
    var: impl Fn(&str) -> Option<String>,
    env: Env,
) -> Result<T, ConfigError> {
    layers(sources, Toml::string(DEFAULT_TOML), var, env)?
        .extract()
        .map_err(|e| ConfigError::Invalid(figment_message(e)))
}

/// The few keys a short-lived command needs, each with its default, read
/// through the same layers as [`load`] but without parsing and checking the
/// rest of the defaults: `itdesk mailgate` finds the service this way in a
/// fraction of the time (its tests compare each default with `default.toml`).
pub fn load_keys(sources: &Sources, defaults: &[(&str, toml::Value)]) -> Result<Keys, ConfigError> {
    let mut fig = Figment::new();
    for (key, value) in defaults {
        fig = fig.merge(Serialized::default(key, value));
    }
    let env = Env::prefixed("ITDESK__");
    layers(sources, fig, |name| std::env::var(name).ok(), env).map(Keys)
}

/// What [`load_keys`] read.
pub struct Keys(Figment);

impl Keys {
    /// The value at `key` (dotted), as `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<T, ConfigError> {
        self.0
            .extract_inner(key)
            .map_err(|e| ConfigError::Invalid(figment_message(e)))
    }
}

/// The layers over `defaults`, in the order the module comment gives.
fn layers(
    sources: &Sources,
    defaults: impl Provider,
    var: impl Fn(&str) -> Option<String>,
    env: Env,
) -> Result<Figment, ConfigError> {
    let mut fig = Figment::from(defaults);
    if let Some(file) = &sources.file {
        if !Path::new(file).is_file() {
            return Err(ConfigError::MissingFile(file.clone()));
        }
        fig = fig.merge(Toml::file(file));
    }
    fig = fig.merge(env.split("__"));
    if let Some(url) = var("ITDESK_DATABASE_URL") {
        fig = fig.merge(Serialized::default("database.url", url));
    }
    if let Some(url) = &sources.database_url {
        fig = fig.merge(Serialized::default("database.url", url));
    }
    if let Some(bind) = &sources.bind {
        fig = fig.merge(Serialized::default("server.bind", bind));
    }
    for (key, value) in &sources.overrides {
        fig = fig.merge(Serialized::default(key, value));
    }
    Ok(fig)
}

impl DatabaseSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.url.starts_with("sqlite://")
            || self.url.starts_with("postgres://")
            || self.url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid(format!(
                "database.url `{}` must start with sqlite:// or postgres://",
                redact_url(&self.url)
            )));
        }
        if self.pool_size == 0 {
            return Err(ConfigError::Invalid(
                "database.pool_size must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

fn figment_message(err: figment::Error) -> String {
    err.into_iter()
        .map(|e| {
            let path = e.path.join(".");
            if path.is_empty() {
                e.kind.to_string()
            } else {
                format!("`{path}`: {}", e.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A password given inline or in a file (the file wins when named).
pub fn secret(inline: &str, file: &str) -> Result<String, ConfigError> {
    if file.is_empty() {
        return Ok(inline.to_owned());
    }
    std::fs::read_to_string(file)
        .map(|s| s.trim_end_matches(['\n', '\r']).to_owned())
        .map_err(|e| ConfigError::Invalid(format!("cannot read password file {file}: {e}")))
}

/// Hides the password of a URL for logs and error messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_owned(),
    }
}
