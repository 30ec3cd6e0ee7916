//! The register sections as one row per figure (see [`super::figures`]).

use super::figures::{Figure, Rows, Value};
use super::registers::ContractDate;
use super::report::Report;

fn assets(r: &Report, out: &mut Vec<Figure>) {
    let a = &r.assets;
    let mut rows = Rows {
        out,
        section: "assets",
    };
    for (k, n) in &a.by_status {
        rows.push(
            "by_status",
            format!("status={k}"),
            Value::Count(*n),
            "assets",
        );
    }
    for (k, n) in &a.by_category {
        rows.push(
            "by_category",
            format!("category={k}"),
            Value::Count(*n),
            "assets",
        );
    }
    rows.push(
        "deployed",
        String::new(),
        Value::Count(a.deployed),
        "assets",
    );
    rows.push("retired", String::new(), Value::Count(a.retired), "assets");
    rows.push(
        "warranties_ending_90d",
        String::new(),
        Value::Count(a.warranties_ending_90d),
        "assets",
    );
    rows.share("inventory_freshness", String::new(), a.inventory_freshness);
    for b in &a.book_value {
        let dim = format!("category={}", b.category);
        rows.push(
            "book_value",
            dim.clone(),
            Value::Amount(b.book_value.clone()),
            &b.currency,
        );
        rows.push("cost", dim, Value::Amount(b.cost.clone()), &b.currency);
    }
}

fn licenses(r: &Report, out: &mut Vec<Figure>) {
    let l = &r.licenses;
    let mut rows = Rows {
        out,
        section: "licenses",
    };
    for (m, n) in [
        ("positions", l.positions),
        ("compliant", l.compliant),
        ("at_risk", l.at_risk),
        ("non_compliant", l.non_compliant),
    ] {
        rows.push(m, String::new(), Value::Count(n), "positions");
    }
    for c in &l.costs {
        rows.push(
            "shortfall_cost",
            String::new(),
            Value::Amount(c.shortfall_cost.clone()),
            &c.currency,
        );
        rows.push(
            "unused_cost",
            String::new(),
            Value::Amount(c.unused_cost.clone()),
            &c.currency,
        );
    }
    for s in &l.shortfalls {
        let dim = format!("product={};metric={}", s.product, s.metric);
        rows.push(
            "shortfall",
            dim,
            Value::Count(s.shortfall as u64),
            "licences",
        );
    }
}

fn dates(rows: &mut Rows<'_>, metric: &str, list: &[ContractDate]) {
    rows.push(
        &format!("{metric}.count"),
        String::new(),
        Value::Count(list.len() as u64),
        "contracts",
    );
    for d in list {
        let dim = format!("contract={};vendor={}", d.contract, d.vendor);
        rows.push(metric, dim, Value::Text(d.date.to_string()), "date");
    }
}

fn contracts(r: &Report, out: &mut Vec<Figure>) {
    let c = &r.contracts;
    let mut rows = Rows {
        out,
        section: "contracts",
    };
    rows.push(
        "in_force",
        String::new(),
        Value::Count(c.in_force),
        "contracts",
    );
    for s in &c.committed_annual_spend {
        rows.push(
            "committed_annual_spend",
            String::new(),
            Value::Amount(s.annual.clone()),
            &s.currency,
        );
    }
    dates(&mut rows, "notice_deadline", &c.notice_deadlines_90d);
    dates(&mut rows, "renewal", &c.renewals_90d);
}

fn onboarding(r: &Report, out: &mut Vec<Figure>) {
    let o = &r.onboarding;
    let mut rows = Rows {
        out,
        section: "onboarding",
    };
    for (kind, f) in [
        ("onboard", &o.onboardings),
        ("offboard", &o.offboardings),
        ("move", &o.moves),
    ] {
        let dim = format!("kind={kind}");
        rows.push("completed", dim.clone(), Value::Count(f.completed), "runs");
        rows.push(
            "median_cycle",
            dim,
            f.median_cycle_seconds.map_or(Value::None, Value::Seconds),
            "seconds",
        );
    }
}

fn vendors(r: &Report, out: &mut Vec<Figure>) {
    let v = &r.vendors;
    let mut rows = Rows {
        out,
        section: "vendors",
    };
    rows.push(
        "escalations",
        String::new(),
        Value::Count(v.escalations),
        "tickets",
    );
    rows.share("response_attainment", String::new(), v.response_attainment);
    rows.share(
        "resolution_attainment",
        String::new(),
        v.resolution_attainment,
    );
    for m in &v.by_vendor {
        let dim = format!("vendor={}", m.vendor);
        rows.push(
            "escalations",
            dim.clone(),
            Value::Count(m.escalations),
            "tickets",
        );
        rows.share("response_attainment", dim.clone(), m.response_attainment);
        rows.share("resolution_attainment", dim, m.resolution_attainment);
    }
}

fn purchasing(r: &Report, out: &mut Vec<Figure>) {
    let p = &r.purchasing;
    let cur = p.currency.as_str();
    let mut rows = Rows {
        out,
        section: "purchasing",
    };
    let none = String::new;
    rows.push(
        "orders_placed",
        none(),
        Value::Count(p.orders_placed),
        "orders",
    );
    rows.push(
        "ordered_value",
        none(),
        Value::Amount(p.ordered_value.clone()),
        cur,
    );
    rows.push("receipts", none(), Value::Count(p.receipts), "receipts");
    rows.push(
        "units_received",
        none(),
        Value::Count(p.units_received),
        "units",
    );
    rows.push("invoices", none(), Value::Count(p.invoices), "invoices");
    rows.push(
        "invoiced_value",
        none(),
        Value::Amount(p.invoiced_value.clone()),
        cur,
    );
    rows.push(
        "invoices_flagged",
        none(),
        Value::Count(p.invoices_flagged),
        "invoices",
    );
    rows.push("open_orders", none(), Value::Count(p.open_orders), "orders");
    rows.push(
        "open_commitment",
        none(),
        Value::Amount(p.open_commitment.clone()),
        cur,
    );
    rows.push(
        "overdue_orders",
        none(),
        Value::Count(p.overdue_orders),
        "orders",
    );
    for v in &p.by_vendor {
        let dim = format!("vendor={}", v.vendor);
        rows.push(
            "orders_placed",
            dim.clone(),
            Value::Count(v.orders_placed),
            "orders",
        );
        rows.push(
            "ordered_value",
            dim,
            Value::Amount(v.ordered_value.clone()),
            cur,
        );
    }
}

/// Every register figure, section by section.
pub fn all(r: &Report, out: &mut Vec<Figure>) {
    assets(r, out);
    licenses(r, out);
    contracts(r, out);
    onboarding(r, out);
    vendors(r, out);
    purchasing(r, out);
}
