//! The ticket page's one form: a reply or note with files, and the ticket's
//! status, hold reason, assignment, classification and priority, saved in
//! one submit and one transaction. Only the choices the person changed are
//! sent as changes, the form carries the ticket's version, and a refused
//! submit shows every field again as it was typed.

use actix_web::{HttpRequest, HttpResponse, web};

use super::flash;
use super::ticket_forms::parse_field;
use super::ticket_page::{ticket_ref, with_errors};
use super::{PageError, WebUser};
use crate::error::{AppError, FieldError, blocking};
use crate::http::multipart::{form_field, read_form};
use crate::ids;
use crate::state::AppState;
use crate::tickets::domain::{HoldReason, Priority, Status};
use crate::tickets::dto::{CreateComment, UpdateTicket};
use crate::tickets::service::{self, NewUpload, Work};

/// The form's choices, as the values of its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    pub status: String,
    pub hold_reason: String,
    pub assignee: String,
    pub queue: String,
    pub category: String,
    pub impact: String,
    pub urgency: String,
    /// Empty: from impact × urgency.
    pub priority: String,
}

const FIELDS: [&str; 8] = [
    "status",
    "hold_reason",
    "assignee",
    "queue",
    "category",
    "impact",
    "urgency",
    "priority",
];

impl Choices {
    fn read(fields: &[(String, String)], prefix: &str) -> Choices {
        let f = |name: &str| form_field(fields, &format!("{prefix}{name}"));
        Choices {
            status: f("status"),
            hold_reason: f("hold_reason"),
            assignee: f("assignee"),
            queue: f("queue"),
            category: f("category"),
            impact: f("impact"),
            urgency: f("urgency"),
            priority: f("priority"),
        }
    }

    fn get(&self, name: &str) -> &str {
        match name {
            "status" => &self.status,
            "hold_reason" => &self.hold_reason,
            "assignee" => &self.assignee,
            "queue" => &self.queue,
            "category" => &self.category,
            "impact" => &self.impact,
            "urgency" => &self.urgency,
            _ => &self.priority,
        }
    }

    fn set(&mut self, name: &str, v: String) {
        match name {
            "status" => self.status = v,
            "hold_reason" => self.hold_reason = v,
            "assignee" => self.assignee = v,
            "queue" => self.queue = v,
            "category" => self.category = v,
            "impact" => self.impact = v,
            "urgency" => self.urgency = v,
            _ => self.priority = v,
        }
    }

    /// These choices where the person changed them (`chosen` differs from
    /// what the form showed, `was`), the ticket's `current` values elsewhere:
    /// after a refused submit, what someone else changed meanwhile shows
    /// through where this person did not touch the field.
    pub fn over(chosen: &Choices, was: &Choices, current: &Choices) -> Choices {
        let mut out = current.clone();
        for name in FIELDS {
            if chosen.get(name) != was.get(name) {
                out.set(name, chosen.get(name).to_owned());
            }
        }
        out
    }
}

/// What a person typed and chose, shown again after a refused submit.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub body: String,
    pub internal: bool,
    /// The staff choices sent, and the values the form showed.
    pub choices: Option<(Choices, Choices)>,
    /// The version the form was drawn from.
    pub seen: Option<i64>,
}

impl Draft {
    /// What the form's fields show: these choices over the ticket's.
    pub fn chosen_over(&self, current: &Choices) -> Choices {
        match &self.choices {
            Some((chosen, was)) => Choices::over(chosen, was, current),
            None => current.clone(),
        }
    }

    fn read(fields: &[(String, String)], me: &str) -> Draft {
        let has_choices = fields.iter().any(|(k, _)| k == "was_status");
        let choices = has_choices.then(|| {
            let mut chosen = Choices::read(fields, "");
            if form_field(fields, "assign_to_me") == "1" {
                chosen.assignee = me.to_owned();
            }
            (chosen, Choices::read(fields, "was_"))
        });
        Draft {
            body: form_field(fields, "body"),
            internal: form_field(fields, "visibility") == "internal",
            choices,
            seen: form_field(fields, "version").parse().ok(),
        }
    }
}

/// The change the staff choices ask for: only what differs from what the
/// form showed. A hold reason counts with "on hold" (and may change alone
/// while on hold).
pub fn work_update(chosen: &Choices, was: &Choices) -> Result<UpdateTicket, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let changed = |name: &str| (chosen.get(name) != was.get(name)).then(|| chosen.get(name));
    let text = |v: Option<&str>| v.map(|s| Some(s.trim().to_owned()).filter(|s| !s.is_empty()));
    let status: Option<Status> =
        parse_field("status", &changed("status").map(str::to_owned), &mut errors);
    let holding = chosen.status == Status::OnHold.as_str();
    let hold_changed = status.is_some() || changed("hold_reason").is_some();
    let hold_reason: Option<HoldReason> = if holding && hold_changed {
        parse_field(
            "hold_reason",
            &Some(chosen.hold_reason.clone()),
            &mut errors,
        )
    } else {
        None
    };
    let priority = match changed("priority").map(str::trim) {
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
        hold_reason,
        assignee: text(changed("assignee")),
        queue: text(changed("queue")),
        category: text(changed("category")),
        priority,
        impact: parse_field("impact", &changed("impact").map(str::to_owned), &mut errors),
        urgency: parse_field(
            "urgency",
            &changed("urgency").map(str::to_owned),
            &mut errors,
        ),
    };
    if errors.is_empty() {
        Ok(update)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// What to confirm after a successful submit.
fn confirmation(commented: bool, internal: bool, changed: bool) -> &'static str {
    match (commented, internal, changed) {
        (true, false, false) => "replied",
        (true, true, false) => "noted",
        (true, false, true) => "replied_saved",
        (true, true, true) => "noted_saved",
        (false, _, _) => "saved",
    }
}

