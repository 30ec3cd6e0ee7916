//! `itdesk mailgate`, the MTA pipe door, in two halves. A running
//! `itdesk serve` listens on a local socket (`mail.mailgate_socket`); the
//! short-lived `itdesk mailgate` process hands it the message and prints its
//! answer, so that a message costs a process start and one warm transaction
//! instead of opening the database, reading its schema and preparing every
//! statement anew (as `rt-mailgate` posts to Request Tracker). With no
//! service listening, mailgate takes the message in itself. Either way the
//! answer — the JSON line and the exit code an MTA acts on — is the same,
//! and exit 0 only follows a durable commit. A hand-over whose answer never
//! comes (the service stopped mid-way) is taken in directly: a message
//! already committed is recognised and not taken in twice.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Mail;
use super::ingest::{IngestError, dead_letter, ingest};
use crate::config::{ConfigError, Sources};

/// Exit codes of `itdesk mailgate` (sysexits.h).
pub mod exit {
    /// The message was handled.
    pub const OK: u8 = 0;
    /// Not a message at all (kept as a dead letter): do not retry.
    pub const DATAERR: u8 = 65;
    /// Could not be handled now (database unreachable): retry later.
    pub const TEMPFAIL: u8 = 75;
}

/// What mailgate answers: its exit code, the line for standard output, the
/// message for standard error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub exit: u8,
    pub stdout: Option<String>,
    pub stderr: Option<String>,
}

impl Verdict {
    fn error(exit: u8, message: String) -> Verdict {
        Verdict {
            exit,
            stdout: None,
            stderr: Some(message),
        }
    }

    /// Prints what the verdict says and returns the exit code.
    pub fn emit(&self) -> u8 {
        if let Some(line) = &self.stdout {
            println!("{line}");
        }
        if let Some(line) = &self.stderr {
            eprintln!("mailgate: {line}");
        }
        self.exit
    }
}

/// Takes one message in (larger than `limit`: kept as a dead letter).
pub fn take_in(state: &Mail, raw: &[u8], limit: usize) -> Verdict {
    if raw.len() > limit {
        let why = format!("the message is larger than mail.max_message_bytes ({limit})");
        return match dead_letter(state, "mailgate", &why, &raw[..limit]) {
            Ok(()) => Verdict::error(
                exit::DATAERR,
                format!("{why}; its first {limit} bytes are kept as a dead letter"),
            ),
            Err(db) => Verdict::error(
                exit::TEMPFAIL,
                format!("{why}, and it could not be kept: {db}"),
            ),
        };
    }
    match ingest(state, raw, "mailgate", crate::ids::now()) {
        Ok(outcome) => Verdict {
            exit: exit::OK,
            stdout: Some(serde_json::to_string(&outcome).unwrap_or_default()),
            stderr: None,
        },
        Err(IngestError::NotAMessage(e)) => {
            match dead_letter(state, "mailgate", &e.to_string(), raw) {
                Ok(()) => Verdict::error(exit::DATAERR, format!("{e}; kept as a dead letter")),
                Err(db) => Verdict::error(
                    exit::TEMPFAIL,
                    format!("{e}, and it could not be kept: {db}"),
                ),
            }
        }
        Err(IngestError::Failed(e)) => Verdict::error(
            exit::TEMPFAIL,
            format!("could not take the message in, try again later: {e}"),
        ),
    }
}

/// Where the service listens for mailgate: `mail.mailgate_socket`, or when
/// that is empty, beside a SQLite database file (`itdesk.db.mailgate`);
/// `off` (or PostgreSQL without a path) means no socket.
pub fn socket_path(mailgate_socket: &str, database_url: &str) -> Option<PathBuf> {
    match mailgate_socket.trim() {
        "off" => None,
        "" => database_url
            .strip_prefix("sqlite://")
            .map(|db| PathBuf::from(format!("{db}.mailgate"))),
        path => Some(PathBuf::from(path)),
    }
}

/// What `itdesk mailgate` reads before it hands a message over: three keys
/// through the usual layers (defaults, `--config`, `ITDESK__…`,
/// `ITDESK_DATABASE_URL`, `--database-url`), not the whole configuration,
/// which only a mailgate that takes the message in itself loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateConfig {
    /// Where the service listens ([`socket_path`]), if anywhere.
    pub socket: Option<PathBuf>,
    /// `mail.max_message_bytes`.
    pub max_message_bytes: usize,
}

