//! Hand-checked SLA cases (every expected instant worked out on paper in the
//! calendar's local time, then written in UTC) and properties that must hold
//! for any calendar, zone and history.

use proptest::prelude::*;

use super::clock::{ClockState, Event, EventKind, evaluate};
use super::policy::{Policy, PolicySpec};
use crate::calendar::{Calendar, CalendarSpec, Micros};
use crate::tickets::domain::{HoldReason, Priority, Status};

pub(super) const H: i64 = 3_600_000_000;
pub(super) const M: i64 = 60_000_000;

pub(super) fn at(s: &str) -> Micros {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .timestamp_micros()
}

pub(super) fn iso(t: Micros) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn calendar(zone: &str, ranges: &[&str], holidays: &[&str], yearly: &[&str]) -> Calendar {
    CalendarSpec {
        name: "test".into(),
        time_zone: zone.into(),
        hours: ["mon", "tue", "wed", "thu", "fri"]
            .iter()
            .map(|d| {
                (
                    d.to_string(),
                    ranges.iter().map(|r| r.to_string()).collect(),
                )
            })
            .collect(),
        holidays: holidays.iter().map(|s| s.to_string()).collect(),
        yearly_holidays: yearly.iter().map(|s| s.to_string()).collect(),
        holiday_files: vec![],
    }
    .compile("", &[], &[])
    .unwrap()
}

/// Berlin office: 08–12 and 13–17 on weekdays; Christmas Eve and Day 2026,
/// New Year's Day and Boxing Day every year.
pub(super) fn office() -> Calendar {
    calendar(
        "Europe/Berlin",
        &["08:00-12:00", "13:00-17:00"],
        &["2026-12-24", "2026-12-25"],
        &["01-01", "12-26"],
    )
}

pub(super) fn policy() -> Policy {
    use figment::providers::Format;
    let spec: PolicySpec = figment::Figment::from(figment::providers::Toml::string(
        r#"
        name = "standard"
        calendar = "office"
        targets.P1 = { first_response = "30m", resolution = "4h" }
        targets.P2 = { first_response = "1h", next_response = "4h", resolution = "16h" }
        targets.P3 = { first_response = "4h", next_response = "8h", resolution = "40h" }
        "#,
    ))
    .extract()
    .unwrap();
    spec.compile("").unwrap()
}

pub(super) fn status(t: &str, status: Status, hold: Option<HoldReason>) -> Event {
    Event {
        at: at(t),
        kind: EventKind::Status {
            status,
            hold_reason: hold,
        },
    }
}

pub(super) fn ev(t: &str, kind: EventKind) -> Event {
    Event { at: at(t), kind }
}

#[test]
fn friday_afternoon_ticket_crosses_the_weekend_and_the_spring_dst_change() {
    // Created Friday 2026-03-27 16:30 CET. Clocks change Sunday 29th.
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P2,
        at("2026-03-27T15:30:00Z"),
        &[],
        at("2026-03-30T12:00:00Z"),
    );
    let first = r.first_response.unwrap();
    // 30 min on Friday, 30 min from Monday 08:00 CEST (06:00Z).
    assert_eq!(iso(first.due_at.unwrap()), "2026-03-30T06:30:00Z");
    assert_eq!(first.state, ClockState::Breached);
    assert_eq!(iso(first.breached_at.unwrap()), "2026-03-30T06:30:00Z");
    let res = r.resolution.unwrap();
    // 0.5 h Friday + 8 h Monday + 7.5 h Tuesday → Tuesday 16:30 CEST.
    assert_eq!(iso(res.due_at.unwrap()), "2026-03-31T14:30:00Z");
    // Now is Monday 14:00 CEST: 0.5 + 4 + 1 hours.
    assert_eq!(res.elapsed, 5 * H + 30 * M);
    assert_eq!(res.remaining, 10 * H + 30 * M);
    assert_eq!(res.state, ClockState::Running);
    // 75 % of 16 h = 12 h: 8.5 h by Monday evening, 3.5 h more → Tuesday 11:30 CEST.
    assert_eq!(iso(res.warnings[0].at.unwrap()), "2026-03-31T09:30:00Z");
    assert!(!res.warnings[0].reached);
    assert_eq!(r.next_response.unwrap().state, ClockState::Idle);
}

#[test]
fn ticket_opened_at_2359_before_a_holiday_starts_after_the_long_weekend() {
    // Wednesday 23 December 23:59 CET; 24th and 25th are holidays, then the weekend.
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P1,
        at("2026-12-23T22:59:00Z"),
        &[],
        at("2026-12-24T12:00:00Z"),
    );
    let first = r.first_response.unwrap();
    assert_eq!(iso(first.due_at.unwrap()), "2026-12-28T07:30:00Z");
    assert_eq!(first.elapsed, 0);
    let res = r.resolution.unwrap();
    // 4 h: Monday 28th 08:00–12:00 CET.
    assert_eq!(iso(res.due_at.unwrap()), "2026-12-28T11:00:00Z");
}

