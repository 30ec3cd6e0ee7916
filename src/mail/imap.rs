//! The IMAP door: the `mail.poll` job fetches the configured folder in
//! batches (without setting \Seen), takes each message in, and only then
//! moves it to the processed folder. A crash between the two leaves the
//! message in place; the next poll fetches it again and the pipeline's
//! Message-ID + content hash recognise it, so it is taken in exactly once.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::Mail;
use super::ingest::{IngestError, dead_letter, ingest_parsed};
use super::parse::{Inbound, NotAMessage, parse};
use super::settings::ImapSettings;
use crate::config::secret;
use crate::error::AppError;
use crate::ids;
use crate::jobs::queue::Job;
use crate::outbox::TlsMode;

pub const POLL_JOB: &str = "mail.poll";

/// What one poll did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
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
pub fn poll(state: &Mail) -> Result<PollStats, AppError> {
    let s = &state.settings.imap;
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
    state: &Mail,
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
        let (done, batch) = take_in_batch(state, &messages, s.workers)?;
        stats.taken_in += batch.taken_in;
        stats.dead_letters += batch.dead_letters;
        stats.deferred += batch.deferred;
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

/// Takes in one fetched batch, `workers` conversations at a time: returns
/// the UIDs that may leave the folder, and what happened.
fn take_in_batch(
    state: &Mail,
    messages: &[(u32, &[u8])],
    workers: u32,
) -> Result<(Vec<u32>, PollStats), AppError> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let prefix = &state.tickets.settings.reference_prefix;
    // Parsed once: for grouping, then for taking in.
    let parsed: Vec<_> = messages.iter().map(|(_, raw)| parse(raw)).collect();
    let groups = conversations_of(&parsed, prefix);
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(messages.len()));
    let stats = Mutex::new(PollStats::default());
    let first_error = Mutex::new(None);
    let worker = || {
        loop {
            let g = next.fetch_add(1, Ordering::Relaxed);
            let Some(group) = groups.get(g) else { break };
            for &i in group {
                let (uid, raw) = messages[i];
                let taken = match &parsed[i] {
                    Ok(m) => ingest_parsed(state, raw, m, "imap", ids::now()),
                    Err(e) => Err(IngestError::NotAMessage(e.clone())),
                };
                let outcome = match taken {
                    Ok(_) => Ok(true),
                    Err(IngestError::NotAMessage(e)) => {
                        dead_letter(state, "imap", &e.to_string(), raw).map(|()| false)
                    }
                    Err(IngestError::Failed(e)) => {
                        tracing::warn!(uid, error = %e, "IMAP message deferred to the next poll");
                        stats.lock().unwrap().deferred += 1;
                        // The rest of its conversation waits too, to keep its order.
                        break;
                    }
                };
                match outcome {
                    Ok(taken) => {
                        let mut st = stats.lock().unwrap();
                        if taken {
                            st.taken_in += 1;
                        } else {
                            st.dead_letters += 1;
                        }
                        done.lock().unwrap().push(uid);
                    }
                    Err(e) => {
                        first_error.lock().unwrap().get_or_insert(e);
                        break;
                    }
                }
            }
        }
    };
    let threads = (workers.max(1) as usize).min(groups.len());
    if threads <= 1 {
        worker();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(worker);
            }
        });
    }
    if let Some(e) = first_error.into_inner().unwrap() {
        return Err(e);
    }
    let mut done = done.into_inner().unwrap();
    done.sort_unstable();
    Ok((done, stats.into_inner().unwrap()))
}

/// Splits a batch into conversations that must be taken in one after the
/// other: messages from one sender, messages that refer to each other by
/// Message-ID (In-Reply-To, References) and messages with the same ticket
/// tag end up in one group. Each group lists indexes in arrival order.
pub fn conversations<'a>(raws: impl Iterator<Item = &'a [u8]>, prefix: &str) -> Vec<Vec<usize>> {
    let parsed: Vec<_> = raws.map(parse).collect();
    conversations_of(&parsed, prefix)
}

/// [`conversations`] of messages parsed already (those that are not
/// messages stay alone).
fn conversations_of(parsed: &[Result<Inbound, NotAMessage>], prefix: &str) -> Vec<Vec<usize>> {
    use std::collections::HashMap;
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut parent = Vec::new();
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, m) in parsed.iter().enumerate() {
        parent.push(i);
        let Ok(m) = m else {
            continue;
        };
        let mut keys = vec![
            format!("from:{}", m.from.address.to_ascii_lowercase()),
            format!("id:{}", m.message_id),
        ];
        keys.extend(m.in_reply_to.iter().map(|id| format!("id:{id}")));
        keys.extend(m.references.iter().map(|id| format!("id:{id}")));
        if let Some(n) = super::thread::subject_tag(&m.subject, prefix) {
            keys.push(format!("tag:{n}"));
        }
        for key in keys {
            match owner.get(&key) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    // The earlier message stays the root.
                    parent[a.max(b)] = a.min(b);
                }
                None => {
                    owner.insert(key, i);
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for i in 0..parent.len() {
        let r = root(&mut parent, i);
        let g = *group_of.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups
}

/// Job handler of `mail.poll`.
fn poll_job(state: &Mail, _job: &Job) -> Result<(), AppError> {
    if !state.settings.imap.enabled {
        return Ok(());
    }
    let stats = poll(state)?;
    if stats.fetched > 0 {
        tracing::info!(?stats, "IMAP poll");
    }
    Ok(())
}

impl Mail {
    /// `mail.poll` every `mail.imap.poll_seconds` when IMAP is enabled.
    pub fn jobs(&self) -> crate::jobs::Jobs {
        let me = self.clone();
        let jobs = crate::jobs::Jobs::default().kind(POLL_JOB, move |job| poll_job(&me, job));
        if self.settings.imap.enabled {
            jobs.every(
                POLL_JOB,
                chrono::Duration::seconds(self.settings.imap.poll_seconds as i64),
            )
        } else {
            jobs
        }
    }
}

#[cfg(test)]
mod tests {
    use super::conversations;

    fn mail(from: &str, id: &str, subject: &str, reply_to: &str) -> Vec<u8> {
        let irt = if reply_to.is_empty() {
            String::new()
        } else {
            format!("In-Reply-To: <{reply_to}>\r\n")
        };
        format!("From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{irt}\r\nbody\r\n")
            .into_bytes()
    }

    #[test]
    fn one_conversation_stays_together_in_arrival_order() {
        let batch = [
            mail("a@example.com", "1@x", "Printer", ""),
            mail("b@example.com", "2@x", "VPN", ""),
            mail("c@example.com", "3@x", "Re: Printer", "1@x"),
            mail("d@example.com", "4@x", "Re: [#7] Laptop", ""),
            mail("e@example.com", "5@x", "[#7] Laptop too", ""),
            mail("B@EXAMPLE.COM", "6@x", "Also", ""),
            b"not a message at all".to_vec(),
        ];
        let groups = conversations(batch.iter().map(Vec::as_slice), "#");
        assert_eq!(groups, vec![vec![0, 2], vec![1, 5], vec![3, 4], vec![6]]);
    }

    #[test]
    fn a_later_message_can_join_two_groups() {
        let batch = [
            mail("a@example.com", "1@x", "one", ""),
            mail("b@example.com", "2@x", "two", ""),
            mail("a@example.com", "3@x", "three", "2@x"),
        ];
        let groups = conversations(batch.iter().map(Vec::as_slice), "#");
        assert_eq!(groups, vec![vec![0, 1, 2]]);
    }
}
