//! `/api/v1/tickets`: thin actix handlers that extract, call one service
//! function on the blocking pool and map the result to DTOs. Attachments and
//! the catalog have files of their own; `configure` registers them all.

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};

use super::Tickets;
use super::attachment_handlers::{attachments, download, upload};
use super::catalog_handlers::{create_category, create_queue, list_categories, list_queues};
use super::domain::Channel;
use super::dto::{
    CommentDto, CommentWithFiles, CreateComment, CreateTicket, HistoryEntryDto, ListParams,
    TicketDto, TicketPage, TicketSummaryDto, UpdateTicket,
};
use super::service::{self, IdempotencyRequest, NewUpload, TicketRef};
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::http::multipart::{form_field, parse_flag, read_uploads};
use crate::http::{ApiJson, ApiQuery};
use crate::ids;

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
    .service(
        web::resource("/tickets/{id}/comments/{comment_id}/confirm")
            .route(web::post().to(confirm_comment)),
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
        web::resource("/queues/{slug}/coordinators")
            .route(web::get().to(super::catalog_handlers::coordinators))
            .route(web::put().to(super::catalog_handlers::set_coordinators)),
    )
    .service(
        web::resource("/categories")
            .route(web::get().to(list_categories))
            .route(web::post().to(create_category)),
    );
}

fn idempotency(req: &HttpRequest, body: &[u8]) -> Result<Option<IdempotencyRequest>, AppError> {
    Ok(
        crate::http::idempotency_key(req)?.map(|key| IdempotencyRequest {
            key,
            request_hash: crate::http::json_fingerprint(body),
        }),
    )
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
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    req: HttpRequest,
    body: ApiJson<CreateTicket>,
) -> Result<HttpResponse, AppError> {
    let idem = idempotency(&req, &body.raw)?;
    let input = body.value;
    let st = state.clone();
    let created = blocking(move || {
        st.with_rules(|rules| {
            let filing = service::Filing {
                channel: Channel::Api,
                idempotency: idem.as_ref(),
                files: &[],
            };
            service::create_ticket(&st.db, rules, &actor, &input, filing, ids::now())
        })
    })
    .await?;
    let dto = TicketDto::new(&created.view, &state.settings.reference_prefix);
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
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    params: ApiQuery<ListParams>,
) -> Result<web::Json<TicketPage>, AppError> {
    let st = state.clone();
    let staff = actor.role.sees_all_tickets();
    let page = blocking(move || service::list_tickets(&st.db, &st.api, &actor, &params)).await?;
    let prefix = &state.settings.reference_prefix;
    Ok(web::Json(TicketPage {
        items: page
            .items
            .iter()
            .map(|v| TicketSummaryDto::new(v, prefix, staff))
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
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<TicketDto>, AppError> {
    let r = TicketRef::parse(&path);
    let st = state.clone();
    let view = blocking(move || {
        st.with_rules(|rules| service::get_ticket(&st.db, rules, &actor, &r, ids::now()))
    })
    .await?;
    Ok(web::Json(TicketDto::new(
        &view,
        &state.settings.reference_prefix,
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
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    body: ApiJson<UpdateTicket>,
) -> Result<web::Json<TicketDto>, AppError> {
    let r = TicketRef::parse(&path);
    let st = state.clone();
    let input = body.value;
    let view = blocking(move || {
        st.with_rules(|rules| service::update_ticket(&st.db, rules, &actor, &r, &input, ids::now()))
    })
    .await?;
    Ok(web::Json(TicketDto::new(
        &view,
        &state.settings.reference_prefix,
    )))
}

/// Add a public reply or an internal note: JSON, or multipart/form-data
/// with `body`, `public` and `file` parts when files go with it (the comment
/// and its files are saved together or not at all; the files take the
/// comment's visibility).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/comments", tag = "tickets",
    request_body(content(
        (CreateComment = "application/json"),
        (CommentWithFiles = "multipart/form-data"))),
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 201, body = CommentDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The files would pass the per-ticket limit", body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn add_comment(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let r = TicketRef::parse(&path);
    let (input, uploads) = if is_multipart(&req) {
        let limits = &state.attachments;
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
        let input = CreateComment {
            body: form_field(&fields, "body"),
            public,
        };
        (input, uploads)
    } else {
        let body = ApiJson::<CreateComment>::from_request(&req, &mut payload.into_inner()).await?;
        (body.value, Vec::new())
    };
    let view = blocking(move || {
        let files = uploads
            .into_iter()
            .map(|u| NewUpload::check(u, &state.attachments))
            .collect::<Result<Vec<_>, _>>()?;
        state.with_rules(|rules| {
            service::add_comment(&state.db, rules, &actor, &r, &input, &files, ids::now())
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(CommentDto::from(&view)))
}

/// Confirm that an unverified mailed reply came from its sender (staff):
/// the requester and watchers see it, and it wakes or reopens the ticket as
/// a reply does.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/comments/{comment_id}/confirm", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number"), ("comment_id" = String, Path)),
    responses((status = 200, body = CommentDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn confirm_comment(
    state: web::Data<Tickets>,
    ApiUser(actor): ApiUser,
    path: web::Path<(String, String)>,
) -> Result<web::Json<CommentDto>, AppError> {
    let (ticket, comment_id) = path.into_inner();
    let r = TicketRef::parse(&ticket);
    let view = blocking(move || {
        state.with_rules(|rules| {
            service::confirm_comment(&state.db, rules, &actor, &r, &comment_id, ids::now())
        })
    })
    .await?;
    Ok(web::Json(CommentDto::from(&view)))
}

fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// The conversation (internal notes only for staff).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/comments", tag = "tickets",
    params(("id" = String, Path, description = "Ticket id or number")),
    responses((status = 200, body = Vec<CommentDto>), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn comments(
    state: web::Data<Tickets>,
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
    state: web::Data<Tickets>,
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

/// This context's part of the OpenAPI document (`crate::openapi` merges
/// the parts).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create,
    list,
    get,
    update,
    add_comment,
    comments,
    confirm_comment,
    history,
    super::attachment_handlers::upload,
    super::attachment_handlers::attachments,
    super::attachment_handlers::download,
    super::catalog_handlers::list_queues,
    super::catalog_handlers::create_queue,
    super::catalog_handlers::list_categories,
    super::catalog_handlers::create_category,
    super::catalog_handlers::coordinators,
    super::catalog_handlers::set_coordinators,
))]
pub struct Api;
