use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::*;
use crate::assets::domain::Category;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn asset(status: AssetStatus, category: Option<Category>) -> AtEnd {
    AtEnd {
        category,
        status,
        deployed_in_period: false,
        retired_in_period: false,
        warranty_end: None,
        inventoried_recently: false,
        value: None,
    }
}

#[test]
fn assets_count_at_the_end_and_value_what_is_not_disposed() {
    let last = day("2026-10-31");
    let list = vec![
        AtEnd {
            deployed_in_period: true,
            inventoried_recently: true,
            warranty_end: Some(day("2026-11-30")),
            value: Some(("EUR".into(), 100_000, 50_000)),
            ..asset(AssetStatus::Deployed, Some(Category::Laptop))
        },
        asset(AssetStatus::Deployed, Some(Category::Desktop)),
        AtEnd {
            retired_in_period: true,
            warranty_end: Some(day("2026-11-15")),
            value: Some(("EUR".into(), 20_000, 0)),
            ..asset(AssetStatus::Retired, Some(Category::Laptop))
        },
        AtEnd {
            value: Some(("EUR".into(), 30_000, 10_000)),
            ..asset(AssetStatus::Disposed, Some(Category::Phone))
        },
        AtEnd {
            warranty_end: Some(last),
            ..asset(AssetStatus::InStock, None)
        },
    ];
    let fig = assets(&list, last);
    assert_eq!(
        fig.by_status,
        BTreeMap::from([
            ("deployed".into(), 2),
            ("disposed".into(), 1),
            ("in_stock".into(), 1),
            ("retired".into(), 1)
        ])
    );
    assert_eq!(
        fig.by_category,
        BTreeMap::from([
            ("desktop".into(), 1),
            ("laptop".into(), 1),
            ("none".into(), 1)
        ])
    );
    assert_eq!((fig.deployed, fig.retired), (1, 1));
    assert_eq!(
        fig.warranties_ending_90d, 1,
        "the retired one and one ending on the last day are not"
    );
    assert_eq!(fig.inventory_freshness, Some(0.5));
    assert_eq!(
        fig.book_value,
        vec![BookValue {
            category: "laptop".into(),
            currency: "EUR".into(),
            assets: 2,
            cost: "1200.00".into(),
            book_value: "500.00".into(),
        }],
        "the disposed phone is not on the books"
    );
    assert_eq!(assets(&[], last).inventory_freshness, None);
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

#[test]
fn onboarding_takes_the_median_cycle_per_kind() {
    let run = |kind, hours: i64| Completed {
        kind,
        requested_at: at("2026-10-01 08:00"),
        done_at: at("2026-10-01 08:00") + Duration::hours(hours),
    };
    let fig = onboarding(&[
        run(RunKind::Onboard, 10),
        run(RunKind::Onboard, 2),
        run(RunKind::Onboard, 30),
        run(RunKind::Offboard, 1),
    ]);
    assert_eq!(fig.onboardings.completed, 3);
    assert_eq!(fig.onboardings.median_cycle_seconds, Some(10 * 3600));
    assert_eq!(fig.offboardings.median_cycle_seconds, Some(3600));
    assert_eq!(fig.moves, RunFigures::default());
}

#[test]
fn vendors_count_answers_known_at_the_end() {
    let end = at("2026-11-01 00:00");
    let facts = |answered: Option<i64>| Facts {
        response_target: Some(3600),
        resolution_target: None,
        response_due_at: Some(at("2026-10-10 10:00")),
        resolution_due_at: None,
        response_seconds: answered,
        resolution_seconds: None,
    };
    let fig = vendors(
        &[
            ("Acme".into(), facts(Some(600))),
            ("Acme".into(), facts(None)),
            ("Bolt".into(), facts(Some(7200))),
        ],
        end,
    );
    assert_eq!(fig.escalations, 3);
    assert_eq!(
        fig.response_attainment,
        Some(1.0 / 3.0),
        "one in time, one late, one open past due"
    );
    assert_eq!(fig.by_vendor.len(), 2);
    assert_eq!(fig.by_vendor[0].response_attainment, Some(0.5));
    assert_eq!(fig.by_vendor[1].response_attainment, Some(0.0));
}

fn contract(title: &str, starts: &str, ends: &str, annual: i64, currency: &str) -> ContractDto {
    let epoch = chrono::DateTime::UNIX_EPOCH;
    ContractDto {
        id: title.into(),
        vendor_id: "v".into(),
        vendor: "Acme".into(),
        kind: crate::vendors::domain::ContractKind::Support,
        reference: None,
        title: title.into(),
        owner_id: None,
        owner_email: None,
        draft: false,
        starts_on: Some(day(starts)),
        ends_on: Some(day(ends)),
        auto_renew: false,
        renewal_months: None,
        notice_months: None,
        notice_days: None,
        amount_minor: Some(annual),
        currency: Some(currency.into()),
        billing: None,
        terminates_on: None,
        termination_reason: None,
        renewed_on: None,
        notes: String::new(),
        notice_deadline: None,
        term_months: Some(12),
        annual_cost_minor: Some(annual),
        total_contract_value_minor: None,
        status: crate::vendors::terms::Status::Active,
        response_target: None,
        response_target_seconds: None,
        resolution_target: None,
        resolution_target_seconds: None,
        service_calendar: None,
        assets: Vec::new(),
        entitlement_ids: Vec::new(),
        created_at: epoch,
        updated_at: epoch,
    }
}

#[test]
fn contracts_in_force_on_the_last_day_with_spend_and_dates_in_the_90_days_after() {
    let mut firewall = contract("Firewall", "2026-01-01", "2026-12-31", 1_200_000, "EUR");
    firewall.notice_deadline = Some(day("2026-11-30"));
    firewall.auto_renew = true;
    let mut printers = contract("Printers", "2025-02-01", "2027-01-29", 300_000, "EUR");
    // 90 days after 31 October is 29 January: the last day that counts.
    printers.notice_deadline = Some(day("2026-10-31"));
    let beyond = contract("Phones", "2026-01-01", "2027-01-30", 50_000, "USD");
    let ended = contract("Old", "2025-01-01", "2026-10-30", 999_999, "EUR");
    let mut terminated = contract("Cut", "2026-01-01", "2026-12-31", 888_888, "EUR");
    terminated.terminates_on = Some(day("2026-10-31"));
    let mut draft = contract("Draft", "2026-01-01", "2026-12-31", 777_777, "EUR");
    draft.draft = true;
    let list = [firewall, printers, beyond, ended, terminated, draft];
    let f = contracts(&list, day("2026-10-31"));
    assert_eq!(
        f.in_force, 3,
        "the ended, terminated and draft ones are not"
    );
    let spend: Vec<(&str, &str)> = f
        .committed_annual_spend
        .iter()
        .map(|s| (s.currency.as_str(), s.annual.as_str()))
        .collect();
    assert_eq!(spend, [("EUR", "15000.00"), ("USD", "500.00")]);
    let notices: Vec<&str> = f
        .notice_deadlines_90d
        .iter()
        .map(|d| d.contract.as_str())
        .collect();
    assert_eq!(
        notices,
        ["Firewall"],
        "a deadline on the last day itself is past"
    );
    let ends: Vec<(&str, NaiveDate, bool)> = f
        .renewals_90d
        .iter()
        .map(|d| (d.contract.as_str(), d.date, d.auto_renew))
        .collect();
    assert_eq!(
        ends,
        [
            ("Firewall", day("2026-12-31"), true),
            ("Printers", day("2027-01-29"), false)
        ]
    );
}