/// Back to the ticket (at the new comment) with what was saved.
fn saved(done: &service::Worked, internal: bool) -> HttpResponse {
    let anchor = done
        .comment_id
        .as_ref()
        .map(|id| format!("#comment-{id}"))
        .unwrap_or_default();
    let code = confirmation(done.comment_id.is_some(), internal, done.changed);
    flash::redirect(
        &format!("/tickets/{}{anchor}", done.view.ticket.number),
        code,
    )
}

/// `POST /tickets/{number}`: the page's form, sent to the page's own
/// address (so a refused form leaves the address bar on the ticket).
pub async fn work(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let r = ticket_ref(&path)?;
    let limits = state.settings.attachments.clone();
    let parts = read_form(
        &req,
        payload,
        limits.max_bytes,
        limits.max_per_ticket.max(0) as usize,
    )
    .await?;
    user.check_csrf(&form_field(&parts.fields, "csrf"))?;
    let mut draft = Draft::read(&parts.fields, &user.user.email);
    if !user.user.role.works_tickets() {
        // Requesters reply (an internal note is refused by the service);
        // their status buttons are forms of their own.
        draft.choices = None;
    }
    if let Some(refused) = parts.refused {
        return with_errors(&state, &user, r, refused, draft).await;
    }
    match form_field(&parts.fields, "do").as_str() {
        "link_asset" | "unlink_asset" => {
            return super::ticket_assets::work(&state, &user, r, &path, &parts.fields).await;
        }
        "escalate" | "vendor_answer" | "vendor_resolve" => {
            return super::ticket_vendors::work(&state, &user, r, &path, &parts.fields).await;
        }
        "insert_canned" => {
            let chosen = form_field(&parts.fields, "canned");
            return super::ticket_canned::insert(&state, &user, r, draft, &chosen).await;
        }
        _ => {}
    }
    let update = match &draft.choices {
        Some((chosen, was)) => match work_update(chosen, was) {
            Ok(u) => u,
            Err(e) => return with_errors(&state, &user, r, e, draft).await,
        },
        None => UpdateTicket::default(),
    };
    let comment = (!draft.body.trim().is_empty()).then(|| CreateComment {
        body: draft.body.clone(),
        public: !draft.internal,
    });
    let (st, actor, target, seen) = (state.clone(), user.user.clone(), r.clone(), draft.seen);
    let uploads = parts.files;
    let result = blocking(move || {
        let files = uploads
            .into_iter()
            .map(|u| NewUpload::check(u, &st.settings.attachments))
            .collect::<Result<Vec<_>, _>>()?;
        let work = Work {
            comment: comment.as_ref(),
            files: &files,
            update: &update,
            seen,
        };
        st.tickets.with_rules(|rules| {
            service::work_ticket(&st.db, rules, &actor, &target, work, ids::now())
        })
    })
    .await;
    match result {
        Ok(done) => Ok(saved(&done, draft.internal)),
        Err(e) => with_errors(&state, &user, r, e, draft).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown() -> Choices {
        Choices {
            status: "new".into(),
            hold_reason: String::new(),
            assignee: String::new(),
            queue: "network".into(),
            category: String::new(),
            impact: "medium".into(),
            urgency: "medium".into(),
            priority: String::new(),
        }
    }

    #[test]
    fn only_changed_choices_become_changes() {
        let was = shown();
        let mut chosen = was.clone();
        assert!(work_update(&chosen, &was).unwrap().status.is_none());
        chosen.status = "on_hold".into();
        chosen.hold_reason = "awaiting_vendor".into();
        chosen.queue = String::new();
        let u = work_update(&chosen, &was).unwrap();
        assert_eq!(u.status, Some(Status::OnHold));
        assert_eq!(u.hold_reason, Some(HoldReason::AwaitingVendor));
        assert_eq!(u.queue, Some(None));
        assert_eq!(u.assignee, None);
        assert_eq!(u.impact, None);
    }

    #[test]
    fn a_hold_reason_changes_alone_while_on_hold_and_is_ignored_otherwise() {
        let mut was = shown();
        was.status = "on_hold".into();
        was.hold_reason = "scheduled".into();
        let mut chosen = was.clone();
        chosen.hold_reason = "awaiting_parts".into();
        let u = work_update(&chosen, &was).unwrap();
        assert_eq!(
            (u.status, u.hold_reason),
            (None, Some(HoldReason::AwaitingParts))
        );
        let mut away = shown();
        away.hold_reason = "scheduled".into();
        assert_eq!(work_update(&away, &shown()).unwrap().hold_reason, None);
    }

    #[test]
    fn untouched_fields_follow_the_ticket_after_a_refusal() {
        let was = shown();
        let mut chosen = was.clone();
        chosen.status = "resolved".into();
        let mut current = was.clone();
        current.assignee = "ana@example.org".into();
        current.status = "in_progress".into();
        let merged = Choices::over(&chosen, &was, &current);
        assert_eq!(merged.status, "resolved");
        assert_eq!(merged.assignee, "ana@example.org");
    }
}
