use super::*;
use crate::licenses::terms::CoreRule;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn prod(id: &str) -> Prod {
    Prod {
        id: id.into(),
        family: None,
        version: None,
    }
}

fn ent(id: &str, product: &str, metric: Metric, quantity: i64) -> Ent {
    Ent {
        id: id.into(),
        product_id: product.into(),
        metric,
        quantity,
        starts_on: None,
        ends_on: None,
        unit_cost_minor: None,
        currency: None,
        downgrade_rights: false,
        core: CoreTerms::of(None, None, None, None),
    }
}

fn dev(id: &str, who: Option<&str>) -> Device {
    Device {
        asset_id: id.into(),
        assignee: who.map(Into::into),
        processors: Some(1),
        cores: Some(4),
        cpu_name: Some("Intel Xeon".into()),
    }
}

fn policy() -> Policy {
    Policy {
        at_risk_ratio: 0.9,
        expiry_warning_days: 60,
        factors: vec![CoreFactor {
            cpu: "Intel*".into(),
            factor: 0.5,
        }],
    }
}

fn runs(p: &str, devices: Vec<Device>) -> BTreeMap<String, Vec<Device>> {
    BTreeMap::from([(p.to_owned(), devices)])
}

fn only(b: &Book, product: &str, m: Metric) -> Position {
    b.positions
        .iter()
        .find(|p| p.product_id == product && p.metric == m)
        .cloned()
        .unwrap_or_else(|| panic!("no position {product}/{m:?} in {:?}", b.positions))
}

#[test]
fn a_short_device_licence_costs_its_shortfall() {
    let mut e = ent("e", "visio", Metric::Device, 2);
    e.unit_cost_minor = Some(30_000);
    e.currency = Some("EUR".into());
    let devices = vec![dev("a", None), dev("b", None), dev("c", None)];
    let b = book(
        d("2027-01-10"),
        &[prod("visio")],
        &[e],
        &[],
        &runs("visio", devices),
        &policy(),
    );
    let p = only(&b, "visio", Metric::Device);
    assert_eq!(
        (p.entitled, p.consumed, p.balance()),
        (Some(2), 3, Some(-1))
    );
    assert_eq!(p.status, "non_compliant");
    assert_eq!((p.shortfall_cost_minor, p.unused_cost_minor), (30_000, 0));
    assert_eq!(p.currency.as_deref(), Some("EUR"));
}

#[test]
fn consumption_without_any_entitlement_is_non_compliant() {
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        &[],
        &[],
        &runs("p", vec![dev("a", None)]),
        &policy(),
    );
    let p = only(&b, "p", Metric::Device);
    assert_eq!(
        (p.entitled, p.consumed, p.status),
        (Some(0), 1, "non_compliant")
    );
}

#[test]
fn statuses_follow_the_ratio_and_the_end_of_terms() {
    let ten = ent("e", "p", Metric::Device, 10);
    let nine: Vec<Device> = (0..9).map(|i| dev(&format!("d{i}"), None)).collect();
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        std::slice::from_ref(&ten),
        &[],
        &runs("p", nine[..8].to_vec()),
        &policy(),
    );
    assert_eq!(only(&b, "p", Metric::Device).status, "compliant", "8 of 10");
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        std::slice::from_ref(&ten),
        &[],
        &runs("p", nine.clone()),
        &policy(),
    );
    assert_eq!(
        only(&b, "p", Metric::Device).status,
        "at_risk",
        "9 of 10 ≥ 0.9"
    );
    // Ending on 2027-03-01: 50 days after 01-10, inside the 60-day warning.
    let mut ending = ten.clone();
    ending.ends_on = Some(d("2027-03-01"));
    let few = runs("p", nine[..2].to_vec());
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        &[ending.clone()],
        &[],
        &few,
        &policy(),
    );
    assert_eq!(only(&b, "p", Metric::Device).status, "at_risk");
    let b = book(
        d("2026-12-01"),
        &[prod("p")],
        &[ending.clone()],
        &[],
        &few,
        &policy(),
    );
    assert_eq!(
        only(&b, "p", Metric::Device).status,
        "compliant",
        "90 days before"
    );
    // The day after it ends it no longer counts.
    let b = book(
        d("2027-03-02"),
        &[prod("p")],
        &[ending],
        &[],
        &few,
        &policy(),
    );
    let p = only(&b, "p", Metric::Device);
    assert_eq!((p.entitled, p.status), (Some(0), "non_compliant"));
}

