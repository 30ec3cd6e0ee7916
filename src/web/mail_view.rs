//! A ticket's mail for staff: the list on the ticket page, and each message
//! as it arrived or left — its sanitised HTML, its text, its parts — with the
//! original bytes to download.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::format::{iso, size, when};
use super::session::Nav;
use super::{PageError, WebUser, render};
use crate::error::{AppError, blocking};
use crate::mail::messages;
use crate::mail::parse::{Mailbox, parse};
use crate::mail::{MailMessage, MailSummary};
use crate::state::AppState;
use crate::tickets::service::TicketRef;

/// A message in the ticket page's mail list.
pub struct MailRow {
    pub id: String,
    pub inbound: bool,
    pub from: String,
    pub subject: String,
    pub action: String,
    pub at: String,
    pub at_iso: String,
    pub comment_id: Option<String>,
}

/// What happened to a message, in words.
fn action_label(action: &str, reason: &str) -> String {
    match (action, reason) {
        ("queued", "sla") => "SLA notice".into(),
        ("queued", "assignment") => "assignment notice".into(),
        ("queued", "acknowledgement") => "acknowledgement".into(),
        ("queued", "reply") => "reply sent".into(),
        ("queued", _) => "sent".into(),
        ("created", _) => "filed the ticket".into(),
        ("appended", _) => "added as a reply".into(),
        ("ignored", _) => "not taken in".into(),
        (other, _) => other.replace('_', " "),
    }
}

impl From<&MailSummary> for MailRow {
    fn from(m: &MailSummary) -> MailRow {
        MailRow {
            id: m.id.clone(),
            inbound: m.direction == "in",
            from: m.from_address.clone(),
            subject: m.subject.clone(),
            action: action_label(&m.action, &m.reason),
            at: when(m.created_at),
            at_iso: iso(m.created_at),
            comment_id: m.comment_id.clone(),
        }
    }
}

struct PartRow {
    filename: String,
    content_type: String,
    size: String,
}

#[derive(Template)]
#[template(path = "mail.html", config = "src/web/askama.toml")]
struct MailPage {
    nav: Nav,
    number: i64,
    reference: String,
    ticket_subject: String,
    m: MailRow,
    reason: String,
    source: String,
    message_id: String,
    headers: Vec<(&'static str, String)>,
    /// Sanitised with the allow-list before it reaches this page.
    html: Option<String>,
    text: String,
    parts: Vec<PartRow>,
    raw_size: String,
    unreadable: bool,
}

fn people(list: &[Mailbox]) -> String {
    list.iter()
        .map(|b| match &b.name {
            Some(n) => format!("{n} <{}>", b.address),
            None => b.address.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ticket (which the user must be able to see), the message (which must
/// belong to it) and its bytes.
async fn load(
    state: &web::Data<AppState>,
    user: &WebUser,
    number: &str,
    id: String,
) -> Result<(i64, String, MailMessage, Vec<u8>), PageError> {
    let r = match TicketRef::parse(number) {
        r @ TicketRef::Number(_) => r,
        TicketRef::Id(_) => return Err(AppError::NotFound(format!("ticket {number}")).into()),
    };
    let st = state.clone();
    let actor = user.user.clone();
    Ok(blocking(move || messages::one_of_ticket(&st.db, &actor, &r, &id)).await?)
}

/// `GET /tickets/{number}/mail/{id}`: one message, safe to look at.
pub async fn show(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (number, id) = path.into_inner();
    let (n, ticket_subject, m, raw) = load(&state, &user, &number, id).await?;
    let parsed = parse(&raw).ok();
    let summary = MailSummary {
        id: m.id.clone(),
        direction: m.direction.clone(),
        from_address: m.from_address.clone(),
        subject: m.subject.clone(),
        action: m.action.clone(),
        comment_id: m.comment_id.clone(),
        created_at: m.created_at,
        reason: m.reason.clone(),
    };
    let page = MailPage {
        nav: user.nav(""),
        number: n,
        reference: format!("{}{n}", state.settings.tickets.reference_prefix),
        ticket_subject,
        m: (&summary).into(),
        reason: m.reason.clone(),
        source: m.source.clone(),
        message_id: m.message_id.clone(),
        headers: parsed
            .as_ref()
            .map(|p| {
                vec![
                    ("From", people(std::slice::from_ref(&p.from))),
                    ("To", people(&p.to)),
                    ("Cc", people(&p.cc)),
                    ("Subject", p.subject.clone()),
                ]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect()
            })
            .unwrap_or_default(),
        html: parsed
            .as_ref()
            .and_then(|p| p.html.as_deref())
            .map(crate::mail::html::sanitize),
        text: parsed.as_ref().map(|p| p.text.clone()).unwrap_or_default(),
        parts: parsed
            .as_ref()
            .map(|p| {
                p.parts
                    .iter()
                    .map(|part| PartRow {
                        filename: part.filename.clone(),
                        content_type: part.content_type.clone(),
                        size: size(part.bytes.len() as i64),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        raw_size: size(raw.len() as i64),
        unreadable: parsed.is_none(),
    };
    render(&page)
}

/// `GET /tickets/{number}/mail/{id}/raw`: the bytes as received or sent.
pub async fn raw(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (number, id) = path.into_inner();
    let (n, _, m, raw) = load(&state, &user, &number, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("message/rfc822")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"ticket-{n}-{}.eml\"", m.id),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(raw))
}
