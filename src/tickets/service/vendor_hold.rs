//! A ticket handed to a vendor and back, for the vendor register above:
//! the status change happens in the caller's transaction, as one change,
//! so our own clocks pause (where the policy pauses on hold) with the
//! escalation that caused it.

use chrono::NaiveDateTime;

use super::super::domain::{HoldReason, Status};
use super::super::dto::UpdateTicket;
use super::update::update_in;
use super::{Rules, TicketRef, visible_ticket};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;

/// The ticket a hand-over concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldTicket {
    pub id: String,
    pub number: i64,
    pub subject: String,
}

/// Puts an open ticket `on_hold` awaiting the vendor (from any open
/// status; one recorded change). Refused for people who do not work
/// tickets (403) and for a ticket that is no longer open (409
/// `not_open`).
pub fn hold_for_vendor(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    actor: &User,
    r: &TicketRef,
    now: NaiveDateTime,
) -> Result<HeldTicket, AppError> {
    if !actor.role.works_tickets() {
        return Err(AppError::Forbidden(format!(
            "a {} cannot escalate tickets",
            actor.role
        )));
    }
    let (ticket, rel) = visible_ticket(conn, actor, r)?;
    if !ticket.status.is_open() {
        return Err(AppError::conflict(
            "not_open",
            format!(
                "ticket #{} is {}: only an open ticket is handed to a vendor",
                ticket.number,
                ticket.status.as_str()
            ),
        ));
    }
    let held = HeldTicket {
        id: ticket.id.clone(),
        number: ticket.number,
        subject: ticket.subject.clone(),
    };
    let input = UpdateTicket {
        status: (ticket.status != Status::OnHold).then_some(Status::OnHold),
        hold_reason: Some(HoldReason::AwaitingVendor),
        ..UpdateTicket::default()
    };
    update_in(conn, rules, actor, ticket, rel, &input, now)?;
    Ok(held)
}

/// The ticket a vendor has finished with: back to `in_progress` when it
/// is still on hold awaiting a vendor (left alone otherwise: someone moved
/// it meanwhile). `true` when it moved.
pub fn back_from_vendor(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    actor: &User,
    ticket_id: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let (ticket, rel) = visible_ticket(conn, actor, &TicketRef::Id(ticket_id.to_owned()))?;
    if ticket.status != Status::OnHold || ticket.hold_reason != Some(HoldReason::AwaitingVendor) {
        return Ok(false);
    }
    let input = UpdateTicket {
        status: Some(Status::InProgress),
        ..UpdateTicket::default()
    };
    update_in(conn, rules, actor, ticket, rel, &input, now).map(|(_, changed)| changed)
}

/// The ticket behind an id, for readers of a hand-over (404 when the
/// actor may not see it).
pub fn ticket_of(conn: &mut DbConn, actor: &User, r: &TicketRef) -> Result<HeldTicket, AppError> {
    let (t, _) = visible_ticket(conn, actor, r)?;
    Ok(HeldTicket {
        id: t.id,
        number: t.number,
        subject: t.subject,
    })
}
