//! Hand-checked ticket figures.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;

use super::*;
use crate::metrics::month::Month;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .expect("a time")
}

fn berlin() -> Tz {
    "Europe/Berlin".parse().expect("zone")
}

fn frame(month: &str) -> Frame {
    let m = Month::parse(month).expect("month");
    Frame {
        bounds: m.bounds(berlin()),
        last_day: m.last_day(),
        zone: berlin(),
        reopen_window: Duration::days(14),
    }
}

fn ticket(id: &str, created: &str) -> TicketFacts {
    TicketFacts {
        id: id.into(),
        ticket_type: "incident".into(),
        priority: "P3".into(),
        channel: "web".into(),
        queue: Some("network".into()),
        category: None,
        created_at: at(created),
        status: "new".into(),
        ..TicketFacts::default()
    }
}

/// Moves `t` through statuses: (time, to).
fn moves(mut t: TicketFacts, steps: &[(&str, &str)]) -> TicketFacts {
    for (when, to) in steps {
        let from = std::mem::replace(&mut t.status, (*to).to_owned());
        t.changes.push(StatusChange {
            at: at(when),
            from,
            to: (*to).to_owned(),
        });
    }
    t
}

#[test]
fn a_month_without_tickets_has_every_figure_zero_or_null() {
    let fig = compute(&frame("2026-10"), &[]);
    assert_eq!(fig, TicketFigures::default());
    assert_eq!(fig.reopen_rate, None);
    assert_eq!(fig.first_response.median_business_seconds, None);
    let json = serde_json::to_value(&fig).expect("json");
    assert_eq!(
        json["aging_end"],
        serde_json::json!({"0-2d": 0, "3-7d": 0, "8-30d": 0, ">30d": 0})
    );
    assert_eq!(json["fcr_rate"], serde_json::Value::Null);
}

#[test]
fn a_ticket_belongs_to_the_local_month_across_the_dst_change() {
    // 23:30 in Berlin on 31 October (CET, after the change on the 25th) is
    // 22:30 UTC; 00:30 on 1 November is 23:30 UTC on 31 October.
    let last_evening = ticket("a", "2026-10-31 22:30");
    let first_night = ticket("b", "2026-10-31 23:30");
    let tickets = [last_evening, first_night];
    let oct = compute(&frame("2026-10"), &tickets);
    let nov = compute(&frame("2026-11"), &tickets);
    assert_eq!(oct.created.total, 1);
    assert_eq!(nov.created.total, 1);
    // The October ticket is still new at October's end: backlog, age 0.
    assert_eq!(oct.backlog_end, 1);
    assert_eq!(oct.aging_end.up_to_2, 1);
    assert_eq!(nov.backlog_start, 1);
    assert_eq!(nov.backlog_end, 2);
}

#[test]
fn resolved_reopened_and_resolved_again_in_one_month_counts_once_and_as_reopened() {
    let t = moves(
        ticket("a", "2026-10-05 08:00"),
        &[
            ("2026-10-05 09:00", "in_progress"),
            ("2026-10-06 10:00", "resolved"),
            ("2026-10-08 10:00", "in_progress"),
            ("2026-10-09 10:00", "resolved"),
        ],
    );
    let fig = compute(&frame("2026-10"), &[t]);
    assert_eq!(fig.resolved, 1);
    assert_eq!(fig.reopen_rate, Some(1.0));
    assert_eq!(fig.fcr_rate, Some(0.0));
    assert_eq!(fig.backlog_end, 0);
}

