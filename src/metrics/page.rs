//! The report as one printable HTML page: headline numbers with the change
//! against the month before, SVG charts drawn here with a table under each,
//! print CSS that fits A4, no script and nothing fetched from elsewhere.

use std::fmt::Write;

use super::chart::{self, Group, escape};
use super::definitions::DEFINITIONS;
use super::html::{
    DOCUMENT_STYLE, Embed, REPORT_STYLE, change, duration, figure, month_name, pct, share_change,
    short, table, tile, words,
};
use super::month::Month;
use super::report::{Report, TrendPoint};
use super::ticket_figures::Durations;
use super::workload::Load;

/// The page with its charts inline.
pub fn render(report: &Report) -> String {
    render_with(report, &mut |svg| svg)
}

/// The page, each chart placed by `embed`.
pub fn render_with(report: &Report, embed: Embed<'_>) -> String {
    let month = Month::parse(&report.month)
        .map(month_name)
        .unwrap_or_default();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>IT report {month}</title><style>{DOCUMENT_STYLE}{REPORT_STYLE}</style></head><body><main>"
    );
    let status = if report.frozen {
        "frozen figures"
    } else {
        "live figures"
    };
    let _ = write!(
        h,
        "<h1>IT report: {month}</h1><p class=\"meta\">Calendar month in {}, {status}, generated {} UTC, definitions version {}.</p>",
        escape(&report.time_zone),
        report.generated_at.format("%Y-%m-%d %H:%M"),
        report.definitions_version
    );
    h.push_str(&body(report, embed));
    h.push_str("</main></body></html>");
    h
}

/// The report's sections in one `<div class="report">` (the web page
/// puts it in its own layout).
pub fn body(report: &Report, embed: Embed<'_>) -> String {
    let mut h = String::from("<div class=\"report\">");
    headline(&mut h, report);
    tickets(&mut h, report, embed);
    sla(&mut h, report, embed);
    workload(&mut h, report);
    super::page_registers::sections(&mut h, report, embed);
    definitions(&mut h);
    h.push_str("</div>");
    h
}

fn headline(h: &mut String, r: &Report) {
    let before: Option<&TrendPoint> = r.trend.len().checked_sub(2).and_then(|i| r.trend.get(i));
    let t = &r.tickets;
    h.push_str("<section class=\"tiles\" aria-label=\"Headline numbers\">");
    tile(
        h,
        "Tickets created",
        &t.created.total.to_string(),
        &change(t.created.total, before.map(|b| b.created), false),
    );
    tile(
        h,
        "Tickets resolved",
        &t.resolved.to_string(),
        &change(t.resolved, before.map(|b| b.resolved), true),
    );
    tile(
        h,
        "Backlog at month end",
        &t.backlog_end.to_string(),
        &change(t.backlog_end, before.map(|b| b.backlog_end), false),
    );
    tile(
        h,
        "SLA attainment",
        &pct(r.sla.attainment),
        &share_change(
            r.sla.attainment,
            before.and_then(|b| b.sla_attainment),
            true,
        ),
    );
    tile(
        h,
        "Reopen rate",
        &pct(t.reopen_rate),
        &share_change(t.reopen_rate, before.and_then(|b| b.reopen_rate), false),
    );
    tile(
        h,
        "First-contact resolution",
        &pct(t.fcr_rate),
        &share_change(t.fcr_rate, before.and_then(|b| b.fcr_rate), true),
    );
    h.push_str("</section>");
}

fn tickets(h: &mut String, r: &Report, embed: Embed<'_>) {
    h.push_str("<section><h2>Tickets</h2>");
    twelve_months(h, r, embed);
    by_category(h, r, embed);
    dimension_tables(h, r);
    aging(h, r, embed);
    flow(h, r);
    h.push_str("</section>");
}

