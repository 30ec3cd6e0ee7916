//! Changing many tickets from the queue at once: assign, status, queue,
//! priority for the selected rows, or "take it" for one. Each ticket
//! changes in its own transaction; the summary says what changed and what
//! was refused, and why.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::format::{hold_label, plural, status_label};
use super::{Nav, PageError, WebUser, render, render_with};
use crate::error::{AppError, blocking};
use crate::ids;
use crate::state::AppState;
use crate::tickets::domain::{HoldReason, Priority, Status};
use crate::tickets::dto::UpdateTicket;
use crate::tickets::service::{self, BatchOutcome, MAX_BATCH};

/// One ticket's line in the summary.
struct Line {
    number: i64,
    reference: String,
    /// `changed`, `unchanged` or `refused`.
    outcome: &'static str,
    detail: String,
}

#[derive(Template)]
#[template(path = "queue_bulk.html", config = "src/web/askama.toml")]
struct BulkPage {
    nav: Nav,
    asked: String,
    summary: String,
    lines: Vec<Line>,
    back: String,
    /// Why nothing was done (nothing selected, nothing asked).
    problem: Option<String>,
}

/// The form's fields, read by hand: the selected tickets repeat `t`.
#[derive(Debug, Default)]
struct BulkForm {
    csrf: String,
    back: String,
    tickets: Vec<String>,
    take: Option<String>,
    assignee: String,
    status: String,
    hold_reason: String,
    queue: String,
    priority: String,
}

impl BulkForm {
    fn parse(body: &[u8]) -> BulkForm {
        let mut f = BulkForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "csrf" => f.csrf = v,
                "back" => f.back = v,
                "t" => f.tickets.push(v),
                "take" => f.take = Some(v),
                "assignee" => f.assignee = v,
                "status" => f.status = v,
                "hold_reason" => f.hold_reason = v,
                "queue" => f.queue = v,
                "priority" => f.priority = v,
                _ => {}
            }
        }
        f
    }

    /// The change asked for, in words for the summary.
    fn change(&self, me: &str) -> Result<(UpdateTicket, Vec<String>), AppError> {
        let mut u = UpdateTicket::default();
        let mut words = Vec::new();
        if self.take.is_some() {
            u.assignee = Some(Some(me.to_owned()));
            words.push("assign to me".to_owned());
            return Ok((u, words));
        }
        match self.assignee.as_str() {
            "" => {}
            "none" => {
                u.assignee = Some(None);
                words.push("unassign".into());
            }
            who => {
                u.assignee = Some(Some(who.to_owned()));
                words.push(format!("assign to {who}"));
            }
        }
        if !self.status.is_empty() {
            let status = self
                .status
                .parse::<Status>()
                .map_err(|e| AppError::invalid("status", e.to_string()))?;
            words.push(format!("status {}", status_label(status)));
            if status == Status::OnHold {
                let reason: HoldReason = self.hold_reason.parse().map_err(|_| {
                    AppError::invalid("hold_reason", "“On hold” needs a hold reason")
                })?;
                words.push(format!("({})", hold_label(reason)));
                u.hold_reason = Some(reason);
            }
            u.status = Some(status);
        }
        match self.queue.as_str() {
            "" => {}
            "none" => {
                u.queue = Some(None);
                words.push("no queue".into());
            }
            slug => {
                u.queue = Some(Some(slug.to_owned()));
                words.push(format!("queue {slug}"));
            }
        }
        match self.priority.as_str() {
            "" => {}
            "matrix" => {
                u.priority = Some(None);
                words.push("priority from impact × urgency".into());
            }
            p => {
                let p = p
                    .parse::<Priority>()
                    .map_err(|e| AppError::invalid("priority", e.to_string()))?;
                words.push(format!("priority {p}"));
                u.priority = Some(Some(p));
            }
        }
        if words.is_empty() {
            return Err(AppError::invalid(
                "bulk",
                "choose what to change (assignee, status, queue or priority)",
            ));
        }
        Ok((u, words))
    }

    /// The selected ticket numbers (or the one taken).
    fn numbers(&self) -> Result<Vec<i64>, AppError> {
        let raw: Vec<&String> = match &self.take {
            Some(one) => vec![one],
            None => self.tickets.iter().collect(),
        };
        if raw.is_empty() {
            return Err(AppError::invalid(
                "tickets",
                "select at least one ticket (the boxes at the start of each row)",
            ));
        }
        if raw.len() > MAX_BATCH {
            return Err(AppError::invalid(
                "tickets",
                format!("select at most {MAX_BATCH} tickets at a time"),
            ));
        }
        raw.iter()
            .map(|s| {
                s.trim()
                    .trim_start_matches('#')
                    .parse::<i64>()
                    .map_err(|_| {
                        AppError::invalid("tickets", format!("`{s}` is not a ticket number"))
                    })
            })
            .collect()
    }
}

