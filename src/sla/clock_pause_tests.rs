//! Hand-checked SLA cases about pauses: a pause for the requester moves
//! the deadline by the business time paused (none for a zero-length one,
//! exactly its business hours over two nights), hold reasons outside
//! `pause_on` keep the clock running, and a reopened ticket resumes from
//! the time already used.

use super::clock::{ClockState, EventKind, evaluate};
use super::clock_tests::{H, M, at, ev, iso, office, policy, status};
use crate::tickets::domain::{HoldReason, Priority, Status};

#[test]
fn a_pause_for_the_requester_moves_the_deadline_by_the_business_time_paused() {
    let events = [
        status(
            "2026-03-30T07:00:00Z",
            Status::OnHold,
            Some(HoldReason::AwaitingRequester),
        ),
        status("2026-03-30T09:00:00Z", Status::InProgress, None),
    ];
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P2,
        at("2026-03-27T15:30:00Z"),
        &events,
        at("2026-03-30T12:00:00Z"),
    );
    let res = r.resolution.unwrap();
    // 0.5 h Friday, Monday 08–09 and 11–12 and 13–14 CEST.
    assert_eq!(res.elapsed, 3 * H + 30 * M);
    // 16 h − 0.5 − 6 (Monday) − 8 (Tuesday) = 1.5 h into Wednesday: 09:30 CEST.
    assert_eq!(iso(res.due_at.unwrap()), "2026-04-01T07:30:00Z");
    let paused: Vec<_> = res.intervals.iter().filter(|i| !i.counted).collect();
    assert_eq!(paused.len(), 1);
    assert_eq!(paused[0].reason, Some("awaiting_requester"));
    assert_eq!(
        (iso(paused[0].from), iso(paused[0].to.unwrap())),
        ("2026-03-30T07:00:00Z".into(), "2026-03-30T09:00:00Z".into())
    );
    // While paused the clock has no deadline.
    let during = evaluate(
        &office(),
        &policy(),
        Priority::P2,
        at("2026-03-27T15:30:00Z"),
        &events[..1],
        at("2026-03-30T08:00:00Z"),
    );
    let res = during.resolution.unwrap();
    assert_eq!(res.state, ClockState::Paused);
    assert_eq!(res.due_at, None);
    assert_eq!(res.elapsed, 30 * M + H);
}

#[test]
fn hold_reasons_outside_pause_on_keep_the_clock_running() {
    let events = [status(
        "2026-11-24T08:00:00Z",
        Status::OnHold,
        Some(HoldReason::AwaitingVendor),
    )];
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P1,
        at("2026-11-24T08:00:00Z"),
        &events,
        at("2026-11-24T10:00:00Z"),
    );
    let res = r.resolution.unwrap();
    assert_eq!(res.state, ClockState::Running);
    assert_eq!(res.elapsed, 2 * H);
}

#[test]
fn zero_length_pause_changes_nothing() {
    let events = [
        status(
            "2026-11-24T09:00:00Z",
            Status::OnHold,
            Some(HoldReason::AwaitingRequester),
        ),
        status("2026-11-24T09:00:00Z", Status::InProgress, None),
    ];
    let with = evaluate(
        &office(),
        &policy(),
        Priority::P2,
        at("2026-11-24T08:00:00Z"),
        &events,
        at("2026-11-25T12:00:00Z"),
    );
    let without = evaluate(
        &office(),
        &policy(),
        Priority::P2,
        at("2026-11-24T08:00:00Z"),
        &[],
        at("2026-11-25T12:00:00Z"),
    );
    let (a, b) = (with.resolution.unwrap(), without.resolution.unwrap());
    assert_eq!((a.elapsed, a.due_at), (b.elapsed, b.due_at));
}

#[test]
fn a_pause_over_two_nights_removes_exactly_its_business_hours() {
    // On hold Monday 16:00 CET until Wednesday 10:00 CET: 1 + 8 + 2 = 11 business hours.
    let events = [
        status(
            "2026-11-23T15:00:00Z",
            Status::OnHold,
            Some(HoldReason::Scheduled),
        ),
        status("2026-11-25T09:00:00Z", Status::InProgress, None),
    ];
    let r = evaluate(
        &office(),
        &policy(),
        Priority::P3,
        at("2026-11-23T07:00:00Z"),
        &events,
        at("2026-11-25T16:00:00Z"),
    );
    let res = r.resolution.unwrap();
    // Monday 08–12, 13–16 (7 h) + Wednesday 10–12, 13–17 (6 h).
    assert_eq!(res.elapsed, 13 * H);
    let paused = res.intervals.iter().find(|i| !i.counted).unwrap();
    assert_eq!(paused.reason, Some("scheduled"));
}

#[test]
fn reopened_ticket_resumes_from_the_time_already_used() {
    // P1, 4 h: created Tuesday 09:00 CET, resolved 11:00 (2 h), reopened Thursday 14:00.
    let events = [
        ev("2026-11-24T08:30:00Z", EventKind::PublicReply),
        status("2026-11-24T10:00:00Z", Status::Resolved, None),
        status("2026-11-26T13:00:00Z", Status::InProgress, None),
    ];
    let at_resolution = evaluate(
        &office(),
        &policy(),
        Priority::P1,
        at("2026-11-24T08:00:00Z"),
        &events[..2],
        at("2026-11-25T10:00:00Z"),
    );
    let res = at_resolution.resolution.unwrap();
    assert_eq!((res.state, res.elapsed), (ClockState::Met, 2 * H));
    assert_eq!(iso(res.met_at.unwrap()), "2026-11-24T10:00:00Z");
    let reopened = evaluate(
        &office(),
        &policy(),
        Priority::P1,
        at("2026-11-24T08:00:00Z"),
        &events,
        at("2026-11-26T14:00:00Z"),
    );
    let res = reopened.resolution.unwrap();
    assert_eq!(res.state, ClockState::Running);
    assert_eq!(
        res.elapsed,
        3 * H,
        "2 h before, 1 h since reopening at 14:00 CET"
    );
    // 1 h left: Thursday 16:00 CET.
    assert_eq!(iso(res.due_at.unwrap()), "2026-11-26T15:00:00Z");
    assert!(res.intervals.iter().any(|i| i.reason == Some("resolved")));
}
