//! Layered configuration: `config/default.toml` (compiled in) < `--config FILE`
//! < `ITDESK__SECTION__KEY` environment variables < `ITDESK_DATABASE_URL` <
//! command-line overrides. Every key is declared once, in `default.toml`, with
//! its comment; unknown keys are refused so a typo never goes unnoticed.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::Deserialize;

use crate::calendar::CalendarSpec;
use crate::sla::policy::PolicySpec;
use crate::tickets::domain::{Level, PriorityMatrix, TicketType};

/// The defaults, as shipped.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// All settings of one itdesk process.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub web: WebSettings,
    pub api: ApiSettings,
    pub attachments: AttachmentSettings,
    pub tickets: TicketSettings,
    pub login: LoginSettings,
    pub log: LogSettings,
    pub mail: MailSettings,
    pub sla: SlaSettings,
    pub jobs: JobSettings,
    pub inventory: InventorySettings,
    pub assets: AssetSettings,
    #[serde(default)]
    pub calendars: Vec<CalendarSpec>,
    #[serde(default)]
    pub sla_policies: Vec<PolicySpec>,
    /// Custom fields per asset category.
    #[serde(default)]
    pub asset_fields: Vec<crate::assets::fields::FieldSpec>,
}

/// The asset register.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetSettings {
    /// The daily digest to asset managers lists warranties ending within
    /// this many days (and overdue returns).
    pub warranty_notice_days: i64,
    /// The currency of imported costs written without a symbol or code.
    pub default_currency: String,
    /// The largest file the import page takes, in bytes.
    pub import_max_bytes: u64,
}

/// Inventory agents (FusionInventory / OCS protocol).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventorySettings {
    /// HTTP basic credentials agents must send; an empty username turns
    /// the endpoint off.
    pub username: String,
    pub password: String,
    pub password_file: String,
    /// Largest request body as sent (compressed), in bytes.
    pub max_body_bytes: usize,
    /// Largest inventory once decompressed, in bytes (zlib bombs stop here).
    pub max_xml_bytes: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub address: String,
    pub display_name: String,
    pub allowed_domains: Vec<String>,
    pub unknown_domain: UnknownDomain,
    pub stranger_with_tag: StrangerWithTag,
    pub send_acknowledgement: bool,
    pub autoreplies_per_hour: i64,
    pub max_message_bytes: usize,
    /// Where `itdesk serve` takes messages from `itdesk mailgate`: a path,
    /// empty for beside a SQLite database, `off` for nowhere.
    pub mailgate_socket: String,
    /// Where a message's reply key travels besides its Message-ID.
    pub reply_keys: ReplyKeys,
    /// The authserv-id of our own MTA's `Authentication-Results` header;
    /// empty: those headers are not read.
    pub trusted_authserv_id: String,
    /// `Received` headers allowed above that header (relays after it).
    pub trusted_received_hops: usize,
    pub smtp: crate::outbox::SmtpSettings,
    pub imap: ImapSettings,
}

