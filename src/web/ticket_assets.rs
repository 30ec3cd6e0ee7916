//! The assets a ticket is about, on the ticket page: listed with their
//! state, linked by tag and unlinked with a button (staff who work
//! tickets). Both the ticket's and the asset's history record it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::format::asset_status_label;
use super::ticket_page::{Shown, page};
use super::{PageError, WebUser, flash};
use crate::assets::service;
use crate::auth::User;
use crate::error::{AppError, FieldError, blocking};
use crate::http::multipart::form_field;
use crate::ids;
use crate::state::AppState;
use crate::tickets::service::TicketRef;

/// One linked asset as the page lists it.
pub struct AssetRow {
    pub tag: String,
    pub line: String,
    pub status: &'static str,
}

/// The assets linked to a ticket, for staff who see the register.
pub fn linked(state: &AppState, actor: &User, ticket_id: &str) -> Result<Vec<AssetRow>, AppError> {
    if !actor.role.sees_assets() {
        return Ok(Vec::new());
    }
    Ok(service::assets_of_ticket(&state.db, actor, ticket_id)?
        .into_iter()
        .map(|v| AssetRow {
            line: v
                .model
                .as_ref()
                .map(|(m, maker)| format!("{} {}", maker.name, m.name))
                .or_else(|| super::asset_view::shown_name(&v.asset))
                .or_else(|| v.asset.hostname.clone())
                .unwrap_or_default(),
            status: asset_status_label(v.asset.status),
            tag: v.asset.asset_tag,
        })
        .collect())
}

/// `POST /tickets/{number}` with `do=link_asset` or `do=unlink_asset`.
pub async fn work(
    state: &web::Data<AppState>,
    user: &WebUser,
    r: TicketRef,
    number: &str,
    fields: &[(String, String)],
) -> Result<HttpResponse, PageError> {
    let linking = form_field(fields, "do") == "link_asset";
    let typed = form_field(fields, "asset");
    let tag = typed.trim().to_owned();
    let refused = |message: String| Shown {
        errors: vec![FieldError::new("asset", message)],
        link_asset: typed.clone(),
        ..Shown::default()
    };
    if tag.is_empty() {
        let shown = refused("an asset tag, such as IT-000123".into());
        return page(state, user, r, StatusCode::UNPROCESSABLE_ENTITY, shown).await;
    }
    let st = state.clone();
    let actor = user.user.clone();
    let ticket = number.to_owned();
    let result = blocking(move || {
        let now = ids::now();
        if linking {
            service::link_ticket(&st.db, &actor, &ticket, &tag, now).map(|_| ())
        } else {
            service::unlink_ticket(&st.db, &actor, &ticket, &tag, now)
        }
    })
    .await;
    match result {
        Ok(()) => Ok(flash::redirect(
            &format!("/tickets/{number}"),
            if linking { "linked" } else { "unlinked" },
        )),
        Err(AppError::Validation(e)) => {
            let msg = e.first().map(|f| f.message.clone()).unwrap_or_default();
            page(
                state,
                user,
                r,
                StatusCode::UNPROCESSABLE_ENTITY,
                refused(msg),
            )
            .await
        }
        Err(AppError::NotFound(what)) if !linking => {
            let shown = refused(format!("no {what}"));
            page(state, user, r, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
        Err(e) => Err(e.into()),
    }
}
