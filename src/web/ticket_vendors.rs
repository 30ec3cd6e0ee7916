//! Vendors on the ticket page: the escalations with a bar per vendor
//! clock beside our own SLA bars, a form to hand the ticket to a vendor,
//! and buttons to record the vendor's answer and resolution.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::format::when;
use super::sla_view::{SlaBar, span};
use super::ticket_page::{Shown, page};
use super::{PageError, WebUser, flash};
use crate::auth::User;
use crate::error::{AppError, blocking};
use crate::http::multipart::form_field;
use crate::ids;
use crate::state::AppState;
use crate::tickets::service::TicketRef;
use crate::vendors::dto::{EscalationDto, EscalationInput, VendorAnswer};
use crate::vendors::service::{self, Answered};

/// One escalation as the page shows it.
pub struct Row {
    pub id: String,
    pub vendor: String,
    pub reference: String,
    pub since: String,
    pub state: &'static str,
    pub bars: Vec<SlaBar>,
    pub answered: bool,
    pub resolved: bool,
}

/// The panel: escalations, and what the form offers.
pub struct Panel {
    pub rows: Vec<Row>,
    pub vendors: Vec<(String, String)>,
    /// (contract id, "Vendor — title").
    pub contracts: Vec<(String, String)>,
    pub may_escalate: bool,
}

fn bar(
    label: &'static str,
    elapsed: i64,
    target: Option<i64>,
    done: bool,
    due: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<SlaBar> {
    let target = target?;
    let percent = (elapsed * 100 / target.max(1)).clamp(0, 100);
    let late = elapsed > target;
    let (tone, state, detail) = match (done, late) {
        (true, false) => (
            "met",
            "met",
            format!("in {} (target {})", span(elapsed), span(target)),
        ),
        (true, true) => (
            "bad",
            "breached",
            format!("in {} — {} over", span(elapsed), span(elapsed - target)),
        ),
        (false, true) => (
            "bad",
            "breached",
            format!("{} over the target", span(elapsed - target)),
        ),
        (false, false) => (
            if percent >= 75 { "warn" } else { "ok" },
            "running",
            match due {
                Some(d) => format!(
                    "due {} — {} left",
                    when(d.naive_utc()),
                    span(target - elapsed)
                ),
                None => format!("{} left", span(target - elapsed)),
            },
        ),
    };
    Some(SlaBar {
        label,
        percent,
        tone,
        state,
        detail,
    })
}

fn row(e: EscalationDto) -> Row {
    let answered = e.responded_at.is_some();
    let resolved = e.resolved_at.is_some();
    Row {
        bars: [
            bar(
                "Vendor answer",
                e.response_elapsed_seconds,
                e.response_target_seconds,
                answered,
                e.response_due_at,
            ),
            bar(
                "Vendor resolution",
                e.resolution_elapsed_seconds,
                e.resolution_target_seconds,
                resolved,
                e.resolution_due_at,
            ),
        ]
        .into_iter()
        .flatten()
        .collect(),
        state: match e.state.as_str() {
            "resolved" => "resolved by the vendor",
            "in_progress" => "the vendor is on it",
            _ => "waiting for the vendor's answer",
        },
        since: when(e.escalated_at.naive_utc()),
        reference: e.vendor_reference.unwrap_or_default(),
        vendor: e.vendor,
        id: e.id,
        answered,
        resolved,
    }
}

/// The panel for staff (`None` for requesters).
pub fn load(state: &AppState, actor: &User, ticket_id: &str) -> Result<Option<Panel>, AppError> {
    if !actor.role.sees_assets() {
        return Ok(None);
    }
    let rows = service::ticket_escalations(&state.vendors, actor, ticket_id)?
        .into_iter()
        .map(row)
        .collect();
    let may_escalate = actor.role.works_tickets();
    let (vendors, contracts) = if may_escalate {
        let vendors: Vec<(String, String)> = service::vendors(&state.db, actor, None, None)?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect();
        let contracts = service::contract_choices(&state.vendors, actor)?;
        (vendors, contracts)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Some(Panel {
        rows,
        vendors,
        contracts,
        may_escalate,
    }))
}

/// `POST /tickets/{number}` with `do=escalate`, `do=vendor_answer` or
/// `do=vendor_resolve`.
pub async fn work(
    state: &web::Data<AppState>,
    user: &WebUser,
    r: TicketRef,
    number: &str,
    fields: &[(String, String)],
) -> Result<HttpResponse, PageError> {
    let what = form_field(fields, "do");
    let field = |n: &str| Some(form_field(fields, n).trim().to_owned()).filter(|s| !s.is_empty());
    let (st, actor, ticket) = (state.clone(), user.user.clone(), number.to_owned());
    let input = EscalationInput {
        vendor_id: field("vendor_id").unwrap_or_default(),
        contract_id: field("contract_id"),
        vendor_reference: field("vendor_reference"),
        note: field("note"),
    };
    let (eid, answer) = (
        field("escalation").unwrap_or_default(),
        VendorAnswer {
            at: None,
            note: field("vendor_note"),
        },
    );
    let done = blocking(move || {
        let now = ids::now();
        Ok(match what.as_str() {
            "escalate" => service::escalate(&st.vendors, &st.tickets, &actor, &ticket, &input, now)
                .map(|_| "escalated"),
            "vendor_answer" => service::answer(
                &st.vendors,
                &st.tickets,
                &actor,
                (&ticket, &eid),
                Answered::Response,
                &answer,
                now,
            )
            .map(|_| "vendor_answered"),
            _ => service::answer(
                &st.vendors,
                &st.tickets,
                &actor,
                (&ticket, &eid),
                Answered::Resolution,
                &answer,
                now,
            )
            .map(|_| "vendor_resolved"),
        })
    })
    .await?;
    match done {
        Ok(code) => Ok(flash::redirect(&format!("/tickets/{number}"), code)),
        Err(AppError::Validation(errors)) => {
            let shown = Shown {
                errors,
                ..Shown::default()
            };
            page(state, user, r, StatusCode::UNPROCESSABLE_ENTITY, shown).await
        }
        Err(AppError::Conflict { detail, .. }) => {
            // Recorded already (a second click), or the ticket is closed.
            let shown = Shown {
                errors: vec![crate::error::FieldError::new("escalation", detail)],
                ..Shown::default()
            };
            page(state, user, r, StatusCode::CONFLICT, shown).await
        }
        Err(e) => Err(e.into()),
    }
}