fn twelve_months(h: &mut String, r: &Report, embed: Embed<'_>) {
    h.push_str("<h3>Created and resolved, twelve months</h3>");
    let groups: Vec<Group> = r
        .trend
        .iter()
        .map(|p| Group {
            label: short(&p.month),
            values: vec![p.created, p.resolved],
        })
        .collect();
    figure(
        h,
        chart::grouped_bars(
            "Tickets created and resolved per month",
            &["Created", "Resolved"],
            &groups,
        ),
        embed,
    );
    let rows: Vec<Vec<String>> = r
        .trend
        .iter()
        .map(|p| {
            vec![
                p.month.clone(),
                p.created.to_string(),
                p.resolved.to_string(),
                p.backlog_end.to_string(),
                pct(p.sla_attainment),
            ]
        })
        .collect();
    table(
        h,
        "Twelve months",
        &[
            "Month",
            "Created#",
            "Resolved#",
            "Backlog at end#",
            "SLA attainment#",
        ],
        &rows,
    );
}

fn by_category(h: &mut String, r: &Report, embed: Embed<'_>) {
    let t = &r.tickets;
    h.push_str("<h3>Created by category</h3>");
    let mut by: Vec<(String, u64)> = t
        .created
        .by_category
        .iter()
        .map(|(k, v)| (words(k), *v))
        .collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    figure(h, chart::bars("Tickets created by category", &by), embed);
    let rows: Vec<Vec<String>> = by
        .iter()
        .map(|(k, v)| vec![k.clone(), v.to_string()])
        .collect();
    table(h, "By category", &["Category", "Created#"], &rows);
}

fn aging(h: &mut String, r: &Report, embed: Embed<'_>) {
    let t = &r.tickets;
    h.push_str("<h3>Backlog at month end by age</h3>");
    let aging = vec![
        ("0–2 days".to_owned(), t.aging_end.up_to_2),
        ("3–7 days".to_owned(), t.aging_end.up_to_7),
        ("8–30 days".to_owned(), t.aging_end.up_to_30),
        ("over 30 days".to_owned(), t.aging_end.older),
    ];
    figure(h, chart::bars("Backlog at month end by age", &aging), embed);
    let rows: Vec<Vec<String>> = aging
        .iter()
        .map(|(k, v)| vec![k.clone(), v.to_string()])
        .collect();
    table(h, "Backlog by age", &["Age", "Tickets#"], &rows);
}

fn flow(h: &mut String, r: &Report) {
    let t = &r.tickets;
    h.push_str("<h3>Flow and times</h3>");
    let rows = vec![
        vec!["Created".into(), t.created.total.to_string()],
        vec!["Resolved".into(), t.resolved.to_string()],
        vec!["Cancelled".into(), t.cancelled.to_string()],
        vec!["Backlog at the start".into(), t.backlog_start.to_string()],
        vec!["Backlog at the end".into(), t.backlog_end.to_string()],
        vec!["Reopen rate".into(), pct(t.reopen_rate)],
        vec!["First-contact resolution".into(), pct(t.fcr_rate)],
    ];
    table(h, "Flow", &["Figure", "Value#"], &rows);
    let times = |name: &str, d: &Durations| {
        vec![
            name.to_owned(),
            d.count.to_string(),
            duration(d.median_business_seconds),
            duration(d.p90_business_seconds),
        ]
    };
    let rows = vec![
        times("First response", &t.first_response),
        times("Resolution", &t.resolution),
    ];
    table(
        h,
        "Times",
        &[
            "Business time to",
            "Tickets#",
            "Median#",
            "90th percentile#",
        ],
        &rows,
    );
}

fn dimension_tables(h: &mut String, r: &Report) {
    let c = &r.tickets.created;
    let rows: Vec<Vec<String>> = [
        ("Type", &c.by_type),
        ("Priority", &c.by_priority),
        ("Channel", &c.by_channel),
        ("Queue", &c.by_queue),
    ]
    .iter()
    .flat_map(|(dim, map)| {
        map.iter()
            .map(move |(k, v)| vec![(*dim).to_owned(), words(k), v.to_string()])
    })
    .collect();
    table(
        h,
        "Created by type, priority, channel and queue",
        &["By", "Value", "Created#"],
        &rows,
    );
}

