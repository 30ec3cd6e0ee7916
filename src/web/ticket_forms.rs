//! The ticket page's forms: a reply or note with files, confirming a mailed
//! reply, and the update form as an API change (empty choices clear, a
//! hold reason counts only with "on hold", unknown words are named). A
//! refused form shows the page again with the errors and the draft.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::ticket_page::{ticket_ref, with_errors};
use super::ticket_work::Draft;
use super::{PageError, WebUser};
use crate::error::blocking;
use crate::ids;
use crate::state::AppState;
use crate::tickets::service::{self};

use crate::error::{AppError, FieldError};
use crate::tickets::domain::{HoldReason, Priority, Status};
use crate::tickets::dto::UpdateTicket;

#[derive(Debug, Deserialize)]
pub struct UpdateForm {
    pub csrf: String,
    status: Option<String>,
    hold_reason: Option<String>,
    assignee: Option<String>,
    queue: Option<String>,
    category: Option<String>,
    impact: Option<String>,
    urgency: Option<String>,
    priority: Option<String>,
}

pub(super) fn parse_field<T: std::str::FromStr>(
    name: &str,
    v: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    s.parse()
        .map_err(|e: T::Err| errors.push(FieldError::new(name, e.to_string())))
        .ok()
}

/// The staff form sends every field; the requester's buttons only a status.
pub fn to_update(form: &UpdateForm) -> Result<UpdateTicket, AppError> {
    let mut errors = Vec::new();
    let status: Option<Status> = parse_field("status", &form.status, &mut errors);
    let hold_reason: Option<HoldReason> =
        parse_field("hold_reason", &form.hold_reason, &mut errors);
    let nullable = |v: &Option<String>| {
        v.as_ref()
            .map(|s| Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
    };
    let priority = match form.priority.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(p) => match p.parse::<Priority>() {
            Ok(p) => Some(Some(p)),
            Err(e) => {
                errors.push(FieldError::new("priority", e.to_string()));
                None
            }
        },
    };
    let update = UpdateTicket {
        status,
        hold_reason: hold_reason.filter(|_| status == Some(Status::OnHold)),
        assignee: nullable(&form.assignee),
        queue: nullable(&form.queue),
        category: nullable(&form.category),
        priority,
        impact: parse_field("impact", &form.impact, &mut errors),
        urgency: parse_field("urgency", &form.urgency, &mut errors),
    };
    if errors.is_empty() {
        Ok(update)
    } else {
        Err(AppError::Validation(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(status: &str, hold: &str, assignee: &str, priority: &str) -> UpdateForm {
        UpdateForm {
            csrf: String::new(),
            status: Some(status.into()),
            hold_reason: Some(hold.into()),
            assignee: Some(assignee.into()),
            queue: Some(String::new()),
            category: None,
            impact: Some("high".into()),
            urgency: Some("low".into()),
            priority: Some(priority.into()),
        }
    }

    #[test]
    fn staff_form_maps_empty_choices_to_clearing_and_ignores_stale_hold_reason() {
        let u = to_update(&form("in_progress", "scheduled", "", "")).unwrap();
        assert_eq!(u.status, Some(Status::InProgress));
        assert_eq!(u.hold_reason, None);
        assert_eq!(u.assignee, Some(None));
        assert_eq!(u.queue, Some(None));
        assert_eq!(u.category, None);
        assert_eq!(u.priority, Some(None));
        let held = to_update(&form("on_hold", "scheduled", "a@x", "P1")).unwrap();
        assert_eq!(held.hold_reason, Some(HoldReason::Scheduled));
        assert_eq!(held.assignee, Some(Some("a@x".into())));
        assert_eq!(held.priority, Some(Some(Priority::P1)));
    }

    #[test]
    fn unknown_words_in_the_form_are_reported() {
        let err = to_update(&form("bogus", "", "", "P9")).unwrap_err();
        let AppError::Validation(fields) = err else {
            panic!()
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, vec!["status", "priority"]);
    }
}

/// `POST /tickets/{number}/comments`: the reply form's former address,
/// kept for bookmarks and scripts; the one ticket form handles it.
pub async fn comment(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    super::ticket_work::work(state, user, path, req, payload).await
}

pub async fn update(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<UpdateForm>,
) -> Result<HttpResponse, PageError> {
    let r = ticket_ref(&path)?;
    user.check_csrf(&form.csrf)?;
    let input = match to_update(&form) {
        Ok(input) => input,
        Err(e) => return with_errors(&state, &user, r, e, Draft::default()).await,
    };
    let st = state.clone();
    let actor = user.user.clone();
    let target = r.clone();
    let result = blocking(move || {
        st.tickets.with_rules(|rules| {
            service::update_ticket(&st.db, rules, &actor, &target, &input, ids::now())
        })
    })
    .await;
    match result {
        Ok(view) => Ok(super::flash::redirect(
            &format!("/tickets/{}", view.ticket.number),
            if view.ticket.status == Status::Cancelled {
                "withdrawn"
            } else {
                "status"
            },
        )),
        Err(e) => with_errors(&state, &user, r, e, Draft::default()).await,
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ConfirmForm {
    csrf: String,
}

/// Staff confirm an unverified mailed reply.
pub async fn confirm(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<(String, String)>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, PageError> {
    let (number, comment_id) = path.into_inner();
    let r = ticket_ref(&number)?;
    user.check_csrf(&form.csrf)?;
    let st = state.clone();
    let actor = user.user.clone();
    let target = r.clone();
    let id = comment_id.clone();
    let result = blocking(move || {
        st.tickets.with_rules(|rules| {
            service::confirm_comment(&st.db, rules, &actor, &target, &id, ids::now())
        })
    })
    .await;
    match result {
        Ok(_) => Ok(super::flash::redirect(
            &format!("/tickets/{number}#comment-{comment_id}"),
            "confirmed",
        )),
        Err(e) => with_errors(&state, &user, r, e, Draft::default()).await,
    }
}
