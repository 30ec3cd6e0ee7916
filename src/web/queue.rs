//! The coordinator queue: filters, counts per open status, sorting, paging.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::format::{hold_label, status_label};
use super::pages::{Choice, Filters, Row, assignable, choices, next_link, rows};
use super::queue_views::{ViewForm, ViewLink, view_links};
use super::{Nav, PageError, WebUser, render_with};
use crate::auth::{Role, User};
use crate::error::{AppError, FieldError, blocking};
use crate::state::AppState;
use crate::tickets::Queue;
use crate::tickets::SavedView;
use crate::tickets::domain::{HoldReason, Priority, Status};
use crate::tickets::dto::ListParams;
use crate::tickets::service::{self, ListPage, QueueSummary, catalog, views};

#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    queue: String,
    status: Option<String>,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    sla: String,
    cursor: Option<String>,
}

const STATUS_CHOICES: &[(&str, &str)] = &[
    ("open", "Open (not resolved)"),
    ("new", "New"),
    ("triaged", "Triaged"),
    ("in_progress", "In progress"),
    ("on_hold", "On hold"),
    ("resolved", "Resolved"),
    ("done", "Resolved, closed or cancelled"),
    ("any", "Any status"),
];

const SLA_CHOICES: &[(&str, &str)] = &[
    ("", "Any"),
    ("breached", "Breached"),
    ("at_risk", "At risk"),
    ("breached,at_risk", "Breached or at risk"),
    ("paused", "Paused"),
];

const SORT_CHOICES: &[(&str, &str)] = &[
    ("", "Best match when searching, else priority"),
    ("priority", "Priority, then oldest"),
    ("sla_due_at", "Nearest SLA deadline"),
    ("created_at", "Oldest first"),
    ("-created_at", "Newest first"),
    ("-updated_at", "Recently updated"),
    ("updated_at", "Least recently updated"),
];

/// A sortable column: its header, the sort key, and the first direction.
const SORTABLE: &[(&str, &str, &str)] = &[
    ("Ticket", "created_at", "-created_at"),
    ("Priority", "priority", "priority"),
    ("SLA", "sla_due_at", "sla_due_at"),
    ("Updated", "updated_at", "-updated_at"),
];

/// A column header that sorts the queue by it.
pub struct SortHeader {
    pub label: &'static str,
    pub link: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria: &'static str,
    pub arrow: &'static str,
}

#[derive(Template)]
#[template(path = "queue.html", config = "src/web/askama.toml")]
pub struct QueuePage {
    pub nav: Nav,
    pub filters: Filters,
    /// Refused filter values, shown beside their field.
    pub errors: Vec<FieldError>,
    pub queues: Vec<Queue>,
    pub agents: Vec<User>,
    pub priorities: &'static [Priority],
    pub status_choices: Vec<Choice>,
    pub sort_choices: Vec<Choice>,
    pub sla_choices: Vec<Choice>,
    pub counts: Vec<(String, &'static str, i64)>,
    pub total: i64,
    pub rows: Vec<Row>,
    pub next_link: Option<String>,
    pub headers: Vec<SortHeader>,
    /// Some filter differs from the default view.
    pub filtered: bool,
    /// This page's address, to come back to after a bulk change.
    pub here: String,
    pub bulk_statuses: Vec<(&'static str, &'static str)>,
    pub hold_reasons: Vec<(&'static str, &'static str)>,
    pub flash: Option<&'static str>,
    pub me: String,
    /// Saved views: one's own and the shared ones.
    pub views: Vec<ViewLink>,
    /// These filters as a query string, to save as a view.
    pub view_query: String,
    pub view: ViewForm,
    /// Coordinators and admins share views with all staff.
    pub may_share: bool,
}

impl QueuePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    fn total_line(&self) -> String {
        match self.total {
            0 => "No tickets match".into(),
            1 => "1 ticket".into(),
            n => format!("{n} tickets"),
        }
    }
}

pub async fn queue(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<QueueQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/queue".into());
    let shown = Shown {
        here,
        flash: super::flash::take(&req),
        view: ViewForm::default(),
    };
    let mut resp = queue_page(&state, &user, query.into_inner(), shown).await?;
    super::flash::clear(&req, &mut resp);
    Ok(resp)
}

/// What a queue page shows besides the listing.
pub(super) struct Shown {
    pub here: String,
    pub flash: Option<&'static str>,
    pub view: ViewForm,
}

/// The queue for these filters, with a refused view form when there is one.
pub(super) async fn queue_page(
    state: &web::Data<AppState>,
    user: &WebUser,
    q: QueueQuery,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    if !user.user.role.sees_all_tickets() {
        return Err(AppError::Forbidden("the queue is for IT staff".into()).into());
    }
    let filters = Filters::of(&q);
    let params = filters.params(q.cursor.clone());
    let (found, queues, views) = load(state, user, params).await?;
    let (page, summary, errors) = match found {
        Ok((page, summary)) => (Some(page), Some(summary), Vec::new()),
        Err(AppError::Validation(errors)) => (None, None, errors),
        Err(e) => return Err(e.into()),
    };
    let agents = assignable(state).await?;
    let link_params = filters.link_params();
    let prefix = &state.settings.tickets.reference_prefix;
    let template = QueuePage {
        nav: user.nav("queue"),
        views: view_links(&views, &user.user),
        view_query: filters.query_string(),
        view: shown.view,
        may_share: matches!(user.user.role, Role::Coordinator | Role::Admin),
        errors,
        counts: summary
            .as_ref()
            .map(|s| status_counts(&s.counts, &link_params))
            .unwrap_or_default(),
        total: summary.as_ref().map(|s| s.total).unwrap_or(0),
        next_link: page
            .as_ref()
            .and_then(|p| next_link("/queue", &link_params, p)),
        rows: page
            .as_ref()
            .map(|p| rows(&p.items, prefix))
            .unwrap_or_default(),
        headers: sort_headers(&filters),
        filtered: filters.differs_from_default(),
        status_choices: choices(STATUS_CHOICES, &filters.status),
        sort_choices: choices(SORT_CHOICES, &filters.sort),
        sla_choices: choices(SLA_CHOICES, &filters.sla),
        filters,
        queues,
        agents,
        priorities: Priority::ALL,
        here: shown.here,
        bulk_statuses: Status::ALL
            .iter()
            .filter(|s| **s != Status::New)
            .map(|s| (s.as_str(), status_label(*s)))
            .collect(),
        hold_reasons: HoldReason::ALL
            .iter()
            .map(|h| (h.as_str(), hold_label(*h)))
            .collect(),
        flash: shown.flash,
        me: user.user.email.clone(),
    };
    let status = if template.errors.is_empty() && template.view.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(status, &template)
}

