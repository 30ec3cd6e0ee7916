//! `itdesk mail …` and `itdesk mailgate`: mail from the command line.

use std::io::Read;

use clap::Subcommand;

use super::Mail;

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Poll the configured IMAP mailbox ([mail.imap]) once, take every
    /// message in, move each to the processed folder, and exit.
    ///
    /// For cron instead of `serve`'s poller, or to try the settings. Prints
    /// one JSON line: {"fetched", "taken_in", "dead_letters", "deferred",
    /// "seconds"}. Works whether or not mail.imap.enabled is set (that only
    /// turns `serve`'s periodic poll on).
    Poll,
}

/// Runs one `itdesk mail` command.
pub fn run(command: MailCommand, mail: &Mail) -> anyhow::Result<()> {
    match command {
        MailCommand::Poll => poll(mail),
    }
}

/// `itdesk mail poll`: polls the IMAP mailbox once and prints what it did
/// as one JSON line (with the seconds it took).
fn poll(mail: &Mail) -> anyhow::Result<()> {
    if mail.settings.imap.user.is_empty() {
        anyhow::bail!(
            "mail.imap.user is empty: configure [mail.imap] (host, port, user, password) first"
        );
    }
    let started = std::time::Instant::now();
    let stats = super::imap::poll(mail)?;
    let mut line = serde_json::to_value(stats)?;
    line["seconds"] =
        serde_json::json!((started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0);
    println!("{line}");
    Ok(())
}

/// `itdesk mailgate`: one message on stdin. Handed to a running `itdesk
/// serve` over its local socket when one listens (see [`super::gate`]),
/// taken in here otherwise; prints one JSON line and returns the exit code.
pub fn mailgate(
    gate: &super::gate::GateConfig,
    mut stdin: impl Read,
    prepare: impl FnOnce() -> anyhow::Result<(Mail, String)>,
) -> u8 {
    use super::gate::{self, HandOver, exit};
    let mut raw = Vec::new();
    let mut read = (&mut stdin).take(gate.max_message_bytes as u64 + 1);
    if let Err(e) = read.read_to_end(&mut raw) {
        eprintln!("mailgate: cannot read the message: {e}");
        return exit::TEMPFAIL;
    }
    if let Some(path) = &gate.socket {
        match gate::hand_over(path, &raw, std::time::Duration::from_secs(120)) {
            Ok(verdict) => return verdict.emit(),
            Err(HandOver::NoService) => {}
            Err(HandOver::Lost(why)) => {
                eprintln!(
                    "mailgate: the service did not answer ({why}); taking the message in here"
                );
            }
        }
    }
    let (mail, database_url) = match prepare() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mailgate: the message cannot be taken in now, try again later: {e:#}");
            return exit::TEMPFAIL;
        }
    };
    // The message was read up to the limit read first; the settings read
    // now may say otherwise if the file changed in between: the smaller.
    let limit = mail.settings.max_message_bytes.min(gate.max_message_bytes);
    let sqlite = mail.db.backend() == crate::db::Backend::Sqlite;
    if sqlite {
        // Mail the MTA hands over is ours once we exit 0: make the commit durable.
        let _ = mail.db.with_writer(|c| {
            diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA synchronous = FULL")
        });
    }
    let code = gate::take_in(&mail, &raw, limit).emit();
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        // Closing the last connection to a SQLite file checkpoints the whole
        // WAL into the database, syncs it and deletes the WAL: per message,
        // when an MTA starts one process for each. Every commit is already
        // synced to the WAL, so exit without closing and let the next
        // process read the WAL back; only once it has grown past
        // WAL_LIMIT, fold it into the database and empty it here. Reading
        // the WAL back costs every process time in proportion to its size
        // (the first connection rebuilds the WAL index from it), a
        // checkpoint costs the one that makes it: 256 KB is the better
        // balance here (tests/bench/mailgate.sh).
        const WAL_LIMIT: u64 = 256 << 10;
        let wal = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
        if wal > WAL_LIMIT {
            let _ = mail.db.with_writer(|c| {
                diesel::connection::SimpleConnection::batch_execute(
                    c,
                    "PRAGMA wal_checkpoint(TRUNCATE)",
                )
            });
        }
        std::mem::forget(mail);
    }
    code
}
