//! The register sections of the report, computed without I/O from what
//! each register says of the month's end: assets, licenses, contracts,
//! onboarding and vendors. Amounts are decimals in their currency
//! (`"1299.00"`), one entry per currency; nothing is converted.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ticket_figures::{NONE, rate};
use crate::assets::domain::Status as AssetStatus;
use crate::assets::service::month::AtEnd;
use crate::licenses::dto::PositionsDto;
use crate::money::Money;
use crate::onboarding::completed::Completed;
use crate::onboarding::domain::RunKind;
use crate::vendors::dto::ContractDto;
use crate::vendors::performance::{self, Facts, nearest_rank};

/// How far ahead warranties, notice deadlines and renewals are listed.
pub const AHEAD_DAYS: i64 = 90;

/// `1299.00` in its currency; the minor units when the code is unknown.
pub fn amount(minor: i64, currency: &str) -> String {
    Money::from_parts(Some(minor), Some(currency)).map_or_else(|| minor.to_string(), |m| m.plain())
}

/// Book value of one category in one currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct BookValue {
    pub category: String,
    pub currency: String,
    pub assets: u64,
    pub cost: String,
    pub book_value: String,
}

/// The asset section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AssetFigures {
    /// Every asset registered by the month's end, by its status then.
    pub by_status: BTreeMap<String, u64>,
    /// Assets not retired nor disposed at the month's end, by category.
    pub by_category: BTreeMap<String, u64>,
    /// Assets that entered `deployed` (or `retired`) during the month.
    pub deployed: u64,
    pub retired: u64,
    /// Assets in use at the month's end whose warranty ends in the 90 days
    /// after it.
    pub warranties_ending_90d: u64,
    /// Of the assets deployed at the month's end, the share inventoried in
    /// the 30 days before it.
    pub inventory_freshness: Option<f64>,
    /// Straight-line book value on the month's last day of the valued
    /// assets not disposed then, by category and currency.
    pub book_value: Vec<BookValue>,
}

fn retired_or_gone(s: AssetStatus) -> bool {
    matches!(s, AssetStatus::Retired | AssetStatus::Disposed)
}

/// The asset figures from every asset as it stood at the month's end.
pub fn assets(list: &[AtEnd], last_day: NaiveDate) -> AssetFigures {
    let mut fig = AssetFigures::default();
    let (mut deployed_now, mut fresh) = (0, 0);
    let ahead = (
        last_day + Duration::days(1),
        last_day + Duration::days(AHEAD_DAYS),
    );
    let mut values: BTreeMap<(String, String), (u64, i64, i64)> = BTreeMap::new();
    for a in list {
        *fig.by_status.entry(a.status.as_str().into()).or_default() += 1;
        let category = a.category.map_or(NONE, |c| c.as_str()).to_owned();
        fig.deployed += u64::from(a.deployed_in_period);
        fig.retired += u64::from(a.retired_in_period);
        if a.status == AssetStatus::Deployed {
            deployed_now += 1;
            fresh += u64::from(a.inventoried_recently);
        }
        if retired_or_gone(a.status) {
            if a.status == AssetStatus::Retired
                && let Some((cur, cost, value)) = &a.value
            {
                let v = values.entry((category, cur.clone())).or_default();
                *v = (v.0 + 1, v.1 + cost, v.2 + value);
            }
            continue;
        }
        *fig.by_category.entry(category.clone()).or_default() += 1;
        if a.warranty_end.is_some_and(|w| w >= ahead.0 && w <= ahead.1) {
            fig.warranties_ending_90d += 1;
        }
        if let Some((cur, cost, value)) = &a.value {
            let v = values.entry((category, cur.clone())).or_default();
            *v = (v.0 + 1, v.1 + cost, v.2 + value);
        }
    }
    fig.inventory_freshness = rate(fresh, deployed_now);
    fig.book_value = values
        .into_iter()
        .map(|((category, currency), (n, cost, value))| BookValue {
            cost: amount(cost, &currency),
            book_value: amount(value, &currency),
            category,
            currency,
            assets: n,
        })
        .collect();
    fig
}

