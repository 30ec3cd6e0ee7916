//! The outbox row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::mail_outbox;

/// A message waiting to be sent, or sent.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxRow {
    pub id: String,
    pub ticket_id: Option<String>,
    /// `acknowledgement`, `reply`, `status`, `resolution`, `assignment`, `sla`.
    pub kind: String,
    pub message_id: String,
    pub sender: String,
    /// JSON array of addresses.
    pub recipients: String,
    /// For automatic replies: the one address answered (rate limiting).
    pub auto_to: Option<String>,
    pub subject: String,
    pub raw: Vec<u8>,
    /// `queued`, `sent`, `failed`, `bounced`, `not_sent`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}
