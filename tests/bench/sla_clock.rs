//! How many SLA due times the pure clock computes per second on one core.
//!
//!     cargo bench --bench sla_clock
//!
//! Calendar: Europe/Berlin, Monday–Friday 08:00–12:00 and 13:00–17:00, two
//! fixed holidays and two yearly ones. Each computation evaluates a
//! resolution clock (16 h target) for a ticket whose history holds two pauses
//! (on hold awaiting the requester, then back in progress, twice), with
//! creation times spread over a year so that weekends, holidays and both DST
//! changes are crossed. A second figure evaluates all three clocks of the
//! issue's example policy.

use std::hint::black_box;
use std::time::Instant;

use itdesk::calendar::{CalendarSpec, Micros};
use itdesk::sla::clock::{Event, EventKind, evaluate};
use itdesk::sla::policy::PolicySpec;
use itdesk::tickets::domain::{HoldReason, Priority, Status};

fn policy(toml: &str) -> itdesk::sla::policy::Policy {
    use figment::providers::Format;
    let spec: PolicySpec = figment::Figment::from(figment::providers::Toml::string(toml))
        .extract()
        .unwrap();
    spec.compile("").unwrap()
}

fn main() {
    let calendar = CalendarSpec {
        name: "office".into(),
        time_zone: "Europe/Berlin".into(),
        hours: ["mon", "tue", "wed", "thu", "fri"]
            .iter()
            .map(|d| {
                (
                    d.to_string(),
                    vec!["08:00-12:00".to_string(), "13:00-17:00".to_string()],
                )
            })
            .collect(),
        holidays: vec!["2026-12-24".into(), "2026-12-25".into()],
        yearly_holidays: vec!["01-01".into(), "12-26".into()],
        holiday_files: vec![],
    }
    .compile("", &[], &[])
    .unwrap();
    let resolution_only = policy(r#"targets.P2 = { resolution = "16h" }"#);
    let full = policy(
        r#"targets.P2 = { first_response = "1h", next_response = "4h", resolution = "16h" }"#,
    );

    let hour: Micros = 3_600_000_000;
    let base = chrono::DateTime::parse_from_rfc3339("2026-01-05T07:00:00Z")
        .unwrap()
        .timestamp_micros();
    // 997 creation times over a year, each with two pauses in its first days.
    let cases: Vec<(Micros, [Event; 4])> = (0..997)
        .map(|i| {
            let created = base + i * (8 * hour + 17 * 60_000_000);
            let pause = |h: i64, status, hold| Event {
                at: created + h * hour,
                kind: EventKind::Status {
                    status,
                    hold_reason: hold,
                },
            };
            (
                created,
                [
                    pause(2, Status::OnHold, Some(HoldReason::AwaitingRequester)),
                    pause(5, Status::InProgress, None),
                    pause(20, Status::OnHold, Some(HoldReason::Scheduled)),
                    pause(30, Status::InProgress, None),
                ],
            )
        })
        .collect();

    for (label, policy) in [
        ("resolution clock, two pauses", &resolution_only),
        ("all three clocks, two pauses", &full),
    ] {
        let rounds = 400;
        let started = Instant::now();
        let mut checksum = 0i64;
        for _ in 0..rounds {
            for (created, events) in &cases {
                let now = created + 60 * hour;
                let r = evaluate(&calendar, policy, Priority::P2, *created, events, now);
                checksum = checksum
                    .wrapping_add(r.resolution.as_ref().and_then(|c| c.due_at).unwrap_or(0));
            }
        }
        let elapsed = started.elapsed();
        let n = rounds * cases.len();
        black_box(checksum);
        println!(
            "{label:<32} {n:>8} evaluations in {:>7.1} ms = {:>10.0}/s ({:.0} ns each, one core)",
            elapsed.as_secs_f64() * 1e3,
            n as f64 / elapsed.as_secs_f64(),
            elapsed.as_nanos() as f64 / n as f64
        );
    }
}