/// Costs of one currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct LicenseCosts {
    pub currency: String,
    pub shortfall_cost: String,
    pub unused_cost: String,
}

/// A position short of licences at the month's end.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Shortfall {
    pub product: String,
    pub metric: String,
    pub entitled: Option<i64>,
    pub consumed: i64,
    pub shortfall: i64,
    pub shortfall_cost: Option<String>,
}

/// The license section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct LicenseFigures {
    pub as_of: Option<NaiveDate>,
    pub positions: u64,
    pub compliant: u64,
    pub at_risk: u64,
    pub non_compliant: u64,
    pub costs: Vec<LicenseCosts>,
    /// Positions short of licences, the largest shortfall first.
    pub shortfalls: Vec<Shortfall>,
}

/// The license figures from the compliance positions on the month's last
/// day.
pub fn licenses(p: &PositionsDto) -> LicenseFigures {
    let mut shortfalls: Vec<Shortfall> = p
        .items
        .iter()
        .filter(|i| i.balance.is_some_and(|b| b < 0))
        .map(|i| Shortfall {
            product: i.product.clone(),
            metric: i.metric.as_str().into(),
            entitled: i.entitled,
            consumed: i.consumed,
            shortfall: -i.balance.unwrap_or(0),
            shortfall_cost: i
                .currency
                .as_deref()
                .map(|c| amount(i.shortfall_cost_minor, c)),
        })
        .collect();
    shortfalls.sort_by(|a, b| {
        b.shortfall
            .cmp(&a.shortfall)
            .then(a.product.cmp(&b.product))
    });
    LicenseFigures {
        as_of: Some(p.as_of),
        positions: p.totals.positions as u64,
        compliant: p.totals.compliant as u64,
        at_risk: p.totals.at_risk as u64,
        non_compliant: p.totals.non_compliant as u64,
        costs: p
            .totals
            .costs
            .iter()
            .map(|c| LicenseCosts {
                currency: c.currency.clone(),
                shortfall_cost: amount(c.shortfall_cost_minor, &c.currency),
                unused_cost: amount(c.unused_cost_minor, &c.currency),
            })
            .collect(),
        shortfalls,
    }
}

/// A contract decision ahead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ContractDate {
    pub contract: String,
    pub vendor: String,
    pub date: NaiveDate,
    pub auto_renew: bool,
    pub annual_cost: Option<String>,
    pub currency: Option<String>,
}

/// Annual spend of one currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Spend {
    pub currency: String,
    pub annual: String,
}

/// The contract section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ContractFigures {
    /// Contracts in force on the month's last day.
    pub in_force: u64,
    /// Their annual cost, by currency.
    pub committed_annual_spend: Vec<Spend>,
    /// Notice deadlines in the 90 days after the month.
    pub notice_deadlines_90d: Vec<ContractDate>,
    /// Contract ends (renewals, or expiries) in the 90 days after it.
    pub renewals_90d: Vec<ContractDate>,
}

fn in_force(c: &ContractDto, day: NaiveDate) -> bool {
    !c.draft
        && c.starts_on.is_none_or(|s| s <= day)
        && c.ends_on.is_none_or(|e| e >= day)
        && c.terminates_on.is_none_or(|t| t > day)
}

fn dated(c: &ContractDto, date: NaiveDate) -> ContractDate {
    ContractDate {
        contract: c.title.clone(),
        vendor: c.vendor.clone(),
        date,
        auto_renew: c.auto_renew,
        annual_cost: c
            .annual_cost_minor
            .zip(c.currency.as_deref())
            .map(|(a, cur)| amount(a, cur)),
        currency: c.currency.clone(),
    }
}

