//! A ticket's audit history read as clock events: status and hold changes,
//! public replies by staff, public messages by others, priority changes.

use serde_json::Value;

use super::clock::{Event, EventKind};
use crate::audit::AuditEvent;
use crate::calendar::Micros;
use crate::tickets::domain::{HoldReason, Priority, Status};

fn micros(e: &AuditEvent) -> Micros {
    e.occurred_at.and_utc().timestamp_micros()
}

fn word<T: std::str::FromStr>(v: &Value) -> Option<T> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// The priority a ticket was created with, and the clock events of its
/// history (in history order).
pub fn events(history: &[AuditEvent], fallback_priority: Priority) -> (Priority, Vec<Event>) {
    let mut initial = fallback_priority;
    let mut status = Status::New;
    let mut hold: Option<HoldReason> = None;
    let mut out = Vec::with_capacity(history.len());
    for e in history {
        let Ok(changes) = serde_json::from_str::<Value>(&e.changes) else {
            continue;
        };
        let at = micros(e);
        match e.action.as_str() {
            "created" => {
                if let Some(p) = word(&changes["priority"]) {
                    initial = p;
                }
            }
            "updated" => {
                let new_status = word::<Status>(&changes["status"]["to"]);
                let hold_changed = changes.get("hold_reason").is_some();
                if new_status.is_some() || hold_changed {
                    status = new_status.unwrap_or(status);
                    if hold_changed {
                        hold = word(&changes["hold_reason"]["to"]);
                    }
                    if status != Status::OnHold {
                        hold = None;
                    }
                    out.push(Event {
                        at,
                        kind: EventKind::Status {
                            status,
                            hold_reason: hold,
                        },
                    });
                }
                if let Some(p) = word(&changes["priority"]["to"]) {
                    out.push(Event {
                        at,
                        kind: EventKind::Priority { priority: p },
                    });
                }
            }
            // A mailed reply whose sender is not proven counts once staff
            // confirm it, from then.
            "comment_confirmed" => out.push(Event {
                at,
                kind: EventKind::RequesterMessage,
            }),
            "commented"
                if changes["public"] == Value::Bool(true)
                    && changes["unverified"] != Value::Bool(true) =>
            {
                // Older entries lack `by_staff`; then "not the requester" means staff.
                let by_staff = changes["by_staff"]
                    .as_bool()
                    .unwrap_or(changes["by_requester"] != Value::Bool(true));
                out.push(Event {
                    at,
                    kind: if by_staff {
                        EventKind::PublicReply
                    } else {
                        EventKind::RequesterMessage
                    },
                });
            }
            _ => {}
        }
    }
    (initial, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audit(action: &str, changes: Value, minute: u32) -> AuditEvent {
        AuditEvent {
            id: format!("e{minute}"),
            entity_type: "ticket".into(),
            entity_id: "t".into(),
            actor_id: None,
            action: action.into(),
            changes: changes.to_string(),
            occurred_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
                .unwrap()
                .and_hms_opt(9, minute, 0)
                .unwrap(),
        }
    }

    #[test]
    fn history_becomes_clock_events() {
        let history = vec![
            audit(
                "created",
                serde_json::json!({"priority": "P3", "status": "new"}),
                0,
            ),
            audit(
                "commented",
                serde_json::json!({"public": true, "by_staff": true}),
                1,
            ),
            audit(
                "commented",
                serde_json::json!({"public": false, "by_staff": true}),
                2,
            ),
            audit(
                "updated",
                serde_json::json!({"status": {"from": "new", "to": "on_hold"}, "hold_reason": {"from": null, "to": "awaiting_requester"}}),
                3,
            ),
            audit(
                "updated",
                serde_json::json!({"hold_reason": {"from": "awaiting_requester", "to": "scheduled"}}),
                4,
            ),
            audit(
                "commented",
                serde_json::json!({"public": true, "by_requester": true}),
                5,
            ),
            audit(
                "updated",
                serde_json::json!({"priority": {"from": "P3", "to": "P1"}, "assignee": {"from": null, "to": "a@x"}}),
                6,
            ),
            audit("attachment_added", serde_json::json!({"filename": "x"}), 7),
        ];
        let (initial, events) = events(&history, Priority::P4);
        assert_eq!(initial, Priority::P3);
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                EventKind::PublicReply,
                EventKind::Status {
                    status: Status::OnHold,
                    hold_reason: Some(HoldReason::AwaitingRequester)
                },
                EventKind::Status {
                    status: Status::OnHold,
                    hold_reason: Some(HoldReason::Scheduled)
                },
                EventKind::RequesterMessage,
                EventKind::Priority {
                    priority: Priority::P1
                },
            ]
        );
    }
}