/// Where outgoing mail carries its per-recipient reply key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyKeys {
    /// Only in the Message-ID (it comes back in In-Reply-To/References).
    MessageId,
    /// Also in a plus-address Reply-To, `helpdesk+KEY@…`.
    Plus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownDomain {
    Hold,
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrangerWithTag {
    NewTicket,
    Hold,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapSettings {
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub tls: crate::outbox::TlsMode,
    pub user: String,
    pub password: String,
    pub password_file: String,
    pub folder: String,
    pub processed_folder: String,
    pub poll_seconds: u64,
    pub batch: u32,
    pub workers: u32,
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

impl fmt::Debug for ImapSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapSettings")
            .field("enabled", &self.enabled)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &"(redacted)")
            .field("folder", &self.folder)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaSettings {
    pub scan_every_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub poll_ms: u64,
}

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
    pub connection_timeout_ms: u64,
    pub busy_timeout_ms: u64,
}

impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("pool_size", &self.pool_size)
            .field("connection_timeout_ms", &self.connection_timeout_ms)
            .field("busy_timeout_ms", &self.busy_timeout_ms)
            .finish()
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    pub session_key: String,
    pub session_ttl_hours: i64,
    pub secure_cookies: bool,
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
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSettings {
    pub json_body_limit_bytes: usize,
    pub page_size_default: i64,
    pub page_size_max: i64,
    pub token_cache_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentSettings {
    pub dir: PathBuf,
    pub max_bytes: u64,
    pub max_per_ticket: i64,
    pub allowed_types: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketSettings {
    pub default_type: TicketType,
    pub default_impact: Level,
    pub default_urgency: Level,
    pub reference_prefix: String,
    pub priority_matrix: PriorityMatrix,
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

impl Settings {
    /// Reads every layer from the process environment and validates the result.
    pub fn load(sources: &Sources) -> Result<Settings, ConfigError> {
        Self::load_with_env(
            sources,
            |name| std::env::var(name).ok(),
            Env::prefixed("ITDESK__"),
        )
    }

    fn load_with_env(
        sources: &Sources,
        var: impl Fn(&str) -> Option<String>,
        env: Env,
    ) -> Result<Settings, ConfigError> {
        let mut fig = Figment::from(Toml::string(DEFAULT_TOML));
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
        let settings: Settings = fig
            .extract()
            .map_err(|e| ConfigError::Invalid(figment_message(e)))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        if let Err(m) = crate::assets::fields::check_specs(&self.asset_fields) {
            return bad(m);
        }
        if crate::db::Backend::from_url(&self.database.url).is_err() {
            return bad(format!(
                "database.url `{}` must start with sqlite:// or postgres://",
                redact_url(&self.database.url)
            ));
        }
        if self.database.pool_size == 0 {
            return bad("database.pool_size must be at least 1".into());
        }
        if !self.web.session_key.is_empty() && self.web.session_key.len() < 64 {
            return bad(
                "web.session_key must be at least 64 characters (or empty to generate one)".into(),
            );
        }
        if self.api.page_size_default < 1 || self.api.page_size_max < self.api.page_size_default {
            return bad("api.page_size_default must be ≥ 1 and ≤ api.page_size_max".into());
        }
        if self.login.max_failures < 1 || self.login.window_minutes < 1 {
            return bad("login.max_failures and login.window_minutes must be ≥ 1".into());
        }
        for (i, c) in self.calendars.iter().enumerate() {
            if c.name.trim().is_empty() {
                return bad(format!("calendars[{i}] needs a name"));
            }
        }
        for (i, p) in self.sla_policies.iter().enumerate() {
            if p.name.trim().is_empty() {
                return bad(format!("sla_policies[{i}] needs a name"));
            }
        }
        if crate::auth::domain::normalize_email(&self.mail.address).is_err() {
            return bad(format!(
                "mail.address `{}` is not an email address",
                self.mail.address
            ));
        }
        if self.mail.imap.enabled
            && (self.mail.imap.user.is_empty() || self.mail.imap.poll_seconds == 0)
        {
            return bad("mail.imap needs a user and poll_seconds ≥ 1 when enabled".into());
        }
        secret(&self.mail.smtp.password, &self.mail.smtp.password_file)?;
        secret(&self.mail.imap.password, &self.mail.imap.password_file)?;
        if self.sla.scan_every_seconds < 1 {
            return bad("sla.scan_every_seconds must be ≥ 1".into());
        }
        if self.web.session_ttl_hours < 1 {
            return bad("web.session_ttl_hours must be ≥ 1".into());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn load(sources: &Sources, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = vars.clone();
        // A prefix no real variable carries keeps the process environment out.
        Settings::load_with_env(
            sources,
            move |name| {
                lookup
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            },
            Env::prefixed("ITDESK_TEST_UNUSED__"),
        )
    }

    #[test]
    fn defaults_load_and_use_sqlite_under_data() {
        let s = load(&Sources::default(), &[]).unwrap();
        assert_eq!(s.database.url, "sqlite://./data/itdesk.db");
        assert_eq!(s.server.bind, "127.0.0.1:8080");
        assert_eq!(s.tickets.default_type, TicketType::Incident);
    }

    #[test]
    fn database_url_variable_and_flag_override_in_order() {
        let s = load(
            &Sources::default(),
            &[("ITDESK_DATABASE_URL", "postgres://a@h/db")],
        )
        .unwrap();
        assert_eq!(s.database.url, "postgres://a@h/db");
        let flag = Sources {
            database_url: Some("sqlite:///tmp/x.db".into()),
            ..Default::default()
        };
        let s = load(&flag, &[("ITDESK_DATABASE_URL", "postgres://a@h/db")]).unwrap();
        assert_eq!(s.database.url, "sqlite:///tmp/x.db");
    }

    #[test]
    fn unknown_scheme_is_a_clear_error() {
        let flag = Sources {
            database_url: Some("mysql://root@localhost/itdesk".into()),
            ..Default::default()
        };
        let err = load(&flag, &[]).unwrap_err().to_string();
        assert!(
            err.contains("must start with sqlite:// or postgres://"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_in_a_file_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.toml");
        std::fs::write(&path, "[server]\nbnid = \"0.0.0.0:80\"\n").unwrap();
        let sources = Sources {
            file: Some(path),
            ..Default::default()
        };
        let err = load(&sources, &[]).unwrap_err().to_string();
        assert!(err.contains("bnid"), "{err}");
    }

    #[test]
    fn missing_config_file_is_an_error_not_a_silent_default() {
        let sources = Sources {
            file: Some("/nonexistent/itdesk.toml".into()),
            ..Default::default()
        };
        assert!(matches!(
            load(&sources, &[]),
            Err(ConfigError::MissingFile(_))
        ));
    }

    #[test]
    fn mail_passwords_come_from_a_file_and_stay_out_of_debug_output() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("smtp.pw");
        std::fs::write(&file, "from-file\n").unwrap();
        let s = load(
            &Sources {
                overrides: vec![
                    ("mail.smtp.password".into(), serde_json::json!("inline")),
                    (
                        "mail.smtp.password_file".into(),
                        serde_json::json!(file.display().to_string()),
                    ),
                ],
                ..Default::default()
            },
            &[],
        )
        .unwrap();
        assert_eq!(
            secret(&s.mail.smtp.password, &s.mail.smtp.password_file).unwrap(),
            "from-file"
        );
        assert!(!format!("{s:?}").contains("inline"));
        let missing = Sources {
            overrides: vec![(
                "mail.imap.password_file".into(),
                serde_json::json!("/nonexistent/pw"),
            )],
            ..Default::default()
        };
        assert!(
            load(&missing, &[])
                .unwrap_err()
                .to_string()
                .contains("password file")
        );
    }

    #[test]
    fn passwords_never_reach_debug_output() {
        assert_eq!(
            redact_url("postgres://itdesk:s3cret@db:5432/itdesk"),
            "postgres://itdesk:***@db:5432/itdesk"
        );
        let s = load(
            &Sources {
                database_url: Some("postgres://u:hunter2@h/d".into()),
                ..Default::default()
            },
            &[],
        )
        .unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
