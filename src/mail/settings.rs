//! Mail in and out: `[mail]`, `[mail.smtp]` (the outbox's relay) and
//! `[mail.imap]`.

use std::fmt;

use serde::Deserialize;

use crate::config::{ConfigError, secret};
use crate::outbox::{SmtpSettings, TlsMode};

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
    pub smtp: SmtpSettings,
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
    pub tls: TlsMode,
    pub user: String,
    pub password: String,
    pub password_file: String,
    pub folder: String,
    pub processed_folder: String,
    pub poll_seconds: u64,
    pub batch: u32,
    pub workers: u32,
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

impl MailSettings {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if crate::auth::domain::normalize_email(&self.address).is_err() {
            return Err(ConfigError::Invalid(format!(
                "mail.address `{}` is not an email address",
                self.address
            )));
        }
        if self.imap.enabled && (self.imap.user.is_empty() || self.imap.poll_seconds == 0) {
            return Err(ConfigError::Invalid(
                "mail.imap needs a user and poll_seconds ≥ 1 when enabled".into(),
            ));
        }
        secret(&self.smtp.password, &self.smtp.password_file)?;
        secret(&self.imap.password, &self.imap.password_file)?;
        Ok(())
    }
}
