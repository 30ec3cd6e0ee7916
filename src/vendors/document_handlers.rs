//! `/api/v1/contracts/{id}/documents`: files kept with a contract, on the
//! rules of a ticket's attachments.

use actix_web::{HttpRequest, HttpResponse, web};

use super::Vendors;
use super::dto::DocumentDto;
use super::service;
use crate::auth::User;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::multipart::{download_response, read_uploads};
use crate::ids;
use crate::tickets::service::{NewUpload, Upload};

/// Registers the document routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/contracts/{id}/documents")
            .route(web::post().to(upload))
            .route(web::get().to(documents)),
    )
    .service(
        web::resource("/contracts/{id}/documents/{document_id}")
            .route(web::get().to(download))
            .route(web::delete().to(remove)),
    );
}

/// Keep files with a contract (multipart/form-data, one or more `file`
/// parts): the same size limit, allowed types and per-item cap as a
/// ticket's files.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/documents", tag = "vendors",
    params(("id" = String, Path, description = "Contract id")),
    request_body(content = crate::tickets::dto::UploadFiles, content_type = "multipart/form-data",
        description = "One or more `file` parts"),
    responses((status = 201, body = Vec<DocumentDto>), (status = 404, body = Problem),
        (status = 409, description = "The contract would keep more documents than allowed", body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn upload(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (uploads, _) = read(&state, &req, payload).await?;
    let rows = keep(state.get_ref().clone(), actor, id, uploads).await?;
    Ok(HttpResponse::Created().json(rows))
}

/// The parts of a multipart request, within the size and count limits.
pub async fn read(
    state: &Vendors,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<(Vec<Upload>, Vec<(String, String)>), AppError> {
    let limits = &state.files;
    read_uploads(
        req,
        payload,
        limits.max_bytes,
        limits.max_per_ticket.max(0) as usize,
    )
    .await
}

/// Checks the uploaded files and keeps them with the contract, all or
/// none (the pages' upload form goes through here too).
pub async fn keep(
    state: Vendors,
    actor: User,
    contract_id: String,
    uploads: Vec<Upload>,
) -> Result<Vec<DocumentDto>, AppError> {
    let limits = state.files.clone();
    blocking(move || {
        let checked = uploads
            .into_iter()
            .filter(|u| !(u.filename.is_empty() && u.bytes.is_empty()))
            .map(|u| NewUpload::check(u, &limits))
            .collect::<Result<Vec<_>, _>>()?;
        let rows = service::add_documents(&state, &actor, &contract_id, checked, ids::now())?;
        Ok(rows.iter().map(DocumentDto::from).collect())
    })
    .await
}

/// The documents kept with a contract, oldest first.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/documents", tag = "vendors",
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, body = Vec<DocumentDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn documents(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<DocumentDto>>, AppError> {
    let id = path.into_inner();
    let rows = blocking(move || service::documents(&state, &actor, &id)).await?;
    Ok(web::Json(rows.iter().map(DocumentDto::from).collect()))
}

/// Download a document (staff), as an attachment browsers will not render.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/documents/{document_id}", tag = "vendors",
    params(("id" = String, Path, description = "Contract id"), ("document_id" = String, Path)),
    responses((status = 200, description = "The file, as an attachment"), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn download(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (contract, document) = path.into_inner();
    serve_document(state.get_ref().clone(), actor, contract, document).await
}

/// Take a document off a contract; the history keeps its name.
#[utoipa::path(delete, path = "/api/v1/contracts/{id}/documents/{document_id}", tag = "vendors",
    params(("id" = String, Path, description = "Contract id"), ("document_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn remove(
    state: web::Data<Vendors>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (contract, document) = path.into_inner();
    blocking(move || service::remove_document(&state, &actor, &contract, &document, ids::now()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a document's bytes with headers that keep browsers from rendering
/// or sniffing it.
pub async fn serve_document(
    state: Vendors,
    actor: User,
    contract_id: String,
    document_id: String,
) -> Result<HttpResponse, AppError> {
    let (row, bytes) = blocking(move || {
        let (row, path) =
            service::document_for_download(&state, &actor, &contract_id, &document_id)?;
        let bytes = std::fs::read(&path).map_err(|e| {
            AppError::Internal(anyhow::anyhow!("reading document {}: {e}", path.display()))
        })?;
        Ok((row, bytes))
    })
    .await?;
    Ok(download_response(&row.content_type, &row.filename, bytes))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(upload, documents, download, remove),
    components(schemas(DocumentDto))
)]
pub struct Api;
