//! `/api/v1/tickets`, `/api/v1/queues`, `/api/v1/categories`: thin actix
//! handlers that extract, call one service function on the blocking pool and
//! map the result to DTOs.

use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::domain::Channel;
use super::dto::{
    AttachmentDto, CommentDto, CreateComment, CreateNamed, CreateTicket, HistoryEntryDto,
    ListParams, NamedRef, TicketDto, TicketPage, TicketSummaryDto, UpdateTicket,
};
use super::service::{self, IdempotencyRequest, NewUpload, TicketRef, Upload, catalog};
use crate::auth::extract::ApiUser;
use crate::auth::token::hex;
use crate::error::{AppError, Problem, blocking};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;
use crate::state::AppState;

/// Registers the ticket routes under `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/tickets")
            .route(web::post().to(create))
            .route(web::get().to(list)),
    )
    .service(
        web::resource("/tickets/{id}")
            .route(web::get().to(get))
            .route(web::patch().to(update)),
    )
    .service(
        web::resource("/tickets/{id}/comments")
            .route(web::post().to(add_comment))
            .route(web::get().to(comments)),
    )
    .service(web::resource("/tickets/{id}/history").route(web::get().to(history)))
    .service(
        web::resource("/tickets/{id}/attachments")
            .route(web::post().to(upload))
            .route(web::get().to(attachments)),
    )
    .service(
        web::resource("/tickets/{id}/attachments/{attachment_id}").route(web::get().to(download)),
    )
    .service(
        web::resource("/queues")
            .route(web::get().to(list_queues))
            .route(web::post().to(create_queue)),
    )
    .service(
        web::resource("/categories")
            .route(web::get().to(list_categories))
            .route(web::post().to(create_category)),
    );
}

fn idempotency(req: &HttpRequest, body: &[u8]) -> Result<Option<IdempotencyRequest>, AppError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| {
            AppError::invalid("Idempotency-Key", "must be 1–255 visible ASCII characters")
        })?;
    Ok(Some(IdempotencyRequest {
        key: key.to_owned(),
        request_hash: hex(&Sha256::digest(body)),
    }))
}

