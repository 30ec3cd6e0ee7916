//! The ticket page's rows: the ticket's facts, its conversation, files and
//! history as the page shows them, and the form's choices as the ticket
//! stands.

use super::format::{
    capitalized, describe, hold_label, iso, or_dash, size, status_label, type_label, when,
};
use super::ticket_work::Choices;
use crate::auth::User;
use crate::tickets::service::{self, TicketView};

/// The ticket's facts as the page shows them.
pub(super) struct Facts {
    pub number: i64,
    pub reference: String,
    pub subject: String,
    pub description: String,
    pub status: String,
    pub status_label: &'static str,
    pub hold_label: Option<&'static str>,
    pub priority: String,
    pub priority_overridden: bool,
    pub type_label: &'static str,
    pub impact: String,
    pub urgency: String,
    pub requester: String,
    pub assignee: String,
    pub queue: String,
    pub category: String,
    pub watchers: String,
    pub channel: String,
    pub created: String,
    pub created_iso: String,
    pub updated: String,
    pub updated_iso: String,
}

pub(super) fn person(u: &User) -> String {
    format!("{} <{}>", u.display_name, u.email)
}

pub(super) fn facts(v: &TicketView, prefix: &str) -> Facts {
    let t = &v.ticket;
    Facts {
        number: t.number,
        reference: format!("{prefix}{}", t.number),
        subject: t.subject.clone(),
        description: t.description.clone(),
        status: t.status.to_string(),
        status_label: status_label(t.status),
        hold_label: t.hold_reason.map(hold_label),
        priority: t.priority.to_string(),
        priority_overridden: t.priority_overridden,
        type_label: type_label(t.ticket_type),
        impact: capitalized(t.impact.as_str()),
        urgency: capitalized(t.urgency.as_str()),
        requester: person(&v.requester),
        assignee: or_dash(v.assignee.as_ref().map(person)),
        queue: or_dash(v.queue.as_ref().map(|q| q.name.clone())),
        category: or_dash(v.category.as_ref().map(|c| c.name.clone())),
        watchers: if v.watchers.is_empty() {
            "—".into()
        } else {
            v.watchers.iter().map(person).collect::<Vec<_>>().join(", ")
        },
        channel: match t.channel.as_str() {
            "email" => "Email".into(),
            "api" => "API".into(),
            other => capitalized(other),
        },
        created: when(t.created_at),
        created_iso: iso(t.created_at),
        updated: when(t.updated_at),
        updated_iso: iso(t.updated_at),
    }
}

/// The form's choices as the ticket stands.
pub(super) fn current_choices(v: &TicketView) -> Choices {
    let t = &v.ticket;
    Choices {
        status: t.status.to_string(),
        hold_reason: t.hold_reason.map(|h| h.to_string()).unwrap_or_default(),
        assignee: v
            .assignee
            .as_ref()
            .map(|u| u.email.clone())
            .unwrap_or_default(),
        queue: v.queue.as_ref().map(|q| q.slug.clone()).unwrap_or_default(),
        category: v
            .category
            .as_ref()
            .map(|c| c.slug.clone())
            .unwrap_or_default(),
        impact: t.impact.to_string(),
        urgency: t.urgency.to_string(),
        priority: if t.priority_overridden {
            t.priority.to_string()
        } else {
            String::new()
        },
    }
}

pub(super) struct CommentRow {
    pub id: String,
    /// The message this reply came in, for staff.
    pub mail_id: Option<String>,
    pub author: String,
    pub body: String,
    pub public: bool,
    /// `false`: a mailed reply waiting for staff to confirm its sender.
    pub verified: bool,
    pub at: String,
    pub at_iso: String,
}

pub(super) struct FileRow {
    pub id: String,
    pub filename: String,
    pub size: String,
    pub content_type: String,
    /// An internal note's file (only staff see it).
    pub public: bool,
}

pub(super) struct HistoryRow {
    pub at: String,
    pub at_iso: String,
    pub who: String,
    pub what: String,
    /// Happened after the refused form was drawn.
    pub fresh: bool,
}

impl CommentRow {
    /// Every comment of the page, in order.
    pub(super) fn all(
        comments: &[service::CommentView],
        mail: &[crate::mail::MailSummary],
    ) -> Vec<CommentRow> {
        comments.iter().map(|c| CommentRow::of(c, mail)).collect()
    }

    /// A comment, with the mail it came in when it did.
    pub(super) fn of(c: &service::CommentView, mail: &[crate::mail::MailSummary]) -> CommentRow {
        CommentRow {
            id: c.comment.id.clone(),
            mail_id: mail
                .iter()
                .find(|m| m.comment_id.as_deref() == Some(c.comment.id.as_str()))
                .map(|m| m.id.clone()),
            author: c.author.display_name.clone(),
            body: c.comment.body.clone(),
            public: c.comment.is_public,
            verified: c.comment.is_verified,
            at: when(c.comment.created_at),
            at_iso: iso(c.comment.created_at),
        }
    }
}

impl FileRow {
    pub(super) fn of(a: &crate::tickets::Attachment) -> FileRow {
        FileRow {
            id: a.id.clone(),
            filename: a.filename.clone(),
            size: size(a.size_bytes),
            content_type: a.content_type.clone(),
            public: a.is_public,
        }
    }
}

impl HistoryRow {
    pub(super) fn of(
        e: &crate::audit::AuditEvent,
        who: Option<&crate::auth::User>,
        seen: Option<i64>,
    ) -> HistoryRow {
        HistoryRow {
            fresh: seen.is_some_and(|v| e.occurred_at.and_utc().timestamp_micros() > v),
            at: when(e.occurred_at),
            at_iso: iso(e.occurred_at),
            who: who
                .map(|u| u.display_name.clone())
                .unwrap_or_else(|| "itdesk".into()),
            what: describe(e),
        }
    }
}