impl GateConfig {
    /// The keys read, with their defaults as `config/default.toml` has them.
    pub fn defaults() -> [(&'static str, toml::Value); 3] {
        [
            ("mail.mailgate_socket", toml::Value::String(String::new())),
            ("mail.max_message_bytes", toml::Value::Integer(26_214_400)),
            (
                "database.url",
                toml::Value::String("sqlite://./data/itdesk.db".into()),
            ),
        ]
    }

    pub fn load(sources: &Sources) -> Result<GateConfig, ConfigError> {
        let keys = crate::config::load_keys(sources, &GateConfig::defaults())?;
        let socket: String = keys.get("mail.mailgate_socket")?;
        let url: String = keys.get("database.url")?;
        Ok(GateConfig {
            socket: socket_path(&socket, &url),
            max_message_bytes: keys.get("mail.max_message_bytes")?,
        })
    }
}

/// Why a hand-over did not give an answer.
#[derive(Debug)]
pub enum HandOver {
    /// Nobody listens: take the message in here.
    NoService,
    /// The service took the message but gave no answer; it may or may not
    /// have committed it (taking it in here again is safe: duplicates are
    /// recognised).
    Lost(String),
}

/// Hands `raw` to the service listening at `path` and waits for its verdict.
pub fn hand_over(path: &Path, raw: &[u8], wait: Duration) -> Result<Verdict, HandOver> {
    use std::os::unix::net::UnixStream;
    let mut stream = UnixStream::connect(path).map_err(|_| HandOver::NoService)?;
    let lost = |e: std::io::Error| HandOver::Lost(e.to_string());
    stream.set_write_timeout(Some(wait)).map_err(lost)?;
    stream.set_read_timeout(Some(wait)).map_err(lost)?;
    stream.write_all(raw).map_err(lost)?;
    stream.shutdown(std::net::Shutdown::Write).map_err(lost)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(lost)?;
    serde_json::from_slice(&answer).map_err(|e| HandOver::Lost(format!("unreadable answer: {e}")))
}

/// Serves mailgate hand-overs at `path` until the process ends: each
/// connection brings one message (until it shuts its writing side), is
/// taken in on the blocking pool, made durable, and answered with its
/// verdict as JSON.
pub async fn listen(state: Mail, path: PathBuf) {
    use tokio::net::UnixListener;
    if std::os::unix::net::UnixStream::connect(&path).is_ok() {
        tracing::warn!(path = %path.display(), "another itdesk serve answers mailgate here; this one does not");
        return;
    }
    let _ = std::fs::remove_file(&path); // left behind by a process that was killed
    let listener = match UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot listen for mailgate; it will take mail in itself");
            return;
        }
    };
    {
        use std::os::unix::fs::PermissionsExt;
        // Only the service's own user (the MTA's pipe runs as it) may hand over mail.
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    tracing::info!(path = %path.display(), "mailgate hands messages over here");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = answer(state, stream).await {
                tracing::warn!(error = %e, "a mailgate hand-over failed");
            }
        });
    }
}

async fn answer(state: Mail, mut stream: tokio::net::UnixStream) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limit = state.settings.max_message_bytes;
    let mut raw = Vec::new();
    let mut body = (&mut stream).take(limit as u64 + 1);
    tokio::time::timeout(Duration::from_secs(60), body.read_to_end(&mut raw))
        .await
        .map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::TimedOut, "no message within 60 s")
        })??;
    let verdict = tokio::task::spawn_blocking(move || {
        let verdict = take_in(&state, &raw, limit);
        if verdict.exit != exit::TEMPFAIL
            && let Err(e) = state.db.sync()
        {
            return Verdict::error(
                exit::TEMPFAIL,
                format!("the message was taken in but could not be made durable: {e}"),
            );
        }
        verdict
    })
    .await
    .unwrap_or_else(|e| Verdict::error(exit::TEMPFAIL, format!("the service failed: {e}")));
    let mut answer = serde_json::to_vec(&verdict).unwrap_or_default();
    answer.push(b'\n');
    stream.write_all(&answer).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod gate_config_tests {
    use super::GateConfig;

    /// The keys mailgate reads alone default to what `default.toml` says.
    #[test]
    fn the_gate_defaults_are_the_shipped_defaults() {
        let shipped: toml::Table = crate::config::DEFAULT_TOML.parse().unwrap();
        for (key, value) in GateConfig::defaults() {
            let (section, name) = key.split_once('.').unwrap();
            assert_eq!(shipped[section][name], value, "{key}");
        }
    }
}
