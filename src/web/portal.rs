//! The requester's side: their tickets split into open and closed with a
//! search, their equipment with receipt confirmation, and a confirmation
//! step before withdrawing a ticket. Statuses in plain words.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::format::{iso, when};
use super::ticket_page::ticket_ref;
use super::{Nav, PageError, WebUser, render};
use crate::error::{AppError, blocking};
use crate::state::AppState;
use crate::tickets::domain::{HoldReason, Status};
use crate::tickets::dto::ListParams;
use crate::tickets::service::{self, TicketView};

/// A ticket's state as a requester would say it.
pub fn plain_status(status: Status, hold: Option<HoldReason>) -> &'static str {
    match (status, hold) {
        (Status::New | Status::Triaged, _) => "Received",
        (Status::InProgress, _) => "Being worked on",
        (Status::OnHold, Some(HoldReason::AwaitingRequester)) => "Waiting for your answer",
        (Status::OnHold, _) => "Waiting on something else",
        (Status::Resolved, _) => "Solved: please confirm",
        (Status::Closed, _) => "Closed",
        (Status::Cancelled, _) => "Withdrawn",
    }
}

pub struct MyRow {
    pub number: i64,
    pub reference: String,
    pub subject: String,
    pub status: String,
    pub state: &'static str,
    pub updated: String,
    pub updated_iso: String,
}

fn my_rows(items: &[TicketView], prefix: &str) -> Vec<MyRow> {
    items
        .iter()
        .map(|v| MyRow {
            number: v.ticket.number,
            reference: format!("{prefix}{}", v.ticket.number),
            subject: v.ticket.subject.clone(),
            status: v.ticket.status.to_string(),
            state: plain_status(v.ticket.status, v.ticket.hold_reason),
            updated: when(v.ticket.updated_at),
            updated_iso: iso(v.ticket.updated_at),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "my_tickets.html", config = "src/web/askama.toml")]
struct MyTicketsPage {
    nav: Nav,
    q: String,
    open: Vec<MyRow>,
    closed: Vec<MyRow>,
    more_closed: bool,
    flash: Option<&'static str>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct MyQuery {
    #[serde(default)]
    q: String,
}

/// Requesters: what they filed or watch. Staff: what they filed themselves.
pub async fn my_tickets(
    state: web::Data<AppState>,
    user: WebUser,
    query: web::Query<MyQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let staff = user.user.role.sees_all_tickets();
    let q = query.into_inner().q;
    let params = |status: &str, limit: i64| ListParams {
        requester: staff.then(|| "me".to_owned()),
        status: Some(status.into()),
        q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        sort: Some("-updated_at".into()),
        limit: Some(limit),
        ..ListParams::default()
    };
    // A solved ticket waits for the requester to confirm it: it is still
    // theirs to act on.
    let (open_p, closed_p) = (
        params("new,triaged,in_progress,on_hold,resolved", 100),
        params("closed,cancelled", 25),
    );
    let (st, actor) = (state.clone(), user.user.clone());
    let (open, closed) = blocking(move || {
        Ok((
            service::list_tickets(&st.db, &st.settings.api, &actor, &open_p)?,
            service::list_tickets(&st.db, &st.settings.api, &actor, &closed_p)?,
        ))
    })
    .await?;
    let prefix = &state.settings.tickets.reference_prefix;
    let page = MyTicketsPage {
        nav: user.nav("mine"),
        open: my_rows(&open.items, prefix),
        closed: my_rows(&closed.items, prefix),
        more_closed: closed.next_cursor.is_some(),
        q,
        flash: super::flash::take(&req),
    };
    let mut resp = render(&page)?;
    super::flash::clear(&req, &mut resp);
    Ok(resp)
}

pub struct HeldRow {
    pub checkout_id: String,
    pub tag: String,
    pub name: String,
    pub model: String,
    pub since: String,
    pub due: Option<String>,
    /// The hand-over asks for a confirmation not given yet.
    pub to_confirm: bool,
    pub confirmed: bool,
}

#[derive(Template)]
#[template(path = "my_equipment.html", config = "src/web/askama.toml")]
struct MyEquipmentPage {
    nav: Nav,
    held: Vec<HeldRow>,
    flash: Option<&'static str>,
}

/// `/my/equipment`: what the person holds, and receipts to confirm.
pub async fn my_equipment(
    state: web::Data<AppState>,
    user: WebUser,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let (st, actor) = (state.clone(), user.user.clone());
    let held = blocking(move || crate::assets::service::held_by_me(&st.db, &actor)).await?;
    let page = MyEquipmentPage {
        nav: user.nav("equipment"),
        held: held
            .into_iter()
            .map(|(c, a, model)| HeldRow {
                checkout_id: c.id,
                name: a
                    .hostname
                    .clone()
                    .filter(|h| !h.is_empty())
                    .unwrap_or_else(|| a.asset_tag.clone()),
                tag: a.asset_tag,
                model: model.unwrap_or_else(|| "—".into()),
                since: c.checked_out_at.format("%Y-%m-%d").to_string(),
                due: c.expected_return.map(|d| d.to_string()),
                to_confirm: c.accept_token_digest.is_some() && c.accepted_at.is_none(),
                confirmed: c.accepted_at.is_some(),
            })
            .collect(),
        flash: super::flash::take(&req),
    };
    let mut resp = render(&page)?;
    super::flash::clear(&req, &mut resp);
    Ok(resp)
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Confirms receipt of a hand-over, from the equipment page.
pub async fn confirm_receipt(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let (st, actor, id) = (state.clone(), user.user.clone(), path.into_inner());
    blocking(move || crate::assets::service::accept_as(&st.db, &actor, &id, crate::ids::now()))
        .await?;
    Ok(super::flash::redirect("/my/equipment", "received"))
}

#[derive(Template)]
#[template(path = "withdraw.html", config = "src/web/askama.toml")]
struct WithdrawPage {
    nav: Nav,
    number: i64,
    reference: String,
    subject: String,
}

/// `GET /tickets/{number}/withdraw`: asks before a requester withdraws.
pub async fn withdraw_form(
    state: web::Data<AppState>,
    user: WebUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let r = ticket_ref(&path)?;
    let (st, actor) = (state.clone(), user.user.clone());
    let view = blocking(move || {
        st.tickets
            .with_rules(|rules| service::get_ticket(&st.db, rules, &actor, &r, crate::ids::now()))
    })
    .await?;
    if !view.ticket.status.is_open() {
        return Err(AppError::conflict("not_open", "this ticket is no longer open").into());
    }
    render(&WithdrawPage {
        nav: user.nav("mine"),
        number: view.ticket.number,
        reference: format!(
            "{}{}",
            state.settings.tickets.reference_prefix, view.ticket.number
        ),
        subject: view.ticket.subject,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requesters_read_states_not_codes() {
        assert_eq!(plain_status(Status::Triaged, None), "Received");
        assert_eq!(
            plain_status(Status::OnHold, Some(HoldReason::AwaitingRequester)),
            "Waiting for your answer"
        );
        assert_eq!(plain_status(Status::Cancelled, None), "Withdrawn");
    }
}
