//! Compliance positions without I/O: for one day, which entitlement metric
//! each device running a product is counted under, how many units that
//! makes, and whether what was bought covers it. Documented for auditors
//! in the README ("How licences are counted").
//!
//! Per product, named seats count first; then each other device goes to
//! the first metric, in the order user, device, processor, core, site,
//! that still has room for it (the last metric the product has takes the
//! rest). Downgrade rights then let a newer product's spare units cover an
//! older product of the same family.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::consume::{CoreFactor, Device, Share, Tally};
use super::terms::{CoreTerms, Metric, counts_on};

mod downgrade;

pub use downgrade::version_order;
use downgrade::{downgrade, downgrade_sources};

/// A product as positions see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Prod {
    pub id: String,
    pub family: Option<String>,
    pub version: Option<String>,
}

/// An entitlement as positions see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ent {
    pub id: String,
    pub product_id: String,
    pub metric: Metric,
    pub quantity: i64,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub unit_cost_minor: Option<i64>,
    pub currency: Option<String>,
    pub downgrade_rights: bool,
    pub core: CoreTerms,
}

/// A named seat: an entitlement held by a person or a device.
#[derive(Debug, Clone, PartialEq)]
pub struct Seat {
    pub entitlement_id: String,
    pub person: Option<String>,
    pub asset: Option<String>,
}

/// What decides a status besides the counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub at_risk_ratio: f64,
    pub expiry_warning_days: i64,
    pub factors: Vec<CoreFactor>,
}

/// How a device was counted for a product.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    pub share: Share,
    pub metric: Metric,
    /// The product whose downgrade rights cover it, when not its own.
    pub covered_by: Option<String>,
}

/// One (product, metric) position.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub product_id: String,
    pub metric: Metric,
    /// `None`: unlimited (a site licence).
    pub entitled: Option<i64>,
    pub consumed: i64,
    /// Units of older products this one's downgrade rights cover
    /// (counted in `consumed`).
    pub covers: i64,
    /// Units of this product covered by a newer one (not in `consumed`).
    pub covered: i64,
    pub status: &'static str,
    pub shortfall_cost_minor: i64,
    pub unused_cost_minor: i64,
    pub currency: Option<String>,
}

impl Position {
    pub fn balance(&self) -> Option<i64> {
        self.entitled.map(|e| e - self.consumed)
    }
}

/// Positions and, per product, how each of its devices was counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Book {
    pub positions: Vec<Position>,
    pub evidence: BTreeMap<String, Vec<Counted>>,
}

const ORDER: [Metric; 5] = [
    Metric::User,
    Metric::Device,
    Metric::Processor,
    Metric::Core,
    Metric::Site,
];

/// One product's counting, as it builds up.
struct Ledger<'a> {
    metrics: Vec<Metric>,
    room: HashMap<Metric, Option<i64>>,
    tallies: HashMap<Metric, Tally<'a>>,
    counted: Vec<Counted>,
    /// Devices counted beyond the room of their metric.
    over: Vec<usize>,
    covers: HashMap<Metric, i64>,
    covered: HashMap<Metric, i64>,
}

fn ledger<'a, D: Borrow<Device>>(
    all: &[&Ent],
    counting: &[&Ent],
    seats: &[&Seat],
    devices: &[D],
    policy: &'a Policy,
) -> Ledger<'a> {
    let mut metrics: Vec<Metric> = ORDER
        .into_iter()
        .filter(|m| all.iter().any(|e| e.metric == *m))
        .collect();
    if metrics.is_empty() {
        metrics.push(Metric::Device);
    }
    let mut room = HashMap::new();
    let mut tallies = HashMap::new();
    for m in &metrics {
        let of_metric: Vec<&&Ent> = counting.iter().filter(|e| e.metric == *m).collect();
        let quantity = of_metric.iter().map(|e| e.quantity).sum();
        // A site licence is unlimited while one counts; otherwise nothing.
        let unlimited = *m == Metric::Site && !of_metric.is_empty();
        room.insert(*m, (!unlimited).then_some(quantity));
        let core = all
            .iter()
            .find(|e| e.metric == *m)
            .map_or(CoreTerms::of(None, None, None, None), |e| e.core);
        tallies.insert(*m, Tally::new(*m, core, &policy.factors));
    }
    let mut l = Ledger {
        metrics,
        room,
        tallies,
        counted: Vec::new(),
        over: Vec::new(),
        covers: HashMap::new(),
        covered: HashMap::new(),
    };
    l.count(counting, seats, devices);
    l
}

