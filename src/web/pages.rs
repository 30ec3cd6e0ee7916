//! The start page, "my tickets", the 404 page, and what list pages share.

use actix_web::{HttpRequest, HttpResponse, web};

use super::format::{iso, or_dash, status_label, when};
use super::session::url_encode;
use super::{PageError, WebUser, see_other};
use crate::auth::{Role, User, people as users};
use crate::error::{AppError, blocking};
use crate::state::AppState;
use crate::tickets::service::{ListPage, TicketView};

/// `/`: staff land on the dashboard, requesters on their tickets.
pub async fn home(user: WebUser) -> HttpResponse {
    if user.user.role.sees_all_tickets() {
        see_other("/dashboard")
    } else {
        see_other("/my/tickets")
    }
}

pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, PageError> {
    Err(PageError::App(AppError::NotFound(format!(
        "page {}",
        req.path()
    ))))
}

/// A ticket as a row of a list.
pub struct Row {
    pub number: i64,
    pub reference: String,
    pub subject: String,
    pub priority: String,
    pub status: String,
    pub status_label: &'static str,
    pub requester: String,
    pub assignee: String,
    pub queue: String,
    pub updated: String,
    pub updated_iso: String,
    pub created: String,
    pub created_iso: String,
    /// The stored SLA state, or empty.
    pub sla_state: String,
    /// The state in words.
    pub sla_state_label: &'static str,
    /// "in 2h 05m" or "3h 10m overdue".
    pub sla_due: String,
}

pub fn rows(items: &[TicketView], prefix: &str) -> Vec<Row> {
    items
        .iter()
        .map(|v| Row {
            number: v.ticket.number,
            reference: format!("{prefix}{}", v.ticket.number),
            subject: v.ticket.subject.clone(),
            priority: v.ticket.priority.to_string(),
            status: v.ticket.status.to_string(),
            status_label: status_label(v.ticket.status),
            requester: v.requester.display_name.clone(),
            assignee: or_dash(v.assignee.as_ref().map(|u| u.display_name.clone())),
            queue: or_dash(v.queue.as_ref().map(|q| q.name.clone())),
            updated: when(v.ticket.updated_at),
            updated_iso: iso(v.ticket.updated_at),
            created: when(v.ticket.created_at),
            created_iso: iso(v.ticket.created_at),
            sla_state: v.ticket.sla_state.clone().unwrap_or_default(),
            sla_state_label: sla_state_label(v.ticket.sla_state.as_deref().unwrap_or("")),
            sla_due: v
                .ticket
                .sla_due_at
                .map(|due| {
                    let secs = (due - crate::ids::now()).num_seconds();
                    let span = super::sla_view::span(secs);
                    if secs >= 0 {
                        format!("due in {span}")
                    } else {
                        format!("{span} overdue")
                    }
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// An SLA state in words.
pub fn sla_state_label(state: &str) -> &'static str {
    match state {
        "breached" => "Breached",
        "at_risk" => "At risk",
        "running" => "Running",
        "paused" => "Paused",
        "met" => "Met",
        _ => "",
    }
}

/// A filter box's text, trimmed; `None` when empty.
pub fn some(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A list page's optional filter: `None` when empty; a value that does not
/// parse is `None` too, and its reason goes to `error` for the page to say.
pub fn filter<T: std::str::FromStr>(raw: &str, error: &mut Option<String>) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    match some(raw)?.parse::<T>() {
        Ok(value) => Some(value),
        Err(e) => {
            *error = Some(e.to_string());
            None
        }
    }
}

/// A `?page=` number: 1, 2, …; anything else is the first page.
pub fn page_number(s: &str) -> i64 {
    s.trim().parse::<i64>().unwrap_or(1).clamp(1, 1_000_000)
}

/// The link to the next page: the same query with the new cursor.
pub fn next_link(path: &str, params: &[(&str, &str)], page: &ListPage) -> Option<String> {
    let cursor = page.next_cursor.as_ref()?;
    let mut query: Vec<String> = params
        .iter()
        .filter(|(k, v)| !v.is_empty() && *k != "cursor")
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    query.push(format!("cursor={}", url_encode(cursor)));
    Some(format!("{path}?{}", query.join("&")))
}

/// One option of a select.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// Options from (value, label) pairs, with `current` selected.
pub fn choices(pairs: &[(&'static str, &'static str)], current: &str) -> Vec<Choice> {
    pairs
        .iter()
        .map(|(value, label)| Choice {
            value,
            label,
            selected: *value == current,
        })
        .collect()
}

/// Filter values as the form shows them.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    pub q: String,
    pub queue: String,
    pub status: String,
    pub priority: String,
    pub assignee: String,
    pub sort: String,
    pub sla: String,
}

/// People who can be assigned tickets, for pickers.
pub async fn assignable(state: &web::Data<AppState>) -> Result<Vec<User>, AppError> {
    let st = state.clone();
    blocking(move || {
        st.db.read(|conn| {
            Ok(users::list_users(
                conn,
                &[Role::Agent, Role::Coordinator, Role::Admin],
            )?)
        })
    })
    .await
}
