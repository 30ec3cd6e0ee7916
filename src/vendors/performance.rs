//! How a vendor met its own service targets, without I/O: from the
//! escalations of a period, the median and p90 of its answer and
//! resolution times (business seconds, nearest rank: the value at
//! position ⌈p·n⌉ of the sorted list), the share within target, and the
//! open escalations already past it.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

/// What the figures are computed from, per escalation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub response_target: Option<i64>,
    pub resolution_target: Option<i64>,
    pub response_due_at: Option<NaiveDateTime>,
    pub resolution_due_at: Option<NaiveDateTime>,
    /// Business seconds to the answer, once answered.
    pub response_seconds: Option<i64>,
    /// Business seconds to the resolution, once resolved.
    pub resolution_seconds: Option<i64>,
}

/// Times of one kind (answer or resolution) over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Times {
    /// Escalations with this time known.
    pub count: usize,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
    /// Known within target, and known late or open past target.
    pub met: usize,
    pub missed: usize,
    /// met / (met + missed); `None` when neither.
    pub within_target: Option<f64>,
    /// Still open and already past the target.
    pub open_past_target: usize,
}

/// A vendor's performance over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Performance {
    pub escalations: usize,
    /// Not resolved yet.
    pub open: usize,
    pub response: Times,
    pub resolution: Times,
}

/// The value at position ⌈p·n⌉ (1-based) of the sorted list.
pub fn nearest_rank(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

fn times(list: &[(Option<i64>, Option<i64>, Option<NaiveDateTime>)], now: NaiveDateTime) -> Times {
    let mut known: Vec<i64> = list.iter().filter_map(|(s, _, _)| *s).collect();
    known.sort_unstable();
    let mut t = Times {
        count: known.len(),
        median_seconds: nearest_rank(&known, 0.5),
        p90_seconds: nearest_rank(&known, 0.9),
        ..Times::default()
    };
    for (seconds, target, due) in list {
        match (seconds, target) {
            (Some(s), Some(target)) if s <= target => t.met += 1,
            (Some(_), Some(_)) => t.missed += 1,
            (None, Some(_)) if due.is_some_and(|d| now > d) => {
                t.missed += 1;
                t.open_past_target += 1;
            }
            _ => {}
        }
    }
    t.within_target = (t.met + t.missed > 0).then(|| t.met as f64 / (t.met + t.missed) as f64);
    t
}

/// The figures of `escalations` as of `now`.
pub fn compute(escalations: &[Facts], now: NaiveDateTime) -> Performance {
    let response: Vec<_> = escalations
        .iter()
        .map(|f| (f.response_seconds, f.response_target, f.response_due_at))
        .collect();
    let resolution: Vec<_> = escalations
        .iter()
        .map(|f| {
            (
                f.resolution_seconds,
                f.resolution_target,
                f.resolution_due_at,
            )
        })
        .collect();
    Performance {
        escalations: escalations.len(),
        open: escalations
            .iter()
            .filter(|f| f.resolution_seconds.is_none())
            .count(),
        response: times(&response, now),
        resolution: times(&resolution, now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn fact(resp: Option<i64>, resol: Option<i64>) -> Facts {
        Facts {
            response_target: Some(4 * 3600),
            resolution_target: Some(16 * 3600),
            response_due_at: Some(at("2027-01-04 13:00")),
            resolution_due_at: Some(at("2027-01-06 09:00")),
            response_seconds: resp,
            resolution_seconds: resol,
        }
    }

    #[test]
    fn the_nearest_rank_is_the_value_at_the_ceiling_of_p_n() {
        let v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        assert_eq!(nearest_rank(&v, 0.5), Some(50), "⌈5⌉ = 5th");
        assert_eq!(nearest_rank(&v, 0.9), Some(90), "⌈9⌉ = 9th");
        assert_eq!(nearest_rank(&[7, 9, 11], 0.5), Some(9), "⌈1.5⌉ = 2nd");
        assert_eq!(nearest_rank(&[7, 9, 11], 0.9), Some(11), "⌈2.7⌉ = 3rd");
        assert_eq!(nearest_rank(&[5], 0.9), Some(5));
        assert_eq!(nearest_rank(&[], 0.5), None);
    }

    #[test]
    fn a_vendor_computed_by_hand() {
        // Five escalations, 4h to answer and 16h to resolve:
        // answers 1h, 3h, 5h (late), 2h and one not yet (past due at
        // 14:00); resolutions 10h, 20h (late), 12h, open, open.
        let list = [
            fact(Some(3600), Some(10 * 3600)),
            fact(Some(3 * 3600), Some(20 * 3600)),
            fact(Some(5 * 3600), Some(12 * 3600)),
            fact(Some(2 * 3600), None),
            fact(None, None),
        ];
        let p = compute(&list, at("2027-01-04 14:00"));
        assert_eq!((p.escalations, p.open), (5, 2));
        // Answers sorted 1h, 2h, 3h, 5h: median ⌈2⌉ = 2h, p90 ⌈3.6⌉ = 5h.
        assert_eq!(p.response.count, 4);
        assert_eq!(p.response.median_seconds, Some(2 * 3600));
        assert_eq!(p.response.p90_seconds, Some(5 * 3600));
        // Met 3; missed the 5h one and the unanswered one past due.
        assert_eq!((p.response.met, p.response.missed), (3, 2));
        assert_eq!(p.response.within_target, Some(0.6));
        assert_eq!(p.response.open_past_target, 1);
        // Resolutions 10h, 12h, 20h: median ⌈1.5⌉ = 12h, p90 ⌈2.7⌉ = 20h;
        // the open ones are not past their due (2027-01-06 09:00) yet.
        assert_eq!(p.resolution.median_seconds, Some(12 * 3600));
        assert_eq!(p.resolution.p90_seconds, Some(20 * 3600));
        assert_eq!((p.resolution.met, p.resolution.missed), (2, 1));
        assert_eq!(p.resolution.open_past_target, 0);
        let later = compute(&list, at("2027-01-06 09:01"));
        assert_eq!(later.resolution.open_past_target, 2);
        assert_eq!(later.resolution.within_target, Some(0.4));
        let none = compute(&[], at("2027-01-06 09:01"));
        assert_eq!(none.response.within_target, None);
    }
}
