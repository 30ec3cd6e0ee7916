//! The in-app notification list (SLA warnings and breaches, until mail).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::format::{iso, when};
use super::session::Nav;
use super::{PageError, WebUser, render, see_other};
use crate::error::{AppError, blocking};
use crate::ids;
use crate::sla::repo;
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
    let id = user.user.id.clone();
    let rows = blocking(move || {
        state.db.read(|conn| {
            let notes = repo::notifications_for(conn, &id, false, 100)?;
            let mut rows = Vec::with_capacity(notes.len());
            for n in notes {
                let number = match &n.ticket_id {
                    Some(t) => crate::tickets::repo::find(conn, t)?.map(|t| t.number),
                    None => None,
                };
                rows.push(Row {
                    id: n.id,
                    message: n.message,
                    number,
                    at: when(n.created_at),
                    at_iso: iso(n.created_at),
                    unread: n.read_at.is_none(),
                });
            }
            Ok::<_, AppError>(rows)
        })
    })
    .await?;
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
    let (uid, id) = (user.user.id.clone(), path.into_inner());
    blocking(move || {
        state
            .db
            .write(|conn| Ok::<_, AppError>(repo::mark_read(conn, &uid, &id, ids::now())?))
    })
    .await?;
    Ok(see_other("/notifications"))
}
