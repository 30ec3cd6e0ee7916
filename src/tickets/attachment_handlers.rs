//! `/api/v1/tickets/{id}/attachments`: multipart upload within the limits,
//! listing, and downloads that browsers will not render or sniff.

use actix_web::{HttpRequest, HttpResponse, web};

use super::Tickets;
use super::dto::{AttachmentDto, UploadFiles};
use super::service::{self, NewUpload, TicketRef};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::multipart::{download_response, form_field, parse_flag, read_uploads};
use crate::ids;

/// Attach files (multipart/form-data, one or more `file` parts, and
/// `public=false` to make them internal, for staff only).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/attachments", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number")),
    request_body(content = UploadFiles, content_type = "multipart/form-data",
        description = "One or more `file` parts; `public` (default true) false keeps them for staff"),
    responses((status = 201, body = Vec<AttachmentDto>), (status = 404, body = Problem),
        (status = 409, description = "Per-ticket limit reached", body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem)),
    security(("token" = [])))]
pub async fn upload(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let r = TicketRef::parse(&path);
    let limits = state.attachments.clone();
    let (uploads, fields) = read_uploads(
        &req,
        payload,
        limits.max_bytes,
        limits.max_per_ticket.max(0) as usize,
    )
    .await?;
    let public = match form_field(&fields, "public").as_str() {
        "" => true,
        v => parse_flag("public", v)?,
    };
    let rows = blocking(move || {
        let checked = uploads
            .into_iter()
            .map(|u| NewUpload::check(u, &limits))
            .collect::<Result<Vec<_>, _>>()?;
        service::add_attachment(&state.db, &limits, &actor, &r, checked, public, ids::now())
    })
    .await?;
    Ok(HttpResponse::Created().json(rows.iter().map(AttachmentDto::from).collect::<Vec<_>>()))
}

/// The files of a ticket.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = Vec<AttachmentDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn attachments(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<AttachmentDto>>, AppError> {
    let r = TicketRef::parse(&path);
    let rows = blocking(move || service::list_attachments(&state.db, &actor, &r)).await?;
    Ok(web::Json(rows.iter().map(AttachmentDto::from).collect()))
}

/// Download a file (only for people who may see the ticket).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments/{attachment_id}", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number"), ("attachment_id" = String, Path)),
    responses((status = 200, description = "The file, as an attachment"), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn download(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (ticket, attachment_id) = path.into_inner();
    serve_attachment(
        state.get_ref().clone(),
        actor,
        TicketRef::parse(&ticket),
        attachment_id,
    )
    .await
}

/// Sends an attachment's bytes with headers that keep browsers from
/// rendering or sniffing it.
pub async fn serve_attachment(
    state: Tickets,
    actor: crate::auth::User,
    r: TicketRef,
    attachment_id: String,
) -> Result<HttpResponse, AppError> {
    let (row, bytes) = blocking(move || {
        let (row, path) = service::attachment_for_download(
            &state.db,
            &state.attachments,
            &actor,
            &r,
            &attachment_id,
        )?;
        let bytes = std::fs::read(&path).map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "reading attachment {}: {e}",
                path.display()
            ))
        })?;
        Ok((row, bytes))
    })
    .await?;
    Ok(download_response(&row.content_type, &row.filename, bytes))
}