#[test]
fn seats_count_first_and_cover_their_holders_devices() {
    let users = ent("u", "p", Metric::User, 3);
    let seats = [Seat {
        entitlement_id: "u".into(),
        person: Some("lee".into()),
        asset: None,
    }];
    // kim on two devices counts once, lee's device is under lee's seat,
    // lee's seat counts even so, the unassigned device alone.
    let devices = vec![
        dev("a", Some("kim")),
        dev("b", Some("kim")),
        dev("c", Some("lee")),
        dev("d", None),
    ];
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        &[users],
        &seats,
        &runs("p", devices),
        &policy(),
    );
    let p = only(&b, "p", Metric::User);
    assert_eq!((p.consumed, p.status), (3, "at_risk"));
    let flags: Vec<&str> = b.evidence["p"]
        .iter()
        .flat_map(|c| c.share.flags.clone())
        .collect();
    assert_eq!(flags, vec!["named_seat", "no_assignee"]);
}

#[test]
fn devices_spill_from_user_to_device_and_the_last_metric_takes_the_rest() {
    let ents = [
        ent("u", "p", Metric::User, 1),
        ent("dv", "p", Metric::Device, 1),
    ];
    let devices = vec![
        dev("a", Some("kim")),
        dev("b", Some("kim")),
        dev("c", Some("lee")),
        dev("e", Some("max")),
    ];
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        &ents,
        &[],
        &runs("p", devices),
        &policy(),
    );
    // kim's two devices fit the one user unit; lee goes to device; max
    // fits nowhere and lands on the last metric.
    let u = only(&b, "p", Metric::User);
    let dv = only(&b, "p", Metric::Device);
    assert_eq!((u.consumed, u.status), (1, "at_risk"));
    assert_eq!((dv.consumed, dv.status), (2, "non_compliant"));
    let metrics: Vec<Metric> = b.evidence["p"].iter().map(|c| c.metric).collect();
    assert_eq!(
        metrics,
        [Metric::User, Metric::User, Metric::Device, Metric::Device]
    );
}

#[test]
fn per_core_positions_take_minimums_and_factors() {
    // SQL Server style: 4 cores per processor, 2-core packs; 16 bought.
    let mut sql = ent("s", "sql", Metric::Core, 16);
    sql.core = CoreTerms::of(None, Some(4), None, Some(2));
    let mut big = dev("big", None);
    (big.processors, big.cores) = (Some(2), Some(11)); // 12
    let mut unknown = dev("unknown", None);
    (unknown.processors, unknown.cores) = (None, None); // 4, flagged
    let b = book(
        d("2027-01-10"),
        &[prod("sql")],
        &[sql],
        &[],
        &runs("sql", vec![big, unknown]),
        &policy(),
    );
    let p = only(&b, "sql", Metric::Core);
    assert_eq!((p.consumed, p.status), (16, "at_risk"));
    assert_eq!(b.evidence["sql"][1].share.flags, vec!["cores_unknown"]);
    // Oracle style: 3 + 3 Intel cores × 0.5 and 1 SPARC core = 4; 3 bought.
    let mut ora = ent("o", "ora", Metric::Core, 3);
    ora.core = CoreTerms::of(Some(CoreRule::Factor), None, None, None);
    let mut sparc = dev("s", None);
    (sparc.cores, sparc.cpu_name) = (Some(1), Some("SPARC M8".into()));
    let mut x = dev("x", None);
    x.cores = Some(3);
    let mut y = dev("y", None);
    y.cores = Some(3);
    let b = book(
        d("2027-01-10"),
        &[prod("ora")],
        &[ora],
        &[],
        &runs("ora", vec![x, y, sparc]),
        &policy(),
    );
    let p = only(&b, "ora", Metric::Core);
    assert_eq!(
        (p.consumed, p.balance(), p.status),
        (4, Some(-1), "non_compliant")
    );
}

