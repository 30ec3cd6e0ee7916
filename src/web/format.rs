//! How values read on a page: dates, sizes, statuses, history lines.

use chrono::NaiveDateTime;
use serde_json::Value;

use crate::audit::AuditEvent;
use crate::tickets::domain::{HoldReason, Status, TicketType};

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

/// An asset's lifecycle state in words.
pub fn asset_status_label(s: crate::assets::domain::Status) -> &'static str {
    use crate::assets::domain::Status as A;
    match s {
        A::Ordered => "Ordered",
        A::InStock => "In stock",
        A::Deployed => "In use",
        A::InRepair => "In repair",
        A::Retired => "Retired",
        A::Disposed => "Disposed",
        A::Missing => "Missing",
        A::Stolen => "Stolen",
    }
}

/// A stored asset status code in words (the code itself when unknown).
/// An asset substate in words.
pub fn substate_words(s: crate::assets::domain::Substate) -> &'static str {
    use crate::assets::domain::Substate::*;
    match s {
        Available => "available",
        Reserved => "reserved",
        PendingRepair => "waiting for repair",
        PendingDisposal => "waiting for disposal",
        Discovered => "found by an inventory agent",
    }
}

/// An asset fact's name in words (for "details changed: …").
pub fn asset_field_words(key: &str) -> String {
    match key {
        "asset_tag" => "tag".into(),
        "model_id" => "model".into(),
        "location_id" => "location".into(),
        "assignee_id" => "person".into(),
        "cost_minor" | "currency" => "cost".into(),
        "purchase_date" => "purchase date".into(),
        "warranty_end" => "warranty end".into(),
        "po_number" => "PO number".into(),
        "hostname" => "host name".into(),
        "custom_fields" => "custom fields".into(),
        "needs_review" => "review".into(),
        other => other.replace('_', " "),
    }
}

pub fn asset_status_words(code: &str) -> String {
    code.parse::<crate::assets::domain::Status>()
        .map(|s| asset_status_label(s).to_owned())
        .unwrap_or_else(|_| code.replace('_', " "))
}

pub fn hold_label(h: HoldReason) -> &'static str {
    match h {
        HoldReason::AwaitingRequester => "Waiting for the requester",
        HoldReason::AwaitingVendor => "Waiting for a vendor",
        HoldReason::AwaitingChange => "Waiting for a change",
        HoldReason::AwaitingParts => "Waiting for parts",
        HoldReason::Scheduled => "Scheduled for later",
    }
}

/// "high" → "High": impact, urgency and channels read as words.
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f
            .to_uppercase()
            .chain(c)
            .collect::<String>()
            .replace('_', " "),
        None => String::new(),
    }
}

/// A value, or a dash where there is none.
pub fn or_dash(x: Option<String>) -> String {
    x.unwrap_or_else(|| "—".into())
}

/// `n thing` / `n things`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A stored code in a history entry, as a word when it is one we know.
fn word(field: &str, v: &Value) -> String {
    let Some(code) = v.as_str() else {
        return show(v);
    };
    let known = match field {
        "status" => code.parse::<Status>().ok().map(status_label),
        "hold_reason" => code.parse::<HoldReason>().ok().map(hold_label),
        "type" | "ticket_type" => code.parse::<TicketType>().ok().map(type_label),
        _ => None,
    };
    match known {
        Some(label) => label.to_owned(),
        None if matches!(field, "impact" | "urgency") => capitalized(code),
        None => code.to_owned(),
    }
}

/// An SLA clock's name as people say it.
fn clock_words(clock: &str) -> String {
    clock.replace('_', " ")
}

/// What an SLA threshold event says: which clock, which threshold.
fn sla_event(changes: &Value, breached: bool) -> String {
    let clock = clock_words(text(changes, "clock"));
    let policy = changes
        .get("policy")
        .and_then(Value::as_str)
        .map(|p| format!(" (policy {p})"))
        .unwrap_or_default();
    if breached {
        return format!("SLA breached: the {clock} target was missed{policy}");
    }
    let used = text(changes, "threshold")
        .strip_prefix("warning:")
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "most".into());
    format!("SLA warning: {used} of the {clock} target used{policy}")
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
                        "{} from {} to {}",
                        field.replace('_', " "),
                        word(field, from),
                        word(field, to)
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
        "sla_warning" => sla_event(&changes, false),
        "sla_breached" => sla_event(&changes, true),
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
            "changed hold reason from — to Waiting for a vendor, status from New to On hold"
        );
        assert_eq!(
            describe(&event("commented", serde_json::json!({"public": false}))),
            "added an internal note"
        );
        assert_eq!(size(2048), "2.0 KB");
        let warned = event(
            "sla_warning",
            serde_json::json!({"policy": "standard", "clock": "first_response", "threshold": "warning:80"}),
        );
        assert_eq!(
            describe(&warned),
            "SLA warning: 80% of the first response target used (policy standard)"
        );
        let missed = event(
            "sla_breached",
            serde_json::json!({"clock": "resolution", "threshold": "breach"}),
        );
        assert_eq!(
            describe(&missed),
            "SLA breached: the resolution target was missed"
        );
        assert_eq!(plural(1, "message", "messages"), "1 message");
        assert_eq!(plural(2, "change", "changes"), "2 changes");
    }
}