fn sla(h: &mut String, r: &Report, embed: Embed<'_>) {
    h.push_str("<section><h2>Service levels</h2><h3>Attainment, twelve months</h3>");
    let points: Vec<(String, Option<f64>)> = r
        .trend
        .iter()
        .map(|p| (short(&p.month), p.sla_attainment))
        .collect();
    figure(
        h,
        chart::share_line("SLA attainment per month", &points),
        embed,
    );
    let mut rows = Vec::new();
    for (name, c) in [
        ("First response", &r.sla.first_response),
        ("Next response", &r.sla.next_response),
        ("Resolution", &r.sla.resolution),
    ] {
        rows.push(vec![
            name.to_owned(),
            "all".into(),
            c.met.to_string(),
            c.breached.to_string(),
            pct(c.attainment),
        ]);
        for (p, a) in &c.by_priority {
            rows.push(vec![
                name.to_owned(),
                p.clone(),
                a.met.to_string(),
                a.breached.to_string(),
                pct(a.attainment),
            ]);
        }
    }
    table(
        h,
        "Clocks concluded in the month",
        &["Clock", "Priority", "Met#", "Breached#", "Attainment#"],
        &rows,
    );
    h.push_str("<h3>Queues that kept their service levels worst</h3>");
    let rows: Vec<Vec<String>> = r
        .sla
        .worst_queues
        .iter()
        .map(|q| {
            vec![
                q.queue.clone(),
                q.met.to_string(),
                q.breached.to_string(),
                pct(q.attainment),
            ]
        })
        .collect();
    table(
        h,
        "Worst queues",
        &["Queue", "Met#", "Breached#", "Attainment#"],
        &rows,
    );
    h.push_str("</section>");
}

fn loads(h: &mut String, caption: &str, who: &str, list: &[Load]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|l| {
            vec![
                l.name.clone(),
                l.assigned.to_string(),
                l.resolved.to_string(),
                l.open_end.to_string(),
                duration(l.median_resolution_business_seconds),
            ]
        })
        .collect();
    table(
        h,
        caption,
        &[
            who,
            "Assigned#",
            "Resolved#",
            "Open at end#",
            "Median resolution#",
        ],
        &rows,
    );
}

fn workload(h: &mut String, r: &Report) {
    h.push_str("<section><h2>Workload</h2><h3>By queue</h3>");
    loads(h, "By queue", "Queue", &r.workload.queues);
    h.push_str("<h3>By agent</h3>");
    loads(h, "By agent", "Agent", &r.workload.agents);
    h.push_str("</section>");
}

fn definitions(h: &mut String) {
    h.push_str("<section><h2>How each figure is counted</h2><dl>");
    for (s, m, d) in DEFINITIONS {
        let _ = write!(h, "<dt>{s}: {m}</dt><dd>{}</dd>", escape(d));
    }
    h.push_str("</dl></section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_compares_every_rate_with_the_month_before() {
        let mut r: Report = serde_json::from_str(
            r#"{"month": "2026-10", "time_zone": "Europe/Berlin", "definitions_version": 1,
                "generated_at": "2026-11-02T00:30:00Z", "frozen": false}"#,
        )
        .unwrap();
        r.tickets.reopen_rate = Some(0.25);
        r.tickets.fcr_rate = Some(0.5);
        let before = TrendPoint {
            month: "2026-09".into(),
            reopen_rate: Some(0.5),
            fcr_rate: Some(0.75),
            ..TrendPoint::default()
        };
        r.trend = vec![before, r.trend_point()];
        let mut h = String::new();
        headline(&mut h, &r);
        // Fewer reopens is better; less first-contact resolution is worse.
        assert!(
            h.contains("<b>25.0 %</b><span class=\"up\">-25.0 points against the month before"),
            "{h}"
        );
        assert!(
            h.contains("<b>50.0 %</b><span class=\"down\">-25.0 points against the month before"),
            "{h}"
        );
    }
}
