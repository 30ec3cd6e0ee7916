//! A contract's documents from its page: upload (refused beside the file
//! box), download, and removal.

use actix_web::{HttpRequest, HttpResponse, web};

use super::contract::{Refused, contract_page};
use super::session::url_encode;
use super::{PageError, WebUser, flash};
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::state::AppState;
use crate::vendors::document_handlers::{keep, read, serve_document};
use crate::vendors::service;

/// What to say beside the file box for a refused upload.
fn file_problem(e: AppError) -> Result<String, PageError> {
    match e {
        AppError::PayloadTooLarge(m) | AppError::UnsupportedMediaType(m) => Ok(m),
        AppError::Validation(errs) => Ok(errs
            .into_iter()
            .map(|e| e.message)
            .collect::<Vec<_>>()
            .join("; ")),
        AppError::Conflict { detail, .. } => Ok(detail),
        e => Err(e.into()),
    }
}

/// `POST /contracts/{id}/documents` (multipart: `csrf` and `file` parts).
pub async fn upload(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let refused = |message: String| Refused {
        file: Some(message),
        ..Refused::default()
    };
    let (uploads, fields) = match read(&state.vendors, &req, payload).await {
        Ok(parts) => parts,
        Err(e) => {
            let r = refused(file_problem(e)?);
            return contract_page(state, user, id, None, r).await;
        }
    };
    user.check_csrf(&form_field(&fields, "csrf"))?;
    if uploads.iter().all(|u| u.bytes.is_empty()) {
        let r = refused("choose one or more files to keep with the contract".into());
        return contract_page(state, user, id, None, r).await;
    }
    match keep(
        state.vendors.clone(),
        user.user.clone(),
        id.clone(),
        uploads,
    )
    .await
    {
        Ok(_) => Ok(flash::redirect(
            &format!("/contracts/{}#documents", url_encode(&id)),
            "document_added",
        )),
        Err(e) => {
            let r = refused(file_problem(e)?);
            contract_page(state, user, id, None, r).await
        }
    }
}

/// `GET /contracts/{id}/documents/{document_id}`: the file, as an
/// attachment.
pub async fn download(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    super::assets::staff(&user)?;
    let (contract, document) = path.into_inner();
    Ok(serve_document(state.vendors.clone(), user.user, contract, document).await?)
}

/// `POST /contracts/{id}/documents/{document_id}/delete`.
pub async fn remove(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form_field(&form, "csrf"))?;
    let (contract, document) = path.into_inner();
    let (st, actor, cid) = (state.clone(), user.user.clone(), contract.clone());
    blocking(move || {
        service::remove_document(&st.vendors, &actor, &cid, &document, crate::ids::now())
    })
    .await?;
    Ok(flash::redirect(
        &format!("/contracts/{}#documents", url_encode(&contract)),
        "document_removed",
    ))
}
