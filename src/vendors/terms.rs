//! A contract's terms without I/O: its notice deadline, what it costs a
//! year and over its term, and where it stands on a day.

use chrono::{Datelike, Duration, NaiveDate};

use crate::text_enum;

text_enum! {
    /// How often a contract is billed.
    pub enum Billing {
        Monthly = "monthly",
        Quarterly = "quarterly",
        Annual = "annual",
        OneTime = "one_time",
    }
}

impl Billing {
    /// Months a bill covers; `None` for a one-time payment.
    fn months(self) -> Option<i64> {
        match self {
            Billing::Monthly => Some(1),
            Billing::Quarterly => Some(3),
            Billing::Annual => Some(12),
            Billing::OneTime => None,
        }
    }
}

/// How long before the end notice must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Months(u32),
    Days(u32),
}

/// The last day of `year`-`month`.
fn month_end(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("a first of the month") - Duration::days(1)
}

fn is_month_end(d: NaiveDate) -> bool {
    d == month_end(d.year(), d.month())
}

/// `d` moved by `months` calendar months (negative: back). A month-end
/// stays a month-end (2027-04-30 − 1 = 2027-03-31); any other day keeps
/// its number, clamped to a shorter month's end (2027-03-30 − 1 =
/// 2027-02-28).
pub fn add_months(d: NaiveDate, months: i64) -> NaiveDate {
    let index = d.year() as i64 * 12 + d.month0() as i64 + months;
    let (year, month) = (index.div_euclid(12) as i32, index.rem_euclid(12) as u32 + 1);
    let end = month_end(year, month);
    if is_month_end(d) {
        end
    } else {
        NaiveDate::from_ymd_opt(year, month, d.day()).unwrap_or(end)
    }
}

/// The last day notice can be given for a term ending on `ends_on`.
pub fn notice_deadline(ends_on: NaiveDate, notice: Notice) -> NaiveDate {
    match notice {
        Notice::Months(m) => add_months(ends_on, -(m as i64)),
        Notice::Days(n) => ends_on - Duration::days(n as i64),
    }
}

/// Whole months from `starts_on` to the day after `ends_on` (a term from
/// 2026-01-01 to 2026-12-31 is 12 months); a part month counts whole.
pub fn term_months(starts_on: NaiveDate, ends_on: NaiveDate) -> i64 {
    let after = ends_on + Duration::days(1);
    let mut months = (after.year() as i64 - starts_on.year() as i64) * 12 + after.month() as i64
        - starts_on.month() as i64;
    if add_months(starts_on, months) < after {
        months += 1;
    }
    months.max(1)
}

/// What a contract costs over a year: a bill times the bills in a year; a
/// one-time payment spread over its term's years (itself when the term is
/// a year or less, or open).
pub fn annual_cost(amount_minor: i64, billing: Billing, term: Option<i64>) -> i64 {
    match billing.months() {
        Some(m) => (amount_minor as i128 * 12 / m as i128) as i64,
        None => match term {
            Some(t) if t > 12 => (amount_minor as i128 * 12 / t as i128) as i64,
            _ => amount_minor,
        },
    }
}

/// What a contract costs over its term: the bills its months need (a part
/// period is a whole bill); a one-time payment is itself. `None` for an
/// open-ended periodic contract.
pub fn total_value(amount_minor: i64, billing: Billing, term: Option<i64>) -> Option<i64> {
    match (billing.months(), term) {
        (None, _) => Some(amount_minor),
        (Some(m), Some(t)) => i64::try_from(amount_minor as i128 * ((t + m - 1) / m) as i128).ok(),
        (Some(_), None) => None,
    }
}

text_enum! {
    schema "ContractStatus";
    /// Where a contract stands on a day.
    pub enum Status {
        /// Being prepared: not in force as far as anyone has said.
        Draft = "draft",
        Active = "active",
        /// Auto-renewing, and inside the reminder window before its notice
        /// deadline: decide now, or it renews.
        NoticeDue = "notice_due",
        /// Ends within the reminder window and will not renew (not
        /// auto-renewing, or notice given).
        Expiring = "expiring",
        Expired = "expired",
        /// Just rolled into a new term (within the reminder window after it).
        Renewed = "renewed",
        Terminated = "terminated",
    }
}

/// What the status is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub draft: bool,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub auto_renew: bool,
    pub notice: Option<Notice>,
    /// The day a termination takes effect, when one was given.
    pub terminates_on: Option<NaiveDate>,
    /// The start of the current term when it came from a renewal.
    pub renewed_on: Option<NaiveDate>,
}

