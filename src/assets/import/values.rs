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
    // Drop a time part: after 'T' in ISO, or after the first space when the
    // rest starts with a digit (a clock), keeping "Mar 31, 2024" whole.
    let date_part = match s.find('T') {
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
    };
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
    let parts: Vec<&str> = date_part.split(['/', '.', '-']).collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        let n = |p: &str| p.parse::<u32>().unwrap_or(0);
        // Which part is the year: a four-digit first part always is;
        // otherwise the order says.
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
                return Err(format!(
                    "{s:?} is not a date in {}: the year needs four (or two) digits",
                    order.example()
                ));
            }
        };
        return NaiveDate::from_ymd_opt(y, n(parts[mi]), n(parts[di]))
            .filter(|d| plausible(*d))
            .ok_or_else(|| {
                if parts[0].len() == 4 {
                    format!("{s:?} is not a date")
                } else {
                    format!("{s:?} is not a date in {}", order.example())
                }
            });
    }
    Err(format!(
        "{s:?} is not a date: use 2024-03-31, {} or 31-Mar-2024",
        order.example()
    ))
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

/// Which character separates decimals in amounts; the other one may group
/// thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimal {
    Point,
    Comma,
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "." => Ok(Decimal::Point),
            "," => Ok(Decimal::Comma),
            other => Err(serde::de::Error::custom(format!(
                "decimal_separator is \".\" or \",\", not {other:?}"
            ))),
        }
    }
}

/// An amount in minor units with its currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub minor: i64,
    pub currency: String,
}

/// Digits after the decimal point that a currency uses.
fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "HUF" | "TWD" | "UGX" | "XOF" | "XAF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// The currency `$` means: the default when that is a dollar, else USD.
fn dollar(default_currency: &str) -> &str {
    match default_currency {
        "AUD" | "CAD" | "NZD" | "SGD" | "HKD" | "MXN" | "TWD" | "BSD" | "BBD" | "BZD" | "FJD"
        | "JMD" | "LRD" | "NAD" | "SBD" | "SRD" | "TTD" | "XCD" | "BMD" | "KYD" | "GYD" => {
            default_currency
        }
        _ => "USD",
    }
}

/// Reads an amount: `$1,299.00`, `1299`, `USD 1,299.00`, `1.299,00 €`
/// (with [`Decimal::Comma`]), `£899`. Without a symbol or code the
/// currency is `default_currency`.
pub fn parse_money(raw: &str, decimal: Decimal, default_currency: &str) -> Result<Amount, String> {
    let s = raw.trim();
    let mut symbol: Option<&str> = None;
    let mut number = String::new();
    let mut letters = String::new();
    for c in s.chars() {
        match c {
            '$' => symbol = Some(dollar(default_currency)),
            '€' => symbol = Some("EUR"),
            '£' => symbol = Some("GBP"),
            '¥' => symbol = Some("JPY"),
            '₹' => symbol = Some("INR"),
            'A'..='Z' | 'a'..='z' => letters.push(c.to_ascii_uppercase()),
            ' ' | '\u{a0}' | '\u{202f}' | '\'' => {}
            _ => number.push(c),
        }
    }
    let currency: String = match (symbol, letters.as_str()) {
        (None, "") => default_currency.to_owned(),
        (Some(sym), "") => sym.to_owned(),
        (Some(_), "US") => "USD".to_owned(),
        (None, code) if code.len() == 3 => code.to_owned(),
        (Some(sym), code) if code == sym => code.to_owned(),
        _ => {
            return Err(format!(
                "{s:?} is not an amount: write it like 1299.00, $1,299.00 or EUR 1299.00"
            ));
        }
    };
    let currency = currency.as_str();
    let negative = number.starts_with('-') || (number.starts_with('(') && number.ends_with(')'));
    let number = number.trim_matches(|c| c == '-' || c == '(' || c == ')');
    if negative {
        return Err(format!("{s:?} is negative: a purchase cost is 0 or more"));
    }
    let (dec, group) = match decimal {
        Decimal::Point => ('.', ','),
        Decimal::Comma => (',', '.'),
    };
    let (whole, frac) = match number.rsplit_once(dec) {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(format!("{s:?} is not an amount"));
    }
    // Thousands groups must be groups of three.
    let groups: Vec<&str> = whole.split(group).collect();
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped_ok
        || !groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        let hint = match decimal {
            Decimal::Point => "decimals after \".\", thousands grouped with \",\"",
            Decimal::Comma => "decimals after \",\", thousands grouped with \".\"",
        };
        return Err(format!("{s:?} is not an amount ({hint})"));
    }
    let digits = minor_digits(currency);
    if frac.len() as u32 > digits {
        return Err(format!(
            "{s:?} has {} decimals; {currency} has {digits}",
            frac.len()
        ));
    }
    let whole: String = groups.concat();
    let mut minor: i64 = if whole.is_empty() {
        0
    } else {
        whole
            .parse()
            .map_err(|_| format!("{s:?} is too large an amount"))?
    };
    let mut frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().unwrap_or(0)
    };
    for _ in frac.len() as u32..digits {
        frac_value *= 10;
    }
    minor = minor
        .checked_mul(10i64.pow(digits))
        .and_then(|m| m.checked_add(frac_value))
        .ok_or_else(|| format!("{s:?} is too large an amount"))?;
    Ok(Amount {
        minor,
        currency: currency.to_owned(),
    })
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
    fn money_as_people_write_it() {
        let p = Decimal::Point;
        let c = Decimal::Comma;
        let usd = |minor| {
            Ok(Amount {
                minor,
                currency: "USD".into(),
            })
        };
        let eur = |minor| {
            Ok(Amount {
                minor,
                currency: "EUR".into(),
            })
        };
        assert_eq!(parse_money("$1,299.00", p, "EUR"), usd(129_900));
        assert_eq!(parse_money("1299", p, "USD"), usd(129_900));
        assert_eq!(parse_money("1299.5", p, "USD"), usd(129_950));
        assert_eq!(parse_money("USD 1,299.00", p, "EUR"), usd(129_900));
        assert_eq!(parse_money("1.299,00 €", c, "USD"), eur(129_900));
        assert_eq!(parse_money("1 299,00 EUR", c, "USD"), eur(129_900));
        assert_eq!(
            parse_money("US$ 12,000,000.99", p, "EUR"),
            usd(1_200_000_099)
        );
        let aud = Amount {
            minor: 129_900,
            currency: "AUD".into(),
        };
        assert_eq!(parse_money("$1,299.00", p, "AUD"), Ok(aud));
        assert_eq!(
            parse_money("¥120000", p, "EUR"),
            Ok(Amount {
                minor: 120_000,
                currency: "JPY".into()
            })
        );
    }

    #[test]
    fn amounts_that_are_not_money_are_refused_with_the_reason() {
        let p = Decimal::Point;
        assert!(
            parse_money("1,29", p, "USD")
                .unwrap_err()
                .contains("thousands grouped")
        );
        assert!(
            parse_money("12.345", p, "USD")
                .unwrap_err()
                .contains("3 decimals")
        );
        assert!(
            parse_money("-5", p, "USD")
                .unwrap_err()
                .contains("negative")
        );
        assert!(parse_money("n/a", p, "USD").is_err());
        assert!(
            parse_money("¥12.5", p, "USD")
                .unwrap_err()
                .contains("JPY has 0")
        );
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
