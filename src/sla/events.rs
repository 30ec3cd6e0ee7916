//! What the SLA context tells the contexts above it: a threshold fired and
//! these people are to hear of it (mail sends the messages). Subscribers
//! are registered at start-up and run in the transaction that fired it.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::repo::Notification;
use crate::db::DbConn;
use crate::error::AppError;
use crate::tickets::Ticket;

/// A context that acts on escalations.
pub trait EscalationSubscriber: Send + Sync {
    /// `what` says what happened ("resolution target missed"); `notified`
    /// are the in-app notifications written for it, one per person or
    /// address.
    fn on_escalation(
        &self,
        conn: &mut DbConn,
        ticket: &Ticket,
        notified: &[Notification],
        what: &str,
        now: NaiveDateTime,
    ) -> Result<(), AppError>;
}

/// The escalation subscribers registered at start-up.
#[derive(Clone, Default)]
pub struct SlaHooks {
    subscribers: Vec<Arc<dyn EscalationSubscriber>>,
}

impl SlaHooks {
    pub fn subscribe(&mut self, subscriber: Arc<dyn EscalationSubscriber>) {
        self.subscribers.push(subscriber);
    }

    pub(crate) fn escalated(
        &self,
        conn: &mut DbConn,
        ticket: &Ticket,
        notified: &[Notification],
        what: &str,
        now: NaiveDateTime,
    ) -> Result<(), AppError> {
        for s in &self.subscribers {
            s.on_escalation(conn, ticket, notified, what, now)?;
        }
        Ok(())
    }
}
