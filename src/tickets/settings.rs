//! The ticket queue's settings: `[tickets]` and `[attachments]`.

use std::path::PathBuf;

use serde::Deserialize;

use super::domain::{Level, PriorityMatrix, TicketType};

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
    /// A first public reply from staff moves a `new` or `triaged` ticket to
    /// `in_progress`.
    #[serde(default = "yes")]
    pub first_reply_starts_work: bool,
}

fn yes() -> bool {
    true
}
