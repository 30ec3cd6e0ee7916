//! How installations consume entitlements, without I/O: the units each
//! metric counts on the devices that run a product, with the evidence per
//! device (what it counted and why). Documented for auditors in the README.

use std::collections::BTreeSet;

use super::terms::{CoreRule, CoreTerms, Metric};
use crate::text::glob_matches;

/// A device that runs the product on the day counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub asset_id: String,
    /// Its assigned person, if any.
    pub assignee: Option<String>,
    /// Processors (sockets), when the inventory knows them.
    pub processors: Option<i32>,
    /// Cores over all processors, when the inventory knows them.
    pub cores: Option<i32>,
    pub cpu_name: Option<String>,
}

/// One device's share of a position.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub asset_id: String,
    /// Units counted for it (under `factor`, its cores × factor before the
    /// total is rounded up).
    pub units: f64,
    /// e.g. `cores_unknown`.
    pub flags: Vec<&'static str>,
}

/// A line of `[[licenses.core_factors]]`: a glob on the processor's name.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreFactor {
    pub cpu: String,
    pub factor: f64,
}

/// The factor of a processor: the first matching line, else 1.0.
pub fn factor_for(table: &[CoreFactor], cpu_name: Option<&str>) -> f64 {
    let name = cpu_name.unwrap_or("").trim();
    table
        .iter()
        .find(|f| glob_matches(&f.cpu, name))
        .map_or(1.0, |f| f.factor)
}

/// `n` rounded up to a whole number of packs (counts are not negative).
fn round_up(n: i64, pack: i64) -> i64 {
    if pack <= 1 {
        n
    } else {
        (n + pack - 1) / pack * pack
    }
}

/// Whole units plus hundredths rounded up to the next whole unit.
fn rounded(whole: i64, hundredths: i64) -> i64 {
    whole + hundredths.div_euclid(100) + i64::from(hundredths.rem_euclid(100) > 0)
}

/// Units counted so far under one metric, device by device: what a device
/// would add depends on what is counted already (a person counts once,
/// factored cores round up once at the total).
#[derive(Debug, Clone)]
pub struct Tally<'a> {
    metric: Metric,
    core: CoreTerms,
    factors: &'a [CoreFactor],
    people: BTreeSet<String>,
    whole: i64,
    /// Factored cores, in hundredths (factors are halves and quarters).
    hundredths: i64,
}

