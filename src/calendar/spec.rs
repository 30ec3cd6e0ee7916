//! Calendars as people write them (configuration, API previews), checked
//! and compiled into a [`Calendar`].

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Calendar, DAYS, Range, YEARS};
use crate::error::FieldError;

/// A calendar as written in configuration or sent to the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// Required in configuration; optional in a preview.
    #[serde(default)]
    pub name: String,
    /// IANA zone, e.g. `Europe/Berlin`.
    pub time_zone: String,
    /// `mon` … `sun` → working ranges like `"08:00-12:00"`; a missing or
    /// empty day is a day off; `"00:00-24:00"` is the whole day.
    #[schema(value_type = Object)]
    pub hours: BTreeMap<String, Vec<String>>,
    /// Dates (`YYYY-MM-DD`) in the calendar's zone that are days off.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Days off every year (`MM-DD`).
    #[serde(default)]
    pub yearly_holidays: Vec<String>,
    /// iCalendar files whose all-day events are days off (config only).
    #[serde(default)]
    pub holiday_files: Vec<String>,
}

fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 3600 + m * 60)
}

fn parse_range(s: &str) -> Option<Range> {
    let (a, b) = s.split_once('-')?;
    let (start, end) = (parse_clock(a)?, parse_clock(b)?);
    (start < end).then_some(Range { start, end })
}

impl CalendarSpec {
    /// The `24x7` calendar that always exists.
    pub fn always() -> CalendarSpec {
        CalendarSpec {
            name: "24x7".into(),
            time_zone: "UTC".into(),
            hours: DAYS
                .iter()
                .map(|d| (d.to_string(), vec!["00:00-24:00".to_string()]))
                .collect(),
            holidays: Vec::new(),
            yearly_holidays: Vec::new(),
            holiday_files: Vec::new(),
        }
    }

    /// Checks and compiles the calendar; `extra_holidays` come from imported
    /// iCalendar files. Every problem is reported with its field path under
    /// `prefix` (e.g. `calendar.hours.mon[1]`).
    pub fn compile(
        &self,
        prefix: &str,
        extra: &[NaiveDate],
        extra_yearly: &[(u32, u32)],
    ) -> Result<Calendar, Vec<FieldError>> {
        let mut errors = Vec::new();
        let tz: Option<Tz> = self.time_zone.parse().ok();
        if tz.is_none() {
            errors.push(FieldError::new(
                format!("{prefix}time_zone"),
                format!(
                    "`{}` is not an IANA time zone such as Europe/Berlin",
                    self.time_zone
                ),
            ));
        }
        let week = self.week(prefix, &mut errors);
        let holidays = self.holidays(prefix, extra, &mut errors);
        let yearly = self.yearly(prefix, extra_yearly, &mut errors);
        match (errors.is_empty(), tz) {
            (true, Some(tz)) => Ok(Calendar {
                name: self.name.clone(),
                tz,
                week,
                holidays,
                yearly,
                years: (0..YEARS).map(|_| OnceLock::new()).collect(),
            }),
            _ => Err(errors),
        }
    }

    /// The working ranges of each weekday, Monday first.
    fn week(&self, prefix: &str, errors: &mut Vec<FieldError>) -> [Vec<Range>; 7] {
        let mut week: [Vec<Range>; 7] = Default::default();
        for (day, ranges) in &self.hours {
            let Some(index) = DAYS.iter().position(|d| d == &day.as_str()) else {
                errors.push(FieldError::new(
                    format!("{prefix}hours.{day}"),
                    "days are mon, tue, wed, thu, fri, sat, sun",
                ));
                continue;
            };
            let mut parsed = Vec::new();
            for (i, text) in ranges.iter().enumerate() {
                match parse_range(text) {
                    Some(r) => parsed.push(r),
                    None => errors.push(FieldError::new(
                        format!("{prefix}hours.{day}[{i}]"),
                        format!("`{text}` is not a range like 08:00-17:00 (24:00 ends the day)"),
                    )),
                }
            }
            parsed.sort_by_key(|r| r.start);
            if parsed.windows(2).any(|w| w[1].start < w[0].end) {
                errors.push(FieldError::new(
                    format!("{prefix}hours.{day}"),
                    "working ranges overlap",
                ));
            }
            week[index] = parsed;
        }
        if errors.is_empty() && week.iter().all(Vec::is_empty) {
            errors.push(FieldError::new(
                format!("{prefix}hours"),
                "the calendar has no working hours at all",
            ));
        }
        week
    }

    /// The dated holidays, with those from feeds.
    fn holidays(
        &self,
        prefix: &str,
        extra: &[NaiveDate],
        errors: &mut Vec<FieldError>,
    ) -> HashSet<NaiveDate> {
        let mut holidays: HashSet<NaiveDate> = extra.iter().copied().collect();
        for (i, text) in self.holidays.iter().enumerate() {
            match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
                Ok(d) => {
                    holidays.insert(d);
                }
                Err(_) => errors.push(FieldError::new(
                    format!("{prefix}holidays[{i}]"),
                    format!("`{text}` is not a date like 2026-12-24"),
                )),
            }
        }
        holidays
    }

    /// The yearly holidays (month, day), with those from feeds.
    fn yearly(
        &self,
        prefix: &str,
        extra: &[(u32, u32)],
        errors: &mut Vec<FieldError>,
    ) -> HashSet<(u32, u32)> {
        let mut yearly: HashSet<(u32, u32)> = extra.iter().copied().collect();
        for (i, text) in self.yearly_holidays.iter().enumerate() {
            let parsed = text
                .trim()
                .split_once('-')
                .and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)))
                .filter(|(m, d)| NaiveDate::from_ymd_opt(2024, *m, *d).is_some());
            match parsed {
                Some(md) => {
                    yearly.insert(md);
                }
                None => errors.push(FieldError::new(
                    format!("{prefix}yearly_holidays[{i}]"),
                    format!("`{text}` is not a day like 12-26"),
                )),
            }
        }
        yearly
    }
}
