//! Runs, steps and their states; initial passwords; task due dates (pure).

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::text_enum;

text_enum! {
    schema "OnboardingKind";
    /// What a run does.
    pub enum RunKind {
        /// A new hire: account, password, groups, device, seats, tasks, mail.
        Onboard = "onboard",
        /// A leaver: account disabled and out of its groups, person
        /// deactivated, equipment back, seats released.
        Offboard = "offboard",
        /// A change of department or role: the group difference.
        Move = "move",
    }
}

text_enum! {
    schema "OnboardingRunStatus";
    /// Where a run stands.
    pub enum RunStatus {
        /// Planned, waiting for a coordinator's approval.
        Planned = "planned",
        /// Approved; its steps wait for the effective day.
        Approved = "approved",
        /// Its steps are being applied.
        Running = "running",
        /// Every step done (or skipped).
        Done = "done",
        /// A step failed after its retries; `retry` resumes from it.
        Failed = "failed",
        /// An offboarding taken back.
        Reverted = "reverted",
    }
}

text_enum! {
    schema "OnboardingStepStatus";
    /// Where a step stands.
    pub enum StepStatus {
        Pending = "pending",
        Running = "running",
        Done = "done",
        Failed = "failed",
        /// Nothing to do (no directory, no device in the template, …).
        Skipped = "skipped",
    }
}

text_enum! {
    schema "OnboardingStepKind";
    /// What a step does.
    pub enum StepKind {
        /// The new hire becomes a person in itdesk (pending start).
        RegisterPerson = "register_person",
        /// The directory account, disabled until its password is set.
        CreateAccount = "create_account",
        /// A random initial password, set and (AD) the account enabled.
        SetPassword = "set_password",
        AddGroups = "add_groups",
        /// Out of groups (an offboarding keeps the list to revert).
        RemoveGroups = "remove_groups",
        /// Locked out and moved to `disabled_ou`.
        DisableAccount = "disable_account",
        /// A device from stock put aside, and its hand-over task.
        ReserveDevice = "reserve_device",
        AllocateSeats = "allocate_seats",
        /// Technician tasks as service-request tickets.
        RaiseTasks = "raise_tasks",
        /// A new department or title.
        UpdatePerson = "update_person",
        /// Departed; sessions and tokens revoked.
        DeactivatePerson = "deactivate_person",
        /// A return task for every device they hold.
        ReturnDevices = "return_devices",
        ReleaseSeats = "release_seats",
        MailManager = "mail_manager",
    }
}

/// Characters of an initial password, by class; look-alikes (0 O 1 l I)
/// left out so it can be read aloud or typed from a screen.
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
const DIGITS: &[u8] = b"23456789";
const SYMBOLS: &[u8] = b"!#%+-=?@";

/// A random initial password of `len` (at least 12) characters with every
/// class AD's complexity rule counts (upper, lower, digit, symbol), from
/// the operating system's random source.
pub fn initial_password(len: usize) -> String {
    use rand::RngExt;
    let len = len.max(12);
    let mut rng = rand::rng();
    let classes = [UPPER, LOWER, DIGITS, SYMBOLS];
    let all: Vec<u8> = classes.concat();
    let mut out: Vec<u8> = classes
        .iter()
        .map(|c| c[rng.random_range(0..c.len())])
        .collect();
    while out.len() < len {
        out.push(all[rng.random_range(0..all.len())]);
    }
    // Shuffle so the classes are not always in front.
    for i in (1..out.len()).rev() {
        out.swap(i, rng.random_range(0..=i));
    }
    String::from_utf8(out).expect("ASCII")
}

/// Whether a password has what AD's complexity rule asks: three of the
/// four classes and no run of the account name.
pub fn meets_complexity(password: &str, account: &str) -> bool {
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    let names = account.len() >= 3 && password.to_lowercase().contains(&account.to_lowercase());
    classes.iter().filter(|c| **c).count() >= 3 && !names
}

/// The day `days` business days after `start` on `calendar` (0: the start
/// day itself, moved to the next business day when it is not one;
/// negative: that many business days before it).
pub fn business_day_after(calendar: &Calendar, start: NaiveDate, days: i32) -> NaiveDate {
    let step = |d: NaiveDate, back: bool| {
        if back {
            d.pred_opt().unwrap_or(d)
        } else {
            d.succ_opt().unwrap_or(d)
        }
    };
    let back = days < 0;
    let mut day = start;
    // Ten years without a business day is a broken calendar: stop looking.
    let mut guard = 0;
    while !back && !calendar.is_business_day(day) && guard < 3660 {
        day = step(day, false);
        guard += 1;
    }
    let mut left = days.unsigned_abs();
    while left > 0 && guard < 3660 {
        day = step(day, back);
        guard += 1;
        if calendar.is_business_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_passwords_meet_ad_complexity_and_differ() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let p = initial_password(16);
            assert_eq!(p.len(), 16);
            assert!(meets_complexity(&p, "ada.lovelace"), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_punctuation()), "{p}");
            assert!(!p.contains(['0', 'O', '1', 'l', 'I']), "{p}");
            seen.insert(p);
        }
        assert_eq!(seen.len(), 200);
        assert_eq!(initial_password(4).len(), 12, "never shorter than 12");
        assert!(
            !meets_complexity("Ada.Lovelace-99", "ada.lovelace"),
            "holds the name"
        );
        assert!(!meets_complexity("alllowercase", "x"));
    }

    #[test]
    fn due_days_count_business_days_from_the_start() {
        let spec: crate::calendar::CalendarSpec = serde_json::from_value(serde_json::json!({
            "name": "office", "time_zone": "Europe/Berlin",
            "hours": {"mon": ["08:00-17:00"], "tue": ["08:00-17:00"], "wed": ["08:00-17:00"],
                      "thu": ["08:00-17:00"], "fri": ["08:00-17:00"], "sat": [], "sun": []},
            "holidays": ["2027-03-03"]
        }))
        .unwrap();
        let cal = spec.compile("calendar", &[], &[]).unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Monday 2027-03-01; Wednesday the 3rd is a holiday.
        assert_eq!(
            business_day_after(&cal, d("2027-03-01"), 0),
            d("2027-03-01")
        );
        assert_eq!(
            business_day_after(&cal, d("2027-03-01"), 2),
            d("2027-03-04")
        );
        assert_eq!(
            business_day_after(&cal, d("2027-03-01"), 4),
            d("2027-03-08")
        );
        assert_eq!(
            business_day_after(&cal, d("2027-03-06"), 0),
            d("2027-03-08"),
            "a Saturday start"
        );
        assert_eq!(
            business_day_after(&cal, d("2027-03-01"), -1),
            d("2027-02-26"),
            "the Friday before"
        );
        assert_eq!(
            business_day_after(&cal, d("2027-03-04"), -1),
            d("2027-03-02"),
            "over the holiday"
        );
    }
}
