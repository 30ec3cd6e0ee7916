//! Reading the cells of real exports: dates in the shapes spreadsheets and
//! management consoles write, money such as `$1,299.00` or `1.299,00 €`,
//! categories and statuses under the names other tools give them.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};

use crate::assets::domain::{Category, Status, Substate};

/// The order of day, month and year in slashed or dotted dates. ISO dates
/// (`2024-03-01`, with or without a time) are read whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// 3/31/2024 (US exports, Intune's console).
    Mdy,
    /// 31/03/2024 or 31.03.2024 (most of Europe).
    Dmy,
    /// 2024/03/31.
    Ymd,
}

impl DateOrder {
    fn example(self) -> &'static str {
        match self {
            DateOrder::Mdy => "month/day/year such as 3/31/2024",
            DateOrder::Dmy => "day/month/year such as 31/03/2024",
            DateOrder::Ymd => "year/month/day such as 2024/03/31",
        }
    }
}

/// Reads a date, ignoring a time of day after it: `2024-03-31`,
/// `2024-03-31 14:02:11.0000000`, `2024-03-31T14:02:11Z`,
/// `3/31/2024 2:02:11 PM` (with [`DateOrder::Mdy`]), `31.03.2024`,
/// `31-Mar-2024`, `Mar 31, 2024`, `31 March 2024`.
pub fn parse_date(raw: &str, order: DateOrder) -> Result<NaiveDate, String> {
    let s = raw.trim();
    let date_part = without_time(s);
    // chrono's %Y takes a year of any length: "12-01-24" would be the
    // year 12. Only four-digit years go through these formats.
    let plausible = |d: NaiveDate| d.year() >= 1900;
    if date_part.len() >= 10
        && let Ok(d) = NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        && plausible(d)
    {
        return Ok(d);
    }
    for fmt in [
        "%d-%b-%Y",
        "%d %b %Y",
        "%d %B %Y",
        "%b %d, %Y",
        "%B %d, %Y",
        "%b %d %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, fmt)
            && plausible(d)
        {
            return Ok(d);
        }
    }
    // Two-digit years (Excel's 31-Mar-24).
    for fmt in ["%d-%b-%y", "%d %b %y"] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, fmt) {
            return Ok(d);
        }
    }
    if let Some(numeric) = numeric_date(s, date_part, order) {
        return numeric;
    }
    Err(format!(
        "{s:?} is not a date: use 2024-03-31, {} or 31-Mar-2024",
        order.example()
    ))
}

/// `s` without a time of day: cut at 'T' in ISO, or at the first space when
/// the rest starts with a digit and holds a ':' (a clock), keeping
/// "Mar 31, 2024" whole.
fn without_time(s: &str) -> &str {
    match s.find('T') {
        Some(i) if i == 10 && s.as_bytes()[4] == b'-' => &s[..i],
        _ => match s.find(' ') {
            Some(i)
                if s[i + 1..].starts_with(|c: char| c.is_ascii_digit())
                    && s[i + 1..].contains(':') =>
            {
                &s[..i]
            }
            _ => s,
        },
    }
}

