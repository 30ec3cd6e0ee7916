//! How an SLA reads on a page: one bar per clock, green while on track,
//! amber from the first warning, red when breached, grey while paused or met.

use super::format::when;
use crate::sla::clock::{ClockReport, ClockState, SlaReport};
use crate::sla::policy::ClockKind;

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

fn naive(t: i64) -> chrono::NaiveDateTime {
    chrono::DateTime::from_timestamp_micros(t)
        .unwrap_or_default()
        .naive_utc()
}

fn bar(c: &ClockReport) -> SlaBar {
    let label = match c.kind {
        ClockKind::FirstResponse => "First response",
        ClockKind::NextResponse => "Next response",
        ClockKind::Resolution => "Resolution",
    };
    let percent = if c.target > 0 {
        (c.elapsed * 100 / c.target).clamp(0, 100)
    } else {
        0
    };
    let warned = c.warnings.iter().any(|w| w.reached);
    let remaining = c.remaining / 1_000_000;
    let (tone, detail) = match c.state {
        ClockState::Breached => (
            "bad",
            match c.breached_at {
                Some(t) => format!("breached at {} ({} over)", when(naive(t)), span(remaining)),
                None => "breached".into(),
            },
        ),
        ClockState::Met => (
            "met",
            format!(
                "met at {}",
                c.met_at.map(|t| when(naive(t))).unwrap_or_default()
            ),
        ),
        ClockState::Paused => (
            "paused",
            format!("paused — {} of business time left", span(remaining)),
        ),
        ClockState::Idle => ("met", "nothing waiting for a reply".into()),
        ClockState::Running => (
            if warned { "warn" } else { "ok" },
            match c.due_at {
                Some(t) => format!(
                    "due {} — {} of business time left",
                    when(naive(t)),
                    span(remaining)
                ),
                None => format!("{} of business time left", span(remaining)),
            },
        ),
    };
    SlaBar {
        label,
        percent,
        tone,
        state: c.state.as_str(),
        detail,
    }
}

/// The bars of a report, in clock order.
pub fn bars(report: &SlaReport) -> Vec<SlaBar> {
    report.clocks().map(bar).collect()
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