/// The status on `today`, with `window` days of warning (the longest
/// reminder offset).
pub fn status(s: &Standing, today: NaiveDate, window: i64) -> Status {
    if s.draft {
        return Status::Draft;
    }
    if let Some(t) = s.terminates_on {
        // Like an end date, the effective day is still served.
        return if t < today {
            Status::Terminated
        } else {
            Status::Expiring
        };
    }
    let Some(end) = s.ends_on else {
        return Status::Active;
    };
    if end < today {
        return Status::Expired;
    }
    let within = |d: NaiveDate| today <= d && (d - today).num_days() <= window;
    if s.auto_renew {
        if let Some(n) = s.notice
            && within(notice_deadline(end, n))
        {
            return Status::NoticeDue;
        }
    } else if within(end) {
        return Status::Expiring;
    }
    match s.renewed_on {
        Some(r) if r <= today && (today - r).num_days() <= window => Status::Renewed,
        _ => Status::Active,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_month_end_stays_a_month_end_and_other_days_clamp() {
        let one = |s: &str| notice_deadline(d(s), Notice::Months(1)).to_string();
        assert_eq!(one("2027-03-31"), "2027-02-28");
        assert_eq!(one("2028-03-31"), "2028-02-29", "a leap year");
        assert_eq!(
            one("2027-04-30"),
            "2027-03-31",
            "not the 03-30 of plain clamping"
        );
        assert_eq!(one("2027-03-30"), "2027-02-28", "another day clamps");
        assert_eq!(one("2027-03-15"), "2027-02-15");
        assert_eq!(one("2027-01-31"), "2026-12-31", "across a year");
        assert_eq!(
            notice_deadline(d("2028-02-29"), Notice::Months(12)).to_string(),
            "2027-02-28"
        );
        assert_eq!(
            notice_deadline(d("2027-02-28"), Notice::Months(12)).to_string(),
            "2026-02-28"
        );
        assert_eq!(
            notice_deadline(d("2027-06-30"), Notice::Months(3)).to_string(),
            "2027-03-31"
        );
        assert_eq!(
            notice_deadline(d("2027-06-30"), Notice::Days(90)).to_string(),
            "2027-04-01"
        );
        assert_eq!(
            add_months(d("2027-02-28"), 1).to_string(),
            "2027-03-31",
            "forward too"
        );
        assert_eq!(add_months(d("2026-12-31"), 12).to_string(), "2027-12-31");
    }

    #[test]
    fn costs_follow_billing_and_term() {
        let year = term_months(d("2026-01-01"), d("2026-12-31"));
        assert_eq!(year, 12);
        assert_eq!(term_months(d("2026-01-15"), d("2027-01-14")), 12);
        assert_eq!(
            term_months(d("2026-01-15"), d("2027-01-20")),
            13,
            "a part month is whole"
        );
        assert_eq!(term_months(d("2026-02-01"), d("2026-02-28")), 1);
        assert_eq!(annual_cost(10_000, Billing::Monthly, Some(year)), 120_000);
        assert_eq!(annual_cost(30_000, Billing::Quarterly, Some(year)), 120_000);
        assert_eq!(annual_cost(120_000, Billing::Annual, Some(36)), 120_000);
        assert_eq!(annual_cost(360_000, Billing::OneTime, Some(36)), 120_000);
        assert_eq!(annual_cost(50_000, Billing::OneTime, Some(6)), 50_000);
        assert_eq!(
            total_value(10_000, Billing::Monthly, Some(36)),
            Some(360_000)
        );
        assert_eq!(
            total_value(30_000, Billing::Quarterly, Some(13)),
            Some(150_000)
        );
        assert_eq!(total_value(360_000, Billing::OneTime, None), Some(360_000));
        assert_eq!(total_value(10_000, Billing::Monthly, None), None);
    }

    #[test]
    fn the_status_says_what_to_do_next() {
        let base = Standing {
            draft: false,
            starts_on: Some(d("2026-01-01")),
            ends_on: Some(d("2027-06-30")),
            auto_renew: true,
            notice: Some(Notice::Months(3)),
            terminates_on: None,
            renewed_on: None,
        };
        // Deadline 2027-03-31; a 90-day window opens on 2026-12-31.
        assert_eq!(status(&base, d("2026-12-30"), 90), Status::Active);
        assert_eq!(status(&base, d("2026-12-31"), 90), Status::NoticeDue);
        assert_eq!(status(&base, d("2027-03-31"), 90), Status::NoticeDue);
        assert_eq!(
            status(&base, d("2027-04-01"), 90),
            Status::Active,
            "too late: it renews"
        );
        assert_eq!(status(&base, d("2027-07-01"), 90), Status::Expired);
        let fixed = Standing {
            auto_renew: false,
            ..base.clone()
        };
        assert_eq!(status(&fixed, d("2027-04-01"), 90), Status::Expiring);
        assert_eq!(
            status(&fixed, d("2027-03-31"), 90),
            Status::Active,
            "91 days before"
        );
        assert_eq!(
            status(&fixed, d("2027-06-30"), 90),
            Status::Expiring,
            "its last day"
        );
        let ended = Standing {
            terminates_on: Some(d("2027-06-30")),
            ..base.clone()
        };
        assert_eq!(status(&ended, d("2027-05-01"), 90), Status::Expiring);
        assert_eq!(
            status(&ended, d("2027-06-30"), 90),
            Status::Expiring,
            "its last day"
        );
        assert_eq!(status(&ended, d("2027-07-01"), 90), Status::Terminated);
        let renewed = Standing {
            renewed_on: Some(d("2026-07-01")),
            ..base.clone()
        };
        assert_eq!(status(&renewed, d("2026-07-15"), 90), Status::Renewed);
        assert_eq!(status(&renewed, d("2026-11-01"), 90), Status::Active);
        let draft = Standing {
            draft: true,
            ..base
        };
        assert_eq!(status(&draft, d("2026-07-15"), 90), Status::Draft);
    }
}
