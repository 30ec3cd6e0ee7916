//! Holidays from iCalendar (RFC 5545) files, as public-holiday feeds
//! publish them: all-day `VEVENT`s (`DTSTART;VALUE=DATE`), optionally several
//! days long (`DTEND` is exclusive), optionally repeating yearly
//! (`RRULE:FREQ=YEARLY`, with `COUNT` or `UNTIL` expanded into dates).
//! Timed events are not days off and are skipped.

use chrono::{Datelike, Duration, NaiveDate};

/// Days off read from a feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holidays {
    pub dates: Vec<NaiveDate>,
    /// (month, day) every year.
    pub yearly: Vec<(u32, u32)>,
    /// Events that were not used, with why (for the operator's log).
    pub skipped: Vec<String>,
}

/// A feed that cannot be read, with the line at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct IcalError {
    pub line: usize,
    pub message: String,
}

/// Unfolds continuation lines (RFC 5545 §3.1), keeping each logical line's
/// first physical line number.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix([' ', '\t'])
            && let Some(last) = out.last_mut()
        {
            last.1.push_str(rest);
            continue;
        }
        out.push((i + 1, line.to_owned()));
    }
    out
}

fn date(value: &str, line: usize) -> Result<NaiveDate, IcalError> {
    let v = value.trim();
    NaiveDate::parse_from_str(&v[..v.len().min(8)], "%Y%m%d").map_err(|_| IcalError {
        line,
        message: format!("`{v}` is not a date like 20261224"),
    })
}

#[derive(Default)]
struct Event {
    line: usize,
    summary: String,
    start: Option<NaiveDate>,
    all_day: bool,
    end: Option<NaiveDate>,
    rrule: Option<String>,
}

/// Reads the holidays of a feed.
pub fn parse(text: &str) -> Result<Holidays, IcalError> {
    let lines = unfold(text);
    if !lines.iter().any(|(_, l)| l.trim() == "BEGIN:VCALENDAR") {
        return Err(IcalError {
            line: 1,
            message: "not an iCalendar file (no BEGIN:VCALENDAR)".into(),
        });
    }
    let mut out = Holidays::default();
    let mut event: Option<Event> = None;
    for (n, line) in &lines {
        let (name_params, value) = line.split_once(':').unwrap_or((line.as_str(), ""));
        let mut parts = name_params.split(';');
        let name = parts.next().unwrap_or("").to_ascii_uppercase();
        let params: Vec<String> = parts.map(|p| p.to_ascii_uppercase()).collect();
        match (name.as_str(), event.as_mut()) {
            ("BEGIN", None) if value == "VEVENT" => {
                event = Some(Event {
                    line: *n,
                    ..Event::default()
                })
            }
            ("END", Some(_)) if value == "VEVENT" => {
                let e = event.take().expect("matched Some");
                add(&mut out, e)?;
            }
            ("SUMMARY", Some(e)) => e.summary = value.to_owned(),
            ("DTSTART", Some(e)) => {
                e.all_day = params.iter().any(|p| p == "VALUE=DATE") || value.trim().len() == 8;
                e.start = Some(date(value, *n)?);
            }
            ("DTEND", Some(e)) => e.end = Some(date(value, *n)?),
            ("RRULE", Some(e)) => e.rrule = Some(value.to_ascii_uppercase()),
            _ => {}
        }
    }
    if let Some(e) = event {
        return Err(IcalError {
            line: e.line,
            message: "VEVENT is never closed with END:VEVENT".into(),
        });
    }
    out.dates.sort();
    out.dates.dedup();
    out.yearly.sort();
    out.yearly.dedup();
    Ok(out)
}

fn add(out: &mut Holidays, e: Event) -> Result<(), IcalError> {
    let Some(start) = e.start else {
        return Err(IcalError {
            line: e.line,
            message: "VEVENT without DTSTART".into(),
        });
    };
    if !e.all_day {
        out.skipped
            .push(format!("{} ({start}): not an all-day event", e.summary));
        return Ok(());
    }
    let days = e
        .end
        .map(|end| (end - start).num_days().max(1))
        .unwrap_or(1);
    let Some(rule) = e.rrule else {
        out.dates
            .extend((0..days).map(|d| start + Duration::days(d)));
        return Ok(());
    };
    let fields: Vec<(&str, &str)> = rule
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let get = |k: &str| fields.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    if get("FREQ") != Some("YEARLY") || get("INTERVAL").is_some_and(|i| i != "1") {
        out.skipped.push(format!(
            "{} ({start}): only yearly repetition is read ({rule})",
            e.summary
        ));
        return Ok(());
    }
    if get("BYDAY").is_some() || get("BYWEEKNO").is_some() || get("BYYEARDAY").is_some() {
        out.skipped.push(format!(
            "{} ({start}): moving dates are not expanded ({rule})",
            e.summary
        ));
        return Ok(());
    }
    let count = get("COUNT").and_then(|c| c.parse::<i32>().ok());
    let until = match get("UNTIL") {
        Some(u) => Some(date(u, e.line)?),
        None => None,
    };
    if count.is_none() && until.is_none() {
        for d in 0..days {
            let day = start + Duration::days(d);
            out.yearly.push((day.month(), day.day()));
        }
        return Ok(());
    }
    let mut year = start.year();
    let mut n = 0;
    loop {
        if count.is_some_and(|c| n >= c) || year > start.year() + 200 {
            break;
        }
        if let Some(first) = NaiveDate::from_ymd_opt(year, start.month(), start.day()) {
            if until.is_some_and(|u| first > u) {
                break;
            }
            out.dates
                .extend((0..days).map(|d| first + Duration::days(d)));
            n += 1;
        }
        year += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Christmas Eve\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261225\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:New Year's Day\r\nDTSTART;VALUE=DATE:20200101\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:3\r\nSUMMARY:Company days off, spanning\r\n  two lines\r\nDTSTART;VALUE=DATE:20261228\r\nDTEND;VALUE=DATE:20261231\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:4\r\nSUMMARY:Founders' day\r\nDTSTART;VALUE=DATE:20250704\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:5\r\nSUMMARY:All-hands\r\nDTSTART:20261110T090000Z\r\nDTEND:20261110T100000Z\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:6\r\nSUMMARY:Thanksgiving\r\nDTSTART;VALUE=DATE:20261126\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn all_day_events_single_multi_day_and_yearly_are_read() {
        let h = parse(FEED).unwrap();
        assert_eq!(
            h.dates,
            vec![
                d("2025-07-04"),
                d("2026-07-04"),
                d("2026-12-24"),
                d("2026-12-28"),
                d("2026-12-29"),
                d("2026-12-30"),
                d("2027-07-04")
            ]
        );
        assert_eq!(h.yearly, vec![(1, 1)]);
        assert_eq!(h.skipped.len(), 2, "{:?}", h.skipped);
        assert!(h.skipped[0].contains("not an all-day event"));
        assert!(h.skipped[1].contains("moving dates"));
    }

    #[test]
    fn broken_feeds_name_the_line() {
        assert_eq!(
            parse("hello").unwrap_err().message,
            "not an iCalendar file (no BEGIN:VCALENDAR)"
        );
        let err = parse("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-12-24\nEND:VEVENT\nEND:VCALENDAR").unwrap_err();
        assert_eq!(err.line, 3);
        let err =
            parse("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\n").unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (2, "VEVENT is never closed with END:VEVENT")
        );
    }
}
