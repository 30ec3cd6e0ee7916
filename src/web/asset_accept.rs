//! The page behind the link in a hand-over mail: the person confirms they
//! received the device. The link's token is the credential; no login needed.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::session::{Nav, WebSession};
use super::{PageError, render};
use crate::assets::service::{self, CheckoutView};
use crate::error::blocking;
use crate::ids;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "asset_accept.html", config = "src/web/askama.toml")]
struct AcceptPage {
    nav: Nav,
    asset_tag: String,
    person: String,
    expected_return: Option<String>,
    accepted: bool,
    ended: bool,
}

fn page(session: &WebSession, v: &CheckoutView) -> AcceptPage {
    let (c, a, u) = v;
    AcceptPage {
        nav: Nav {
            user: None,
            csrf: session.session.csrf.clone(),
            current: "",
        },
        asset_tag: a.asset_tag.clone(),
        person: u
            .as_ref()
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| "you".into()),
        expected_return: c.expected_return.map(|d| d.to_string()),
        accepted: c.accepted_at.is_some(),
        ended: c.checked_in_at.is_some(),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    session: WebSession,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = path.into_inner();
    let db = state.db.clone();
    let v = blocking(move || service::checkout_by_token(&db, &token)).await?;
    Ok(session.attach(&state, render(&page(&session, &v))?))
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    csrf: String,
}

pub async fn confirm(
    state: web::Data<AppState>,
    session: WebSession,
    path: web::Path<String>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, PageError> {
    session.check_csrf(&form.csrf)?;
    let token = path.into_inner();
    let db = state.db.clone();
    let v = blocking(move || service::accept_by_token(&db, &token, ids::now())).await?;
    Ok(session.attach(&state, render(&page(&session, &v))?))
}
