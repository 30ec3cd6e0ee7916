//! Saved queue views on the queue page: links to one's own and the shared
//! views, a form to save the filters in use under a name, and deleting.

use actix_web::{HttpResponse, web};

use super::queue::{QueueQuery, Shown, queue_page};
use super::{PageError, WebUser};
use crate::auth::{Role, User};
use crate::error::{AppError, FieldError, blocking};
use crate::ids;
use crate::state::AppState;
use crate::tickets::SavedView;
use crate::tickets::service::views::{self, NewView};

/// A saved view as the queue lists it.
pub struct ViewLink {
    pub id: String,
    pub name: String,
    pub link: String,
    pub shared: bool,
    /// The viewer may delete it.
    pub deletable: bool,
}

/// The save form as typed, with what was wrong.
#[derive(Debug, Default)]
pub struct ViewForm {
    pub name: String,
    pub shared: bool,
    pub errors: Vec<FieldError>,
}

impl ViewForm {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

pub fn view_links(views: &[SavedView], me: &User) -> Vec<ViewLink> {
    views
        .iter()
        .map(|v| ViewLink {
            id: v.id.clone(),
            name: v.name.clone(),
            link: format!("/queue?{}", v.query),
            shared: v.shared,
            deletable: v.owner_id == me.id || (v.shared && me.role == Role::Admin),
        })
        .collect()
}

#[derive(Debug, serde::Deserialize)]
pub struct SaveForm {
    csrf: String,
    name: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    shared: Option<String>,
}

/// `POST /queue/views`: saves the filters in use; a refusal shows the
/// queue again with the name kept and the reason beside it.
pub async fn save(
    state: web::Data<AppState>,
    user: WebUser,
    form: web::Form<SaveForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let shared = form.shared.is_some();
    let query = form.query.trim_start_matches('?').to_owned();
    let (st, actor, name, q) = (
        state.clone(),
        user.user.clone(),
        form.name.clone(),
        query.clone(),
    );
    let saved = blocking(move || {
        let v = NewView {
            name: &name,
            query: &q,
            shared,
        };
        views::save_view(&st.db, &actor, &v, ids::now())
    })
    .await;
    let errors = match saved {
        Ok(v) => {
            return Ok(super::flash::redirect(
                &format!("/queue?{}", v.query),
                "view_saved",
            ));
        }
        Err(AppError::Validation(errors)) => errors,
        Err(e @ AppError::Conflict { .. }) => vec![FieldError::new("name", e.public_detail())],
        Err(e) => return Err(e.into()),
    };
    let filters: QueueQuery = serde_urlencoded::from_str(&query).unwrap_or_default();
    let shown = Shown {
        here: format!("/queue?{query}"),
        flash: None,
        view: ViewForm {
            name: form.name,
            shared,
            errors,
        },
    };
    queue_page(&state, &user, filters, shown).await
}

#[derive(Debug, serde::Deserialize)]
pub struct DeleteForm {
    csrf: String,
}

/// `POST /queue/views/{id}/delete`.
pub async fn delete(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let (st, actor, id) = (state.clone(), user.user.clone(), path.into_inner());
    blocking(move || views::delete_view(&st.db, &actor, &id, ids::now())).await?;
    Ok(super::flash::redirect("/queue", "view_deleted"))
}
