//! Tickets with a scripted history at chosen instants, written as the
//! service stores them (the ticket row and its audit events), for the
//! monthly report's hand-checked cases.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use itdesk::audit::AuditEvent;
use itdesk::tickets::Ticket;
use itdesk::tickets::domain::{Channel, Level, Priority, Status, TicketType};

use crate::helpers::TestApp;

/// `2026-10-05 07:00` (UTC).
pub fn utc(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("YYYY-MM-DD HH:MM")
}

/// A ticket and its history, built step by step.
pub struct Script {
    pub ticket: Ticket,
    pub events: Vec<AuditEvent>,
    queue: Option<String>,
}

/// The people and queues scripts refer to.
pub struct Cast {
    pub requester_id: String,
    pub agent_id: String,
    /// Queue ids by slug.
    pub queues: std::collections::HashMap<String, String>,
}

impl Script {
    pub fn new(
        cast: &Cast,
        number: i64,
        created: &str,
        priority: Priority,
        queue: Option<&str>,
    ) -> Script {
        let at = utc(created);
        let id = itdesk::ids::new_id();
        let ticket = Ticket {
            id: id.clone(),
            number,
            ticket_type: TicketType::Incident,
            subject: format!("Report case {number}"),
            description: String::new(),
            requester_id: cast.requester_id.clone(),
            queue_id: queue.map(|q| cast.queues[q].clone()),
            category_id: None,
            assignee_id: None,
            impact: Level::Medium,
            urgency: Level::Medium,
            priority,
            priority_overridden: true,
            status: Status::New,
            hold_reason: None,
            is_open: true,
            channel: Channel::Web,
            created_by_id: cast.requester_id.clone(),
            created_at: at,
            updated_at: at,
            resolved_at: None,
            closed_at: None,
            sla_policy: None,
            sla_state: None,
            sla_due_at: None,
            sla_next_check_at: None,
            sla_schedule: None,
        };
        let mut s = Script {
            ticket,
            events: Vec::new(),
            queue: queue.map(str::to_owned),
        };
        s.event(
            &cast.requester_id,
            "created",
            json!({"number": number, "type": "incident",
            "status": "new", "priority": priority.as_str(), "queue": queue, "channel": "web"}),
            at,
        );
        s
    }

    fn event(&mut self, actor: &str, action: &str, changes: Value, at: NaiveDateTime) {
        self.events.push(AuditEvent {
            id: itdesk::ids::new_id(),
            entity_type: "ticket".into(),
            entity_id: self.ticket.id.clone(),
            actor_id: Some(actor.into()),
            action: action.into(),
            changes: changes.to_string(),
            occurred_at: at,
        });
        self.ticket.updated_at = at;
    }

    /// A status change at `at` (UTC).
    pub fn status(mut self, cast: &Cast, at: &str, to: Status) -> Script {
        let at = utc(at);
        let from = self.ticket.status;
        self.event(
            &cast.agent_id,
            "updated",
            json!({"status": {"from": from.as_str(), "to": to.as_str()}}),
            at,
        );
        self.ticket.status = to;
        self.ticket.is_open = to.is_open();
        match to {
            Status::Resolved => self.ticket.resolved_at = Some(at),
            Status::Closed => self.ticket.closed_at = Some(at),
            s if s.is_open() => self.ticket.resolved_at = None,
            _ => {}
        }
        self
    }

    /// A public reply by staff at `at`.
    pub fn reply(mut self, cast: &Cast, at: &str) -> Script {
        self.event(
            &cast.agent_id,
            "commented",
            json!({"comment_id": "c", "public": true, "by_staff": true}),
            utc(at),
        );
        self
    }

    /// Put on hold at `at` (UTC) for `reason` (a hold reason's word).
    pub fn hold(mut self, cast: &Cast, at: &str, reason: &str) -> Script {
        let from = self.ticket.status;
        self.event(
            &cast.agent_id,
            "updated",
            json!({"status": {"from": from.as_str(), "to": "on_hold"},
                "hold_reason": {"from": null, "to": reason}}),
            utc(at),
        );
        self.ticket.status = Status::OnHold;
        self
    }

    /// A public message from the requester at `at`.
    pub fn message(mut self, cast: &Cast, at: &str) -> Script {
        let requester = cast.requester_id.clone();
        self.event(
            &requester,
            "commented",
            json!({"comment_id": "m", "public": true, "by_staff": false}),
            utc(at),
        );
        self
    }

    /// A move to another queue at `at`.
    pub fn move_to(mut self, cast: &Cast, at: &str, queue: &str) -> Script {
        let from = self.queue.replace(queue.to_owned());
        self.event(
            &cast.agent_id,
            "updated",
            json!({"queue": {"from": from, "to": queue}}),
            utc(at),
        );
        self.ticket.queue_id = Some(cast.queues[queue].clone());
        self
    }

    /// Assigned to `email` (whose account id is `id`) at `at`.
    pub fn assign(mut self, cast: &Cast, at: &str, email: &str, id: &str) -> Script {
        self.event(
            &cast.agent_id,
            "updated",
            json!({"assignee": {"from": null, "to": email}}),
            utc(at),
        );
        self.ticket.assignee_id = Some(id.to_owned());
        self
    }
}

/// Writes the scripted tickets and their histories.
pub async fn write(app: &TestApp, scripts: Vec<Script>) {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        db.write(|conn| {
            let tickets: Vec<Ticket> = scripts.iter().map(|s| s.ticket.clone()).collect();
            itdesk::tickets::service::bulk::insert(conn, &tickets, &[], &[])?;
            let events: Vec<AuditEvent> = scripts.into_iter().flat_map(|s| s.events).collect();
            itdesk::audit::insert_events(conn, &events)?;
            Ok::<_, itdesk::error::AppError>(())
        })
    })
    .await
    .unwrap()
    .expect("write scripted tickets");
}

/// An account's id.
pub async fn user_id(app: &TestApp, email: &str) -> String {
    let db = app.state.db.clone();
    let email = email.to_owned();
    tokio::task::spawn_blocking(move || {
        db.read(|conn| {
            Ok::<_, itdesk::error::AppError>(
                itdesk::auth::people::find_user_by_email(conn, &email)?
                    .expect("user")
                    .id,
            )
        })
    })
    .await
    .unwrap()
    .unwrap()
}
