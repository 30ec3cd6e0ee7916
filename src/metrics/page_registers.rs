//! The report page's register sections: assets (with a chart by status),
//! licenses, contracts, onboarding, vendors and purchasing.

use super::chart;
use super::html::{Embed, duration, figure, pct, table, words};
use super::registers::ContractDate;
use super::report::Report;

fn assets(h: &mut String, r: &Report, embed: Embed<'_>) {
    let a = &r.assets;
    h.push_str("<section><h2>Assets</h2><h3>By status at month end</h3>");
    let mut by: Vec<(String, u64)> = a.by_status.iter().map(|(k, v)| (words(k), *v)).collect();
    by.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    figure(h, chart::bars("Assets by status at month end", &by), embed);
    let rows: Vec<Vec<String>> = by
        .iter()
        .map(|(k, v)| vec![k.clone(), v.to_string()])
        .collect();
    table(h, "Assets by status", &["Status", "Assets#"], &rows);
    let rows = vec![
        vec!["Deployed during the month".into(), a.deployed.to_string()],
        vec!["Retired during the month".into(), a.retired.to_string()],
        vec![
            "Warranties ending in the next 90 days".into(),
            a.warranties_ending_90d.to_string(),
        ],
        vec![
            "Deployed devices inventoried in the last 30 days".into(),
            pct(a.inventory_freshness),
        ],
    ];
    table(h, "Asset movements", &["Figure", "Value#"], &rows);
    h.push_str("<h3>In use by category</h3>");
    let rows: Vec<Vec<String>> = a
        .by_category
        .iter()
        .map(|(k, v)| vec![words(k), v.to_string()])
        .collect();
    table(h, "By category", &["Category", "Assets#"], &rows);
    h.push_str("<h3>Book value at month end</h3>");
    let rows: Vec<Vec<String>> = a
        .book_value
        .iter()
        .map(|b| {
            vec![
                words(&b.category),
                b.assets.to_string(),
                format!("{} {}", b.cost, b.currency),
                format!("{} {}", b.book_value, b.currency),
            ]
        })
        .collect();
    table(
        h,
        "Book value",
        &["Category", "Assets#", "Cost#", "Book value#"],
        &rows,
    );
    h.push_str("</section>");
}