#[test]
fn a_reopen_in_the_next_month_counts_against_the_resolution_within_the_window() {
    let t = moves(
        ticket("a", "2026-10-20 08:00"),
        &[
            ("2026-10-30 10:00", "resolved"),
            ("2026-11-03 10:00", "in_progress"),
        ],
    );
    let oct = compute(&frame("2026-10"), std::slice::from_ref(&t));
    assert_eq!((oct.resolved, oct.reopen_rate), (1, Some(1.0)));
    // Resolved tickets are not backlog; reopened in November it is again.
    assert_eq!(oct.backlog_end, 0);
    let nov = compute(&frame("2026-11"), &[t]);
    assert_eq!((nov.resolved, nov.reopen_rate), (0, None));
    assert_eq!((nov.backlog_start, nov.backlog_end), (0, 1));
    // A reopen after the window does not count.
    let late = moves(
        ticket("b", "2026-10-01 08:00"),
        &[
            ("2026-10-02 10:00", "resolved"),
            ("2026-10-17 10:00", "in_progress"),
        ],
    );
    assert_eq!(compute(&frame("2026-10"), &[late]).reopen_rate, Some(0.0));
    // The window's edge: 14 days to the second counts, one second more not.
    let edge = |reopen: &str| {
        let t = moves(
            ticket("c", "2026-10-01 08:00"),
            &[("2026-10-02 10:00", "resolved"), (reopen, "in_progress")],
        );
        compute(&frame("2026-10"), &[t]).reopen_rate
    };
    assert_eq!(edge("2026-10-16 10:00:00"), Some(1.0));
    assert_eq!(edge("2026-10-16 10:00:01"), Some(0.0));
}

#[test]
fn first_contact_needs_one_reply_no_move_no_vendor_and_no_reopen() {
    let resolved = |id: &str| {
        let mut t = moves(
            ticket(id, "2026-10-05 08:00"),
            &[("2026-10-05 12:00", "resolved")],
        );
        t.public_replies.push(at("2026-10-05 09:00"));
        t
    };
    let one_reply = resolved("a");
    let mut two_replies = resolved("b");
    two_replies.public_replies.push(at("2026-10-05 11:00"));
    let mut moved = resolved("c");
    moved.queue_moves.push(at("2026-10-05 10:00"));
    let mut vendor = resolved("d");
    vendor.vendor_escalations.push(at("2026-10-05 10:00"));
    // A reply after the resolution does not undo first contact.
    let mut later_reply = resolved("e");
    later_reply.public_replies.push(at("2026-10-06 09:00"));
    let fig = compute(
        &frame("2026-10"),
        &[one_reply, two_replies, moved, vendor, later_reply],
    );
    assert_eq!(fig.resolved, 5);
    assert_eq!(fig.fcr_rate, Some(2.0 / 5.0));
}

#[test]
fn backlog_is_open_work_at_the_instant_and_ages_in_calendar_days() {
    let month = frame("2026-10");
    let old = ticket("a", "2026-08-01 08:00"); // still new: > 30 days
    let hold = moves(
        ticket("b", "2026-10-20 08:00"),
        &[("2026-10-21 08:00", "on_hold")],
    ); // 11 days
    let cancelled = moves(
        ticket("c", "2026-09-20 08:00"),
        &[("2026-10-02 08:00", "cancelled")],
    );
    let recent = ticket("d", "2026-10-26 08:00"); // 5 days
    let fig = compute(&month, &[old, hold, cancelled, recent]);
    assert_eq!(fig.backlog_start, 2); // a and c
    assert_eq!(fig.backlog_end, 3); // a, b, d
    assert_eq!(fig.cancelled, 1);
    assert_eq!(
        (
            fig.aging_end.up_to_2,
            fig.aging_end.up_to_7,
            fig.aging_end.up_to_30,
            fig.aging_end.older
        ),
        (0, 1, 1, 1)
    );
}

#[test]
fn durations_use_the_nearest_rank() {
    let d = Durations::of((1..=10).rev().collect());
    assert_eq!(
        (d.count, d.median_business_seconds, d.p90_business_seconds),
        (10, Some(5), Some(9))
    );
    let one = Durations::of(vec![42]);
    assert_eq!(
        (one.median_business_seconds, one.p90_business_seconds),
        (Some(42), Some(42))
    );
}

#[test]
fn created_counts_by_every_dimension() {
    let mut a = ticket("a", "2026-10-02 08:00");
    a.category = Some("printers".into());
    let mut b = ticket("b", "2026-10-03 08:00");
    b.queue = None;
    b.channel = "email".into();
    let fig = compute(&frame("2026-10"), &[a, b]);
    assert_eq!(fig.created.total, 2);
    assert_eq!(fig.created.by_queue.get("network"), Some(&1));
    assert_eq!(fig.created.by_queue.get(NONE), Some(&1));
    assert_eq!(fig.created.by_category.get("printers"), Some(&1));
    assert_eq!(fig.created.by_channel.get("email"), Some(&1));
    assert_eq!(fig.created.by_type.get("incident"), Some(&2));
}
