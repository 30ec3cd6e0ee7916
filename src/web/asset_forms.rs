//! The asset page's forms, all sent to the page's own address
//! (`POST /assets/{tag}` with `do` naming the form): correct its facts,
//! check it out and in, move it through its lifecycle, dispose of it, link
//! tickets. A success redirects back with a confirmation; a refusal shows
//! the page again with every box as typed and the message beside it.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;

use super::asset_form::FactsForm;
use super::asset_page::{HandOverForm, Shown, page};
use super::form::Problems;
use super::{PageError, WebUser, flash};
use crate::assets::domain::Substate;
use crate::assets::dto::{CheckinRequest, CheckoutRequest};
use crate::assets::service;
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::ids;
use crate::state::AppState;

type Fields = web::Form<Vec<(String, String)>>;

/// `POST /assets/{tag}`: the form named by `do`.
pub async fn work(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: Fields,
) -> Result<HttpResponse, PageError> {
    let fields = form.into_inner();
    user.check_csrf(&form_field(&fields, "csrf"))?;
    let tag = path.into_inner();
    match form_field(&fields, "do").as_str() {
        "details" => details(state, user, tag, fields).await,
        "checkout" => checkout(state, user, tag, fields).await,
        "checkin" => checkin(state, user, tag, fields).await,
        "move" | "dispose" | "link" | "unlink" => {
            super::asset_moves::work(state, user, tag, fields).await
        }
        other => Err(AppError::BadRequest {
            code: "unknown_form",
            detail: format!("the asset page has no form {other:?}"),
        }
        .into()),
    }
}

/// The old addresses of the forms: the same work, named by the path.
pub async fn legacy(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: Fields,
) -> Result<HttpResponse, PageError> {
    let (tag, what) = path.into_inner();
    let mut fields = form.into_inner();
    fields.retain(|(k, _)| k != "do");
    fields.push(("do".into(), what));
    work(state, user, web::Path::from(tag), web::Form(fields)).await
}

/// After a change: back to the page with `code`'s confirmation, or the
/// page again with the refusal and what was typed.
pub(super) async fn finish(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    result: Result<String, AppError>,
    code: &'static str,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    match result {
        Ok(now_tag) => Ok(flash::redirect(
            &format!("/assets/{}", super::session::url_encode(&now_tag)),
            code,
        )),
        Err(e) => {
            let problems = Problems::refusal(e)?;
            page(state, user, tag, Shown { problems, ..shown }).await
        }
    }
}

async fn checkout(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    fields: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let get = |k: &str| form_field(&fields, k);
    let kept = HandOverForm {
        assignee: get("assignee"),
        expected_return: get("expected_return"),
        note: get("note"),
        require_acceptance: !get("require_acceptance").is_empty(),
    };
    let shown = Shown {
        hand: Some(kept.clone()),
        open: "checkout",
        ..Shown::default()
    };
    let expected_return = match date_box(&kept.expected_return) {
        Ok(d) => d,
        Err(msg) => {
            let problems = Problems::field("expected_return", msg);
            return page(state, user, tag, Shown { problems, ..shown }).await;
        }
    };
    let input = CheckoutRequest {
        assignee: kept.assignee.trim().to_owned(),
        expected_return,
        require_acceptance: Some(kept.require_acceptance),
        note: Some(kept.note.trim().to_owned()).filter(|n| !n.is_empty()),
    };
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let result = blocking(move || {
        service::checkout(
            &st.db,
            &st.assets.mail_from,
            &actor,
            &id,
            &input,
            ids::now(),
        )
    })
    .await;
    let result = result.map(|v| v.0.asset.asset_tag);
    finish(state, user, tag, result, "asset_out", shown).await
}

async fn checkin(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    fields: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let reason = form_field(&fields, "reason");
    let substate = match form_field(&fields, "substate").trim() {
        "" => None,
        s => match s.parse::<Substate>() {
            Ok(s) => Some(s),
            Err(e) => {
                let problems = Problems::field("substate", format!("back to stock as: {e}"));
                let shown = Shown {
                    problems,
                    ..Shown::default()
                };
                return page(state, user, tag, shown).await;
            }
        },
    };
    let input = CheckinRequest {
        reason: Some(reason.trim().to_owned()).filter(|r| !r.is_empty()),
        substate,
    };
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let result = blocking(move || service::checkin(&st.db, &actor, &id, &input, ids::now())).await;
    let result = result.map(|v| v.0.asset.asset_tag);
    finish(state, user, tag, result, "asset_in", Shown::default()).await
}

/// `""` is no date; anything else must be `YYYY-MM-DD`.
pub(super) fn date_box(v: &str) -> Result<Option<NaiveDate>, String> {
    match v.trim() {
        "" => Ok(None),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("{d:?} is not a date (YYYY-MM-DD)")),
    }
}

async fn details(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    fields: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let category =
        blocking(move || Ok(service::get(&st.db, &actor, &id, false)?.asset.category)).await?;
    let categories: Vec<_> = category.into_iter().collect();
    let kept = FactsForm::read(&fields, &state.assets.fields, &categories);
    let shown = Shown {
        facts: Some(kept.clone()),
        open: "edit",
        ..Shown::default()
    };
    let input = match kept.to_update(category) {
        Ok(i) => i,
        Err(problems) => return page(state, user, tag, Shown { problems, ..shown }).await,
    };
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let result = blocking(move || {
        service::update(&st.db, &st.assets.fields, &actor, &id, &input, ids::now())
    })
    .await;
    let result = result.map(|v| v.asset.asset_tag);
    finish(state, user, tag, result, "asset_saved", shown).await
}
