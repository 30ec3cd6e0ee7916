//! Mail in and out. Inbound mail arrives through three doors — IMAP polling,
//! `itdesk mailgate` for MTA pipes, and `POST /api/v1/inbound/email` — into
//! one pipeline: parse (any charset, encoded words, nested multiparts),
//! drop duplicates, recognise automatic, bulk, bounced and our own mail,
//! thread by subject tag, then In-Reply-To/References, then Outlook's
//! Thread-Index, check that the sender may append, and create a ticket or
//! append a comment with quoted history trimmed. The original is kept. A
//! reply proves its sender with the reply key the message it answers
//! carried (`reply_keys`); without it a staff sender is held, a requester's
//! reply waits, unverified, for staff to confirm it.
//! Outbound mail is written to an outbox in the same transaction as the
//! change it reports and sent by a job with retries.

pub mod authres;
pub mod classify;
pub mod cli;
pub mod gate;
pub mod handlers;
pub mod html;
pub mod imap;
pub mod ingest;
pub mod messages;
pub mod notify;
pub mod parse;
pub mod quote;
pub mod reply_keys;
mod repo;
pub mod settings;
pub mod templates;
pub mod thread;

pub use repo::{DeadLetter, MailMessage, MailSummary};

use std::sync::Arc;

use crate::db::Db;

/// Mail at run time: the settings, what writes mail about tickets, and the
/// ticket context the pipeline files tickets and replies through.
#[derive(Clone)]
pub struct Mail {
    pub db: Db,
    pub settings: Arc<settings::MailSettings>,
    pub notifier: notify::Notifier,
    pub tickets: crate::tickets::Tickets,
}
