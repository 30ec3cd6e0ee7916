//! Saved replies on the ticket page: the ones offered in the ticket's
//! queue, filled for this ticket. With JavaScript the choice goes into the
//! reply at the cursor; without it, "Insert" shows the page again with the
//! reply added to the draft (nothing is saved).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::ticket_page::{Shown, page};
use super::ticket_work::Draft;
use super::{PageError, WebUser};
use crate::auth::User;
use crate::error::blocking;
use crate::state::AppState;
use crate::tickets::CannedResponse;
use crate::tickets::service::canned::{self, Fill};
use crate::tickets::service::{TicketRef, TicketView};

/// One offered reply: (id, name, text filled for this ticket).
pub type CannedRow = (String, String, String);

/// The offered replies, filled for `view` and the agent.
pub fn rows(
    offered: &[CannedResponse],
    view: &TicketView,
    reference: &str,
    agent: &User,
) -> Vec<CannedRow> {
    let f = Fill {
        requester_name: &view.requester.display_name,
        requester_email: &view.requester.email,
        reference,
        subject: &view.ticket.subject,
        agent_name: &agent.display_name,
        agent_email: &agent.email,
    };
    offered
        .iter()
        .map(|c| (c.id.clone(), c.name.clone(), canned::fill(&c.body, &f)))
        .collect()
}

/// "Insert" without JavaScript: the page again, the chosen reply added to
/// the draft.
pub async fn insert(
    state: &web::Data<AppState>,
    user: &WebUser,
    r: TicketRef,
    mut draft: Draft,
    chosen: &str,
) -> Result<HttpResponse, PageError> {
    let st = state.clone();
    let actor = user.user.clone();
    let target = r.clone();
    let prefix = state.settings.tickets.reference_prefix.clone();
    let chosen = chosen.to_owned();
    let filled = blocking(move || {
        let view = st.tickets.with_rules(|rules| {
            crate::tickets::service::get_ticket(&st.db, rules, &actor, &target, crate::ids::now())
        })?;
        let offered = canned::offered(&st.db, &actor, view.ticket.queue_id.as_deref())?;
        let reference = format!("{prefix}{}", view.ticket.number);
        Ok(rows(&offered, &view, &reference, &actor)
            .into_iter()
            .find(|(id, _, _)| *id == chosen)
            .map(|(_, _, text)| text))
    })
    .await?;
    if let Some(text) = filled {
        if !draft.body.trim().is_empty() {
            draft.body.push_str("\n\n");
        }
        draft.body.push_str(&text);
    }
    page(
        state,
        user,
        r,
        StatusCode::OK,
        Shown {
            draft,
            ..Shown::default()
        },
    )
    .await
}
