//! The API's JSON shapes for tickets, separate from the rows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{Channel, HoldReason, Level, Priority, Status, TicketType};
use super::model::{Attachment, Category, Comment, Queue};
use super::service::{CommentView, TicketView};
use super::service_level::{SlaDto, SlaSummaryDto};
pub use crate::auth::dto::{HistoryEntryDto, PersonDto};
use crate::ids::utc;

/// `POST /api/v1/tickets`
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    /// One line that says what is wrong or wanted.
    pub subject: String,
    /// The details.
    pub description: String,
    /// Who the ticket is for; staff may file for others. Defaults to the caller.
    /// Unknown addresses become requester contacts.
    #[serde(default)]
    pub requester_email: Option<String>,
    /// `incident` (default from config) or `service_request`.
    #[serde(default, rename = "type")]
    pub ticket_type: Option<TicketType>,
    #[serde(default)]
    pub impact: Option<Level>,
    #[serde(default)]
    pub urgency: Option<Level>,
    /// Overrides the impact × urgency matrix; recorded as an override.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Category slug.
    #[serde(default)]
    pub category: Option<String>,
    /// Queue slug.
    #[serde(default)]
    pub queue: Option<String>,
    /// Email addresses to keep informed (CC).
    #[serde(default)]
    pub watchers: Vec<String>,
}

/// `PATCH /api/v1/tickets/{id}`: only the fields present change; `null`
/// clears assignee, queue and category, and returns priority to the matrix.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTicket {
    #[serde(default)]
    pub status: Option<Status>,
    /// Required with `on_hold`; may change alone while on hold.
    #[serde(default)]
    pub hold_reason: Option<HoldReason>,
    /// Email or id of an agent, coordinator or admin; `null` unassigns.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assignee: Option<Option<String>>,
    /// Queue slug; `null` removes the ticket from its queue.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub queue: Option<Option<String>>,
    /// Category slug; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    /// An explicit priority (an override), or `null` to use the matrix again.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<Option<Priority>>,
    #[serde(default)]
    pub impact: Option<Level>,
    #[serde(default)]
    pub urgency: Option<Level>,
}

use crate::http::present;

/// `POST /api/v1/tickets/{id}/comments`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    pub body: String,
    /// `true` (default): the requester and watchers see it; `false`: an
    /// internal note for staff only.
    #[serde(default = "default_true")]
    pub public: bool,
}

fn default_true() -> bool {
    true
}

/// A comment sent as multipart/form-data, with files that take its
/// visibility.
#[allow(dead_code)] // describes the multipart body in the OpenAPI document
#[derive(Debug, ToSchema)]
pub struct CommentWithFiles {
    pub body: String,
    /// `true` (default) or `false` for an internal note.
    pub public: Option<bool>,
    /// One part per file.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub file: Vec<Vec<u8>>,
}

/// Files sent as multipart/form-data.
#[allow(dead_code)] // describes the multipart body in the OpenAPI document
#[derive(Debug, ToSchema)]
pub struct UploadFiles {
    /// `true` (default): whoever sees the ticket sees them; `false`: staff only.
    pub public: Option<bool>,
    /// One part per file.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub file: Vec<Vec<u8>>,
}

/// Query of `GET /api/v1/tickets`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `open`, `done`, or a comma-separated list of statuses.
    pub status: Option<String>,
    /// Queue slug, or `none`.
    pub queue: Option<String>,
    /// Category slug.
    pub category: Option<String>,
    /// Email or id, `me`, or `none`.
    pub assignee: Option<String>,
    /// Email or id, or `me`.
    pub requester: Option<String>,
    /// Comma-separated priorities, e.g. `P1,P2`.
    pub priority: Option<String>,
    /// `incident` or `service_request`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub ticket_type: Option<String>,
    /// Words to find in subject, description and comments (prefix match).
    pub q: Option<String>,
    /// SLA states, comma-separated: `breached`, `at_risk`, `running`,
    /// `paused`, `met`.
    pub sla: Option<String>,
    /// `created_at`, `updated_at`, `priority` or `sla_due_at` (nearest SLA
    /// deadline first; tickets without one are left out); `-` in front for
    /// descending; or `relevance` with `q` (best match first, its own
    /// cursor over rank and id). Default `-created_at`.
    pub sort: Option<String>,
    /// Page size (default 25, at most 200).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A queue or category by slug and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamedRef {
    pub slug: String,
    pub name: String,
}

impl From<&Queue> for NamedRef {
    fn from(q: &Queue) -> NamedRef {
        NamedRef {
            slug: q.slug.clone(),
            name: q.name.clone(),
        }
    }
}

impl From<&Category> for NamedRef {
    fn from(c: &Category) -> NamedRef {
        NamedRef {
            slug: c.slug.clone(),
            name: c.name.clone(),
        }
    }
}