/// The page that says why nothing was done.
fn refused(
    user: &WebUser,
    back: String,
    fields: &[crate::error::FieldError],
) -> Result<HttpResponse, PageError> {
    let page = BulkPage {
        nav: user.nav("queue"),
        asked: String::new(),
        summary: String::new(),
        lines: Vec::new(),
        back,
        problem: Some(
            fields
                .iter()
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ),
    };
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// One line per ticket, and the counts in a sentence.
fn summary(outcomes: &[BatchOutcome], prefix: &str) -> (String, Vec<Line>) {
    let lines: Vec<Line> = outcomes
        .iter()
        .map(|o| {
            let (outcome, detail) = match &o.result {
                Ok(true) => ("changed", "changed".to_owned()),
                Ok(false) => ("unchanged", "already so: nothing to change".to_owned()),
                Err(why) => ("refused", why.clone()),
            };
            Line {
                number: o.number,
                reference: format!("{prefix}{}", o.number),
                outcome,
                detail,
            }
        })
        .collect();
    let count = |kind: &str| lines.iter().filter(|l| l.outcome == kind).count();
    let summary = format!(
        "{} changed, {} already so, {} refused",
        plural(count("changed"), "ticket", "tickets"),
        count("unchanged"),
        count("refused"),
    );
    (summary, lines)
}

/// Only a queue address of ours to come back to.
fn safe_back(back: &str) -> String {
    if back.starts_with("/queue") && !back.contains(['\r', '\n', '\\']) {
        back.to_owned()
    } else {
        "/queue".into()
    }
}

pub async fn submit(
    state: web::Data<AppState>,
    user: WebUser,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let form = BulkForm::parse(&body);
    user.check_csrf(&form.csrf)?;
    let back = safe_back(&form.back);
    let asked = form
        .numbers()
        .and_then(|numbers| Ok((form.change(&user.user.email)?, numbers)));
    let ((update, words), numbers) = match asked {
        Ok(asked) => asked,
        Err(AppError::Validation(fields)) => return refused(&user, back, &fields),
        Err(e) => return Err(e.into()),
    };
    let (st, actor) = (state.clone(), user.user.clone());
    let outcomes = blocking(move || {
        st.tickets.with_rules(|rules| {
            service::update_many(&st.db, rules, &actor, &numbers, &update, ids::now())
        })
    })
    .await?;
    if form.take.is_some()
        && let [
            BatchOutcome {
                result: Ok(_),
                number,
            },
        ] = outcomes.as_slice()
    {
        return Ok(super::flash::redirect(
            &format!("/tickets/{number}"),
            "taken",
        ));
    }
    let (summary, lines) = summary(&outcomes, &state.settings.tickets.reference_prefix);
    render(&BulkPage {
        nav: user.nav("queue"),
        asked: words.join(", "),
        summary,
        lines,
        back,
        problem: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_repeated_tickets_and_the_change() {
        let f = BulkForm::parse(
            b"csrf=x&back=%2Fqueue%3Fq%3Da&t=3&t=5&assignee=none&status=on_hold&hold_reason=scheduled&priority=P2",
        );
        assert_eq!(f.tickets, vec!["3", "5"]);
        assert_eq!(f.numbers().unwrap(), vec![3, 5]);
        let (u, words) = f.change("me@x").unwrap();
        assert_eq!(u.assignee, Some(None));
        assert_eq!(u.status, Some(Status::OnHold));
        assert_eq!(u.hold_reason, Some(HoldReason::Scheduled));
        assert_eq!(u.priority, Some(Some(Priority::P2)));
        assert_eq!(words[0], "unassign");
        assert_eq!(safe_back(&f.back), "/queue?q=a");
        assert_eq!(safe_back("https://evil.example/"), "/queue");
    }

    #[test]
    fn nothing_selected_or_nothing_asked_is_said_plainly() {
        let f = BulkForm::parse(b"csrf=x&assignee=none");
        assert!(f.numbers().is_err());
        let g = BulkForm::parse(b"csrf=x&t=1");
        assert!(g.change("me@x").is_err());
        let hold = BulkForm::parse(b"csrf=x&t=1&status=on_hold");
        assert!(hold.change("me@x").is_err());
    }
}
