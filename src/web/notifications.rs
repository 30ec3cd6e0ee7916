//! The in-app notification list (SLA warnings and breaches, until mail).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::format::{iso, when};
use super::session::Nav;
use super::{PageError, WebUser, render, see_other};
use crate::error::blocking;
use crate::state::AppState;

struct Row {
    id: String,
    message: String,
    number: Option<i64>,
    at: String,
    at_iso: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html", config = "src/web/askama.toml")]
struct NotificationsPage {
    nav: Nav,
    rows: Vec<Row>,
}

pub async fn list(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    let actor = user.user.clone();
    let rows = blocking(move || crate::sla::notifications::mine_with_tickets(&state.db, &actor))
        .await?
        .into_iter()
        .map(|v| Row {
            id: v.notification.id,
            message: v.notification.message,
            number: v.ticket_number,
            at: when(v.notification.created_at),
            at_iso: iso(v.notification.created_at),
            unread: v.notification.read_at.is_none(),
        })
        .collect();
    render(&NotificationsPage {
        nav: user.nav("notifications"),
        rows,
    })
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn mark_read(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let (actor, id) = (user.user.clone(), path.into_inner());
    blocking(move || crate::sla::notifications::mark_read(&state.db, &actor, &id)).await?;
    Ok(see_other("/notifications"))
}
