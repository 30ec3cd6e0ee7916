//! A report month: a calendar month in the report's time zone, and the UTC
//! instants where it begins and ends. A ticket filed at 23:30 local time on
//! the last day belongs to that month whatever UTC says; the month's ends
//! are local midnights, so a month across a DST change is an hour shorter
//! or longer in UTC (pure).

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::jobs::schedule::local_instant;

/// A calendar month (`YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// `YYYY-MM`, months 01–12, years 2000–2999.
    pub fn parse(text: &str) -> Result<Month, String> {
        let wrong = || format!("`{text}` is not a month: write it as YYYY-MM, such as 2026-10");
        let (y, m) = text.trim().split_once('-').ok_or_else(wrong)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(wrong());
        }
        let year: i32 = y.parse().map_err(|_| wrong())?;
        let month: u32 = m.parse().map_err(|_| wrong())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{text}`: the month must be 01 to 12"));
        }
        if !(2000..=2999).contains(&year) {
            return Err(format!("`{text}`: the year must be 2000 to 2999"));
        }
        Ok(Month { year, month })
    }

    /// The month a local date falls in.
    pub fn of_date(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The month an instant (UTC) falls in, in `zone`.
    pub fn of_instant(at: NaiveDateTime, zone: Tz) -> Month {
        Month::of_date(zone.from_utc_datetime(&at).date_naive())
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a checked month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a day before")
    }

    pub fn next(self) -> Month {
        self.plus(1)
    }

    pub fn previous(self) -> Month {
        self.plus(-1)
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        Month {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    /// The instant (UTC) the month begins in `zone`: local midnight of its
    /// first day (the first local minute after midnight where a DST gap
    /// swallows it).
    pub fn start(self, zone: Tz) -> NaiveDateTime {
        local_instant(zone, self.first_day(), NaiveTime::MIN).naive_utc()
    }

    /// `[start, end)` in UTC: from this month's start to the next one's.
    pub fn bounds(self, zone: Tz) -> (NaiveDateTime, NaiveDateTime) {
        (self.start(zone), self.next().start(zone))
    }

    /// The months from `self` to `last`, oldest first (empty when `last`
    /// is earlier).
    pub fn through(self, last: Month) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = self;
        while m <= last {
            out.push(m);
            m = m.next();
        }
        out
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time")
    }

    #[test]
    fn parses_only_year_dash_month() {
        assert_eq!(
            Month::parse("2026-10").map(|m| m.to_string()),
            Ok("2026-10".into())
        );
        for bad in [
            "2026-1",
            "26-10",
            "2026-13",
            "2026-00",
            "2026/10",
            "",
            "1999-12",
            "2026-10-01",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn months_step_across_years() {
        let m = Month::parse("2026-01").expect("month");
        assert_eq!(m.previous().to_string(), "2025-12");
        assert_eq!(m.plus(-12).to_string(), "2025-01");
        assert_eq!(m.plus(23).to_string(), "2027-12");
        assert_eq!(
            m.last_day(),
            NaiveDate::from_ymd_opt(2026, 1, 31).expect("day")
        );
        assert_eq!(Month::parse("2028-02").expect("m").last_day().day(), 29);
        let span = m.plus(-11).through(m);
        assert_eq!(span.len(), 12);
        assert_eq!(span[0].to_string(), "2025-02");
    }

    #[test]
    fn a_month_is_bounded_by_local_midnights() {
        let berlin: Tz = "Europe/Berlin".parse().expect("zone");
        let oct = Month::parse("2026-10").expect("month");
        // CEST (+2) at the start, CET (+1) at the end: DST ends on 25 October.
        assert_eq!(
            oct.bounds(berlin),
            (at("2026-09-30 22:00"), at("2026-10-31 23:00"))
        );
        // 23:30 local on 31 October is 22:30 UTC: October, not November.
        assert_eq!(Month::of_instant(at("2026-10-31 22:30"), berlin), oct);
        // 00:30 local on 1 November is 23:30 UTC on 31 October: November.
        assert_eq!(
            Month::of_instant(at("2026-10-31 23:30"), berlin),
            oct.next()
        );
        // March: DST begins on the 29th, the month is an hour shorter.
        let (s, e) = Month::parse("2026-03").expect("month").bounds(berlin);
        assert_eq!((e - s).num_hours(), 31 * 24 - 1);
    }

    #[test]
    fn a_midnight_lost_to_dst_starts_the_month_at_the_first_local_minute() {
        let zone: Tz = "America/Asuncion".parse().expect("zone");
        // Paraguay began DST at 00:00 on 1 October 2023 (clocks to 01:00).
        let oct = Month::parse("2023-10").expect("month");
        assert_eq!(oct.start(zone), at("2023-10-01 04:00"));
        assert_eq!(Month::of_instant(oct.start(zone), zone), oct);
    }
}
