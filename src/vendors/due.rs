//! What falls due on a day, without I/O: the terms an auto-renewing
//! contract has rolled into, and the reminders its deadlines ask for.
//!
//! A reminder is owed at each offset (days) before a deadline. On a day
//! only the latest offset that is due is sent — the one nearest the
//! deadline — and the earlier ones that were never sent are named in it
//! as missed: after downtime a contract gets one reminder per deadline,
//! not one per missed day or offset.

use chrono::{Duration, NaiveDate};

use super::terms::{self, Standing};
use crate::text_enum;

text_enum! {
    /// Which date of a contract a reminder is about.
    pub enum Deadline {
        /// The last day notice can be given before it renews.
        Notice = "notice",
        /// The last day it is in force (its end, or a termination's
        /// effective day).
        End = "end",
    }
}

/// The dates of a contract that reminders are about: the notice deadline
/// of an auto-renewing contract nobody has terminated, and its last day.
/// A draft has none.
pub fn deadlines(s: &Standing) -> Vec<(Deadline, NaiveDate)> {
    if s.draft {
        return Vec::new();
    }
    let mut out = Vec::new();
    if s.terminates_on.is_none()
        && s.auto_renew
        && let (Some(end), Some(n)) = (s.ends_on, s.notice)
    {
        out.push((Deadline::Notice, terms::notice_deadline(end, n)));
    }
    if let Some(last) = s.terminates_on.or(s.ends_on) {
        out.push((Deadline::End, last));
    }
    out
}

/// One reminder to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub deadline: Deadline,
    pub on: NaiveDate,
    /// Days before `on` this reminder stands for.
    pub offset: u32,
    /// Earlier offsets (larger) that were due but never sent, largest
    /// first.
    pub missed: Vec<u32>,
}

/// The reminder owed on `today` for a deadline `on`, given which offsets
/// were already sent for it: the smallest offset whose day has come, if
/// it was not sent yet. Nothing after the deadline has passed.
pub fn due(
    deadline: Deadline,
    on: NaiveDate,
    today: NaiveDate,
    offsets: &[u32],
    sent: impl Fn(u32) -> bool,
) -> Option<Due> {
    if today > on {
        return None;
    }
    let left = (on - today).num_days();
    let mut reached: Vec<u32> = offsets
        .iter()
        .copied()
        .filter(|o| *o as i64 >= left)
        .collect();
    reached.sort_unstable();
    reached.dedup();
    let (&offset, earlier) = reached.split_first()?;
    if sent(offset) {
        return None;
    }
    let mut missed: Vec<u32> = earlier.iter().copied().filter(|o| !sent(*o)).collect();
    missed.reverse();
    Some(Due {
        deadline,
        on,
        offset,
        missed,
    })
}

/// The terms an auto-renewing contract ending on `ends_on` has rolled
/// into by `today`: each `months` long from the day after the previous
/// end, until one has not ended yet. `(starts_on, ends_on)` each.
pub fn renewals(ends_on: NaiveDate, months: u32, today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    if months == 0 {
        return out;
    }
    let mut end = ends_on;
    while end < today {
        let next = terms::add_months(end, months as i64);
        out.push((end + Duration::days(1), next));
        end = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::terms::Notice;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const OFFSETS: [u32; 4] = [90, 60, 30, 7];

    #[test]
    fn one_reminder_per_offset_and_only_the_latest_after_downtime() {
        let on = d("2027-03-31");
        let none_sent = |_| false;
        assert_eq!(
            due(Deadline::Notice, on, d("2026-12-30"), &OFFSETS, none_sent),
            None,
            "91 days before: nothing yet"
        );
        let first = due(Deadline::Notice, on, d("2026-12-31"), &OFFSETS, none_sent).unwrap();
        assert_eq!((first.offset, first.missed.clone()), (90, vec![]));
        assert_eq!(
            due(Deadline::Notice, on, d("2027-01-01"), &OFFSETS, |o| o == 90),
            None,
            "the 90-day reminder went yesterday"
        );
        // Down from 2026-12-20 to 2027-03-26: one reminder, at 7 days,
        // naming the three it missed.
        let late = due(Deadline::Notice, on, d("2027-03-26"), &OFFSETS, none_sent).unwrap();
        assert_eq!((late.offset, late.missed), (7, vec![90, 60, 30]));
        // Only the unsent ones are missed.
        let late = due(Deadline::Notice, on, d("2027-03-26"), &OFFSETS, |o| o >= 60).unwrap();
        assert_eq!((late.offset, late.missed), (7, vec![30]));
        assert!(
            due(Deadline::Notice, on, d("2027-03-31"), &OFFSETS, |o| o == 7).is_none(),
            "the deadline itself: the 7-day one was sent"
        );
        assert!(due(Deadline::Notice, on, d("2027-04-01"), &OFFSETS, none_sent).is_none());
        let zero = due(Deadline::End, on, on, &[0, 30], none_sent).unwrap();
        assert_eq!((zero.offset, zero.missed), (0, vec![30]));
    }

    #[test]
    fn deadlines_follow_renewal_and_termination() {
        let s = Standing {
            draft: false,
            starts_on: Some(d("2026-07-01")),
            ends_on: Some(d("2027-06-30")),
            auto_renew: true,
            notice: Some(Notice::Months(3)),
            terminates_on: None,
            renewed_on: None,
        };
        assert_eq!(
            deadlines(&s),
            vec![
                (Deadline::Notice, d("2027-03-31")),
                (Deadline::End, d("2027-06-30"))
            ]
        );
        let ended = Standing {
            terminates_on: Some(d("2027-01-31")),
            ..s.clone()
        };
        assert_eq!(deadlines(&ended), vec![(Deadline::End, d("2027-01-31"))]);
        let fixed = Standing {
            auto_renew: false,
            ..s.clone()
        };
        assert_eq!(deadlines(&fixed), vec![(Deadline::End, d("2027-06-30"))]);
        assert!(deadlines(&Standing { draft: true, ..s }).is_empty());
    }

    #[test]
    fn renewals_roll_term_by_term_until_one_is_running() {
        assert!(renewals(d("2027-06-30"), 12, d("2027-06-30")).is_empty());
        assert_eq!(
            renewals(d("2027-06-30"), 12, d("2027-07-01")),
            vec![(d("2027-07-01"), d("2028-06-30"))]
        );
        assert_eq!(
            renewals(d("2027-02-28"), 12, d("2029-03-01")),
            vec![
                (d("2027-03-01"), d("2028-02-29")),
                (d("2028-03-01"), d("2029-02-28")),
                (d("2029-03-01"), d("2030-02-28")),
            ],
            "a month-end stays a month-end across a leap year"
        );
        assert!(renewals(d("2027-06-30"), 0, d("2030-01-01")).is_empty());
    }
}
