//! Employment status, and the names a person goes by (pure).

use chrono::NaiveDate;

use crate::text_enum;

text_enum! {
    schema "EmploymentStatus";
    /// Where a person stands with the organisation.
    pub enum EmploymentStatus {
        /// Working here.
        Active = "active",
        /// Hired, not started yet.
        PendingStart = "pending_start",
        /// Left.
        Departed = "departed",
    }
}

/// The status the dates give on `today`: before the start pending, after
/// the end departed, else active.
pub fn status_on(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> EmploymentStatus {
    match (start, end) {
        (_, Some(e)) if e < today => EmploymentStatus::Departed,
        (Some(s), _) if s > today => EmploymentStatus::PendingStart,
        _ => EmploymentStatus::Active,
    }
}

/// "Given Surname", or whichever is there.
pub fn full_name(given: &str, surname: &str) -> String {
    match (given.trim(), surname.trim()) {
        ("", s) => s.to_owned(),
        (g, "") => g.to_owned(),
        (g, s) => format!("{g} {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_dates_say_where_a_person_stands() {
        let today = d("2027-03-01");
        assert_eq!(status_on(None, None, today), EmploymentStatus::Active);
        assert_eq!(
            status_on(Some(d("2027-03-02")), None, today),
            EmploymentStatus::PendingStart
        );
        assert_eq!(
            status_on(Some(d("2027-03-01")), None, today),
            EmploymentStatus::Active,
            "the first day counts"
        );
        assert_eq!(
            status_on(None, Some(d("2027-03-01")), today),
            EmploymentStatus::Active,
            "the last day counts"
        );
        assert_eq!(
            status_on(Some(d("2020-01-01")), Some(d("2027-02-28")), today),
            EmploymentStatus::Departed
        );
    }

    #[test]
    fn a_full_name_leaves_out_what_is_missing() {
        assert_eq!(full_name("Zoë", "O'Brien"), "Zoë O'Brien");
        assert_eq!(full_name(" ", "Łukasiewicz"), "Łukasiewicz");
        assert_eq!(full_name("Ada", ""), "Ada");
    }
}
