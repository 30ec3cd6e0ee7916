//! A ticket's audit history read for the report: status changes, queue
//! and assignee changes (by slug and email, as the history names them) and
//! escalations to a vendor. Public staff replies come from the SLA
//! context's reading, so both count the same replies (pure).

use chrono::NaiveDateTime;
use serde_json::Value;

use super::ticket_figures::StatusChange;
use crate::audit::AuditEvent;

/// A change of a named field (queue slug, assignee email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub at: NaiveDateTime,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What a history says, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryFacts {
    pub status: Vec<StatusChange>,
    pub queue: Vec<FieldChange>,
    pub assignee: Vec<FieldChange>,
    pub vendor_escalations: Vec<NaiveDateTime>,
}

fn name(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn field(changes: &Value, key: &str, at: NaiveDateTime) -> Option<FieldChange> {
    let c = changes.get(key)?;
    Some(FieldChange {
        at,
        from: name(&c["from"]),
        to: name(&c["to"]),
    })
}

/// Reads one ticket's history (oldest first).
pub fn read(history: &[AuditEvent]) -> HistoryFacts {
    let mut out = HistoryFacts::default();
    for e in history {
        match e.action.as_str() {
            "escalated_to_vendor" => out.vendor_escalations.push(e.occurred_at),
            "updated" => {
                let Ok(changes) = serde_json::from_str::<Value>(&e.changes) else {
                    continue;
                };
                let at = e.occurred_at;
                if let (Some(from), Some(to)) = (
                    changes["status"]["from"].as_str(),
                    changes["status"]["to"].as_str(),
                ) {
                    out.status.push(StatusChange {
                        at,
                        from: from.into(),
                        to: to.into(),
                    });
                }
                out.queue.extend(field(&changes, "queue", at));
                out.assignee.extend(field(&changes, "assignee", at));
            }
            _ => {}
        }
    }
    out
}

/// The value of a field at instant `t` (after every change before `t`),
/// given its value now and its changes oldest first.
pub fn value_at<'a>(
    now: Option<&'a str>,
    changes: &'a [FieldChange],
    t: NaiveDateTime,
) -> Option<&'a str> {
    changes
        .iter()
        .find(|c| c.at >= t)
        .map_or(now, |c| c.from.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(minute: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 10, 5)
            .unwrap()
            .and_hms_opt(9, minute, 0)
            .unwrap()
    }

    fn event(action: &str, changes: Value, minute: u32) -> AuditEvent {
        AuditEvent {
            id: format!("e{minute}"),
            entity_type: "ticket".into(),
            entity_id: "t".into(),
            actor_id: None,
            action: action.into(),
            changes: changes.to_string(),
            occurred_at: at(minute),
        }
    }

    #[test]
    fn history_names_status_queue_assignee_and_vendor_steps() {
        let h = [
            event("created", json!({"status": "new", "queue": "desk"}), 0),
            event(
                "updated",
                json!({"status": {"from": "new", "to": "in_progress"},
                       "assignee": {"from": null, "to": "ann@x"}}),
                1,
            ),
            event(
                "updated",
                json!({"queue": {"from": "desk", "to": "net"}}),
                2,
            ),
            event("escalated_to_vendor", json!({"vendor_id": "v"}), 3),
            event("commented", json!({"public": true}), 4),
            event(
                "updated",
                json!({"status": {"from": "in_progress", "to": "resolved"}}),
                5,
            ),
        ];
        let f = read(&h);
        assert_eq!(
            f.status.iter().map(|c| c.to.as_str()).collect::<Vec<_>>(),
            ["in_progress", "resolved"]
        );
        assert_eq!(f.queue.len(), 1);
        assert_eq!(f.queue[0].from.as_deref(), Some("desk"));
        assert_eq!(f.assignee[0].to.as_deref(), Some("ann@x"));
        assert_eq!(f.vendor_escalations, vec![at(3)]);
        // Before the move the ticket was in `desk`, after it in `net`.
        assert_eq!(value_at(Some("net"), &f.queue, at(1)), Some("desk"));
        assert_eq!(value_at(Some("net"), &f.queue, at(2)), Some("desk"));
        assert_eq!(value_at(Some("net"), &f.queue, at(3)), Some("net"));
        assert_eq!(value_at(Some("ann@x"), &f.assignee, at(0)), None);
    }
}
