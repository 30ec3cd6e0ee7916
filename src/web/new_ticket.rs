//! Filing a ticket through the web form: the requester's simple version and
//! the staff version with requester, queue, impact, priority and watchers.
//! Invalid input shows the form again with everything typed kept.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::session::Nav;
use super::{PageError, WebUser, render, render_with};
use crate::error::{AppError, FieldError, blocking};
use crate::http::multipart::{form_field, read_form};
use crate::ids;
use crate::state::AppState;
use crate::tickets::domain::{Channel, Level, Priority, TicketType};
use crate::tickets::dto::CreateTicket;
use crate::tickets::service::{self, Filing, NewUpload, catalog};
use crate::tickets::{Category, Queue};

/// The values of the new-ticket form, kept when it has to be shown again.
#[derive(Debug, Clone)]
pub struct TicketForm {
    pub ticket_type: String,
    pub requester_email: String,
    pub subject: String,
    pub description: String,
    pub category: String,
    pub urgency: String,
    pub queue: String,
    pub impact: String,
    pub priority: String,
    pub watchers: String,
}

impl Default for TicketForm {
    fn default() -> TicketForm {
        TicketForm {
            ticket_type: "incident".into(),
            requester_email: String::new(),
            subject: String::new(),
            description: String::new(),
            category: String::new(),
            urgency: "medium".into(),
            queue: String::new(),
            impact: "medium".into(),
            priority: String::new(),
            watchers: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "new_ticket.html", config = "src/web/askama.toml")]
struct NewTicketPage {
    nav: Nav,
    staff: bool,
    errors: Vec<FieldError>,
    form: TicketForm,
    categories: Vec<Category>,
    queues: Vec<Queue>,
    priorities: &'static [Priority],
    max_mb: u64,
}

async fn catalog_lists(
    state: &web::Data<AppState>,
) -> Result<(Vec<Queue>, Vec<Category>), AppError> {
    let st = state.clone();
    blocking(move || {
        Ok((
            catalog::list_queues(&st.db)?,
            catalog::list_categories(&st.db)?,
        ))
    })
    .await
}

fn new_ticket_page(
    state: &AppState,
    user: &WebUser,
    form: TicketForm,
    errors: Vec<FieldError>,
    lists: (Vec<Queue>, Vec<Category>),
) -> NewTicketPage {
    NewTicketPage {
        nav: user.nav("new"),
        staff: user.user.role.works_tickets(),
        errors,
        form,
        queues: lists.0,
        categories: lists.1,
        priorities: Priority::ALL,
        max_mb: state.settings.attachments.max_bytes / (1024 * 1024),
    }
}

pub async fn form(state: web::Data<AppState>, user: WebUser) -> Result<HttpResponse, PageError> {
    let lists = catalog_lists(&state).await?;
    render(&new_ticket_page(
        &state,
        &user,
        TicketForm::default(),
        Vec::new(),
        lists,
    ))
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn parse_opt<T: std::str::FromStr>(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse() {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(FieldError::new(field, e.to_string()));
            None
        }
    }
}

fn to_create(form: &TicketForm, staff: bool) -> Result<CreateTicket, Vec<FieldError>> {
    let mut errors = Vec::new();
    let ticket_type: Option<TicketType> = parse_opt("type", &form.ticket_type, &mut errors);
    let urgency: Option<Level> = parse_opt("urgency", &form.urgency, &mut errors);
    let (impact, priority): (Option<Level>, Option<Priority>) = if staff {
        (
            parse_opt("impact", &form.impact, &mut errors),
            parse_opt("priority", &form.priority, &mut errors),
        )
    } else {
        (None, None)
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CreateTicket {
        subject: form.subject.clone(),
        description: form.description.clone(),
        requester_email: if staff {
            opt(&form.requester_email)
        } else {
            None
        },
        ticket_type,
        impact,
        urgency,
        priority,
        category: opt(&form.category),
        queue: if staff { opt(&form.queue) } else { None },
        watchers: if staff {
            form.watchers
                .split([',', ';', ' '])
                .filter_map(opt)
                .collect()
        } else {
            Vec::new()
        },
    })
}

pub async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let limits = state.settings.attachments.clone();
    let parts = read_form(
        &req,
        payload,
        limits.max_bytes,
        limits.max_per_ticket.max(0) as usize,
    )
    .await?;
    let (uploads, fields) = (parts.files, parts.fields);
    let field = |name: &str| form_field(&fields, name);
    user.check_csrf(&field("csrf"))?;
    let form = TicketForm::from_fields(field);
    let staff = user.user.role.works_tickets();
    let checked = to_create(&form, staff).and_then(|input| match parts.refused {
        Some(e) => Err(vec![FieldError::new("attachments", e.public_detail())]),
        None => Ok(input),
    });
    let input = match checked {
        Ok(input) => input,
        Err(errors) => {
            let lists = catalog_lists(&state).await?;
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_ticket_page(&state, &user, form, errors, lists),
            );
        }
    };
    let st = state.clone();
    let actor = user.user.clone();
    let result = blocking(move || {
        let files = uploads
            .into_iter()
            .map(|u| NewUpload::check(u, &st.settings.attachments))
            .collect::<Result<Vec<_>, _>>()?;
        let filing = Filing {
            channel: Channel::Web,
            idempotency: None,
            files: &files,
        };
        let created = st.tickets.with_rules(|rules| {
            service::create_ticket(&st.db, rules, &actor, &input, filing, ids::now())
        })?;
        Ok(created.view.ticket.number)
    })
    .await;
    match result {
        Ok(number) => Ok(super::flash::redirect(
            &format!("/tickets/{number}"),
            "filed",
        )),
        Err(e) => {
            let errors = shown_with_the_form(e)?;
            let lists = catalog_lists(&state).await?;
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_ticket_page(&state, &user, form, errors, lists),
            )
        }
    }
}

impl TicketForm {
    /// The form as sent, field by field.
    fn from_fields(field: impl Fn(&str) -> String) -> TicketForm {
        TicketForm {
            ticket_type: field("type"),
            requester_email: field("requester_email"),
            subject: field("subject"),
            description: field("description"),
            category: field("category"),
            urgency: field("urgency"),
            queue: field("queue"),
            impact: field("impact"),
            priority: field("priority"),
            watchers: field("watchers"),
        }
    }
}

/// The faults a person fixes in the form (fields, files) as field errors;
/// anything else is an error page.
fn shown_with_the_form(e: AppError) -> Result<Vec<FieldError>, AppError> {
    match e {
        AppError::Validation(errors) => Ok(errors),
        AppError::PayloadTooLarge(m) | AppError::UnsupportedMediaType(m) => {
            Ok(vec![FieldError::new("attachments", m)])
        }
        e @ AppError::Conflict {
            code: "attachment_limit",
            ..
        } => Ok(vec![FieldError::new("attachments", e.public_detail())]),
        other => Err(other),
    }
}
