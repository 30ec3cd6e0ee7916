//! `/admin/access` (admins): everyone's API tokens, to revoke, and the
//! people who can log in, to deactivate or let back in.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::account::{TokenRow, token_rows};
use super::session::Nav;
use super::{PageError, WebUser, render, see_other};
use crate::auth::service as people;
use crate::auth::tokens::{self, Owner};
use crate::error::{AppError, blocking};
use crate::ids;
use crate::state::AppState;

struct PersonRow {
    id: String,
    name: String,
    email: String,
    role: String,
    active: bool,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "admin_access.html", config = "src/web/askama.toml")]
struct AccessPage {
    nav: Nav,
    tokens: Vec<TokenRow>,
    people: Vec<PersonRow>,
}

pub async fn show(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    let actor = user.user.clone();
    let (all, accounts) = blocking(move || {
        let all = tokens::list_tokens(&state.db, &actor, &Owner::Everyone)?;
        let accounts = people::accounts(&state.db, &actor)?;
        Ok::<_, AppError>((all, accounts))
    })
    .await?;
    render(&AccessPage {
        nav: user.nav("access"),
        tokens: token_rows(&all),
        people: accounts
            .into_iter()
            .map(|u| PersonRow {
                is_me: u.id == user.user.id,
                id: u.id,
                name: u.display_name,
                email: u.email,
                role: u.role.to_string().replace('_', " "),
                active: u.is_active,
            })
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    csrf: String,
    /// "deactivate" or "activate".
    action: String,
}

/// Deactivates a person (ending their sessions and revoking their tokens)
/// or lets them back in.
pub async fn set_active(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<ActiveForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let active = match form.action.as_str() {
        "activate" => true,
        "deactivate" => false,
        other => {
            return Err(AppError::invalid(
                "action",
                format!("`{other}` is not activate or deactivate"),
            )
            .into());
        }
    };
    let st = state.clone();
    let actor = user.user.clone();
    let done =
        blocking(move || people::set_active(&st.db, Some(&actor), &path, active, ids::now()))
            .await?;
    state.auth.tokens.forget_user(&done.user.id);
    Ok(see_other("/admin/access"))
}
