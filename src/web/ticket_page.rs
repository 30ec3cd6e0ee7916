//! The ticket page: conversation, internal notes, files, history, and the
//! forms to reply and to work the ticket.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::format::{capitalized, hold_label, plural, status_label};
use super::pages::{Choice, assignable};
use super::session::Nav;
use super::ticket_rows::{CommentRow, Facts, FileRow, HistoryRow, current_choices, facts};
use super::ticket_work::{Choices, Draft};
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

#[derive(Template)]
#[template(path = "ticket.html", config = "src/web/askama.toml")]
struct TicketPage {
    nav: Nav,
    t: Facts,
    errors: Vec<FieldError>,
    /// The field to put the cursor in: the first with an error.
    first_error: String,
    /// A one-time confirmation of the last submit.
    flash: Option<&'static str>,
    body: String,
    internal: bool,
    /// What the form's fields show: the ticket, or a refused draft.
    chosen: Choices,
    /// The ticket's values as drawn, sent back to tell what changed.
    was: Choices,
    /// The signed-in person's email, for "assign to me".
    nav_email: String,
    /// The ticket's version, sent back with the form.
    version: i64,
    /// A refused submit's history entries that are new to its author.
    fresh_count: usize,
    comments: Vec<CommentRow>,
    attachments: Vec<FileRow>,
    history: Vec<HistoryRow>,
    staff: bool,
    may_comment: bool,
    staff_edit: bool,
    requester_actions: Vec<(&'static str, &'static str)>,
    status_options: Vec<Choice>,
    hold_reasons: Vec<(&'static str, &'static str)>,
    agents: Vec<User>,
    queues: Vec<Queue>,
    categories: Vec<Category>,
    levels: Vec<(&'static str, String)>,
    priorities: &'static [Priority],
    sla_policy: Option<String>,
    sla_bars: Vec<super::sla_view::SlaBar>,
    /// The ticket's mail with the requester, in and out (staff only).
    mail: Vec<super::mail_view::MailRow>,
    /// Notices mailed to staff about the ticket (SLA, assignment).
    notices: Vec<super::mail_view::MailRow>,
    /// The message the ticket was filed with.
    filed_by_mail: Option<String>,
    /// Saved replies offered here: (id, name, filled text).
    canned: Vec<super::ticket_canned::CannedRow>,
    /// May link assets (staff who work tickets and see the register).
    link_assets: bool,
    link_asset: String,
    assets: Vec<super::ticket_assets::AssetRow>,
    /// Escalations to vendors, for staff.
    vendors: Option<super::ticket_vendors::Panel>,
}

impl TicketPage {
    /// The message for one field, to show beside it.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// The ticket's values as drawn, one hidden field each.
    fn was_fields(&self) -> Vec<(&'static str, &str)> {
        let w = &self.was;
        vec![
            ("status", w.status.as_str()),
            ("hold_reason", w.hold_reason.as_str()),
            ("assignee", w.assignee.as_str()),
            ("queue", w.queue.as_str()),
            ("category", w.category.as_str()),
            ("impact", w.impact.as_str()),
            ("urgency", w.urgency.as_str()),
            ("priority", w.priority.as_str()),
        ]
    }

    fn mail_count(&self) -> String {
        plural(self.mail.len(), "message", "messages")
    }

    fn notice_count(&self) -> String {
        plural(self.notices.len(), "notice", "notices")
    }

