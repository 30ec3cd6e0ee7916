//! The ticket page: conversation, internal notes, files, history, and the
//! forms to reply and to work the ticket.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::format::{describe, iso, size, status_label, type_label, when};
use super::pages::{Choice, assignable};
use super::session::Nav;
use super::{PageError, WebUser, render_with};
use crate::auth::User;
use crate::auth::domain::{TicketRelation, may_comment};
use crate::error::{AppError, FieldError, blocking};
use crate::ids;
use crate::state::AppState;
use crate::tickets::attachment_handlers::serve_attachment;
use crate::tickets::domain::{HoldReason, Level, Priority, Status};
use crate::tickets::service::{self, TicketRef, TicketView, catalog};
use crate::tickets::{Category, Queue};

/// The ticket's facts as the page shows them.
struct Facts {
    number: i64,
    reference: String,
    subject: String,
    description: String,
    status: String,
    status_label: &'static str,
    hold_reason: Option<&'static str>,
    priority: String,
    priority_overridden: bool,
    type_label: &'static str,
    impact: &'static str,
    urgency: &'static str,
    requester: String,
    assignee: String,
    assignee_email: String,
    queue: String,
    queue_slug: String,
    category: String,
    category_slug: String,
    watchers: String,
    channel: &'static str,
    created: String,
    created_iso: String,
    updated: String,
    updated_iso: String,
}

fn person(u: &User) -> String {
    format!("{} <{}>", u.display_name, u.email)
}

fn facts(v: &TicketView, prefix: &str) -> Facts {
    let t = &v.ticket;
    Facts {
        number: t.number,
        reference: format!("{prefix}{}", t.number),
        subject: t.subject.clone(),
        description: t.description.clone(),
        status: t.status.to_string(),
        status_label: status_label(t.status),
        hold_reason: t.hold_reason.map(HoldReason::as_str),
        priority: t.priority.to_string(),
        priority_overridden: t.priority_overridden,
        type_label: type_label(t.ticket_type),
        impact: t.impact.as_str(),
        urgency: t.urgency.as_str(),
        requester: person(&v.requester),
        assignee: v
            .assignee
            .as_ref()
            .map(person)
            .unwrap_or_else(|| "—".into()),
        assignee_email: v
            .assignee
            .as_ref()
            .map(|u| u.email.clone())
            .unwrap_or_default(),
        queue: v
            .queue
            .as_ref()
            .map(|q| q.name.clone())
            .unwrap_or_else(|| "—".into()),
        queue_slug: v.queue.as_ref().map(|q| q.slug.clone()).unwrap_or_default(),
        category: v
            .category
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "—".into()),
        category_slug: v
            .category
            .as_ref()
            .map(|c| c.slug.clone())
            .unwrap_or_default(),
        watchers: if v.watchers.is_empty() {
            "—".into()
        } else {
            v.watchers.iter().map(person).collect::<Vec<_>>().join(", ")
        },
        channel: t.channel.as_str(),
        created: when(t.created_at),
        created_iso: iso(t.created_at),
        updated: when(t.updated_at),
        updated_iso: iso(t.updated_at),
    }
}

struct CommentRow {
    id: String,
    /// The message this reply came in, for staff.
    mail_id: Option<String>,
    author: String,
    body: String,
    public: bool,
    /// `false`: a mailed reply waiting for staff to confirm its sender.
    verified: bool,
    at: String,
    at_iso: String,
}

struct FileRow {
    id: String,
    filename: String,
    size: String,
    content_type: String,
    /// An internal note's file (only staff see it).
    public: bool,
}

struct HistoryRow {
    at: String,
    at_iso: String,
    who: String,
    what: String,
}

#[derive(Template)]
#[template(path = "ticket.html", config = "src/web/askama.toml")]
struct TicketPage {
    nav: Nav,
    t: Facts,
    errors: Vec<FieldError>,
    draft: String,
    comments: Vec<CommentRow>,
    attachments: Vec<FileRow>,
    history: Vec<HistoryRow>,
    staff: bool,
    may_comment: bool,
    staff_edit: bool,
    requester_actions: Vec<(&'static str, &'static str)>,
    status_options: Vec<Choice>,
    hold_reasons: &'static [HoldReason],
    agents: Vec<User>,
    queues: Vec<Queue>,
    categories: Vec<Category>,
    levels: &'static [Level],
    priorities: &'static [Priority],
    sla_policy: Option<String>,
    sla_bars: Vec<super::sla_view::SlaBar>,
    /// The ticket's mail, in and out (staff only).
    mail: Vec<super::mail_view::MailRow>,
    /// The message the ticket was filed with.
    filed_by_mail: Option<String>,
}

