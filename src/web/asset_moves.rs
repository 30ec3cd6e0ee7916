//! The asset page's lifecycle forms: a status move with its reason (and
//! the person or place a deployment needs), disposal with method, date and
//! evidence, and linking tickets.

use actix_web::{HttpResponse, web};

use super::asset_forms::{date_box, finish};
use super::asset_page::{MoveForm, Shown, page};
use super::form::Problems;
use super::{PageError, WebUser};
use crate::assets::domain::Status;
use crate::assets::dto::{DisposalDto, TransitionRequest};
use crate::assets::service;
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::ids;
use crate::state::AppState;

pub(super) async fn work(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    fields: Vec<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let get = |k: &str| form_field(&fields, k);
    let kept = MoveForm {
        reason: get("reason"),
        location_id: get("location_id"),
        assignee: get("assignee"),
        method: get("method"),
        date: get("date"),
        evidence: get("evidence"),
    };
    match get("do").as_str() {
        "move" => move_to(state, user, tag, kept, &get("to")).await,
        "dispose" => dispose(state, user, tag, kept).await,
        what => {
            let ticket = get("ticket");
            link(state, user, tag, ticket, what == "link").await
        }
    }
}

/// Reads the move the form asks for; a bad status or empty reason is
/// said beside its box.
fn requested(kept: &MoveForm, to: &str) -> Result<TransitionRequest, Problems> {
    let mut p = Problems::default();
    let to = match to.parse::<Status>() {
        Ok(s) => Some(s),
        Err(e) => {
            p.push("to", e.to_string());
            None
        }
    };
    if kept.reason.trim().is_empty() {
        p.push(
            "reason",
            "say why: every change to an asset is recorded with its reason",
        );
    }
    if !p.is_empty() {
        return Err(p);
    }
    let place = kept.location_id.trim();
    let person = kept.assignee.trim();
    Ok(TransitionRequest {
        to,
        substate: None,
        reason: kept.reason.trim().to_owned(),
        assignee: (!person.is_empty()).then(|| Some(person.to_owned())),
        location_id: (!place.is_empty()).then(|| Some(place.to_owned())),
        disposal: None,
    })
}

async fn move_to(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    kept: MoveForm,
    to: &str,
) -> Result<HttpResponse, PageError> {
    let shown = Shown {
        moving: kept.clone(),
        open: "move",
        ..Shown::default()
    };
    let input = match requested(&kept, to) {
        Ok(i) => i,
        Err(problems) => return page(state, user, tag, Shown { problems, ..shown }).await,
    };
    transition(state, user, tag, input, "asset_moved", shown).await
}

async fn dispose(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    kept: MoveForm,
) -> Result<HttpResponse, PageError> {
    let shown = Shown {
        moving: kept.clone(),
        open: "dispose",
        ..Shown::default()
    };
    let mut p = Problems::default();
    if kept.method.trim().is_empty() {
        p.push(
            "method",
            "say how it left: recycled, sold, donated, destroyed…",
        );
    }
    let date = match date_box(&kept.date) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            p.push("date", "the day it left");
            None
        }
        Err(m) => {
            p.push("date", m);
            None
        }
    };
    if kept.evidence.trim().is_empty() {
        p.push(
            "evidence",
            "the evidence: a data-wipe certificate or a receipt number",
        );
    }
    if kept.reason.trim().is_empty() {
        p.push("reason", "say why it is disposed of");
    }
    let Some(date) = date.filter(|_| p.is_empty()) else {
        return page(
            state,
            user,
            tag,
            Shown {
                problems: p,
                ..shown
            },
        )
        .await;
    };
    let input = TransitionRequest {
        to: Some(Status::Disposed),
        reason: kept.reason.trim().to_owned(),
        disposal: Some(DisposalDto {
            method: kept.method.trim().to_owned(),
            date,
            evidence: kept.evidence.trim().to_owned(),
        }),
        ..TransitionRequest::default()
    };
    transition(state, user, tag, input, "asset_disposed", shown).await
}

async fn transition(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    input: TransitionRequest,
    code: &'static str,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let result =
        blocking(move || service::transition(&st.db, &actor, &id, &input, ids::now())).await;
    let result = result.map(|v| v.asset.asset_tag);
    finish(state, user, tag, result, code, shown).await
}

/// Links (or unlinks) a ticket, by number, to this asset.
async fn link(
    state: web::Data<AppState>,
    user: WebUser,
    tag: String,
    ticket: String,
    linking: bool,
) -> Result<HttpResponse, PageError> {
    let number = ticket.trim().trim_start_matches('#').to_owned();
    let shown = Shown {
        link_ticket: ticket.clone(),
        open: "link",
        ..Shown::default()
    };
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        let problems = Problems::field("ticket", "a ticket number, such as 1042");
        return page(state, user, tag, Shown { problems, ..shown }).await;
    }
    let st = state.clone();
    let actor = user.user.clone();
    let id = tag.clone();
    let result = blocking(move || {
        let now = ids::now();
        if linking {
            service::link_ticket(&st.db, &actor, &number, &id, now).map(|_| ())
        } else {
            service::unlink_ticket(&st.db, &actor, &number, &id, now)
        }
    })
    .await
    .map_err(|e| match e {
        AppError::NotFound(what) => AppError::invalid("ticket", format!("no {what}")),
        other => other,
    });
    let code = if linking { "linked" } else { "unlinked" };
    let result = result.map(|_| tag.clone());
    finish(state, user, tag.clone(), result, code, shown).await
}