/// A page of the listing with its counts (or why the filters cannot be
/// used), and the queues for the pickers.
#[allow(clippy::type_complexity)]
async fn load(
    state: &web::Data<AppState>,
    user: &WebUser,
    p: ListParams,
) -> Result<
    (
        Result<(ListPage, QueueSummary), AppError>,
        Vec<Queue>,
        Vec<SavedView>,
    ),
    PageError,
> {
    let st = state.clone();
    let actor = user.user.clone();
    Ok(blocking(move || {
        let found = service::list_tickets(&st.db, &st.settings.api, &actor, &p).and_then(|page| {
            Ok((
                page,
                service::queue_summary(&st.db, &st.settings.api, &actor, &p)?,
            ))
        });
        Ok((
            found,
            catalog::list_queues(&st.db)?,
            views::list_views(&st.db, &actor)?,
        ))
    })
    .await?)
}

/// The sortable headers, each linking to the queue sorted by it (the other
/// way round when it is the current sort).
fn sort_headers(filters: &Filters) -> Vec<SortHeader> {
    SORTABLE
        .iter()
        .map(|(label, key, first)| {
            let desc = format!("-{key}");
            let (next, aria, arrow) = if filters.effective_sort() == *key {
                (desc.as_str(), "ascending", " ▲")
            } else if filters.effective_sort() == desc {
                (*key, "descending", " ▼")
            } else {
                (*first, "none", "")
            };
            let params: Vec<(&str, &str)> = filters
                .link_params()
                .into_iter()
                .filter(|(k, _)| *k != "sort")
                .chain(std::iter::once(("sort", next)))
                .collect();
            SortHeader {
                label,
                link: link("/queue", &params),
                aria,
                arrow,
            }
        })
        .collect()
}

/// An address with its non-empty parameters.
fn link(path: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::session::url_encode(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

impl Filters {
    /// The filters a queue address asks for (open tickets by priority
    /// unless it says otherwise).
    fn of(q: &QueueQuery) -> Filters {
        Filters {
            q: q.q.clone(),
            queue: q.queue.clone(),
            status: q.status.clone().unwrap_or_else(|| "open".into()),
            priority: q.priority.clone(),
            assignee: q.assignee.clone(),
            sort: q.sort.clone(),
            sla: q.sla.clone(),
        }
    }

    /// The filters as address parameters.
    fn link_params(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", self.q.as_str()),
            ("queue", self.queue.as_str()),
            ("status", self.status.as_str()),
            ("priority", self.priority.as_str()),
            ("assignee", self.assignee.as_str()),
            ("sort", self.sort.as_str()),
            ("sla", self.sla.as_str()),
        ]
    }

    /// The filters as a query string (no cursor), for a saved view.
    fn query_string(&self) -> String {
        link("", &self.link_params())
            .trim_start_matches('?')
            .to_owned()
    }

    /// Whether the view is not the queue's default (open, by priority).
    fn differs_from_default(&self) -> bool {
        !(self.q.is_empty()
            && self.queue.is_empty()
            && self.status == "open"
            && self.priority.is_empty()
            && self.assignee.is_empty()
            && (self.sort.is_empty() || self.sort == "priority")
            && self.sla.is_empty())
    }

    /// The order the listing uses: the chosen one, else the best match
    /// to a search, else priority.
    fn effective_sort(&self) -> &str {
        let searching = crate::tickets::listing::SearchTerms::parse(&self.q).is_some();
        match (self.sort.as_str(), searching) {
            ("", true) => "relevance",
            ("", false) => "priority",
            (chosen, _) => chosen,
        }
    }

    /// The listing that shows them, a page of 50.
    fn params(&self, cursor: Option<String>) -> ListParams {
        ListParams {
            q: Some(self.q.clone()),
            queue: Some(self.queue.clone()),
            status: Some(self.status.clone()),
            priority: Some(self.priority.clone()),
            assignee: Some(self.assignee.clone()),
            sort: Some(self.effective_sort().to_owned()),
            sla: Some(self.sla.clone()),
            cursor,
            limit: Some(50),
            ..ListParams::default()
        }
    }
}

/// Each status's count, with a link to the same filters at that status.
fn status_counts(
    counts: &[(Status, i64)],
    link_params: &[(&str, &str)],
) -> Vec<(String, &'static str, i64)> {
    counts
        .iter()
        .map(|(status, n)| {
            let params: Vec<(&str, &str)> = link_params
                .iter()
                .filter(|(k, _)| *k != "status")
                .cloned()
                .chain(std::iter::once(("status", status.as_str())))
                .collect();
            (link("/queue", &params), status_label(*status), *n)
        })
        .collect()
}
