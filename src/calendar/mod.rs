//! Business calendars: weekly working hours in an IANA time zone, minus
//! holidays. Everything here is pure: instants are UTC microseconds
//! ([`Micros`]), and the only knowledge of the world is the tz database.
//!
//! Local wall-clock ranges become UTC per day, so daylight-saving changes
//! are exact: on the autumn day a `00:00-24:00` range lasts 25 hours, a
//! range that begins in the skipped spring hour begins when the clocks jump
//! (RFC 5545's reading of a non-existent local time), and a range boundary in
//! the repeated autumn hour starts at its first and ends at its second pass.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use chrono::{
    Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
};
use chrono_tz::Tz;

pub mod duration;
pub mod ical;
mod spec;

pub use duration::BusinessDuration;
pub use spec::CalendarSpec;

/// An instant: microseconds since the Unix epoch, UTC.
pub type Micros = i64;

const DAY_SECONDS: u32 = 86_400;
/// How far ahead a due time is searched before giving up (ten years).
const MAX_DAYS: i64 = 3_660;

/// One working range of a weekday, in seconds from local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    start: u32,
    end: u32,
}

/// A compiled calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub name: String,
    tz: Tz,
    /// Monday first.
    week: [Vec<Range>; 7],
    holidays: HashSet<NaiveDate>,
    yearly: HashSet<(u32, u32)>,
    /// Per local year, built on first use: where each day starts in UTC and
    /// whether it is a working day. Turns the hot loops into array lookups.
    years: Arc<[OnceLock<YearTable>]>,
}

/// One local year of a calendar.
#[derive(Debug, Clone)]
struct YearTable {
    /// UTC start of each day (by ordinal), then the start of the next year.
    day_start: Vec<Micros>,
    working: Vec<bool>,
}

const FIRST_YEAR: i32 = 1970;
const YEARS: usize = 231;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Micros of a UTC naive date-time.
fn micros(t: NaiveDateTime) -> Micros {
    t.and_utc().timestamp_micros()
}

