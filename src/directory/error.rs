//! What can go wrong talking to the directory, and whether trying again
//! later can help.

use ldap3::LdapError;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// `[directory]` cannot be used as it is (a person fixes it).
    #[error("directory configuration: {0}")]
    Config(String),
    /// No answer: the server is down, unreachable, or too slow.
    #[error("the directory is not reachable: {0}")]
    Unreachable(String),
    /// The server answered no (`what` it was asked, its result code and text).
    #[error("the directory refused to {what}: {text} (result code {code})")]
    Refused {
        what: String,
        code: u32,
        text: String,
    },
}

impl DirectoryError {
    /// A refusal from the server's `LdapResult` (or a transport error).
    pub fn refused(what: &str, e: LdapError) -> DirectoryError {
        match e {
            LdapError::LdapResult { result } => DirectoryError::Refused {
                what: what.to_owned(),
                code: result.rc,
                text: if result.text.is_empty() {
                    describe(result.rc).to_owned()
                } else {
                    result.text
                },
            },
            other => DirectoryError::from(other),
        }
    }

    /// Whether the same request may succeed later without a person
    /// changing anything (the server was away or busy).
    pub fn retryable(&self) -> bool {
        match self {
            DirectoryError::Config(_) => false,
            DirectoryError::Unreachable(_) => true,
            // timeLimitExceeded, busy, unavailable; AD answers 53
            // (unwillingToPerform) for what stays refused (a password over a
            // plain connection), so that one is not retried.
            DirectoryError::Refused { code, .. } => matches!(code, 3 | 51 | 52),
        }
    }

    /// The server's result code, when it answered.
    pub fn code(&self) -> Option<u32> {
        match self {
            DirectoryError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }
}

impl From<DirectoryError> for crate::error::AppError {
    fn from(e: DirectoryError) -> Self {
        use crate::error::AppError;
        match e {
            DirectoryError::Config(m) => AppError::conflict(
                "directory_not_configured",
                format!("directory configuration: {m}"),
            ),
            DirectoryError::Unreachable(_) => AppError::Upstream(e.to_string()),
            DirectoryError::Refused { .. } if e.retryable() => AppError::Upstream(e.to_string()),
            DirectoryError::Refused { .. } => {
                AppError::conflict("directory_refused", e.to_string())
            }
        }
    }
}

impl From<LdapError> for DirectoryError {
    fn from(e: LdapError) -> DirectoryError {
        match e {
            LdapError::LdapResult { .. } => DirectoryError::refused("do it", e),
            // A filter, URL or name the code or the settings got wrong:
            // trying again will not help.
            LdapError::FilterParsing
            | LdapError::UrlParsing { .. }
            | LdapError::UnknownScheme(_)
            | LdapError::DNSName { .. }
            | LdapError::EmptyUnixPath
            | LdapError::PortInUnixPath
            | LdapError::AddNoValues
            | LdapError::InvalidScopeString(_) => DirectoryError::Config(e.to_string()),
            other => {
                let text = other.to_string();
                if text.to_lowercase().contains("certificate") {
                    DirectoryError::Config(format!(
                        "TLS: {text}; set directory.ca_file to the PEM file of the CA that \
                         signed the server's certificate"
                    ))
                } else {
                    DirectoryError::Unreachable(text)
                }
            }
        }
    }
}

/// The words for the result codes people meet (RFC 4511, appendix A).
fn describe(rc: u32) -> &'static str {
    match rc {
        16 => "no such attribute",
        19 => "constraint violation",
        20 => "the value exists already",
        32 => "no such entry",
        34 => "invalid DN syntax",
        49 => "invalid credentials",
        50 => "insufficient access rights",
        53 => "unwilling to perform",
        65 => "object class violation",
        68 => "the entry exists already",
        _ => "see the server's log",
    }
}