#[test]
fn a_site_licence_is_never_short() {
    let site = ent("s", "p", Metric::Site, 0);
    let devices: Vec<Device> = (0..50).map(|i| dev(&format!("d{i}"), None)).collect();
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        &[site],
        &[],
        &runs("p", devices),
        &policy(),
    );
    let p = only(&b, "p", Metric::Site);
    assert_eq!((p.entitled, p.consumed, p.status), (None, 50, "compliant"));
    // Ending within the warning window: unlimited, but at risk.
    let mut ending = ent("s", "p", Metric::Site, 0);
    ending.ends_on = Some(d("2027-02-15"));
    let one = runs("p", vec![dev("a", None)]);
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        &[ending],
        &[],
        &one,
        &policy(),
    );
    assert_eq!(only(&b, "p", Metric::Site).status, "at_risk");
    // Once it has ended it covers nothing.
    let mut ended = ent("s", "p", Metric::Site, 0);
    ended.ends_on = Some(d("2026-12-31"));
    let one = runs("p", vec![dev("a", None)]);
    let b = book(
        d("2027-01-10"),
        &[prod("p")],
        &[ended],
        &[],
        &one,
        &policy(),
    );
    let p = only(&b, "p", Metric::Site);
    assert_eq!((p.entitled, p.status), (Some(0), "non_compliant"));
}

#[test]
fn downgrade_units_cover_older_versions_once_in_total() {
    let v = |id: &str, version: &str| Prod {
        id: id.into(),
        family: Some("Suite".into()),
        version: Some(version.into()),
    };
    let products = [v("2019", "2019"), v("2016", "2016"), v("2022", "2022")];
    // 10 bought without downgrade rights and 2 with: at most 2 go to the
    // older versions, however many there are.
    let mut down = ent("d", "2022", Metric::Device, 2);
    down.downgrade_rights = true;
    let plain = ent("p", "2022", Metric::Device, 10);
    let runs = BTreeMap::from([
        ("2019".to_owned(), vec![dev("a", None), dev("b", None)]),
        ("2016".to_owned(), vec![dev("c", None), dev("e", None)]),
    ]);
    let b = book(
        d("2027-01-10"),
        &products,
        &[down, plain],
        &[],
        &runs,
        &policy(),
    );
    assert_eq!(only(&b, "2022", Metric::Device).covers, 2);
    let covered =
        only(&b, "2019", Metric::Device).covered + only(&b, "2016", Metric::Device).covered;
    assert_eq!(covered, 2);
}

#[test]
fn downgrade_rights_cover_older_versions_of_the_family() {
    let family = |id: &str, v: &str| Prod {
        id: id.into(),
        family: Some("SQL Server Standard".into()),
        version: Some(v.into()),
    };
    let products = [family("2019", "2019"), family("2022", "2022")];
    let mut new = ent("n", "2022", Metric::Device, 3);
    new.downgrade_rights = true;
    let runs = BTreeMap::from([
        ("2022".to_owned(), vec![dev("a", None)]),
        (
            "2019".to_owned(),
            vec![dev("b", None), dev("c", None), dev("e", None)],
        ),
    ]);
    let b = book(
        d("2027-01-10"),
        &products,
        &[new.clone()],
        &[],
        &runs,
        &policy(),
    );
    let newer = only(&b, "2022", Metric::Device);
    let older = only(&b, "2019", Metric::Device);
    assert_eq!(
        (newer.consumed, newer.covers, newer.status),
        (3, 2, "at_risk")
    );
    assert_eq!(
        (older.consumed, older.covered, older.status),
        (1, 2, "non_compliant")
    );
    let covered = b.evidence["2019"]
        .iter()
        .filter(|c| c.covered_by.as_deref() == Some("2022"))
        .count();
    assert_eq!(covered, 2);
    // Without downgrade rights nothing moves.
    new.downgrade_rights = false;
    let b = book(d("2027-01-10"), &products, &[new], &[], &runs, &policy());
    assert_eq!(only(&b, "2019", Metric::Device).consumed, 3);
    assert_eq!(version_order("9.1", "10.0"), std::cmp::Ordering::Less);
    // Per core: the older version, with nothing bought, counts per core
    // too, under the newer one's core terms, and is covered.
    let mut cores = ent("c", "2022", Metric::Core, 16);
    (cores.downgrade_rights, cores.core) = (true, CoreTerms::of(None, Some(4), None, Some(2)));
    let runs = BTreeMap::from([("2019".to_owned(), vec![dev("b", None), dev("c", None)])]);
    let b = book(d("2027-01-10"), &products, &[cores], &[], &runs, &policy());
    let older = only(&b, "2019", Metric::Core);
    assert_eq!(
        (older.consumed, older.covered, older.status),
        (0, 8, "compliant")
    );
    assert_eq!(only(&b, "2022", Metric::Core).consumed, 8);
}
