//! SLA target durations written the way people write them: `30m`, `4h`,
//! `2h30m`, `40h`, `90s`. They are business time in the policy's calendar.

use std::fmt;

/// A business-time duration in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BusinessDuration(pub i64);

impl BusinessDuration {
    pub fn seconds(self) -> i64 {
        self.0
    }
}

impl std::str::FromStr for BusinessDuration {
    type Err = String;

    fn from_str(s: &str) -> Result<BusinessDuration, String> {
        let text = s.trim();
        let bad = || format!("`{s}` is not a duration; write it like 30m, 4h, 2h30m or 40h");
        if text.is_empty() {
            return Err(bad());
        }
        let mut total: i64 = 0;
        let mut number = String::new();
        let mut last_unit = 0u8;
        for c in text.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (unit, rank) = match c {
                'h' => (3600, 3u8),
                'm' => (60, 2),
                's' => (1, 1),
                _ => return Err(bad()),
            };
            // Units must come largest first, each at most once: `2h30m`, not `30m2h`.
            if number.is_empty() || (last_unit != 0 && rank >= last_unit) {
                return Err(bad());
            }
            let n: i64 = number.parse().map_err(|_| bad())?;
            total = n
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(bad)?;
            number.clear();
            last_unit = rank;
        }
        if !number.is_empty() || total <= 0 {
            return Err(bad());
        }
        Ok(BusinessDuration(total))
    }
}

impl fmt::Display for BusinessDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 % 3600 / 60, self.0 % 60);
        let mut out = String::new();
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if m > 0 {
            out.push_str(&format!("{m}m"));
        }
        if s > 0 || out.is_empty() {
            out.push_str(&format!("{s}s"));
        }
        f.write_str(&out)
    }
}

impl<'de> serde::Deserialize<'de> for BusinessDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for BusinessDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_people_write_parse() {
        let p = |s: &str| s.parse::<BusinessDuration>().unwrap().seconds();
        assert_eq!(p("30m"), 1800);
        assert_eq!(p("4h"), 14_400);
        assert_eq!(p("2h30m"), 9000);
        assert_eq!(p("40h"), 144_000);
        assert_eq!(p("1h0m30s"), 3630);
        assert_eq!(p(" 90s "), 90);
    }

    #[test]
    fn malformed_durations_are_refused_with_a_hint() {
        for bad in [
            "", "4", "h", "4d", "30m2h", "2h2h", "-1h", "0m", "1.5h", "4 h",
        ] {
            let err = bad.parse::<BusinessDuration>().unwrap_err();
            assert!(err.contains("30m, 4h, 2h30m"), "{bad}: {err}");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in ["30m", "4h", "2h30m", "40h", "1h0m30s"] {
            let d: BusinessDuration = s.parse().unwrap();
            assert_eq!(d.to_string().parse::<BusinessDuration>().unwrap(), d);
        }
        assert_eq!(BusinessDuration(9000).to_string(), "2h30m");
    }
}
