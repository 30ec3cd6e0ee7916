//! The asset page's forms: correct its details, check it out to a person,
//! check it back in. A refused form shows the page again with the reason and the input.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::asset_page::{EditForm, HandOverForm, page};
use super::{PageError, WebUser, see_other};
use crate::assets::domain::Substate;
use crate::assets::dto::{CheckinRequest, CheckoutRequest, UpdateAsset};
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

/// Back to the asset page after a change, or the page again with the
/// reason when the change was refused.
async fn finish(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    result: Result<service::AssetView, AppError>,
    form: HandOverForm,
    edited: Option<EditForm>,
) -> Result<HttpResponse, PageError> {
    match result {
        Ok(view) => Ok(see_other(&format!("/assets/{}", view.asset.asset_tag))),
        Err(e) => match explain(&e) {
            Some(msg) => page(state, user, tag, form, edited, Some(msg)).await,
            None => Err(e.into()),
        },
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
    let expected_return = match date("expected back", &f.expected_return) {
        Ok(d) => d.flatten(),
        Err(msg) => return page(state, user, tag, kept, None, Some(msg)).await,
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
    finish(state, user, tag, result.map(|v| v.0), kept, None).await
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
                return page(state, user, tag, HandOverForm::fresh(), None, Some(msg)).await;
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
    finish(
        state,
        user,
        tag,
        result.map(|v| v.0),
        HandOverForm::fresh(),
        None,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct DetailsForm {
    csrf: String,
    #[serde(default)]
    serial: String,
    #[serde(default)]
    hostname: String,
    #[serde(default)]
    purchase_date: String,
    #[serde(default)]
    warranty_end: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    po_number: String,
    #[serde(default)]
    notes: String,
}

/// An emptied box clears the field.
fn text(v: &str) -> Option<Option<String>> {
    Some(Some(v.trim().to_owned()).filter(|s| !s.is_empty()))
}

fn date(label: &str, v: &str) -> Result<Option<Option<NaiveDate>>, String> {
    match v.trim() {
        "" => Ok(Some(None)),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| Some(Some(d)))
            .map_err(|_| format!("{label}: {d:?} is not a date (YYYY-MM-DD)")),
    }
}

pub async fn details(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<DetailsForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let tag = path.into_inner();
    let f = form.into_inner();
    let kept = EditForm {
        serial: f.serial.clone(),
        hostname: f.hostname.clone(),
        purchase_date: f.purchase_date.clone(),
        warranty_end: f.warranty_end.clone(),
        supplier: f.supplier.clone(),
        po_number: f.po_number.clone(),
        notes: f.notes.clone(),
    };
    let dates = date("purchased", &f.purchase_date)
        .and_then(|p| date("warranty ends", &f.warranty_end).map(|w| (p, w)));
    let (purchase_date, warranty_end) = match dates {
        Ok(d) => d,
        Err(msg) => {
            return page(
                state,
                user,
                tag,
                HandOverForm::fresh(),
                Some(kept),
                Some(msg),
            )
            .await;
        }
    };
    let input = UpdateAsset {
        serial: text(&f.serial),
        hostname: text(&f.hostname),
        purchase_date,
        warranty_end,
        supplier: text(&f.supplier),
        po_number: text(&f.po_number),
        // Browsers send CRLF; the text is kept as typed otherwise.
        notes: Some(Some(f.notes.replace("\r\n", "\n"))),
        reason: Some("edited on the asset page".into()),
        ..UpdateAsset::default()
    };
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let result = blocking(move || {
        service::update(&st.db, &st.assets.fields, &actor, &id, &input, ids::now())
    })
    .await;
    finish(state, user, tag, result, HandOverForm::fresh(), Some(kept)).await
}
