//! `/api/v1/tickets/{id}/attachments`: multipart upload within the limits,
//! listing, and downloads that browsers will not render or sniff.

use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use super::dto::AttachmentDto;
use super::service::{self, NewUpload, TicketRef, Upload};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::ids;
use crate::state::AppState;

/// Reads the files of a multipart body, each within the size limit.
/// A text field of a multipart form read by [`read_uploads`] (empty when
/// absent).
pub fn form_field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

pub async fn read_uploads(
    req: &HttpRequest,
    payload: web::Payload,
    max_bytes: u64,
    max_files: usize,
) -> Result<(Vec<Upload>, Vec<(String, String)>), AppError> {
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut files = Vec::new();
    let mut fields = Vec::new();
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or("").to_owned();
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_owned);
        let declared_type = field
            .content_type()
            .map(|m| m.to_string())
            .unwrap_or_default();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(multipart_error)?;
            let cap = if filename.is_some() {
                max_bytes
            } else {
                65_536
            };
            if (bytes.len() + chunk.len()) as u64 > cap {
                return Err(AppError::PayloadTooLarge(format!(
                    "`{}` is larger than the limit of {cap} bytes",
                    filename.as_deref().unwrap_or(&name)
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        match filename {
            Some(filename) if !filename.is_empty() || !bytes.is_empty() => {
                if files.len() >= max_files {
                    return Err(AppError::conflict(
                        "attachment_limit",
                        format!("at most {max_files} files per ticket"),
                    ));
                }
                files.push(Upload {
                    part: name.clone(),
                    filename,
                    declared_type,
                    bytes,
                });
            }
            Some(_) => {}
            None => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok((files, fields))
}

fn multipart_error(e: actix_multipart::MultipartError) -> AppError {
    use actix_multipart::MultipartError as M;
    match e {
        M::ContentTypeMissing
        | M::ContentTypeParse
        | M::ContentTypeIncompatible
        | M::BoundaryMissing => AppError::UnsupportedMediaType(
            "send files as multipart/form-data with one `file` part per file".into(),
        ),
        other => AppError::bad_request("invalid_multipart", other.to_string()),
    }
}

/// Attach files (multipart/form-data, one or more `file` parts).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/attachments", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number")),
    request_body(content_type = "multipart/form-data", description = "One or more `file` parts"),
    responses((status = 201, body = Vec<AttachmentDto>), (status = 404, body = Problem),
        (status = 409, description = "Per-ticket limit reached", body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem)),
    security(("token" = [])))]
pub async fn upload(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let r = TicketRef::parse(&path);
    let limits = state.settings.attachments.clone();
    let (uploads, _) = read_uploads(
        &req,
        payload,
        limits.max_bytes,
        limits.max_per_ticket.max(0) as usize,
    )
    .await?;
    let rows = blocking(move || {
        let checked = uploads
            .into_iter()
            .map(|u| NewUpload::check(u, &limits))
            .collect::<Result<Vec<_>, _>>()?;
        service::add_attachment(&state.db, &limits, &actor, &r, checked, ids::now())
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
    state: web::Data<AppState>,
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
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (ticket, attachment_id) = path.into_inner();
    serve_attachment(state, actor, TicketRef::parse(&ticket), attachment_id).await
}

/// Sends an attachment's bytes with headers that keep browsers from
/// rendering or sniffing it.
pub async fn serve_attachment(
    state: web::Data<AppState>,
    actor: crate::auth::User,
    r: TicketRef,
    attachment_id: String,
) -> Result<HttpResponse, AppError> {
    let (row, bytes) = blocking(move || {
        let (row, path) = service::attachment_for_download(
            &state.db,
            &state.settings.attachments,
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
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(row.filename.clone())],
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, row.content_type.clone()))
        .insert_header(disposition)
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .body(bytes))
}