#[test]
fn ticket_opened_on_saturday_counts_from_monday_morning() {
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P1,
        at("2026-11-28T10:00:00Z"),
        &[],
        at("2026-11-29T10:00:00Z"),
    );
    assert_eq!(
        iso(r.first_response.unwrap().due_at.unwrap()),
        "2026-11-30T07:30:00Z"
    );
}

#[test]
fn priority_raise_retargets_from_creation_and_breaches_at_the_change() {
    // Created P3 Tuesday 09:00 CET; raised to P1 at 15:00 (5 business hours in).
    let events = [ev(
        "2026-11-24T14:00:00Z",
        EventKind::Priority {
            priority: Priority::P1,
        },
    )];
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P3,
        at("2026-11-24T08:00:00Z"),
        &events,
        at("2026-11-24T15:00:00Z"),
    );
    let res = r.resolution.unwrap();
    assert_eq!(res.priority, Priority::P1);
    // P1's 4 h from creation: Tuesday 14:00 CET.
    assert_eq!(iso(res.due_at.unwrap()), "2026-11-24T13:00:00Z");
    assert_eq!(res.state, ClockState::Breached);
    assert_eq!(
        iso(res.breached_at.unwrap()),
        "2026-11-24T14:00:00Z",
        "not before it became P1"
    );
    // Lowering the priority instead gives the longer target.
    let lower = [ev(
        "2026-11-24T14:00:00Z",
        EventKind::Priority {
            priority: Priority::P3,
        },
    )];
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P1,
        at("2026-11-24T08:00:00Z"),
        &lower,
        at("2026-11-24T15:00:00Z"),
    );
    let res = r.resolution.unwrap();
    assert_eq!(
        (res.priority, res.state),
        (Priority::P3, ClockState::Running)
    );
}

#[test]
fn next_response_runs_from_each_requester_message_to_the_next_reply() {
    let events = [
        ev("2026-11-24T08:30:00Z", EventKind::PublicReply),
        ev("2026-11-24T09:00:00Z", EventKind::RequesterMessage),
        ev("2026-11-24T09:30:00Z", EventKind::RequesterMessage),
        ev("2026-11-24T10:00:00Z", EventKind::PublicReply),
        ev("2026-11-24T12:00:00Z", EventKind::RequesterMessage),
    ];
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P2,
        at("2026-11-24T08:00:00Z"),
        &events,
        at("2026-11-24T13:00:00Z"),
    );
    let first = r.first_response.unwrap();
    assert_eq!(
        (first.state, iso(first.met_at.unwrap())),
        (ClockState::Met, "2026-11-24T08:30:00Z".into())
    );
    let next = r.next_response.unwrap();
    assert_eq!((next.cycles, next.breached_cycles), (2, 0));
    assert_eq!(next.state, ClockState::Running);
    // From 13:00 CET: 4 h → 17:00 CET.
    assert_eq!(iso(next.due_at.unwrap()), "2026-11-24T16:00:00Z");
    assert_eq!(next.elapsed, H);
}

#[test]
fn resolution_is_met_when_resolved_not_when_closed_later_and_cycles_are_kept() {
    let events = [
        ev("2026-11-24T08:30:00Z", EventKind::PublicReply),
        ev("2026-11-24T09:00:00Z", EventKind::RequesterMessage),
        ev("2026-11-24T10:00:00Z", EventKind::PublicReply),
        status("2026-11-24T11:00:00Z", Status::Resolved, None),
        status("2026-11-27T11:00:00Z", Status::Closed, None),
    ];
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P2,
        at("2026-11-24T08:00:00Z"),
        &events,
        at("2026-11-30T00:00:00Z"),
    );
    let res = r.resolution.unwrap();
    assert_eq!(
        (res.state, iso(res.met_at.unwrap()), res.elapsed),
        (ClockState::Met, "2026-11-24T11:00:00Z".into(), 3 * H)
    );
    // 09:00–10:00 UTC is one cycle, answered in an hour.
    assert_eq!(r.next_response_cycles.len(), 1);
    let cycle = &r.next_response_cycles[0];
    assert_eq!(
        (cycle.state, iso(cycle.met_at.unwrap()), cycle.elapsed),
        (ClockState::Met, "2026-11-24T10:00:00Z".into(), H)
    );
    assert_eq!(r.next_response.unwrap().cycles, 1);
}