fn licenses(h: &mut String, r: &Report) {
    let l = &r.licenses;
    h.push_str("<section><h2>Licenses</h2>");
    let rows = vec![vec![
        l.positions.to_string(),
        l.compliant.to_string(),
        l.at_risk.to_string(),
        l.non_compliant.to_string(),
    ]];
    table(
        h,
        "Compliance positions at month end",
        &["Positions#", "Compliant#", "At risk#", "Short#"],
        &rows,
    );
    let rows: Vec<Vec<String>> = l
        .costs
        .iter()
        .map(|c| {
            vec![
                c.currency.clone(),
                c.shortfall_cost.clone(),
                c.unused_cost.clone(),
            ]
        })
        .collect();
    table(
        h,
        "Costs",
        &["Currency", "Shortfall cost#", "Unused cost#"],
        &rows,
    );
    h.push_str("<h3>Short of licences</h3>");
    let rows: Vec<Vec<String>> = l
        .shortfalls
        .iter()
        .map(|s| {
            vec![
                s.product.clone(),
                words(&s.metric),
                s.entitled.map_or("unlimited".into(), |e| e.to_string()),
                s.consumed.to_string(),
                s.shortfall.to_string(),
                s.shortfall_cost.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        h,
        "Shortfalls",
        &[
            "Product",
            "Metric",
            "Entitled#",
            "Consumed#",
            "Short#",
            "Cost#",
        ],
        &rows,
    );
    h.push_str("</section>");
}

fn dates(h: &mut String, caption: &str, list: &[ContractDate]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|d| {
            vec![
                d.date.to_string(),
                d.contract.clone(),
                d.vendor.clone(),
                if d.auto_renew {
                    "renews".into()
                } else {
                    "ends".into()
                },
                d.annual_cost
                    .as_ref()
                    .map(|a| format!("{a} {}", d.currency.clone().unwrap_or_default()))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    table(
        h,
        caption,
        &["Date", "Contract", "Vendor", "Then", "Annual cost#"],
        &rows,
    );
}

fn contracts(h: &mut String, r: &Report) {
    let c = &r.contracts;
    h.push_str("<section><h2>Contracts</h2>");
    let mut rows = vec![vec!["Contracts in force".into(), c.in_force.to_string()]];
    for s in &c.committed_annual_spend {
        rows.push(vec![
            format!("Committed annual spend ({})", s.currency),
            s.annual.clone(),
        ]);
    }
    table(h, "Contracts in force", &["Figure", "Value#"], &rows);
    h.push_str("<h3>Notice deadlines in the next 90 days</h3>");
    dates(h, "Notice deadlines", &c.notice_deadlines_90d);
    h.push_str("<h3>Renewals and ends in the next 90 days</h3>");
    dates(h, "Renewals", &c.renewals_90d);
    h.push_str("</section>");
}

fn onboarding(h: &mut String, r: &Report) {
    let o = &r.onboarding;
    h.push_str("<section><h2>Onboarding</h2>");
    let rows: Vec<Vec<String>> = [
        ("Onboardings", &o.onboardings),
        ("Offboardings", &o.offboardings),
        ("Moves", &o.moves),
    ]
    .iter()
    .map(|(k, f)| {
        vec![
            (*k).to_owned(),
            f.completed.to_string(),
            duration(f.median_cycle_seconds),
        ]
    })
    .collect();
    table(
        h,
        "Runs completed",
        &["Run", "Completed#", "Median request to done#"],
        &rows,
    );
    h.push_str("</section>");
}

fn vendors(h: &mut String, r: &Report) {
    let v = &r.vendors;
    h.push_str("<section><h2>Vendors</h2>");
    let mut rows = vec![vec![
        "All vendors".to_owned(),
        v.escalations.to_string(),
        pct(v.response_attainment),
        pct(v.resolution_attainment),
    ]];
    rows.extend(v.by_vendor.iter().map(|m| {
        vec![
            m.vendor.clone(),
            m.escalations.to_string(),
            pct(m.response_attainment),
            pct(m.resolution_attainment),
        ]
    }));
    table(
        h,
        "Escalations to vendors",
        &[
            "Vendor",
            "Escalations#",
            "Answered in time#",
            "Resolved in time#",
        ],
        &rows,
    );
    h.push_str("</section>");
}

fn purchasing(h: &mut String, r: &Report) {
    let p = &r.purchasing;
    let money = |a: &str| format!("{a} {}", p.currency);
    h.push_str("<section><h2>Purchasing</h2>");
    let rows = vec![
        vec![
            "Orders placed".into(),
            p.orders_placed.to_string(),
            money(&p.ordered_value),
        ],
        vec![
            "Invoices received".into(),
            p.invoices.to_string(),
            money(&p.invoiced_value),
        ],
        vec![
            "Invoices off the received value".into(),
            p.invoices_flagged.to_string(),
            String::new(),
        ],
        vec![
            "Goods receipts".into(),
            format!("{} ({} units)", p.receipts, p.units_received),
            String::new(),
        ],
        vec![
            "Still on order at month end".into(),
            p.open_orders.to_string(),
            money(&p.open_commitment),
        ],
        vec![
            "Of those, past their expected day".into(),
            p.overdue_orders.to_string(),
            String::new(),
        ],
    ];
    table(
        h,
        "Purchasing in the month",
        &["Figure", "Count#", "Value#"],
        &rows,
    );
    h.push_str("<h3>Orders placed by vendor</h3>");
    let rows: Vec<Vec<String>> = p
        .by_vendor
        .iter()
        .map(|v| {
            vec![
                v.vendor.clone(),
                v.orders_placed.to_string(),
                money(&v.ordered_value),
            ]
        })
        .collect();
    table(
        h,
        "Orders by vendor",
        &["Vendor", "Orders#", "Value#"],
        &rows,
    );
    h.push_str("</section>");
}

/// Every register section.
pub fn sections(h: &mut String, r: &Report, embed: Embed<'_>) {
    assets(h, r, embed);
    licenses(h, r);
    contracts(h, r);
    onboarding(h, r);
    vendors(h, r);
    purchasing(h, r);
}
