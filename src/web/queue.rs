//! The coordinator queue: filters, counts per open status, sorting, paging.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::format::status_label;
use super::pages::{Filters, ListPageTemplate, assignable, choices, next_link, rows};
use super::{PageError, WebUser, render};
use crate::error::{AppError, blocking};
use crate::state::AppState;
use crate::tickets::domain::{Priority, Status};
use crate::tickets::dto::ListParams;
use crate::tickets::service::{self, catalog};

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
    ("priority", "Priority, then oldest"),
    ("sla_due_at", "Nearest SLA deadline"),
    ("created_at", "Oldest first"),
    ("-created_at", "Newest first"),
    ("-updated_at", "Recently updated"),
    ("updated_at", "Least recently updated"),
];

pub async fn queue(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, PageError> {
    if !user.user.role.sees_all_tickets() {
        return Err(AppError::Forbidden("the queue is for IT staff".into()).into());
    }
    let q = query.into_inner();
    let filters = Filters::of(&q);
    let params = filters.params(q.cursor.clone());
    let st = state.clone();
    let actor = user.user.clone();
    let p = params.clone();
    let (page, summary, queues) = blocking(move || {
        let page = service::list_tickets(&st.db, &st.settings.api, &actor, &p)?;
        let summary = service::queue_summary(&st.db, &st.settings.api, &actor, &p)?;
        Ok((page, summary, catalog::list_queues(&st.db)?))
    })
    .await?;
    let agents = assignable(&state).await?;
    let link_params = [
        ("q", filters.q.as_str()),
        ("queue", filters.queue.as_str()),
        ("status", filters.status.as_str()),
        ("priority", filters.priority.as_str()),
        ("assignee", filters.assignee.as_str()),
        ("sort", filters.sort.as_str()),
        ("sla", filters.sla.as_str()),
    ];
    let counts = status_counts(&summary.counts, &link_params);
    let status_now = filters.status.clone();
    let sort_now = filters.sort.clone();
    let sla_now = filters.sla.clone();
    let template = ListPageTemplate {
        nav: user.nav("queue"),
        heading: "Queue".into(),
        staff_queue: true,
        next_link: next_link("/queue", &link_params, &page),
        rows: rows(&page.items, &state.settings.tickets.reference_prefix),
        filters,
        queues,
        agents,
        priorities: Priority::ALL,
        status_choices: choices(STATUS_CHOICES, &status_now),
        sort_choices: choices(SORT_CHOICES, &sort_now),
        sla_choices: choices(SLA_CHOICES, &sla_now),
        counts,
    };
    render(&template)
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
            sort: if q.sort.is_empty() {
                "priority".into()
            } else {
                q.sort.clone()
            },
            sla: q.sla.clone(),
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
            sort: Some(self.sort.clone()),
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
            let query: Vec<String> = link_params
                .iter()
                .filter(|(k, _)| *k != "status")
                .cloned()
                .chain(std::iter::once(("status", status.as_str())))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}={}", super::session::url_encode(v)))
                .collect();
            (
                format!("/queue?{}", query.join("&")),
                status_label(*status),
                *n,
            )
        })
        .collect()
}
