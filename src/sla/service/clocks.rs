//! The SLA context as tickets see it: it hears every ticket event and keeps
//! the ticket's clocks (and stored SLA columns) current in the same
//! transaction, and it answers a ticket's live service level.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::{Rules, initial, micros, refresh, report};
use crate::db::DbConn;
use crate::error::AppError;
use crate::sla::dto::sla_dto;
use crate::sla::events::SlaHooks;
use crate::sla::registry::InForce;
use crate::tickets::Ticket;
use crate::tickets::events::{Reactions, TicketEvent, TicketSubscriber};
use crate::tickets::service::TicketView;
use crate::tickets::service::service_level::{SnapshotColumns, save_columns, stored_columns};
use crate::tickets::service_level::{ServiceLevels, SlaDto};

/// Keeps tickets' clocks under the definitions in force.
pub struct TicketClocks {
    pub registry: Arc<InForce>,
    pub hooks: SlaHooks,
}

impl TicketSubscriber for TicketClocks {
    fn on_ticket(
        &self,
        conn: &mut DbConn,
        event: &TicketEvent<'_>,
        now: NaiveDateTime,
        reactions: &mut Reactions,
    ) -> Result<(), AppError> {
        let reg = self.registry.get();
        let rules = Rules {
            sla: &reg,
            hooks: &self.hooks,
        };
        let report = match event {
            TicketEvent::Created { view, .. } => {
                let (cols, report) = initial(&reg, view, now);
                // Filed with them already (filing_columns) unless the
                // policies changed in between.
                if cols != stored_columns(&view.ticket) {
                    save_columns(conn, &view.ticket.id, &cols)?;
                }
                reactions.sla_columns = Some(cols);
                report
            }
            TicketEvent::Updated { after, .. } => refresh(conn, &rules, after, now)?,
            TicketEvent::Commented { ticket, .. }
            | TicketEvent::CommentConfirmed { ticket, .. } => refresh(conn, &rules, ticket, now)?,
        };
        reactions.service_level = report.map(|r| sla_dto(&r, micros(now)));
        Ok(())
    }

    fn filing_columns(&self, view: &TicketView, now: NaiveDateTime) -> Option<SnapshotColumns> {
        Some(initial(&self.registry.get(), view, now).0)
    }
}

impl ServiceLevels for TicketClocks {
    fn service_level(
        &self,
        conn: &mut DbConn,
        ticket: &Ticket,
        now: NaiveDateTime,
    ) -> Result<Option<SlaDto>, AppError> {
        let reg = self.registry.get();
        Ok(report(conn, &reg, ticket, now)?.map(|r| sla_dto(&r, micros(now))))
    }
}