/// A ticket with its people and classification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketDto {
    pub id: String,
    /// Sequential human number.
    pub number: i64,
    /// How people refer to it, e.g. `#42`.
    pub reference: String,
    #[serde(rename = "type")]
    pub ticket_type: TicketType,
    pub subject: String,
    pub description: String,
    pub status: Status,
    pub hold_reason: Option<HoldReason>,
    pub impact: Level,
    pub urgency: Level,
    pub priority: Priority,
    /// Whether someone set the priority instead of the matrix.
    pub priority_overridden: bool,
    pub channel: Channel,
    pub requester: PersonDto,
    pub assignee: Option<PersonDto>,
    pub queue: Option<NamedRef>,
    pub category: Option<NamedRef>,
    pub watchers: Vec<PersonDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The SLA and every clock of its policy (staff only; absent when no
    /// policy covers the ticket).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaDto>,
}

impl TicketDto {
    pub fn new(v: &TicketView, reference_prefix: &str) -> TicketDto {
        let t = &v.ticket;
        TicketDto {
            id: t.id.clone(),
            number: t.number,
            reference: format!("{reference_prefix}{}", t.number),
            ticket_type: t.ticket_type,
            subject: t.subject.clone(),
            description: t.description.clone(),
            status: t.status,
            hold_reason: t.hold_reason,
            impact: t.impact,
            urgency: t.urgency,
            priority: t.priority,
            priority_overridden: t.priority_overridden,
            channel: t.channel,
            requester: (&v.requester).into(),
            assignee: v.assignee.as_ref().map(Into::into),
            queue: v.queue.as_ref().map(Into::into),
            category: v.category.as_ref().map(Into::into),
            watchers: v.watchers.iter().map(Into::into).collect(),
            created_at: utc(t.created_at),
            updated_at: utc(t.updated_at),
            resolved_at: t.resolved_at.map(utc),
            closed_at: t.closed_at.map(utc),
            sla: v.sla.clone(),
        }
    }
}

/// A ticket in a listing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketSummaryDto {
    pub id: String,
    pub number: i64,
    pub reference: String,
    #[serde(rename = "type")]
    pub ticket_type: TicketType,
    pub subject: String,
    pub status: Status,
    pub hold_reason: Option<HoldReason>,
    pub priority: Priority,
    pub requester: PersonDto,
    pub assignee: Option<PersonDto>,
    pub queue: Option<NamedRef>,
    pub category: Option<NamedRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The stored SLA state (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaSummaryDto>,
}

impl TicketSummaryDto {
    /// `show_sla`: whether the reader is staff.
    pub fn new(v: &TicketView, reference_prefix: &str, show_sla: bool) -> TicketSummaryDto {
        let t = &v.ticket;
        TicketSummaryDto {
            id: t.id.clone(),
            number: t.number,
            reference: format!("{reference_prefix}{}", t.number),
            ticket_type: t.ticket_type,
            subject: t.subject.clone(),
            status: t.status,
            hold_reason: t.hold_reason,
            priority: t.priority,
            requester: (&v.requester).into(),
            assignee: v.assignee.as_ref().map(Into::into),
            queue: v.queue.as_ref().map(Into::into),
            category: v.category.as_ref().map(Into::into),
            created_at: utc(t.created_at),
            updated_at: utc(t.updated_at),
            sla: t
                .sla_policy
                .as_ref()
                .filter(|_| show_sla)
                .map(|policy| SlaSummaryDto {
                    policy: policy.clone(),
                    state: t.sla_state.clone(),
                    due_at: t.sla_due_at.map(utc),
                }),
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketPage {
    pub items: Vec<TicketSummaryDto>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A reply or internal note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentDto {
    pub id: String,
    pub author: PersonDto,
    pub body: String,
    pub public: bool,
    /// `false`: a mailed reply whose sender is not proven yet; staff see it
    /// and may confirm it (`POST …/comments/{id}/confirm`).
    pub verified: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&CommentView> for CommentDto {
    fn from(v: &CommentView) -> CommentDto {
        let c: &Comment = &v.comment;
        CommentDto {
            id: c.id.clone(),
            author: (&v.author).into(),
            body: c.body.clone(),
            public: c.is_public,
            verified: c.is_verified,
            created_at: utc(c.created_at),
        }
    }
}

/// A file attached to a ticket.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by_id: String,
    pub created_at: DateTime<Utc>,
    /// The comment it came with, if any.
    pub comment_id: Option<String>,
    /// `false`: an internal file, for staff only.
    pub public: bool,
    /// Where to download it (same authentication as the API).
    pub download_url: String,
}

impl From<&Attachment> for AttachmentDto {
    fn from(a: &Attachment) -> AttachmentDto {
        AttachmentDto {
            id: a.id.clone(),
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size_bytes: a.size_bytes,
            sha256: a.sha256.clone(),
            uploaded_by_id: a.uploaded_by_id.clone(),
            created_at: utc(a.created_at),
            comment_id: a.comment_id.clone(),
            public: a.is_public,
            download_url: format!("/api/v1/tickets/{}/attachments/{}", a.ticket_id, a.id),
        }
    }
}

/// `POST /api/v1/queues` and `/api/v1/categories`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNamed {
    /// Lowercase letters, digits and dashes.
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}
