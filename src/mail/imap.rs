//! The IMAP door: the `mail.poll` job fetches the configured folder in
//! batches (without setting \Seen), takes each message in, and only then
//! moves it to the processed folder. A crash between the two leaves the
//! message in place; the next poll fetches it again and the pipeline's
//! Message-ID + content hash recognise it, so it is taken in exactly once.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::ingest::{IngestError, dead_letter, ingest};
use crate::config::{ImapSettings, TlsMode, secret};
use crate::error::AppError;
use crate::ids;
use crate::jobs::queue::Job;
use crate::state::AppState;

pub const POLL_JOB: &str = "mail.poll";

/// What one poll did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PollStats {
    pub fetched: usize,
    pub taken_in: usize,
    pub dead_letters: usize,
    /// Left in the folder for the next poll (the database failed).
    pub deferred: usize,
}

fn failed(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("IMAP {what}: {e}"))
}

/// Polls once.
pub fn poll(state: &AppState) -> Result<PollStats, AppError> {
    let s = &state.settings.mail.imap;
    let password = secret(&s.password, &s.password_file).map_err(|e| failed("password", e))?;
    let addr = (s.host.as_str(), s.port);
    match s.tls {
        TlsMode::None => {
            let stream = TcpStream::connect(addr).map_err(|e| failed("connect", e))?;
            stream.set_read_timeout(Some(Duration::from_secs(60))).ok();
            let mut client = imap::Client::new(stream);
            client.read_greeting().map_err(|e| failed("greeting", e))?;
            let session = client
                .login(&s.user, &password)
                .map_err(|(e, _)| failed("login", e))?;
            work(state, s, session)
        }
        TlsMode::Starttls | TlsMode::Tls => {
            let tls = native_tls::TlsConnector::builder()
                .build()
                .map_err(|e| failed("TLS", e))?;
            let client = if s.tls == TlsMode::Tls {
                imap::connect(addr, &s.host, &tls)
            } else {
                imap::connect_starttls(addr, &s.host, &tls)
            }
            .map_err(|e| failed("connect", e))?;
            let session = client
                .login(&s.user, &password)
                .map_err(|(e, _)| failed("login", e))?;
            work(state, s, session)
        }
    }
}

fn work<T: Read + Write>(
    state: &AppState,
    s: &ImapSettings,
    mut session: imap::Session<T>,
) -> Result<PollStats, AppError> {
    let _ = session.create(&s.processed_folder); // fails harmlessly when it exists
    session.select(&s.folder).map_err(|e| failed("select", e))?;
    let mut uids: Vec<u32> = session
        .uid_search("ALL")
        .map_err(|e| failed("search", e))?
        .into_iter()
        .collect();
    uids.sort_unstable();
    let can_move = session
        .capabilities()
        .map(|c| c.has_str("MOVE"))
        .unwrap_or(false);
    let mut stats = PollStats::default();
    for chunk in uids.chunks(s.batch.max(1) as usize) {
        let set = chunk
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let fetched = session
            .uid_fetch(&set, "(UID BODY.PEEK[])")
            .map_err(|e| failed("fetch", e))?;
        let mut messages: Vec<(u32, &[u8])> = fetched
            .iter()
            .filter_map(|f| Some((f.uid?, f.body()?)))
            .collect();
        messages.sort_by_key(|(uid, _)| *uid);
        stats.fetched += messages.len();
        let mut done = Vec::new();
        for (uid, raw) in messages {
            match ingest(state, raw, "imap", ids::now()) {
                Ok(_) => {
                    stats.taken_in += 1;
                    done.push(uid);
                }
                Err(IngestError::NotAMessage(e)) => {
                    dead_letter(state, "imap", &e.to_string(), raw)?;
                    stats.dead_letters += 1;
                    done.push(uid);
                }
                Err(IngestError::Failed(e)) => {
                    tracing::warn!(uid, error = %e, "IMAP message deferred to the next poll");
                    stats.deferred += 1;
                }
            }
        }
        if !done.is_empty() {
            let set = done
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            if can_move {
                session
                    .uid_mv(&set, &s.processed_folder)
                    .map_err(|e| failed("move", e))?;
            } else {
                session
                    .uid_copy(&set, &s.processed_folder)
                    .map_err(|e| failed("copy", e))?;
                session
                    .uid_store(&set, "+FLAGS (\\Seen \\Deleted)")
                    .map_err(|e| failed("flag", e))?;
                session.expunge().map_err(|e| failed("expunge", e))?;
            }
        }
        if stats.deferred > 0 {
            break;
        }
    }
    let _ = session.logout();
    Ok(stats)
}

/// Job handler of `mail.poll`.
pub fn poll_job(state: &AppState, _job: &Job) -> Result<(), AppError> {
    if !state.settings.mail.imap.enabled {
        return Ok(());
    }
    let stats = poll(state)?;
    if stats.fetched > 0 {
        tracing::info!(?stats, "IMAP poll");
    }
    Ok(())
}