    fn history_count(&self) -> String {
        plural(self.history.len(), "change", "changes")
    }
}

/// What a page shows besides the ticket: a refused draft with its errors,
/// or a confirmation.
#[derive(Default)]
pub(super) struct Shown {
    pub errors: Vec<FieldError>,
    pub draft: Draft,
    pub flash: Option<&'static str>,
    /// The asset tag typed into a refused link form.
    pub link_asset: String,
}

/// Everything the page shows, read in one trip to the blocking pool.
struct Loaded {
    view: TicketView,
    comments: Vec<service::CommentView>,
    files: Vec<crate::tickets::Attachment>,
    history: Vec<(crate::audit::AuditEvent, Option<User>)>,
    queues: Vec<Queue>,
    categories: Vec<Category>,
    mail: Vec<crate::mail::MailSummary>,
    assets: Vec<super::ticket_assets::AssetRow>,
    canned: Vec<crate::tickets::CannedResponse>,
    vendors: Option<super::ticket_vendors::Panel>,
}

async fn load(
    state: &web::Data<AppState>,
    user: &WebUser,
    r: TicketRef,
) -> Result<Loaded, PageError> {
    let st = state.clone();
    let actor = user.user.clone();
    let loaded = blocking(move || {
        let view = st
            .tickets
            .with_rules(|rules| service::get_ticket(&st.db, rules, &actor, &r, ids::now()))?;
        let mail = crate::mail::messages::summaries(&st.db, &actor, &view.ticket.id)?;
        let r = TicketRef::Id(view.ticket.id.clone());
        Ok(Loaded {
            comments: service::list_comments(&st.db, &actor, &r)?,
            files: service::list_attachments(&st.db, &actor, &r)?,
            history: service::history(&st.db, &actor, &r)?,
            queues: catalog::list_queues(&st.db)?,
            categories: catalog::list_categories(&st.db)?,
            assets: super::ticket_assets::linked(&st, &actor, &view.ticket.id)?,
            vendors: super::ticket_vendors::load(&st, &actor, &view.ticket.id)?,
            canned: if actor.role.works_tickets() {
                service::canned::offered(&st.db, &actor, view.ticket.queue_id.as_deref())?
            } else {
                Vec::new()
            },
            view,
            mail,
        })
    })
    .await?;
    Ok(loaded)
}

/// Loads everything the page shows and renders it.
pub(super) async fn page(
    state: &web::Data<AppState>,
    user: &WebUser,
    r: TicketRef,
    status: StatusCode,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    let loaded = load(state, user, r).await?;
    let view = &loaded.view;
    let role = user.user.role;
    let rel = relation(view, &user.user);
    let staff_edit = role.works_tickets();
    let agents = if staff_edit {
        assignable(state).await?
    } else {
        Vec::new()
    };
    let current = view.ticket.status;
    let requester_actions = requester_actions(current, rel.is_requester && !staff_edit);
    let current_choices = current_choices(view);
    let chosen = shown.draft.chosen_over(&current_choices);
    let seen = shown.draft.seen.filter(|_| !shown.errors.is_empty());
    let history: Vec<HistoryRow> = loaded
        .history
        .iter()
        .map(|(e, who)| HistoryRow::of(e, who.as_ref(), seen))
        .collect();
    let (mail, notices) = mail_rows(&loaded.mail);
    let t = facts(view, &state.settings.tickets.reference_prefix);
    let canned = super::ticket_canned::rows(&loaded.canned, view, &t.reference, &user.user);
    let template = TicketPage {
        canned,
        mail,
        notices,
        nav: user.nav(""),
        t,
        first_error: shown
            .errors
            .first()
            .map(|e| e.field.clone())
            .unwrap_or_default(),
        errors: shown.errors,
        flash: shown.flash,
        body: shown.draft.body,
        internal: shown.draft.internal,
        chosen,
        was: current_choices,
        nav_email: user.user.email.clone(),
        version: crate::tickets::service::version_of(view.ticket.updated_at),
        fresh_count: history.iter().filter(|h| h.fresh).count(),
        comments: CommentRow::all(&loaded.comments, &loaded.mail),
        attachments: loaded.files.iter().map(FileRow::of).collect(),
        history,
        staff: role.sees_all_tickets(),
        may_comment: may_comment(role, rel),
        staff_edit,
        requester_actions,
        status_options: status_options(current),
        hold_reasons: hold_choices(),
        agents,
        queues: loaded.queues.clone(),
        categories: loaded.categories.clone(),
        levels: level_choices(),
        priorities: Priority::ALL,
        sla_policy: view.sla.as_ref().map(|r| r.policy.clone()),
        sla_bars: view
            .sla
            .as_ref()
            .map(super::sla_view::bars)
            .unwrap_or_default(),
        filed_by_mail: filed_by_mail(&loaded.mail),
        link_assets: staff_edit && role.sees_assets(),
        link_asset: shown.link_asset,
        assets: loaded.assets,
        vendors: loaded.vendors,
    };
    render_with(status, &template)
}

/// How the viewer stands to the ticket.
fn relation(view: &TicketView, me: &User) -> TicketRelation {
    TicketRelation {
        is_requester: view.ticket.requester_id == me.id,
        is_watcher: view.watchers.iter().any(|w| w.id == me.id),
    }
}

/// The ticket's mail with the requester, and the notices to staff.
fn mail_rows(
    mail: &[crate::mail::MailSummary],
) -> (
    Vec<super::mail_view::MailRow>,
    Vec<super::mail_view::MailRow>,
) {
    let (notices, conversation): (Vec<_>, Vec<_>) = mail.iter().partition(|m| m.is_staff_notice());
    (
        conversation.into_iter().map(Into::into).collect(),
        notices.into_iter().map(Into::into).collect(),
    )
}

/// The message a ticket was filed with, when it came by mail.
fn filed_by_mail(mail: &[crate::mail::MailSummary]) -> Option<String> {
    mail.iter()
        .find(|m| m.direction == "in" && m.action == "created")
        .map(|m| m.id.clone())
}

/// Hold reasons as (value, words).
pub(super) fn hold_choices() -> Vec<(&'static str, &'static str)> {
    HoldReason::ALL
        .iter()
        .map(|h| (h.as_str(), hold_label(*h)))
        .collect()
}

fn level_choices() -> Vec<(&'static str, String)> {
    Level::ALL
        .iter()
        .map(|l| (l.as_str(), capitalized(l.as_str())))
        .collect()
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

/// What a requester may do with their ticket now (nothing for others).
fn requester_actions(current: Status, requester: bool) -> Vec<(&'static str, &'static str)> {
    if !requester {
        return Vec::new();
    }
    match current {
        Status::Resolved => vec![
            ("closed", "Confirm it is solved"),
            ("in_progress", "It is not solved: reopen"),
        ],
        s if s.is_open() => vec![("cancelled", "Withdraw this ticket")],
        _ => Vec::new(),
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
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let r = ticket_ref(&path)?;
    let shown = Shown {
        flash: super::flash::take(&req),
        ..Shown::default()
    };
    let mut resp = page(&state, &user, r, StatusCode::OK, shown).await?;
    super::flash::clear(&req, &mut resp);
    Ok(resp)
}

/// Shows a failed action's errors on the page, or fails the request.
pub(super) async fn with_errors(
    state: &web::Data<AppState>,
    user: &WebUser,
    r: TicketRef,
    err: AppError,
    draft: Draft,
) -> Result<HttpResponse, PageError> {
    let (status, errors) = match err {
        AppError::Validation(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors.into_iter().map(in_words).collect(),
        ),
        e @ AppError::Conflict {
            code: "transition_not_allowed",
            ..
        } => (
            StatusCode::CONFLICT,
            vec![FieldError::new("status", e.public_detail())],
        ),
        e @ (AppError::Conflict { .. }
        | AppError::PayloadTooLarge(_)
        | AppError::UnsupportedMediaType(_)
        | AppError::Forbidden(_)) => (
            actix_web::ResponseError::status_code(&e),
            vec![FieldError::new("ticket", e.public_detail())],
        ),
        other => return Err(other.into()),
    };
    let shown = Shown {
        errors,
        draft,
        ..Shown::default()
    };
    page(state, user, r, status, shown).await
}

/// A refusal as the page says it: words instead of the API's codes.
fn in_words(e: FieldError) -> FieldError {
    match (e.field.as_str(), e.message.as_str()) {
        ("hold_reason", m) if m.contains("needs a hold reason") => FieldError::new(
            "hold_reason",
            "“On hold” needs a hold reason: choose why the ticket waits",
        ),
        ("hold_reason", m) if m.contains("only") => {
            FieldError::new("hold_reason", "a hold reason goes with “On hold” only")
        }
        _ => e,
    }
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