impl<'a> Tally<'a> {
    pub fn new(metric: Metric, core: CoreTerms, factors: &'a [CoreFactor]) -> Tally<'a> {
        Tally {
            metric,
            core,
            factors,
            people: BTreeSet::new(),
            whole: 0,
            hundredths: 0,
        }
    }

    /// The units counted: whole units plus factored cores rounded up.
    pub fn units(&self) -> i64 {
        self.whole
            + self.hundredths.div_euclid(100)
            + i64::from(self.hundredths.rem_euclid(100) > 0)
    }

    /// The units counted if `share` were added.
    pub fn units_with(&self, share: &Share) -> i64 {
        let (whole, hundredths) = self.added(share);
        rounded(whole, hundredths)
    }

    /// Whole units and factored hundredths once `share` is counted.
    fn added(&self, share: &Share) -> (i64, i64) {
        if self.factored() {
            (
                self.whole,
                self.hundredths + (share.units * 100.0).round() as i64,
            )
        } else {
            (self.whole + share.units as i64, self.hundredths)
        }
    }

    fn factored(&self) -> bool {
        self.metric == Metric::Core && self.core.rule == CoreRule::Factor
    }

    /// What `d` would add, with its flags (nothing is counted).
    pub fn share(&self, d: &Device) -> Share {
        let (units, flags) = match self.metric {
            Metric::Device | Metric::Site => (1.0, Vec::new()),
            Metric::User => match &d.assignee {
                Some(p) if self.people.contains(p) => (0.0, Vec::new()),
                Some(_) => (1.0, Vec::new()),
                None => (1.0, vec!["no_assignee"]),
            },
            Metric::Processor => match d.processors {
                Some(p) => (p.max(1) as f64, Vec::new()),
                None => (1.0, vec!["processors_unknown"]),
            },
            Metric::Core => match self.core.rule {
                CoreRule::PerDevice => per_device(&self.core, d),
                CoreRule::Factor => match d.cores {
                    Some(c) => (
                        c as f64 * factor_for(self.factors, d.cpu_name.as_deref()),
                        Vec::new(),
                    ),
                    None => (0.0, vec!["cores_unknown"]),
                },
            },
        };
        Share {
            asset_id: d.asset_id.clone(),
            units,
            flags,
        }
    }

    fn count(&mut self, share: &Share) {
        (self.whole, self.hundredths) = self.added(share);
    }

    /// Counts `d`, returning its share.
    pub fn add(&mut self, d: &Device) -> Share {
        let share = self.share(d);
        self.count(&share);
        if let Some(p) = &d.assignee {
            self.people.insert(p.clone());
        }
        share
    }

    /// Counts a named seat held by a person (each person once).
    pub fn add_person(&mut self, person: &str) {
        if self.people.insert(person.to_owned()) {
            self.whole += 1;
        }
    }

    /// Counts a named seat held by a device.
    pub fn add_seat(&mut self) {
        self.whole += 1;
    }
}

/// The units `devices` consume under `metric` (`core` by `core`), with
/// each device's share. `named` are people holding allocations: under
/// `user` each counts once, with the devices' people.
pub fn consume(
    metric: Metric,
    core: &CoreTerms,
    factors: &[CoreFactor],
    devices: &[Device],
    named: &[String],
) -> (i64, Vec<Share>) {
    let mut tally = Tally::new(metric, *core, factors);
    for p in named {
        tally.add_person(p);
    }
    let shares = devices.iter().map(|d| tally.add(d)).collect();
    (tally.units(), shares)
}

/// Per device: the larger of its cores and the minimums, in whole packs; an
/// unknown core count counts the minimum (one processor when unknown too).
fn per_device(core: &CoreTerms, d: &Device) -> (f64, Vec<&'static str>) {
    let mut flags = Vec::new();
    let procs = d.processors.unwrap_or(1).max(1) as i64;
    let minimum = (core.min_per_processor as i64 * procs).max(core.min_per_device as i64);
    let counted = match d.cores {
        Some(c) => (c as i64).max(minimum),
        None => {
            flags.push("cores_unknown");
            minimum
        }
    };
    (round_up(counted, core.pack as i64) as f64, flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(
        id: &str,
        who: Option<&str>,
        procs: Option<i32>,
        cores: Option<i32>,
        cpu: &str,
    ) -> Device {
        Device {
            asset_id: id.into(),
            assignee: who.map(Into::into),
            processors: procs,
            cores,
            cpu_name: Some(cpu.into()),
        }
    }

    fn shipped_factors() -> Vec<CoreFactor> {
        vec![
            CoreFactor {
                cpu: "Intel*".into(),
                factor: 0.5,
            },
            CoreFactor {
                cpu: "AMD*".into(),
                factor: 0.5,
            },
        ]
    }

    #[test]
    fn devices_users_and_processors_count_by_hand() {
        let devices = [
            dev("a", Some("kim"), Some(2), Some(16), "Intel Xeon"),
            dev("b", Some("kim"), Some(1), Some(4), "Intel Core i7"),
            dev("c", None, None, None, ""),
        ];
        let core = CoreTerms::of(None, None, None, None);
        assert_eq!(consume(Metric::Device, &core, &[], &devices, &[]).0, 3);
        // kim once, the unassigned device on its own, lee by allocation.
        assert_eq!(
            consume(Metric::User, &core, &[], &devices, &["lee".into()]).0,
            3
        );
        let (procs, shares) = consume(Metric::Processor, &core, &[], &devices, &[]);
        assert_eq!(procs, 4);
        assert_eq!(shares[2].flags, vec!["processors_unknown"]);
        assert_eq!(consume(Metric::Site, &core, &[], &devices, &[]).0, 3);
    }

    #[test]
    fn per_device_cores_take_the_minimums_and_whole_packs() {
        // SQL Server: 4 cores per processor, 2-core packs.
        let sql = CoreTerms::of(None, Some(4), None, Some(2));
        let devices = [
            dev("two-socket", None, Some(2), Some(6), "Intel Xeon"), // max(6, 8) = 8
            dev("big", None, Some(1), Some(13), "Intel Xeon"),       // 13 → 14
            dev("unknown", None, None, None, ""),                    // 4, flagged
        ];
        let (units, shares) = consume(Metric::Core, &sql, &[], &devices, &[]);
        assert_eq!(units, 8 + 14 + 4);
        assert_eq!(shares[2].flags, vec!["cores_unknown"]);
        // Windows Server: 8 per processor and 16 per device.
        let windows = CoreTerms::of(None, Some(8), Some(16), Some(2));
        let small = [dev("s", None, Some(1), Some(4), "Intel Xeon")];
        assert_eq!(consume(Metric::Core, &windows, &[], &small, &[]).0, 16);
    }

    #[test]
    fn factor_cores_round_up_once_at_the_total() {
        let oracle = CoreTerms::of(Some(CoreRule::Factor), None, None, None);
        let devices = [
            dev("x", None, Some(1), Some(3), "Intel Xeon Gold"), // 1.5
            dev("y", None, Some(1), Some(3), "AMD EPYC"),        // 1.5
            dev("z", None, Some(1), Some(1), "SPARC M8"),        // 1.0
            dev("u", None, None, None, "Intel"),                 // 0, flagged
        ];
        let (units, shares) = consume(Metric::Core, &oracle, &shipped_factors(), &devices, &[]);
        assert_eq!(units, 4, "1.5 + 1.5 + 1.0 = 4.0");
        assert_eq!(shares[3].flags, vec!["cores_unknown"]);
        let odd = [dev("x", None, Some(1), Some(3), "Intel Xeon")];
        assert_eq!(
            consume(Metric::Core, &oracle, &shipped_factors(), &odd, &[]).0,
            2,
            "1.5 → 2"
        );
        assert_eq!(factor_for(&shipped_factors(), Some("SPARC")), 1.0);
    }
}
