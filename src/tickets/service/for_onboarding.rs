//! What onboarding asks of tickets: that a run's ticket is a service
//! request in the onboarding category, and internal notes on it as the run
//! goes (each in the caller's transaction).

use chrono::NaiveDateTime;

use super::comments::{NewComment, comment_in};
use super::{Rules, TicketRef, visible_ticket};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;
use crate::tickets::domain::TicketType;
use crate::tickets::model::Ticket;
use crate::tickets::repo;

/// The ticket `r` names (number or id) if it is a service request in the
/// category `slug` the actor may see; 422 on `field` otherwise.
pub(crate) fn request_in_category(
    conn: &mut DbConn,
    actor: &User,
    r: &str,
    slug: &str,
    field: &str,
) -> Result<Ticket, AppError> {
    let (t, _) = visible_ticket(conn, actor, &TicketRef::parse(r))
        .map_err(|_| AppError::invalid(field, format!("no ticket {r}")))?;
    let category = repo::find_category_by_slug(conn, slug)?;
    let fits = t.ticket_type == TicketType::ServiceRequest
        && category.is_some_and(|c| t.category_id.as_deref() == Some(c.id.as_str()));
    if !fits {
        return Err(AppError::invalid(
            field,
            format!(
                "ticket {} is not a service request in the {slug} category",
                t.number
            ),
        ));
    }
    Ok(t)
}

/// An internal note on the ticket by `actor`.
pub(crate) fn note_in(
    conn: &mut DbConn,
    rules: &Rules<'_>,
    actor: &User,
    ticket_id: &str,
    body: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (t, rel) = visible_ticket(conn, actor, &TicketRef::Id(ticket_id.to_owned()))?;
    let note = NewComment {
        body,
        public: false,
        verified: true,
    };
    comment_in(conn, rules, actor, t, rel, &note, now)?;
    Ok(())
}
