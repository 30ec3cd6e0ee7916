//! When periodic work is due, as a pure function of the clock: every N
//! minutes, daily at a local time, monthly on a day, or monthly on the first
//! business day of a calendar. [`Schedule::latest`] names the latest
//! occurrence at or before an instant; the runner enqueues an occurrence
//! once (a compare-and-set on its stored last occurrence), so every
//! occurrence runs once across processes and, after downtime, only the
//! latest missed one runs.
//!
//! Local times follow the zone's clocks: a day 29–31 in a shorter month
//! means its last day; a time inside a spring-forward gap runs at the first
//! instant after the gap; a time repeated in the autumn runs once, at its
//! first pass.

use std::sync::Arc;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

use crate::calendar::Calendar;

/// Finds the business calendar in force when a schedule needs it (it may
/// change while the process runs).
pub type CalendarSource = Arc<dyn Fn() -> Option<Arc<Calendar>> + Send + Sync>;

/// When a periodic job runs.
#[derive(Clone)]
pub enum Schedule {
    /// At every multiple of this period since the Unix epoch.
    Every(Duration),
    /// Each day at a local time.
    DailyAt { at: NaiveTime, zone: Tz },
    /// Each month on a day (29–31: the last day of shorter months).
    MonthlyOn { day: u32, at: NaiveTime, zone: Tz },
    /// Each month on its first business day of a calendar, at a local time
    /// of `zone` (none: the calendar's zone). The month and its days are
    /// those of that zone; the calendar says which days are worked.
    MonthlyFirstBusinessDay {
        at: NaiveTime,
        calendar: CalendarSource,
        zone: Option<Tz>,
    },
}

impl std::fmt::Debug for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Schedule::Every(d) => write!(f, "every {}s", d.num_seconds()),
            Schedule::DailyAt { at, zone } => write!(f, "daily at {at} {zone}"),
            Schedule::MonthlyOn { day, at, zone } => write!(f, "monthly on {day} at {at} {zone}"),
            Schedule::MonthlyFirstBusinessDay { at, zone, .. } => {
                write!(f, "monthly on the first business day at {at}")?;
                zone.map_or(Ok(()), |z| write!(f, " {z}"))
            }
        }
    }
}

impl Schedule {
    /// The latest occurrence at or before `now`; `None` when there is none
    /// (a calendar that cannot be found, or has no business day in months).
    pub fn latest(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Every(every) => {
                let secs = every.num_seconds().max(1);
                let t = now.timestamp().div_euclid(secs) * secs;
                DateTime::from_timestamp(t, 0)
            }
            Schedule::DailyAt { at, zone } => {
                let today = now.with_timezone(zone).date_naive();
                (0..3)
                    .filter_map(|back| today.checked_sub_signed(Duration::days(back)))
                    .map(|d| local_instant(*zone, d, *at))
                    .find(|t| *t <= now)
            }
            Schedule::MonthlyOn { day, at, zone } => {
                let local = now.with_timezone(zone).date_naive();
                (0..3)
                    .filter_map(|back| month_before(local, back))
                    .map(|(y, m)| local_instant(*zone, day_in_month(y, m, *day), *at))
                    .find(|t| *t <= now)
            }
            Schedule::MonthlyFirstBusinessDay { at, calendar, zone } => {
                let cal = calendar()?;
                let zone = zone.unwrap_or_else(|| cal.time_zone());
                let local = now.with_timezone(&zone).date_naive();
                (0..13)
                    .filter_map(|back| month_before(local, back))
                    .filter_map(|(y, m)| first_business_day(&cal, y, m))
                    .map(|d| local_instant(zone, d, *at))
                    .find(|t| *t <= now)
            }
        }
    }
}

/// `back` months before the month of `date`.
fn month_before(date: NaiveDate, back: u32) -> Option<(i32, u32)> {
    let index = date.year() * 12 + date.month0() as i32 - back as i32;
    Some((index.div_euclid(12), index.rem_euclid(12) as u32 + 1))
}

/// Day `day` of a month, or its last day when the month is shorter.
pub fn day_in_month(year: i32, month: u32, day: u32) -> NaiveDate {
    let day = day.clamp(1, 31);
    (0..4)
        .find_map(|less| NaiveDate::from_ymd_opt(year, month, day - less.min(day - 1)))
        .unwrap_or_default()
}

/// The first day of a month the calendar works.
pub fn first_business_day(cal: &Calendar, year: i32, month: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    first
        .iter_days()
        .take_while(|d| d.month() == month)
        .find(|d| cal.is_business_day(*d))
}