#[test]
fn dst_autumn_day_has_twenty_five_hours_and_spring_day_twenty_three() {
    let all_day = CalendarSpec {
        name: "24x7 Berlin".into(),
        time_zone: "Europe/Berlin".into(),
        hours: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .map(|d| (d.to_string(), vec!["00:00-24:00".to_string()]))
            .collect(),
        holidays: vec![],
        yearly_holidays: vec![],
        holiday_files: vec![],
    }
    .compile("", &[], &[])
    .unwrap();
    assert_eq!(
        all_day.business_between(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z")),
        25 * H
    );
    assert_eq!(
        all_day.business_between(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z")),
        23 * H
    );
}

#[test]
fn ranges_inside_the_skipped_and_the_repeated_hour_are_read_as_rfc5545_says() {
    let sunday = |range: &str| {
        CalendarSpec {
            name: "x".into(),
            time_zone: "Europe/Berlin".into(),
            hours: [("sun".to_string(), vec![range.to_string()])]
                .into_iter()
                .collect(),
            holidays: vec![],
            yearly_holidays: vec![],
            holiday_files: vec![],
        }
        .compile("", &[], &[])
        .unwrap()
    };
    // 02:30 does not exist on 29 March: it means 03:30 CEST (01:30Z); until 04:00 CEST.
    let spring = sunday("02:30-04:00");
    assert_eq!(
        spring.business_between(at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z")),
        30 * M
    );
    // 02:30 happens twice on 25 October: from the first pass (00:30Z) to 03:30 CET (02:30Z).
    let autumn = sunday("02:30-03:30");
    assert_eq!(
        autumn.business_between(at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z")),
        2 * H
    );
}

#[test]
fn clocks_the_policy_does_not_define_are_absent() {
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P4,
        at("2026-11-24T08:00:00Z"),
        &[],
        at("2026-11-24T09:00:00Z"),
    );
    assert!(r.first_response.is_none() && r.resolution.is_none() && r.next_response.is_none());
}

const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
];

fn arb_calendar() -> impl Strategy<Value = Calendar> {
    (0..ZONES.len(), prop::bool::ANY).prop_map(|(z, split)| {
        let ranges: &[&str] = if split {
            &["08:00-12:00", "13:00-17:00"]
        } else {
            &["00:00-24:00"]
        };
        calendar(ZONES[z], ranges, &["2026-12-24", "2027-04-02"], &["01-01"])
    })
}

/// Instants from 2026 to 2028, crossing DST changes in both hemispheres.
fn arb_instant() -> impl Strategy<Value = Micros> {
    (at("2026-01-01T00:00:00Z") / 1_000_000..at("2028-01-01T00:00:00Z") / 1_000_000)
        .prop_map(|s| s * 1_000_000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn advance_is_the_inverse_of_business_between(cal in arb_calendar(), start in arb_instant(), minutes in 1i64..6000) {
        let amount = minutes * M;
        let due = cal.advance(start, amount).unwrap();
        prop_assert!(due > start);
        prop_assert_eq!(cal.business_between(start, due), amount);
        prop_assert!(cal.business_between(start, due - 1) < amount);
    }

    #[test]
    fn business_time_adds_up_over_any_split(cal in arb_calendar(), a in arb_instant(), d1 in 0i64..2_000_000, d2 in 0i64..2_000_000) {
        let b = a + d1 * 1_000_000;
        let c = b + d2 * 1_000_000;
        prop_assert_eq!(cal.business_between(a, c), cal.business_between(a, b) + cal.business_between(b, c));
        prop_assert!(cal.business_between(a, c) <= c - a);
    }

    #[test]
    fn pausing_never_adds_time_and_due_never_comes_earlier(
        cal in arb_calendar(), created in arb_instant(), pause_at in 0i64..400_000, pause_len in 0i64..400_000, look in 0i64..900_000
    ) {
        let p = policy();
        let hold = created + pause_at * 1_000_000;
        let resume = hold + pause_len * 1_000_000;
        let now = created + look * 1_000_000;
        let events = [
            Event { at: hold, kind: EventKind::Status { status: Status::OnHold, hold_reason: Some(HoldReason::AwaitingRequester) } },
            Event { at: resume, kind: EventKind::Status { status: Status::InProgress, hold_reason: None } },
        ];
        let paused = evaluate(&cal, &p, Priority::P2, created, &events, now).resolution.unwrap();
        let plain = evaluate(&cal, &p, Priority::P2, created, &[], now).resolution.unwrap();
        prop_assert!(paused.elapsed <= plain.elapsed);
        prop_assert_eq!(paused.elapsed + paused.remaining, plain.target);
        if let (Some(a), Some(b)) = (paused.due_at, plain.due_at) {
            prop_assert!(a >= b);
        }
        if paused.state == ClockState::Running {
            let due = paused.due_at.unwrap();
            prop_assert_eq!(plain.due_at.map(|d| d <= due), Some(true));
        }
    }
}
