//! Entitlements as rules see them, without I/O: the metrics and core rules,
//! what makes an entitlement well formed, and the agreement every `core`
//! entitlement of one product must keep.

use chrono::NaiveDate;

use crate::error::FieldError;
use crate::text_enum;

text_enum! {
    /// How an entitlement is consumed.
    pub enum Metric {
        /// One unit per counted device with a matching installation.
        Device = "device",
        /// One unit per distinct assigned person of those devices.
        User = "user",
        /// One unit per processor (socket) of each counted device.
        Processor = "processor",
        /// Cores, by the entitlement's core rule.
        Core = "core",
        /// Unlimited: never short.
        Site = "site",
    }
}

text_enum! {
    /// How a per-core licence counts cores.
    pub enum CoreRule {
        /// Per device: the larger of its cores and the minimums, rounded up
        /// to whole packs (Microsoft-style).
        PerDevice = "per_device",
        /// Σ cores × the processor's core factor, rounded up once
        /// (Oracle-style).
        Factor = "factor",
    }
}

/// The core parameters of a `core` entitlement, defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoreTerms {
    pub rule: CoreRule,
    pub min_per_processor: i32,
    pub min_per_device: i32,
    pub pack: i32,
}

impl CoreTerms {
    pub fn of(
        rule: Option<CoreRule>,
        min_per_processor: Option<i32>,
        min_per_device: Option<i32>,
        pack: Option<i32>,
    ) -> CoreTerms {
        CoreTerms {
            rule: rule.unwrap_or(CoreRule::PerDevice),
            min_per_processor: min_per_processor.unwrap_or(1),
            min_per_device: min_per_device.unwrap_or(1),
            pack: pack.unwrap_or(1),
        }
    }

    /// The first field on which `other` disagrees with these terms.
    pub fn disagreement(&self, other: &CoreTerms) -> Option<&'static str> {
        if self.rule != other.rule {
            Some("core_rule")
        } else if self.min_per_processor != other.min_per_processor {
            Some("min_cores_per_processor")
        } else if self.min_per_device != other.min_per_device {
            Some("min_cores_per_device")
        } else if self.pack != other.pack {
            Some("core_pack")
        } else {
            None
        }
    }
}

/// An entitlement's shape as far as it can be checked alone.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    pub metric: Option<Metric>,
    pub quantity: i64,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub unit_cost_minor: Option<i64>,
    pub currency: Option<String>,
    pub core_numbers: [(&'static str, Option<i32>); 3],
}

/// Every fault of an entitlement's shape, each naming its field.
pub fn check(s: &Shape) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if s.metric != Some(Metric::Site) && s.quantity <= 0 {
        errors.push(FieldError::new("quantity", "a number of units above 0"));
    }
    if s.quantity < 0 {
        errors.push(FieldError::new("quantity", "not negative"));
    }
    if let (Some(a), Some(b)) = (s.starts_on, s.ends_on)
        && b < a
    {
        errors.push(FieldError::new(
            "ends_on",
            format!("is before starts_on ({a})"),
        ));
    }
    if s.unit_cost_minor.is_some_and(|c| c < 0) {
        errors.push(FieldError::new("unit_cost_minor", "not negative"));
    }
    match (&s.unit_cost_minor, &s.currency) {
        (Some(_), None) => errors.push(FieldError::new("currency", "a cost needs its currency")),
        (_, Some(c)) if crate::money::Currency::parse(c).is_err() => {
            errors.push(FieldError::new("currency", "an ISO 4217 code such as EUR"))
        }
        _ => {}
    }
    for (field, v) in s.core_numbers {
        if v.is_some_and(|n| n < 1) {
            errors.push(FieldError::new(field, "1 or more"));
        }
        if v.is_some() && s.metric != Some(Metric::Core) {
            errors.push(FieldError::new(field, "only for the core metric"));
        }
    }
    errors
}

/// Whether an entitlement counts on `day`.
pub fn counts_on(starts_on: Option<NaiveDate>, ends_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    starts_on.is_none_or(|s| s <= day) && ends_on.is_none_or(|e| day <= e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn shapes_are_checked_field_by_field() {
        let ok = Shape {
            metric: Some(Metric::Device),
            quantity: 10,
            ..Shape::default()
        };
        assert!(check(&ok).is_empty());
        let site = Shape {
            metric: Some(Metric::Site),
            quantity: 0,
            ..Shape::default()
        };
        assert!(check(&site).is_empty(), "a site licence counts no units");
        let bad = Shape {
            metric: Some(Metric::User),
            quantity: 0,
            starts_on: Some(d("2027-01-01")),
            ends_on: Some(d("2026-12-31")),
            unit_cost_minor: Some(100),
            currency: None,
            core_numbers: [
                ("core_pack", Some(2)),
                ("min_cores_per_device", None),
                ("min_cores_per_processor", None),
            ],
        };
        let fields: Vec<String> = check(&bad).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["quantity", "ends_on", "currency", "core_pack"]);
    }

    #[test]
    fn a_term_counts_from_its_first_to_its_last_day() {
        assert!(counts_on(
            Some(d("2026-01-01")),
            Some(d("2026-12-31")),
            d("2026-12-31")
        ));
        assert!(!counts_on(
            Some(d("2026-01-01")),
            Some(d("2026-12-31")),
            d("2027-01-01")
        ));
        assert!(!counts_on(Some(d("2026-01-01")), None, d("2025-12-31")));
        assert!(counts_on(None, None, d("1999-01-01")), "perpetual");
    }

    #[test]
    fn core_terms_name_the_first_disagreement() {
        let sql = CoreTerms::of(None, Some(4), None, Some(2));
        assert_eq!(sql.disagreement(&sql), None);
        let other = CoreTerms::of(None, Some(4), None, Some(4));
        assert_eq!(sql.disagreement(&other), Some("core_pack"));
        let oracle = CoreTerms::of(Some(CoreRule::Factor), None, None, None);
        assert_eq!(sql.disagreement(&oracle), Some("core_rule"));
    }
}