/// The instant a local date and time name in a zone: the first pass of a
/// repeated time, and for a time the clocks skip, the first instant after
/// the gap.
pub fn local_instant(zone: Tz, date: NaiveDate, at: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(at);
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps begin and end on a whole minute: the first local minute
            // that exists after the skipped time is where the gap ends.
            let mut probe = naive;
            for _ in 0..(24 * 60) {
                probe += Duration::minutes(1);
                let minute = probe
                    .date()
                    .and_hms_opt(probe.hour(), probe.minute(), 0)
                    .unwrap_or(probe);
                if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) =
                    zone.from_local_datetime(&minute)
                {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&naive)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarSpec;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    #[test]
    fn every_n_minutes_starts_on_multiples_of_the_period() {
        let s = Schedule::Every(Duration::minutes(10));
        assert_eq!(
            s.latest(utc("2027-01-05T10:27:13Z")),
            Some(utc("2027-01-05T10:20:00Z"))
        );
        assert_eq!(
            s.latest(utc("2027-01-05T10:30:00Z")),
            Some(utc("2027-01-05T10:30:00Z"))
        );
    }

    #[test]
    fn daily_at_a_local_time_is_today_once_passed_else_yesterday() {
        let s = Schedule::DailyAt {
            at: time(7, 0),
            zone: BERLIN,
        };
        // 07:00 in Berlin in winter is 06:00 UTC.
        assert_eq!(
            s.latest(utc("2027-01-05T06:30:00Z")),
            Some(utc("2027-01-05T06:00:00Z"))
        );
        assert_eq!(
            s.latest(utc("2027-01-05T05:59:59Z")),
            Some(utc("2027-01-04T06:00:00Z"))
        );
        // In summer it is 05:00 UTC.
        assert_eq!(
            s.latest(utc("2027-07-05T05:00:00Z")),
            Some(utc("2027-07-05T05:00:00Z"))
        );
    }

    #[test]
    fn a_time_in_the_spring_gap_runs_at_the_first_instant_after_it() {
        // 2027-03-28: Berlin's clocks jump from 02:00 to 03:00 (01:00 UTC).
        let s = Schedule::DailyAt {
            at: time(2, 30),
            zone: BERLIN,
        };
        assert_eq!(
            s.latest(utc("2027-03-28T01:00:00Z")),
            Some(utc("2027-03-28T01:00:00Z"))
        );
        assert_eq!(
            s.latest(utc("2027-03-28T00:59:00Z")),
            Some(utc("2027-03-27T01:30:00Z")),
            "the day before, 02:30 CET is 01:30 UTC"
        );
    }

    #[test]
    fn a_repeated_autumn_time_runs_once_at_its_first_pass() {
        // 2027-10-31: Berlin's 02:00–03:00 happens twice (00:00 and 01:00 UTC).
        let s = Schedule::DailyAt {
            at: time(2, 30),
            zone: BERLIN,
        };
        let first = utc("2027-10-31T00:30:00Z");
        assert_eq!(s.latest(first), Some(first));
        assert_eq!(
            s.latest(utc("2027-10-31T01:30:00Z")),
            Some(first),
            "the second 02:30 is the same occurrence"
        );
    }

    #[test]
    fn monthly_days_past_a_months_end_mean_its_last_day() {
        assert_eq!(
            day_in_month(2027, 2, 31),
            NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()
        );
        assert_eq!(
            day_in_month(2028, 2, 30),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
        assert_eq!(
            day_in_month(2027, 4, 31),
            NaiveDate::from_ymd_opt(2027, 4, 30).unwrap()
        );
        assert_eq!(
            day_in_month(2027, 1, 31),
            NaiveDate::from_ymd_opt(2027, 1, 31).unwrap()
        );
        let s = Schedule::MonthlyOn {
            day: 31,
            at: time(9, 0),
            zone: BERLIN,
        };
        assert_eq!(
            s.latest(utc("2027-03-15T12:00:00Z")),
            Some(utc("2027-02-28T08:00:00Z"))
        );
        assert_eq!(
            s.latest(utc("2027-01-31T08:00:00Z")),
            Some(utc("2027-01-31T08:00:00Z"))
        );
    }

    fn office() -> Arc<Calendar> {
        let spec: CalendarSpec = serde_json::from_value(serde_json::json!({
            "name": "office",
            "time_zone": "Europe/Berlin",
            "hours": {"mon": ["08:00-17:00"], "tue": ["08:00-17:00"], "wed": ["08:00-17:00"],
                      "thu": ["08:00-17:00"], "fri": ["08:00-17:00"]},
            "holidays": ["2027-03-01"],
            "yearly_holidays": ["01-01"]
        }))
        .unwrap();
        Arc::new(spec.compile("calendar", &[], &[]).unwrap())
    }

    #[test]
    fn the_first_business_day_skips_weekends_and_holidays() {
        let cal = office();
        // 2027-01-01 is a holiday (Friday): the first business day is Monday the 4th.
        assert_eq!(
            first_business_day(&cal, 2027, 1),
            NaiveDate::from_ymd_opt(2027, 1, 4)
        );
        // 2027-03-01 (Monday) is a holiday: Tuesday the 2nd.
        assert_eq!(
            first_business_day(&cal, 2027, 3),
            NaiveDate::from_ymd_opt(2027, 3, 2)
        );
        let source: CalendarSource = {
            let cal = cal.clone();
            Arc::new(move || Some(cal.clone()))
        };
        let s = Schedule::MonthlyFirstBusinessDay {
            at: time(6, 0),
            calendar: source.clone(),
            zone: None,
        };
        assert_eq!(
            s.latest(utc("2027-01-03T12:00:00Z")),
            Some(utc("2026-12-01T05:00:00Z")),
            "before January's first business day, December's"
        );
        assert_eq!(
            s.latest(utc("2027-01-04T05:00:00Z")),
            Some(utc("2027-01-04T05:00:00Z"))
        );
        // The same business day at 06:00 in New York: a month that begins
        // there five hours after Berlin.
        let west = Schedule::MonthlyFirstBusinessDay {
            at: time(6, 0),
            calendar: source,
            zone: Some(chrono_tz::America::New_York),
        };
        assert_eq!(
            west.latest(utc("2027-01-04T10:59:00Z")),
            Some(utc("2026-12-01T11:00:00Z"))
        );
        assert_eq!(
            west.latest(utc("2027-01-04T11:00:00Z")),
            Some(utc("2027-01-04T11:00:00Z"))
        );
        let missing = Schedule::MonthlyFirstBusinessDay {
            at: time(6, 0),
            calendar: Arc::new(|| None),
            zone: None,
        };
        assert_eq!(missing.latest(utc("2027-01-04T05:00:00Z")), None);
    }
}
