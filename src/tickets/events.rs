//! What happens to tickets, told to the contexts above that react to it:
//! the SLA recomputes a ticket's clocks, mail tells the people concerned.
//! Subscribers are registered at start-up ([`Hooks`]) and run inside the
//! transaction of the change, in the order they were registered, so what
//! they write commits or rolls back with it. Tickets never call them by
//! name.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::model::{Comment, Ticket};
use super::repo::sla::SnapshotColumns;
use super::service::TicketView;
use super::service_level::{ServiceLevels, SlaDto};
use crate::auth::User;
use crate::db::DbConn;
use crate::error::AppError;

/// One change to a ticket, as it stands after the change.
#[derive(Debug, Clone, Copy)]
pub enum TicketEvent<'a> {
    /// A ticket was filed by `actor` (the view names its requester, queue,
    /// category and watchers).
    Created {
        view: &'a TicketView,
        actor: &'a User,
    },
    /// Its status, people or classification changed.
    Updated {
        before: &'a Ticket,
        after: &'a Ticket,
        actor: &'a User,
    },
    /// A reply or note was added (`ticket` after any status change it
    /// caused, such as a requester's reply waking it).
    Commented {
        ticket: &'a Ticket,
        comment: &'a Comment,
        actor: &'a User,
    },
    /// Staff confirmed that an unverified mailed reply came from its author.
    CommentConfirmed {
        ticket: &'a Ticket,
        comment: &'a Comment,
        actor: &'a User,
    },
}

/// What subscribers tell the use case back.
#[derive(Debug, Default)]
pub struct Reactions {
    /// The ticket's service level as it stands after the change.
    pub service_level: Option<SlaDto>,
    /// The SLA columns a subscriber stored for the ticket.
    pub sla_columns: Option<SnapshotColumns>,
}

/// A context that reacts to ticket events.
pub trait TicketSubscriber: Send + Sync {
    fn on_ticket(
        &self,
        conn: &mut DbConn,
        event: &TicketEvent<'_>,
        now: NaiveDateTime,
        reactions: &mut Reactions,
    ) -> Result<(), AppError>;

    /// The SLA columns a new ticket is written with, worked out before it
    /// is stored and without the database (so that filing it is one
    /// INSERT, not an INSERT and an UPDATE); `None` leaves them empty.
    fn filing_columns(&self, _view: &TicketView, _now: NaiveDateTime) -> Option<SnapshotColumns> {
        None
    }
}

/// The subscribers and the service-level source registered at start-up.
#[derive(Clone, Default)]
pub struct Hooks {
    subscribers: Vec<Arc<dyn TicketSubscriber>>,
    service_levels: Option<Arc<dyn ServiceLevels>>,
}

impl Hooks {
    /// Adds a subscriber; they hear events in the order added.
    pub fn subscribe(&mut self, subscriber: Arc<dyn TicketSubscriber>) {
        self.subscribers.push(subscriber);
    }

    /// Names where a ticket's live service level comes from.
    pub fn set_service_levels(&mut self, source: Arc<dyn ServiceLevels>) {
        self.service_levels = Some(source);
    }

    /// The first subscriber's columns for a ticket about to be filed.
    pub(crate) fn filing_columns(
        &self,
        view: &TicketView,
        now: NaiveDateTime,
    ) -> Option<SnapshotColumns> {
        self.subscribers
            .iter()
            .find_map(|s| s.filing_columns(view, now))
    }

    /// Tells every subscriber, in the caller's transaction.
    pub(crate) fn publish(
        &self,
        conn: &mut DbConn,
        event: TicketEvent<'_>,
        now: NaiveDateTime,
    ) -> Result<Reactions, AppError> {
        let mut reactions = Reactions::default();
        for s in &self.subscribers {
            s.on_ticket(conn, &event, now, &mut reactions)?;
        }
        Ok(reactions)
    }

    /// The live service level of a ticket, if a source is registered and a
    /// policy covers it.
    pub(crate) fn service_level(
        &self,
        conn: &mut DbConn,
        ticket: &Ticket,
        now: NaiveDateTime,
    ) -> Result<Option<SlaDto>, AppError> {
        match &self.service_levels {
            Some(s) => s.service_level(conn, ticket, now),
            None => Ok(None),
        }
    }
}