impl Ledger<'_> {
    fn count<D: Borrow<Device>>(&mut self, counting: &[&Ent], seats: &[&Seat], devices: &[D]) {
        let metric_of: HashMap<&str, Metric> =
            counting.iter().map(|e| (e.id.as_str(), e.metric)).collect();
        let mut seat_people = HashMap::new();
        let mut seat_assets = HashMap::new();
        for s in seats {
            let Some(m) = metric_of.get(s.entitlement_id.as_str()).copied() else {
                continue;
            };
            let tally = self.tallies.get_mut(&m).expect("a tally per metric");
            if let Some(p) = &s.person {
                tally.add_person(p);
                seat_people.insert(p.clone(), m);
            } else if let Some(a) = &s.asset {
                tally.add_seat();
                seat_assets.insert(a.clone(), m);
            }
        }
        for d in devices {
            let d = d.borrow();
            let seat = seat_assets
                .get(&d.asset_id)
                .or_else(|| d.assignee.as_ref().and_then(|p| seat_people.get(p)));
            if let Some(m) = seat {
                self.counted.push(Counted {
                    share: Share {
                        asset_id: d.asset_id.clone(),
                        units: 0.0,
                        flags: vec!["named_seat"],
                    },
                    metric: *m,
                    covered_by: None,
                });
                continue;
            }
            self.place(d);
        }
    }

    /// Counts a device under the first metric with room (the last takes it
    /// regardless).
    fn place(&mut self, d: &Device) {
        let last = *self.metrics.last().expect("one metric at least");
        for m in self.metrics.clone() {
            let tally = self.tallies.get_mut(&m).expect("a tally per metric");
            let share = tally.share(d);
            let fits = match self.room[&m] {
                None => true,
                Some(room) => tally.units_with(&share) <= room,
            };
            if fits || m == last {
                let share = tally.add(d);
                if !fits {
                    self.over.push(self.counted.len());
                }
                self.counted.push(Counted {
                    share,
                    metric: m,
                    covered_by: None,
                });
                return;
            }
        }
    }

    fn consumed(&self, m: Metric) -> i64 {
        self.tallies[&m].units() + self.covers.get(&m).copied().unwrap_or(0)
            - self.covered.get(&m).copied().unwrap_or(0)
    }

    /// Units left under `m` for downgrades, at most what `downgrade`
    /// entitlements bring.
    fn spare(&self, m: Metric, downgrade: i64) -> i64 {
        match self.room.get(&m).copied().flatten() {
            Some(room) => (room - self.consumed(m)).min(downgrade).max(0),
            None => 0,
        }
    }
}

/// The positions on `day`. `runs` are, per product, the devices that run
/// it that day (sorted as they should be counted).
pub fn book<D: Borrow<Device>>(
    day: NaiveDate,
    products: &[Prod],
    ents: &[Ent],
    seats: &[Seat],
    runs: &BTreeMap<String, Vec<D>>,
    policy: &Policy,
) -> Book {
    let mut ledgers: BTreeMap<&str, Ledger> = BTreeMap::new();
    let empty = Vec::new();
    for p in products {
        let mut all: Vec<&Ent> = ents.iter().filter(|e| e.product_id == p.id).collect();
        if all.is_empty() {
            // Nothing bought for it: counted as the newer versions that
            // could cover it are, so their downgrade rights can.
            all = downgrade_sources(p, products, ents);
        }
        let devices = runs.get(&p.id).unwrap_or(&empty);
        if all.is_empty() && devices.is_empty() {
            continue;
        }
        let counting: Vec<&Ent> = all
            .iter()
            .copied()
            .filter(|e| e.product_id == p.id && counts_on(e.starts_on, e.ends_on, day))
            .collect();
        let held: Vec<&Seat> = seats
            .iter()
            .filter(|s| counting.iter().any(|e| e.id == s.entitlement_id))
            .collect();
        ledgers.insert(&p.id, ledger(&all, &counting, &held, devices, policy));
    }
    downgrade(day, products, ents, &mut ledgers);
    let mut out = Book::default();
    for p in products {
        let Some(l) = ledgers.get(p.id.as_str()) else {
            continue;
        };
        for m in &l.metrics {
            let mine: Vec<&Ent> = ents
                .iter()
                .filter(|e| e.product_id == p.id && e.metric == *m)
                .collect();
            out.positions
                .push(position(day, &p.id, *m, l, &mine, policy));
        }
        out.evidence.insert(p.id.clone(), l.counted.clone());
    }
    out
}

/// The unit cost (and currency) of a product's metric on `day`: the
/// latest-starting counting entitlement that has a cost; 0 when none has.
pub fn unit_cost(mine: &[&Ent], day: NaiveDate) -> (i64, Option<String>) {
    mine.iter()
        .filter(|e| counts_on(e.starts_on, e.ends_on, day) && e.unit_cost_minor.is_some())
        .max_by(|a, b| (a.starts_on, &a.id).cmp(&(b.starts_on, &b.id)))
        .map_or((0, None), |e| {
            (e.unit_cost_minor.unwrap_or(0), e.currency.clone())
        })
}

fn position(
    day: NaiveDate,
    product_id: &str,
    m: Metric,
    l: &Ledger,
    mine: &[&Ent],
    policy: &Policy,
) -> Position {
    let entitled = l.room[&m];
    let consumed = l.consumed(m);
    let counting: Vec<&&Ent> = mine
        .iter()
        .filter(|e| counts_on(e.starts_on, e.ends_on, day))
        .collect();
    let (unit_cost, currency) = unit_cost(mine, day);
    let ending = counting.iter().any(|e| {
        e.ends_on
            .is_some_and(|end| (end - day).num_days() <= policy.expiry_warning_days)
    });
    let status = match entitled {
        // Unlimited, but not for ever: a site licence ending soon is a risk.
        None if ending => "at_risk",
        None => "compliant",
        Some(e) if consumed > e => "non_compliant",
        Some(e)
            if ending || (consumed > 0 && consumed as f64 >= policy.at_risk_ratio * e as f64) =>
        {
            "at_risk"
        }
        Some(_) => "compliant",
    };
    let (short, unused) = match entitled {
        Some(e) => ((consumed - e).max(0), (e - consumed).max(0)),
        None => (0, 0),
    };
    Position {
        product_id: product_id.to_owned(),
        metric: m,
        entitled,
        consumed,
        covers: l.covers.get(&m).copied().unwrap_or(0),
        covered: l.covered.get(&m).copied().unwrap_or(0),
        status,
        shortfall_cost_minor: short * unit_cost,
        unused_cost_minor: unused * unit_cost,
        currency,
    }
}

#[cfg(test)]
mod tests;
