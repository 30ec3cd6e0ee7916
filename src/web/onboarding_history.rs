//! A run's history on its page, in words.

use crate::onboarding::dto::{RunEvent, RunView};

/// (when, what) of each event, oldest first.
pub(super) fn lines(run: &RunView, events: &[RunEvent]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| (super::format::when(e.at.naive_utc()), line(run, e)))
        .collect()
}

fn line(run: &RunView, e: &RunEvent) -> String {
    let by = e
        .actor
        .as_deref()
        .map(|a| format!(" by {a}"))
        .unwrap_or_default();
    let c = &e.changes;
    let step = || {
        let position = c["position"].as_i64().unwrap_or_default();
        let says = run
            .steps
            .iter()
            .find(|s| i64::from(s.position) == position)
            .map(|s| s.says.clone())
            .unwrap_or_else(|| c["kind"].as_str().unwrap_or("a step").replace('_', " "));
        format!("step {position} ({says})")
    };
    let error = || c["error"].as_str().unwrap_or("no reason given").to_owned();
    match e.action.as_str() {
        "planned" => format!("Planned{by}"),
        "approved" => format!("Approved{by}"),
        "started" => "Started".to_owned(),
        "step_done" => format!("Did {}", step()),
        "step_waiting" => format!(
            "Waits to try {} again (attempt {}): {}",
            step(),
            c["attempt"].as_i64().unwrap_or(1),
            error()
        ),
        "step_failed" => format!("Stopped at {}: {}", step(), error()),
        "done" => "Done".to_owned(),
        "retried" => format!("Retried{by}"),
        "reverted" => format!("Reverted{by}"),
        "password_revealed" => format!("The initial password was shown{by}"),
        other => format!("{}{by}", other.replace('_', " ")),
    }
}
