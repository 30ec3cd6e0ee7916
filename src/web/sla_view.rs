//! How an SLA reads on a page: one bar per clock, green while on track,
//! amber from the first warning, red when breached, grey while paused or met.

use super::format::when;
use crate::tickets::service_level::{ClockDto, SlaDto};

/// One clock as a bar.
pub struct SlaBar {
    pub label: &'static str,
    /// 0–100, the share of the target used.
    pub percent: i64,
    /// `ok`, `warn`, `bad`, `paused`, `met`.
    pub tone: &'static str,
    pub state: &'static str,
    pub detail: String,
}

/// "2h 05m", "3d 4h", "45m", "30s".
pub fn span(seconds: i64) -> String {
    let s = seconds.abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m:02}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

fn bar(label: &'static str, c: &ClockDto) -> SlaBar {
    let percent = if c.target_seconds > 0 {
        (c.elapsed_seconds * 100 / c.target_seconds).clamp(0, 100)
    } else {
        0
    };
    let warned = c.warnings.iter().any(|w| w.reached);
    let remaining = c.remaining_seconds;
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| when(t.naive_utc()));
    let (tone, detail) = match c.state {
        "breached" => (
            "bad",
            match at(c.breached_at) {
                Some(t) => format!("breached at {t} ({} over)", span(remaining)),
                None => "breached".into(),
            },
        ),
        "met" => (
            "met",
            format!("met at {}", at(c.met_at).unwrap_or_default()),
        ),
        "paused" => (
            "paused",
            format!("paused — {} of business time left", span(remaining)),
        ),
        "idle" => ("met", "nothing waiting for a reply".into()),
        _ => (
            if warned { "warn" } else { "ok" },
            match at(c.due_at) {
                Some(t) => format!("due {t} — {} of business time left", span(remaining)),
                None => format!("{} of business time left", span(remaining)),
            },
        ),
    };
    SlaBar {
        label,
        percent,
        tone,
        state: c.state,
        detail,
    }
}

/// The bars of a ticket's service level, in clock order.
pub fn bars(sla: &SlaDto) -> Vec<SlaBar> {
    [
        ("First response", &sla.first_response),
        ("Next response", &sla.next_response),
        ("Resolution", &sla.resolution),
    ]
    .into_iter()
    .filter_map(|(label, c)| c.as_ref().map(|c| bar(label, c)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::span;

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(30), "30s");
        assert_eq!(span(45 * 60), "45m");
        assert_eq!(span(2 * 3600 + 5 * 60), "2h 05m");
        assert_eq!(span(3 * 86_400 + 4 * 3600), "3d 4h");
        assert_eq!(span(-3600), "1h 00m");
    }
}