/// The contract figures as the contracts stand, seen from the month's last
/// day.
pub fn contracts(list: &[ContractDto], last_day: NaiveDate) -> ContractFigures {
    let (from, to) = (
        last_day + Duration::days(1),
        last_day + Duration::days(AHEAD_DAYS),
    );
    let ahead = |d: Option<NaiveDate>| d.filter(|d| *d >= from && *d <= to);
    let mut fig = ContractFigures::default();
    let mut spend: BTreeMap<String, i64> = BTreeMap::new();
    for c in list.iter().filter(|c| in_force(c, last_day)) {
        fig.in_force += 1;
        if let (Some(a), Some(cur)) = (c.annual_cost_minor, &c.currency) {
            *spend.entry(cur.clone()).or_default() += a;
        }
        if let Some(d) = ahead(c.notice_deadline) {
            fig.notice_deadlines_90d.push(dated(c, d));
        }
        if let Some(d) = ahead(c.ends_on) {
            fig.renewals_90d.push(dated(c, d));
        }
    }
    fig.committed_annual_spend = spend
        .into_iter()
        .map(|(currency, a)| Spend {
            annual: amount(a, &currency),
            currency,
        })
        .collect();
    for list in [&mut fig.notice_deadlines_90d, &mut fig.renewals_90d] {
        list.sort_by(|a, b| a.date.cmp(&b.date).then(a.contract.cmp(&b.contract)));
    }
    fig
}

/// Runs of one kind finished in the month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct RunFigures {
    pub completed: u64,
    /// Median wall-clock seconds from the request to the last step done
    /// (nearest rank).
    pub median_cycle_seconds: Option<i64>,
}

/// The onboarding section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct OnboardingFigures {
    pub onboardings: RunFigures,
    pub offboardings: RunFigures,
    pub moves: RunFigures,
}

/// The onboarding figures from the runs finished in the month.
pub fn onboarding(runs: &[Completed]) -> OnboardingFigures {
    let of = |kind: RunKind| {
        let mut s: Vec<i64> = runs
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| (r.done_at - r.requested_at).num_seconds())
            .collect();
        s.sort_unstable();
        RunFigures {
            completed: s.len() as u64,
            median_cycle_seconds: nearest_rank(&s, 0.5),
        }
    };
    OnboardingFigures {
        onboardings: of(RunKind::Onboard),
        offboardings: of(RunKind::Offboard),
        moves: of(RunKind::Move),
    }
}

/// One vendor's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct VendorMonth {
    pub vendor: String,
    pub escalations: u64,
    /// Answers (and resolutions) within the vendor's targets: met / (met +
    /// missed), as the vendor register counts them at the month's end.
    pub response_attainment: Option<f64>,
    pub resolution_attainment: Option<f64>,
}

/// The vendor section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct VendorFigures {
    /// Tickets escalated to vendors in the month.
    pub escalations: u64,
    pub response_attainment: Option<f64>,
    pub resolution_attainment: Option<f64>,
    pub by_vendor: Vec<VendorMonth>,
}

/// The vendor figures from the escalations made in the month, as they
/// stood at its end.
pub fn vendors(list: &[(String, Facts)], end: chrono::NaiveDateTime) -> VendorFigures {
    let all: Vec<Facts> = list.iter().map(|(_, f)| f.clone()).collect();
    let total = performance::compute(&all, end);
    let mut by: BTreeMap<&str, Vec<Facts>> = BTreeMap::new();
    for (v, f) in list {
        by.entry(v).or_default().push(f.clone());
    }
    VendorFigures {
        escalations: total.escalations as u64,
        response_attainment: total.response.within_target,
        resolution_attainment: total.resolution.within_target,
        by_vendor: by
            .into_iter()
            .map(|(vendor, facts)| {
                let p = performance::compute(&facts, end);
                VendorMonth {
                    vendor: vendor.to_owned(),
                    escalations: p.escalations as u64,
                    response_attainment: p.response.within_target,
                    resolution_attainment: p.resolution.within_target,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
#[path = "registers_tests.rs"]
mod tests;