/// File a ticket.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets",
    request_body = CreateTicket,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retrying with the same key returns the first ticket instead of filing another")),
    responses(
        (status = 201, description = "Filed; `Location` names it. A retry with the same Idempotency-Key answers the first ticket again, with `Idempotent-Replayed: true`", body = TicketDto),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    req: HttpRequest,
    body: ApiJson<CreateTicket>,
) -> Result<HttpResponse, AppError> {
    let idem = idempotency(&req, &body.raw)?;
    let input = body.value;
    let st = state.clone();
    let created = blocking(move || {
        service::create_ticket(
            &st.db,
            &st.settings.tickets,
            &actor,
            &input,
            Channel::Api,
            idem.as_ref(),
            ids::now(),
        )
    })
    .await?;
    let dto = TicketDto::new(&created.view, &state.settings.tickets.reference_prefix);
    let location = format!("/api/v1/tickets/{}", dto.id);
    let mut resp = HttpResponse::Created();
    if created.replayed {
        resp.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(resp.insert_header((header::LOCATION, location)).json(dto))
}

/// List tickets (keyset-paginated).
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", params(ListParams),
    responses((status = 200, body = TicketPage), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    params: ApiQuery<ListParams>,
) -> Result<web::Json<TicketPage>, AppError> {
    let st = state.clone();
    let page =
        blocking(move || service::list_tickets(&st.db, &st.settings.api, &actor, &params)).await?;
    let prefix = &state.settings.tickets.reference_prefix;
    Ok(web::Json(TicketPage {
        items: page
            .items
            .iter()
            .map(|v| TicketSummaryDto::new(v, prefix))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One ticket, by id or number.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = TicketDto), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<TicketDto>, AppError> {
    let r = TicketRef::parse(&path);
    let st = state.clone();
    let view = blocking(move || service::get_ticket(&st.db, &actor, &r)).await?;
    Ok(web::Json(TicketDto::new(
        &view,
        &state.settings.tickets.reference_prefix,
    )))
}

/// Change status, hold reason, assignment, queue, category, impact, urgency or priority.
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", request_body = UpdateTicket,
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = TicketDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Transition not allowed; `allowed` lists the next statuses", body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<UpdateTicket>,
) -> Result<web::Json<TicketDto>, AppError> {
    let r = TicketRef::parse(&path);
    let st = state.clone();
    let input = body.value;
    let view = blocking(move || {
        service::update_ticket(&st.db, &st.settings.tickets, &actor, &r, &input, ids::now())
    })
    .await?;
    Ok(web::Json(TicketDto::new(
        &view,
        &state.settings.tickets.reference_prefix,
    )))
}

/// Add a public reply or an internal note.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/comments", tag = "tickets", request_body = CreateComment,
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 201, body = CommentDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn add_comment(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<CreateComment>,
) -> Result<HttpResponse, AppError> {
    let r = TicketRef::parse(&path);
    let input = body.value;
    let view =
        blocking(move || service::add_comment(&state.db, &actor, &r, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(CommentDto::from(&view)))
}

/// The conversation (internal notes only for staff).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/comments", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = Vec<CommentDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn comments(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<CommentDto>>, AppError> {
    let r = TicketRef::parse(&path);
    let list = blocking(move || service::list_comments(&state.db, &actor, &r)).await?;
    Ok(web::Json(list.iter().map(CommentDto::from).collect()))
}

/// Every change, who made it and when.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/history", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = Vec<HistoryEntryDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn history(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<HistoryEntryDto>>, AppError> {
    let r = TicketRef::parse(&path);
    let events = blocking(move || service::history(&state.db, &actor, &r)).await?;
    Ok(web::Json(
        events
            .iter()
            .map(|(e, who)| HistoryEntryDto::new(e, who.as_ref()))
            .collect(),
    ))
}

/// Reads the files of a multipart body, each within the size limit.
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

/// The queues.
#[utoipa::path(get, path = "/api/v1/queues", tag = "catalog",
    responses((status = 200, body = Vec<NamedRef>)), security(("token" = [])))]
pub async fn list_queues(
    state: web::Data<AppState>,
    _: ApiUser,
) -> Result<web::Json<Vec<NamedRef>>, AppError> {
    let rows = blocking(move || catalog::list_queues(&state.db)).await?;
    Ok(web::Json(rows.iter().map(NamedRef::from).collect()))
}

/// Create a queue (coordinators and admins).
#[utoipa::path(post, path = "/api/v1/queues", tag = "catalog", request_body = CreateNamed,
    responses((status = 201, body = NamedRef), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_queue(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateNamed>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let row =
        blocking(move || catalog::create_queue(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(NamedRef::from(&row)))
}

/// The categories.
#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog",
    responses((status = 200, body = Vec<NamedRef>)), security(("token" = [])))]
pub async fn list_categories(
    state: web::Data<AppState>,
    _: ApiUser,
) -> Result<web::Json<Vec<NamedRef>>, AppError> {
    let rows = blocking(move || catalog::list_categories(&state.db)).await?;
    Ok(web::Json(rows.iter().map(NamedRef::from).collect()))
}

/// Create a category (coordinators and admins).
#[utoipa::path(post, path = "/api/v1/categories", tag = "catalog", request_body = CreateNamed,
    responses((status = 201, body = NamedRef), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create_category(
    state: web::Data<AppState>,
    ApiUser(actor): ApiUser,
    body: ApiJson<CreateNamed>,
) -> Result<HttpResponse, AppError> {
    let input = body.value;
    let row =
        blocking(move || catalog::create_category(&state.db, &actor, &input, ids::now())).await?;
    Ok(HttpResponse::Created().json(NamedRef::from(&row)))
}
