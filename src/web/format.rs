//! How values read on a page: dates, sizes, statuses, history lines.

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::audit::AuditEvent;
use crate::tickets::domain::{Status, TicketType};

/// `2026-11-25 14:03 UTC`
pub fn when(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// RFC 3339 for `<time datetime>`.
pub fn iso(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::New => "New",
        Status::Triaged => "Triaged",
        Status::InProgress => "In progress",
        Status::OnHold => "On hold",
        Status::Resolved => "Resolved",
        Status::Closed => "Closed",
        Status::Cancelled => "Cancelled",
    }
}

pub fn type_label(t: TicketType) -> &'static str {
    match t {
        TicketType::Incident => "Incident",
        TicketType::ServiceRequest => "Service request",
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One line saying what a history event did.
pub fn describe(e: &AuditEvent) -> String {
    let changes: Value = serde_json::from_str(&e.changes).unwrap_or(Value::Null);
    match e.action.as_str() {
        "created" => "filed the ticket".into(),
        "commented" => match (
            changes.get("public").and_then(Value::as_bool),
            changes.get("unverified").and_then(Value::as_bool),
        ) {
            (Some(false), _) => "added an internal note".into(),
            (_, Some(true)) => "replied by mail, unverified (no reply key)".into(),
            _ => "replied".into(),
        },
        "comment_confirmed" => "confirmed that a mailed reply came from its sender".into(),
        "attachment_added" => format!(
            "attached {}",
            changes
                .get("filename")
                .and_then(Value::as_str)
                .unwrap_or("a file")
        ),
        "updated" => {
            let Some(map) = changes.as_object() else {
                return "changed the ticket".into();
            };
            let parts: Vec<String> = map
                .iter()
                .filter_map(|(field, change)| {
                    let from = change.get("from")?;
                    let to = change.get("to")?;
                    Some(format!(
                        "{} {} → {}",
                        field.replace('_', " "),
                        show(from),
                        show(to)
                    ))
                })
                .collect();
            let reason = map
                .get("reason")
                .and_then(Value::as_str)
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            format!("changed {}{reason}", parts.join(", "))
        }
        "mail_autoreply" => format!(
            "received an automatic reply from {} (not answered)",
            text(&changes, "from")
        ),
        "mail_bounced" => format!(
            "mail to {} bounced",
            changes
                .get("recipients")
                .and_then(Value::as_array)
                .map(|r| r
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", "))
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "the requester".into())
        ),
        "mail_attachment_dropped" => format!(
            "dropped the mailed attachment {} ({})",
            text(&changes, "filename"),
            text(&changes, "reason")
        ),
        other => other.replace('_', " "),
    }
}

fn text<'a>(changes: &'a Value, key: &str) -> &'a str {
    changes.get(key).and_then(Value::as_str).unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str, changes: Value) -> AuditEvent {
        AuditEvent {
            id: "e".into(),
            entity_type: "ticket".into(),
            entity_id: "t".into(),
            actor_id: None,
            action: action.into(),
            changes: changes.to_string(),
            occurred_at: NaiveDateTime::default(),
        }
    }

    #[test]
    fn history_lines_read_like_sentences() {
        let e = event(
            "updated",
            serde_json::json!({"status": {"from": "new", "to": "on_hold"}, "hold_reason": {"from": null, "to": "awaiting_vendor"}}),
        );
        assert_eq!(
            describe(&e),
            "changed hold reason — → awaiting_vendor, status new → on_hold"
        );
        assert_eq!(
            describe(&event("commented", serde_json::json!({"public": false}))),
            "added an internal note"
        );
        assert_eq!(size(2048), "2.0 KB");
    }
}