impl Calendar {
    /// The calendar's zone.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// Whether a local date has working hours (a weekday with hours that is
    /// not a holiday).
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !self.is_holiday(date)
            && !self.week[date.weekday().num_days_from_monday() as usize].is_empty()
    }

    /// Whether a local date is a day off by holiday (not by weekday).
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date) || self.yearly.contains(&(date.month(), date.day()))
    }

    /// The table of a local year, if within the tabulated years.
    fn year(&self, year: i32) -> Option<&YearTable> {
        let index = usize::try_from(year - FIRST_YEAR)
            .ok()
            .filter(|i| *i < YEARS)?;
        Some(self.years[index].get_or_init(|| self.build_year(year)))
    }

    fn build_year(&self, year: i32) -> YearTable {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
        let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
        let days = (next - first).num_days() as usize;
        let mut day_start = Vec::with_capacity(days + 1);
        let mut working = Vec::with_capacity(days);
        for d in 0..days {
            let date = first + Duration::days(d as i64);
            day_start.push(self.local_to_utc(date, 0, false));
            working.push(
                !self.is_holiday(date)
                    && !self.week[date.weekday().num_days_from_monday() as usize].is_empty(),
            );
        }
        day_start.push(self.local_to_utc(next, 0, false));
        YearTable { day_start, working }
    }

    /// Where a local day starts and ends in UTC, and whether it has working hours.
    fn day(&self, date: NaiveDate) -> (Micros, Micros, bool) {
        match self.year(date.year()) {
            Some(t) => {
                let d = date.ordinal0() as usize;
                (t.day_start[d], t.day_start[d + 1], t.working[d])
            }
            None => (
                self.local_to_utc(date, 0, false),
                self.local_to_utc(date, DAY_SECONDS, false),
                !self.is_holiday(date)
                    && !self.week[date.weekday().num_days_from_monday() as usize].is_empty(),
            ),
        }
    }

    /// The local date of an instant.
    fn local_date(&self, t: Micros) -> NaiveDate {
        let utc = chrono::DateTime::from_timestamp_micros(t)
            .unwrap_or_default()
            .date_naive();
        // The local date is the UTC date or one of its neighbours.
        for candidate in [utc, utc - Duration::days(1), utc + Duration::days(1)] {
            let (start, end, _) = self.day(candidate);
            if start <= t && t < end {
                return candidate;
            }
        }
        chrono::DateTime::from_timestamp_micros(t)
            .unwrap_or_default()
            .with_timezone(&self.tz)
            .date_naive()
    }

    /// A local wall-clock time on a date as a UTC instant. `late` picks the
    /// second pass through a repeated (autumn) hour; a skipped (spring) time
    /// is read with the offset in force before the jump.
    fn local_to_utc(&self, date: NaiveDate, secs: u32, late: bool) -> Micros {
        let naive = if secs >= DAY_SECONDS {
            (date + Duration::days(1)).and_time(NaiveTime::MIN)
        } else {
            date.and_time(
                NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or(NaiveTime::MIN),
            )
        };
        match self.tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => t.timestamp_micros(),
            LocalResult::Ambiguous(early, later) => {
                if late { later } else { early }.timestamp_micros()
            }
            LocalResult::None => {
                let before = self
                    .tz
                    .from_local_datetime(&(naive - Duration::hours(6)))
                    .earliest()
                    .map(|t| t.offset().fix().local_minus_utc())
                    .unwrap_or(0);
                micros(naive - Duration::seconds(i64::from(before)))
            }
        }
    }

    /// The working intervals of one local date, in UTC, in order.
    fn day_intervals(&self, date: NaiveDate, out: &mut Vec<(Micros, Micros)>) {
        out.clear();
        let (start_of_day, end_of_day, working) = self.day(date);
        if !working {
            return;
        }
        let ranges = &self.week[date.weekday().num_days_from_monday() as usize];
        // Fast path: one UTC offset for the whole day.
        if end_of_day - start_of_day == i64::from(DAY_SECONDS) * 1_000_000 {
            for r in ranges {
                out.push((
                    start_of_day + i64::from(r.start) * 1_000_000,
                    start_of_day + i64::from(r.end) * 1_000_000,
                ));
            }
        } else {
            for r in ranges {
                let a = self.local_to_utc(date, r.start, false);
                let b = self.local_to_utc(date, r.end, true);
                if b > a {
                    out.push((a, b));
                }
            }
        }
    }

    /// Business microseconds in `[from, to)`.
    pub fn business_between(&self, from: Micros, to: Micros) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut buf = Vec::with_capacity(4);
        let mut date = self.local_date(from) - Duration::days(1);
        let last = self.local_date(to) + Duration::days(1);
        while date <= last {
            self.day_intervals(date, &mut buf);
            for &(a, b) in &buf {
                let (s, e) = (a.max(from), b.min(to));
                if e > s {
                    total += e - s;
                }
            }
            date += Duration::days(1);
        }
        total
    }

    /// For each of `amounts` (ascending), the instant at which that much
    /// business time has passed since `from`, in one walk.
    pub fn advance_many(&self, from: Micros, amounts: &[i64], out: &mut Vec<Option<Micros>>) {
        out.clear();
        let mut buf = Vec::with_capacity(4);
        let mut used = 0;
        let mut next = 0;
        let mut date = self.local_date(from) - Duration::days(1);
        for _ in 0..MAX_DAYS {
            if next == amounts.len() {
                return;
            }
            self.day_intervals(date, &mut buf);
            for &(a, b) in &buf {
                let s = a.max(from);
                if b <= s {
                    continue;
                }
                while next < amounts.len() && amounts[next] - used <= b - s {
                    out.push(Some(s + (amounts[next] - used)));
                    next += 1;
                }
                used += b - s;
            }
            date += Duration::days(1);
        }
        out.resize(amounts.len(), None);
    }

    /// The instant at which `amount` business microseconds have passed since
    /// `from`; `None` if the calendar has no working time for ten years.
    pub fn advance(&self, from: Micros, amount: i64) -> Option<Micros> {
        let mut left = amount;
        let mut buf = Vec::with_capacity(4);
        let mut date = self.local_date(from) - Duration::days(1);
        for _ in 0..MAX_DAYS {
            self.day_intervals(date, &mut buf);
            for &(a, b) in &buf {
                let s = a.max(from);
                if b <= s {
                    continue;
                }
                if left <= b - s {
                    return Some(s + left);
                }
                left -= b - s;
            }
            date += Duration::days(1);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn office() -> Calendar {
        let spec = CalendarSpec {
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
        };
        spec.compile("", &[], &[]).unwrap()
    }

    fn at(s: &str) -> Micros {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_micros()
    }

    const H: i64 = 3_600_000_000;

    #[test]
    fn a_working_day_has_eight_hours_around_lunch() {
        let c = office();
        // Tuesday 2026-11-24, CET = UTC+1.
        assert_eq!(
            c.business_between(at("2026-11-24T00:00:00Z"), at("2026-11-25T00:00:00Z")),
            8 * H
        );
        // 11:30–13:30 CET: half an hour before lunch, half an hour after.
        assert_eq!(
            c.business_between(at("2026-11-24T10:30:00Z"), at("2026-11-24T12:30:00Z")),
            H
        );
    }

    #[test]
    fn advancing_skips_lunch_nights_weekends_and_holidays() {
        let c = office();
        // Friday 2026-12-18 16:00 local (15:00Z) + 4h: 1h Friday, Monday 08:00-11:00.
        assert_eq!(
            c.advance(at("2026-12-18T15:00:00Z"), 4 * H),
            Some(at("2026-12-21T10:00:00Z"))
        );
        // Wednesday 2026-12-23 16:30 local + 1h: 30 min, then 24th-27th off, Monday 28th 08:30.
        assert_eq!(
            c.advance(at("2026-12-23T15:30:00Z"), H),
            Some(at("2026-12-28T07:30:00Z"))
        );
        // Opened Saturday night: the clock starts Monday 08:00.
        assert_eq!(
            c.advance(at("2026-11-28T22:00:00Z"), 30 * 60_000_000),
            Some(at("2026-11-30T07:30:00Z"))
        );
    }

    #[test]
    fn invalid_calendars_name_every_bad_field() {
        let spec = CalendarSpec {
            name: String::new(),
            time_zone: "Mars/Olympus".into(),
            hours: [
                (
                    "mon".to_string(),
                    vec!["9-17".to_string(), "08:00-24:00".to_string()],
                ),
                ("funday".to_string(), vec![]),
            ]
            .into_iter()
            .collect(),
            holidays: vec!["2026-13-01".into()],
            yearly_holidays: vec!["02-30".into()],
            holiday_files: vec![],
        };
        let errors = spec.compile("calendar.", &[], &[]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "calendar.time_zone",
                "calendar.hours.funday",
                "calendar.hours.mon[0]",
                "calendar.holidays[0]",
                "calendar.yearly_holidays[0]"
            ]
        );
    }

    #[test]
    fn the_always_calendar_counts_every_second() {
        let c = CalendarSpec::always().compile("", &[], &[]).unwrap();
        assert_eq!(
            c.business_between(at("2026-03-29T00:00:00Z"), at("2026-03-30T00:00:00Z")),
            24 * H
        );
        assert_eq!(
            c.advance(at("2026-12-31T23:00:00Z"), 2 * H),
            Some(at("2027-01-01T01:00:00Z"))
        );
    }
}
