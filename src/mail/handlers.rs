//! `POST /api/v1/inbound/email` (the HTTP door), the held and dead-letter
//! lists, the outbox, and a ticket's mail.

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;

use super::Mail;
use super::MailMessage;
use super::ingest::{IngestError, Outcome, dead_letter, ingest};
use super::messages;
use crate::auth::extract::ApiUser;
use crate::error::{AppError, Problem, blocking};
use crate::ids;
use crate::tickets::service::TicketRef;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/inbound/email", web::post().to(inbound))
        .route("/mail/held", web::get().to(held))
        .route("/mail/dead-letters", web::get().to(dead_letters))
        .route("/mail/outbox", web::get().to(outbox))
        .route("/tickets/{id}/mail", web::get().to(ticket_mail));
}

/// Take in one raw RFC 5322 message (`Content-Type: message/rfc822`).
#[utoipa::path(post, path = "/api/v1/inbound/email", tag = "mail",
    request_body(content_type = "message/rfc822", description = "The raw message"),
    responses((status = 200, description = "What happened, as `itdesk mailgate` prints it", body = Outcome),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, description = "Not a message at all (kept as a dead letter)", body = Problem),
        (status = 503, body = Problem)),
    security(("token" = [])))]
pub async fn inbound(
    state: web::Data<Mail>,
    ApiUser(actor): ApiUser,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<web::Json<Outcome>, AppError> {
    messages::staff(&actor)?;
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !ct.starts_with("message/rfc822") {
        return Err(AppError::UnsupportedMediaType(format!(
            "send the raw message as message/rfc822 (got `{ct}`)"
        )));
    }
    let limit = state.settings.max_message_bytes;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::bad_request("invalid_body", e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(format!(
                "the message exceeds {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    let raw = body.freeze();
    let outcome = blocking(move || match ingest(&state, &raw, "http", ids::now()) {
        Ok(o) => Ok(o),
        Err(IngestError::NotAMessage(e)) => {
            dead_letter(&state, "http", &e.to_string(), &raw)?;
            Err(AppError::Validation(vec![crate::error::FieldError::new(
                "body",
                format!("{e}; kept as a dead letter"),
            )]))
        }
        Err(IngestError::Failed(e)) => Err(e),
    })
    .await?;
    Ok(web::Json(outcome))
}

/// A message as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MailMessageDto {
    pub id: String,
    /// `in` or `out`.
    pub direction: String,
    pub message_id: String,
    pub from: String,
    pub subject: String,
    pub action: String,
    pub reason: String,
    pub source: String,
    pub size_bytes: usize,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

impl From<&MailMessage> for MailMessageDto {
    fn from(m: &MailMessage) -> MailMessageDto {
        MailMessageDto {
            id: m.id.clone(),
            direction: m.direction.clone(),
            message_id: m.message_id.clone(),
            from: m.from_address.clone(),
            subject: m.subject.clone(),
            action: m.action.clone(),
            reason: m.reason.clone(),
            source: m.source.clone(),
            size_bytes: m.raw.len(),
            received_at: m.created_at.and_utc(),
        }
    }
}

/// Messages held for a person (strangers, unknown domains).
#[utoipa::path(get, path = "/api/v1/mail/held", tag = "mail",
    responses((status = 200, body = Vec<MailMessageDto>), (status = 403, body = Problem)), security(("token" = [])))]
pub async fn held(
    state: web::Data<Mail>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<MailMessageDto>>, AppError> {
    let rows = blocking(move || messages::held(&state.db, &actor)).await?;
    Ok(web::Json(rows.iter().map(Into::into).collect()))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadLetterDto {
    pub id: String,
    pub source: String,
    pub error: String,
    pub size_bytes: usize,
    /// The first 2 KB, lossily as text.
    pub preview: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

/// Input that was not a message at all.
#[utoipa::path(get, path = "/api/v1/mail/dead-letters", tag = "mail",
    responses((status = 200, body = Vec<DeadLetterDto>), (status = 403, body = Problem)), security(("token" = [])))]
pub async fn dead_letters(
    state: web::Data<Mail>,
    ApiUser(actor): ApiUser,
) -> Result<web::Json<Vec<DeadLetterDto>>, AppError> {
    let rows = blocking(move || messages::dead_letters(&state.db, &actor)).await?;
    Ok(web::Json(
        rows.iter()
            .map(|d| DeadLetterDto {
                id: d.id.clone(),
                source: d.source.clone(),
                error: d.error.clone(),
                size_bytes: d.raw.len(),
                preview: String::from_utf8_lossy(&d.raw[..d.raw.len().min(2048)]).into_owned(),
                received_at: d.created_at.and_utc(),
            })
            .collect(),
    ))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxDto {
    pub id: String,
    pub kind: String,
    pub message_id: String,
    pub recipients: Vec<String>,
    pub subject: String,
    /// `queued`, `sent`, `failed`, `bounced`, `not_sent`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// Only this status.
    pub status: Option<String>,
}

/// Outbound mail, newest first.
#[utoipa::path(get, path = "/api/v1/mail/outbox", tag = "mail", params(OutboxQuery),
    responses((status = 200, body = Vec<OutboxDto>), (status = 403, body = Problem)), security(("token" = [])))]
pub async fn outbox(
    state: web::Data<Mail>,
    ApiUser(actor): ApiUser,
    query: crate::http::ApiQuery<OutboxQuery>,
) -> Result<web::Json<Vec<OutboxDto>>, AppError> {
    let status = query.0.status;
    let rows = blocking(move || messages::outbox(&state.db, &actor, status.as_deref())).await?;
    Ok(web::Json(
        rows.iter()
            .map(|r| OutboxDto {
                id: r.id.clone(),
                kind: r.kind.clone(),
                message_id: r.message_id.clone(),
                recipients: serde_json::from_str(&r.recipients).unwrap_or_default(),
                subject: r.subject.clone(),
                status: r.status.clone(),
                attempts: r.attempts,
                last_error: r.last_error.clone(),
                created_at: r.created_at.and_utc(),
                sent_at: r.sent_at.map(|t| t.and_utc()),
            })
            .collect(),
    ))
}

/// One message of a ticket's mail with its text and sanitised HTML.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketMailDto {
    #[serde(flatten)]
    pub message: MailMessageDto,
    pub text: Option<String>,
    /// Sanitised: no scripts, handlers or active content.
    pub html: Option<String>,
}

/// A ticket's mail, in and out (staff only).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/mail", tag = "mail", params(("id" = String, Path)),
    responses((status = 200, body = Vec<TicketMailDto>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn ticket_mail(
    state: web::Data<Mail>,
    ApiUser(actor): ApiUser,
    path: web::Path<String>,
) -> Result<web::Json<Vec<TicketMailDto>>, AppError> {
    let r = TicketRef::parse(&path);
    let rows = blocking(move || messages::of_ticket(&state.db, &actor, &r)).await?;
    Ok(web::Json(rows.iter().map(ticket_mail_dto).collect()))
}

/// The message with its bodies as a page may show them.
pub fn ticket_mail_dto(m: &MailMessage) -> TicketMailDto {
    let parsed = (!m.raw.is_empty())
        .then(|| super::parse::parse(&m.raw).ok())
        .flatten();
    TicketMailDto {
        message: m.into(),
        text: parsed.as_ref().map(|p| p.text.clone()),
        html: parsed
            .and_then(|p| p.html)
            .map(|h| super::html::sanitize(&h)),
    }
}

/// This context's part of the OpenAPI document (`crate::openapi` merges
/// the parts).
#[derive(utoipa::OpenApi)]
#[openapi(paths(inbound, held, dead_letters, outbox, ticket_mail,))]
pub struct Api;
