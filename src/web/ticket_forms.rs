//! The ticket page's update form as an API change: empty choices clear,
//! a hold reason counts only with "on hold", unknown words are named.

use serde::Deserialize;

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

fn parse_field<T: std::str::FromStr>(
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