/// Loads everything the page shows and renders it.
async fn page(
    state: &web::Data<AppState>,
    user: &WebUser,
    r: TicketRef,
    status: StatusCode,
    errors: Vec<FieldError>,
    draft: String,
) -> Result<HttpResponse, PageError> {
    let st = state.clone();
    let actor = user.user.clone();
    let (view, comments, files, history, queues, categories, mail) = blocking(move || {
        let view = st
            .tickets
            .with_rules(|rules| service::get_ticket(&st.db, rules, &actor, &r, ids::now()))?;
        let mail = crate::mail::messages::summaries(&st.db, &actor, &view.ticket.id)?;
        let r = TicketRef::Id(view.ticket.id.clone());
        Ok((
            view,
            service::list_comments(&st.db, &actor, &r)?,
            service::list_attachments(&st.db, &actor, &r)?,
            service::history(&st.db, &actor, &r)?,
            catalog::list_queues(&st.db)?,
            catalog::list_categories(&st.db)?,
            mail,
        ))
    })
    .await?;
    let role = user.user.role;
    let rel = TicketRelation {
        is_requester: view.ticket.requester_id == user.user.id,
        is_watcher: view.watchers.iter().any(|w| w.id == user.user.id),
    };
    let staff_edit = role.works_tickets();
    let agents = if staff_edit {
        assignable(state).await?
    } else {
        Vec::new()
    };
    let current = view.ticket.status;
    let requester_actions = if rel.is_requester && !staff_edit {
        requester_actions(current)
    } else {
        Vec::new()
    };
    let template = TicketPage {
        nav: user.nav(""),
        t: facts(&view, &state.settings.tickets.reference_prefix),
        errors,
        draft,
        comments: comments.iter().map(|c| CommentRow::of(c, &mail)).collect(),
        attachments: files.iter().map(FileRow::of).collect(),
        history: history
            .iter()
            .map(|(e, who)| HistoryRow::of(e, who.as_ref()))
            .collect(),
        staff: role.sees_all_tickets(),
        may_comment: may_comment(role, rel),
        staff_edit,
        requester_actions,
        status_options: status_options(current),
        hold_reasons: HoldReason::ALL,
        agents,
        queues,
        categories,
        levels: Level::ALL,
        priorities: Priority::ALL,
        sla_policy: view.sla.as_ref().map(|r| r.policy.clone()),
        sla_bars: view
            .sla
            .as_ref()
            .map(super::sla_view::bars)
            .unwrap_or_default(),
        filed_by_mail: mail
            .iter()
            .find(|m| m.direction == "in" && m.action == "created")
            .map(|m| m.id.clone()),
        mail: mail.iter().map(Into::into).collect(),
    };
    render_with(status, &template)
}

/// The statuses the ticket may move to, its own first.
fn status_options(current: Status) -> Vec<Choice> {
    std::iter::once(current)
        .chain(current.allowed_next().iter().copied())
        .map(|s| Choice {
            value: s.as_str(),
            label: status_label(s),
            selected: s == current,
        })
        .collect()
}

/// What a requester may do with their ticket now.
fn requester_actions(current: Status) -> Vec<(&'static str, &'static str)> {
    match current {
        Status::Resolved => vec![
            ("closed", "Confirm it is solved"),
            ("in_progress", "It is not solved: reopen"),
        ],
        s if s.is_open() => vec![("cancelled", "Withdraw this ticket")],
        _ => Vec::new(),
    }
}

impl CommentRow {
    /// A comment, with the mail it came in when it did.
    fn of(c: &service::CommentView, mail: &[crate::mail::MailSummary]) -> CommentRow {
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
    fn of(a: &crate::tickets::Attachment) -> FileRow {
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
    fn of(e: &crate::audit::AuditEvent, who: Option<&crate::auth::User>) -> HistoryRow {
        HistoryRow {
            at: when(e.occurred_at),
            at_iso: iso(e.occurred_at),
            who: who
                .map(|u| u.display_name.clone())
                .unwrap_or_else(|| "itdesk".into()),
            what: describe(e),
        }
    }
}

pub(super) fn ticket_ref(number: &str) -> Result<TicketRef, PageError> {
    match TicketRef::parse(number) {
        r @ TicketRef::Number(_) => Ok(r),
        TicketRef::Id(_) => Err(AppError::NotFound(format!("ticket {number}")).into()),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let r = ticket_ref(&path)?;
    page(&state, &user, r, StatusCode::OK, Vec::new(), String::new()).await
}

/// Shows a failed action's errors on the page, or fails the request.
pub(super) async fn with_errors(
    state: &web::Data<AppState>,
    user: &WebUser,
    r: TicketRef,
    err: AppError,
    draft: String,
) -> Result<HttpResponse, PageError> {
    let (status, errors) = match err {
        AppError::Validation(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        e @ (AppError::Conflict { .. }
        | AppError::PayloadTooLarge(_)
        | AppError::UnsupportedMediaType(_)
        | AppError::Forbidden(_)) => (
            actix_web::ResponseError::status_code(&e),
            vec![FieldError::new("ticket", e.public_detail())],
        ),
        other => return Err(other.into()),
    };
    page(state, user, r, status, errors, draft).await
}

pub async fn download(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (number, attachment_id) = path.into_inner();
    let r = ticket_ref(&number)?;
    Ok(serve_attachment(state.tickets.clone(), user.user, r, attachment_id).await?)
}