/// Three numbers split by '/', '.' or '-', read in `order` (a four-digit
/// first part is always the year); `None` when the text is not that.
fn numeric_date(s: &str, date_part: &str, order: DateOrder) -> Option<Result<NaiveDate, String>> {
    let plausible = |d: &NaiveDate| d.year() >= 1900;
    let parts: Vec<&str> = date_part.split(['/', '.', '-']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    let (yi, mi, di) = if parts[0].len() == 4 {
        (0, 1, 2)
    } else {
        match order {
            DateOrder::Mdy => (2, 0, 1),
            DateOrder::Dmy => (2, 1, 0),
            DateOrder::Ymd => (0, 1, 2),
        }
    };
    let y = match parts[yi].len() {
        4 => n(parts[yi]) as i32,
        2 => 2000 + n(parts[yi]) as i32,
        _ => {
            return Some(Err(format!(
                "{s:?} is not a date in {}: the year needs four (or two) digits",
                order.example()
            )));
        }
    };
    Some(
        NaiveDate::from_ymd_opt(y, n(parts[mi]), n(parts[di]))
            .filter(plausible)
            .ok_or_else(|| {
                if parts[0].len() == 4 {
                    format!("{s:?} is not a date")
                } else {
                    format!("{s:?} is not a date in {}", order.example())
                }
            }),
    )
}

/// Reads a date and time, for timestamps such as Intune's "Last check-in".
pub fn parse_datetime(raw: &str, order: DateOrder) -> Result<NaiveDateTime, String> {
    let s = raw.trim();
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.fZ",
        "%Y-%m-%dT%H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t);
        }
    }
    let date = parse_date(s, order)?;
    let clock = s.split_once(' ').map(|(_, t)| t.trim()).unwrap_or("");
    for fmt in ["%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M"] {
        if let Ok(t) = chrono::NaiveTime::parse_from_str(clock, fmt) {
            return Ok(date.and_time(t));
        }
    }
    Ok(date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// A number of months, as in "36", "36 months" or "3 years".
pub fn parse_months(raw: &str) -> Result<u32, String> {
    let s = raw.trim();
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(digits_end);
    let unit = unit.trim().to_lowercase();
    let factor = match unit.as_str() {
        "" | "m" | "mo" | "mos" | "month" | "months" => 1,
        "y" | "yr" | "yrs" | "year" | "years" => 12,
        _ => 0,
    };
    n.parse::<u32>()
        .ok()
        .filter(|_| factor > 0)
        .map(|n| n * factor)
        .filter(|m| *m <= 600)
        .ok_or_else(|| {
            format!("{s:?} is not a number of months (0–600, or years such as \"3 years\")")
        })
}

/// The end of a warranty of `months` from `start`.
pub fn add_months(start: NaiveDate, months: u32) -> NaiveDate {
    start
        .checked_add_months(Months::new(months))
        .unwrap_or(start)
}

/// Reads a category under our names or the names other tools use
/// ("Laptops", "Notebook", "Mobile Phones", "Switches", …).
pub fn parse_category(raw: &str) -> Result<Category, String> {
    let s = raw.trim().to_lowercase();
    if let Ok(c) = s.parse::<Category>() {
        return Ok(c);
    }
    let word = s.trim_end_matches('s');
    let c = match word {
        "laptop" | "notebook" | "ultrabook" | "macbook" | "chromebook" | "portable" => {
            Category::Laptop
        }
        "desktop" | "workstation" | "pc" | "computer" | "tower" | "all-in-one" | "thin client" => {
            Category::Desktop
        }
        "monitor" | "display" | "screen" => Category::Monitor,
        "phone" | "mobile phone" | "mobile" | "smartphone" | "cell phone" | "iphone"
        | "desk phone" => Category::Phone,
        "tablet" | "ipad" => Category::Tablet,
        "server" | "virtual machine" | "vm" => Category::Server,
        "network" | "switche" | "switch" | "router" | "firewall" | "access point"
        | "networking" => Category::Network,
        "peripheral" | "printer" | "keyboard" | "mouse" | "mice" | "dock" | "docking station"
        | "headset" | "webcam" | "scanner" | "accessorie" | "accessory" => Category::Peripheral,
        _ => {
            return Err(format!(
                "{:?} is not a category we know: use laptop, desktop, monitor, phone, tablet, server, network or peripheral (or map it in [categories])",
                raw.trim()
            ));
        }
    };
    Ok(c)
}

/// Reads a status under our names or Snipe-IT's default status labels.
pub fn parse_status(raw: &str) -> Result<(Status, Option<Substate>), String> {
    let s = raw.trim().to_lowercase().replace(['-', ' '], "_");
    if let Ok(st) = s.parse::<Status>() {
        return Ok((st, None));
    }
    Ok(match s.as_str() {
        "ready_to_deploy" | "available" => (Status::InStock, Some(Substate::Available)),
        "stock" | "spare" => (Status::InStock, None),
        "reserved" => (Status::InStock, Some(Substate::Reserved)),
        "pending" | "on_order" => (Status::Ordered, None),
        "deployed" | "in_use" | "assigned" | "active" | "checked_out" => (Status::Deployed, None),
        "out_for_repair" | "repair" | "broken" | "out_for_diagnostics" => (Status::InRepair, None),
        "archived" | "end_of_life" => (Status::Retired, None),
        "lost" | "lost/stolen" | "lost_stolen" | "lost/_stolen" => (Status::Missing, None),
        _ => {
            return Err(format!(
                "{:?} is not a status we know: use ordered, in_stock, deployed, in_repair, retired, missing or stolen (or Snipe-IT's Ready to Deploy, Pending, Archived, Out for Repair, Lost/Stolen)",
                raw.trim()
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_shapes_real_exports_write() {
        let us = DateOrder::Mdy;
        let eu = DateOrder::Dmy;
        assert_eq!(parse_date("2024-03-31", us), Ok(d(2024, 3, 31)));
        assert_eq!(
            parse_date("2024-03-31 14:02:11.0000000", us),
            Ok(d(2024, 3, 31))
        );
        assert_eq!(parse_date("2024-03-31T14:02:11Z", eu), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("3/31/2024 2:02:11 PM", us), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("3/1/2024", us), Ok(d(2024, 3, 1)));
        assert_eq!(parse_date("3/1/2024", eu), Ok(d(2024, 1, 3)));
        assert_eq!(parse_date("31.03.2024", eu), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("31-Mar-2024", us), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("Mar 31, 2024", eu), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("31 March 2024", us), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("2024/03/31", us), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("3/31/24", us), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("31-Mar-24", us), Ok(d(2024, 3, 31)));
        assert_eq!(parse_date("12-01-24", us), Ok(d(2024, 12, 1)));
        assert_eq!(parse_date("24/03/31", DateOrder::Ymd), Ok(d(2024, 3, 31)));
        assert!(
            parse_date("03/04/2024", DateOrder::Ymd).is_err(),
            "not silently day/month"
        );
        assert!(parse_date("0012-01-24", us).is_err());
    }

    #[test]
    fn dates_that_do_not_fit_the_order_say_which_order_was_expected() {
        let e = parse_date("31/03/2024", DateOrder::Mdy).unwrap_err();
        assert!(e.contains("month/day/year"), "{e}");
        let e = parse_date("2024-02-30", DateOrder::Mdy).unwrap_err();
        assert!(e.contains("not a date"), "{e}");
        let e = parse_date("next tuesday", DateOrder::Dmy).unwrap_err();
        assert!(e.contains("2024-03-31"), "{e}");
    }

    #[test]
    fn timestamps_keep_their_time() {
        let t = parse_datetime("3/31/2024 2:02:11 PM", DateOrder::Mdy).unwrap();
        assert_eq!(t, d(2024, 3, 31).and_hms_opt(14, 2, 11).unwrap());
        let t = parse_datetime("2024-03-31 14:02:11.0000000", DateOrder::Mdy).unwrap();
        assert_eq!(t, d(2024, 3, 31).and_hms_opt(14, 2, 11).unwrap());
    }

    #[test]
    fn categories_and_statuses_under_other_tools_names() {
        assert_eq!(parse_category("Laptops"), Ok(Category::Laptop));
        assert_eq!(parse_category("Mobile Phones"), Ok(Category::Phone));
        assert_eq!(parse_category("Switches"), Ok(Category::Network));
        assert_eq!(parse_category("monitor"), Ok(Category::Monitor));
        assert!(
            parse_category("Furniture")
                .unwrap_err()
                .contains("[categories]")
        );
        assert_eq!(
            parse_status("Ready to Deploy"),
            Ok((Status::InStock, Some(Substate::Available)))
        );
        assert_eq!(parse_status("Out for Repair"), Ok((Status::InRepair, None)));
        assert_eq!(parse_status("deployed"), Ok((Status::Deployed, None)));
        assert!(parse_status("Exploded").is_err());
        assert_eq!(parse_months("36 months"), Ok(36));
        assert_eq!(parse_months("3 years"), Ok(36));
        assert!(parse_months("3 decades").is_err());
    }
}
