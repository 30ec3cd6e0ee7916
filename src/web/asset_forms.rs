//! The asset page's forms: check an asset out to a person, check it back
//! in. A refused form shows the page again with the reason and the input.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::assets::{HandOverForm, page};
use super::{PageError, WebUser, see_other};
use crate::assets::domain::Substate;
use crate::assets::dto::{CheckinRequest, CheckoutRequest};
use crate::assets::service;
use crate::error::{AppError, blocking};
use crate::ids;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct CheckoutForm {
    csrf: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    expected_return: String,
    #[serde(default)]
    note: String,
    /// Present (as "true") when the box is ticked.
    #[serde(default)]
    require_acceptance: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CheckinForm {
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    substate: String,
}

/// A refusal as one sentence for the page.
fn explain(e: &AppError) -> Option<String> {
    match e {
        AppError::Validation(errors) => Some(
            errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        AppError::Conflict { detail, .. } | AppError::BadRequest { detail, .. } => {
            Some(detail.clone())
        }
        _ => None,
    }
}

pub async fn checkout(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<CheckoutForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let tag = path.into_inner();
    let f = form.into_inner();
    let kept = HandOverForm {
        assignee: f.assignee.clone(),
        expected_return: f.expected_return.clone(),
        note: f.note.clone(),
        require_acceptance: f.require_acceptance.is_some(),
    };
    let expected_return = match f.expected_return.trim() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let msg = format!("expected back: {d:?} is not a date (YYYY-MM-DD)");
                return page(state, user, tag, kept, Some(msg)).await;
            }
        },
    };
    let input = CheckoutRequest {
        assignee: f.assignee.trim().to_owned(),
        expected_return,
        require_acceptance: Some(f.require_acceptance.is_some()),
        note: Some(f.note.trim().to_owned()).filter(|n| !n.is_empty()),
    };
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let result =
        blocking(move || service::checkout(&st.db, &st.settings, &actor, &id, &input, ids::now()))
            .await;
    match result {
        Ok((view, _)) => Ok(see_other(&format!("/assets/{}", view.asset.asset_tag))),
        Err(e) => match explain(&e) {
            Some(msg) => page(state, user, tag, kept, Some(msg)).await,
            None => Err(e.into()),
        },
    }
}

pub async fn checkin(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<CheckinForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let tag = path.into_inner();
    let f = form.into_inner();
    let substate = match f.substate.trim() {
        "" => None,
        s => match s.parse::<Substate>() {
            Ok(s) => Some(s),
            Err(e) => {
                let msg = format!("back to stock as: {e}");
                return page(state, user, tag, HandOverForm::default(), Some(msg)).await;
            }
        },
    };
    let input = CheckinRequest {
        reason: Some(f.reason.trim().to_owned()).filter(|r| !r.is_empty()),
        substate,
    };
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let result = blocking(move || service::checkin(&st.db, &actor, &id, &input, ids::now())).await;
    match result {
        Ok((view, _)) => Ok(see_other(&format!("/assets/{}", view.asset.asset_tag))),
        Err(e) => match explain(&e) {
            Some(msg) => page(state, user, tag, HandOverForm::default(), Some(msg)).await,
            None => Err(e.into()),
        },
    }
}
