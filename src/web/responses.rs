//! The saved replies page (`/responses`): agents read them; coordinators
//! and admins add, change and delete them, each for one queue or for every
//! queue, with placeholders filled when an agent inserts one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::form::Problems;
use super::session::Nav;
use super::{PageError, WebUser, flash, render_with};
use crate::auth::Role;
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::ids;
use crate::state::AppState;
use crate::tickets::service::{canned, catalog};

/// One reply as the page lists it, or a form's values.
#[derive(Debug, Clone, Default)]
struct Reply {
    id: String,
    name: String,
    queue: String,
    body: String,
}

#[derive(Template)]
#[template(path = "responses.html", config = "src/web/askama.toml")]
struct ResponsesPage {
    nav: Nav,
    flash: Option<&'static str>,
    can_keep: bool,
    replies: Vec<(Reply, String)>,
    queues: Vec<(String, String)>,
    placeholders: &'static [(&'static str, &'static str)],
    /// The form a refusal is about (`new` or a reply's id) and its values.
    editing: String,
    draft: Reply,
    problems: Problems,
}

async fn show_page(
    state: web::Data<AppState>,
    user: WebUser,
    editing: String,
    draft: Reply,
    problems: Problems,
    flash: Option<&'static str>,
) -> Result<HttpResponse, PageError> {
    let actor = user.user.clone();
    let st = state.clone();
    let (rows, queues) = blocking(move || {
        Ok((
            canned::list_all(&st.db, &actor)?,
            catalog::list_queues(&st.db)?,
        ))
    })
    .await?;
    let slug_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| queues.iter().find(|q| &q.id == id))
            .map(|q| (q.slug.clone(), q.name.clone()))
    };
    let replies = rows
        .iter()
        .map(|r| {
            let (slug, name) = slug_of(&r.queue_id).unwrap_or_default();
            let reply = Reply {
                id: r.id.clone(),
                name: r.name.clone(),
                queue: slug,
                body: r.body.clone(),
            };
            let shown = if name.is_empty() {
                "Every queue".into()
            } else {
                name
            };
            (reply, shown)
        })
        .collect();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &ResponsesPage {
            nav: user.nav("responses"),
            flash,
            can_keep: matches!(user.user.role, Role::Coordinator | Role::Admin),
            replies,
            queues: queues
                .iter()
                .map(|q| (q.slug.clone(), q.name.clone()))
                .collect(),
            placeholders: canned::PLACEHOLDERS,
            editing,
            draft,
            problems,
        },
    )
}

/// `GET /responses`
pub async fn list(
    state: web::Data<AppState>,
    user: WebUser,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    if !user.user.role.works_tickets() {
        return Err(AppError::Forbidden("saved replies are for IT staff".into()).into());
    }
    let flash = flash::take(&req);
    let mut resp = show_page(
        state,
        user,
        String::new(),
        Reply::default(),
        Problems::default(),
        flash,
    )
    .await?;
    flash::clear(&req, &mut resp);
    Ok(resp)
}

/// `POST /responses` (a new reply) and `POST /responses/{id}` (change it,
/// or delete it with `do=delete`).
pub async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    path: Option<web::Path<String>>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let id = path.map(|p| p.into_inner());
    let draft = Reply {
        id: id.clone().unwrap_or_default(),
        name: form_field(&form, "name"),
        queue: form_field(&form, "queue"),
        body: form_field(&form, "body"),
    };
    let deleting = form_field(&form, "do") == "delete";
    let st = state.clone();
    let actor = user.user.clone();
    let input = canned::CannedInput {
        name: draft.name.clone(),
        body: draft.body.clone(),
        queue: draft.queue.clone(),
    };
    let which = id.clone();
    let result = blocking(move || match (&which, deleting) {
        (Some(id), true) => canned::delete(&st.db, &actor, id, ids::now()),
        (which, _) => {
            canned::save(&st.db, &actor, which.as_deref(), &input, ids::now()).map(|_| ())
        }
    })
    .await;
    let code = match (&id, deleting) {
        (_, true) => "reply_deleted",
        (None, _) => "reply_created",
        (Some(_), _) => "reply_saved",
    };
    match result {
        Ok(()) => Ok(flash::redirect("/responses", code)),
        Err(e) => {
            let p = Problems::refusal(e)?;
            let editing = id.unwrap_or_else(|| "new".into());
            show_page(state, user, editing, draft, p, None).await
        }
    }
}

/// `GET /responses/{id}`: the reply on the list (a refused change is shown
/// at this address; reloading it lands on the list).
pub async fn one(user: WebUser, path: web::Path<String>) -> Result<HttpResponse, PageError> {
    if !user.user.role.works_tickets() {
        return Err(AppError::Forbidden("saved replies are for IT staff".into()).into());
    }
    let id: String = path
        .into_inner()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Ok(super::see_other(&format!("/responses#reply-{id}")))
}
