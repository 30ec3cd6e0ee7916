//! The report as one row per figure (`section, metric, dimension, value,
//! unit`): the CSV file, and the XLSX workbook's sheets.

use std::collections::BTreeMap;

use super::report::Report;
use super::sla_figures::ClockFigures;
use super::ticket_figures::Durations;
use super::workload::Load;

/// A figure's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing to divide or measure.
    None,
    Count(u64),
    Seconds(i64),
    Share(f64),
    /// A decimal amount in a currency (`1299.00`).
    Amount(String),
    Text(String),
}

/// One figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub section: &'static str,
    pub metric: String,
    /// What it is broken down by (`priority=P1`), empty for a total.
    pub dimension: String,
    pub value: Value,
    pub unit: String,
}

/// Collects a section's figures.
pub struct Rows<'a> {
    pub out: &'a mut Vec<Figure>,
    pub section: &'static str,
}

impl Rows<'_> {
    pub fn push(&mut self, metric: &str, dimension: String, value: Value, unit: &str) {
        self.out.push(Figure {
            section: self.section,
            metric: metric.to_owned(),
            dimension,
            value,
            unit: unit.to_owned(),
        });
    }

    pub fn count(&mut self, metric: &str, dimension: String, n: u64) {
        self.push(metric, dimension, Value::Count(n), "tickets");
    }

    pub fn share(&mut self, metric: &str, dimension: String, s: Option<f64>) {
        self.push(
            metric,
            dimension,
            s.map_or(Value::None, Value::Share),
            "share",
        );
    }

    pub fn seconds(&mut self, metric: &str, dimension: String, s: Option<i64>) {
        self.push(
            metric,
            dimension,
            s.map_or(Value::None, Value::Seconds),
            "business_seconds",
        );
    }

    pub fn counts(&mut self, metric: &str, by: &str, map: &BTreeMap<String, u64>) {
        for (k, n) in map {
            self.count(metric, format!("{by}={k}"), *n);
        }
    }

    fn durations(&mut self, metric: &str, d: &Durations) {
        self.count(&format!("{metric}.count"), String::new(), d.count);
        self.seconds(
            &format!("{metric}.median"),
            String::new(),
            d.median_business_seconds,
        );
        self.seconds(
            &format!("{metric}.p90"),
            String::new(),
            d.p90_business_seconds,
        );
    }
}

fn tickets(r: &Report, out: &mut Vec<Figure>) {
    let t = &r.tickets;
    let mut rows = Rows {
        out,
        section: "tickets",
    };
    rows.count("created", String::new(), t.created.total);
    rows.counts("created", "type", &t.created.by_type);
    rows.counts("created", "priority", &t.created.by_priority);
    rows.counts("created", "channel", &t.created.by_channel);
    rows.counts("created", "queue", &t.created.by_queue);
    rows.counts("created", "category", &t.created.by_category);
    rows.count("resolved", String::new(), t.resolved);
    rows.count("cancelled", String::new(), t.cancelled);
    rows.count("backlog_start", String::new(), t.backlog_start);
    rows.count("backlog_end", String::new(), t.backlog_end);
    rows.share("reopen_rate", String::new(), t.reopen_rate);
    rows.share("fcr_rate", String::new(), t.fcr_rate);
    for (age, n) in [
        ("0-2d", t.aging_end.up_to_2),
        ("3-7d", t.aging_end.up_to_7),
        ("8-30d", t.aging_end.up_to_30),
        (">30d", t.aging_end.older),
    ] {
        rows.count("aging_end", format!("age={age}"), n);
    }
    rows.durations("first_response", &t.first_response);
    rows.durations("resolution", &t.resolution);
}

fn clock(rows: &mut Rows<'_>, name: &str, c: &ClockFigures) {
    let unit = "clocks";
    rows.push(
        &format!("{name}.met"),
        String::new(),
        Value::Count(c.met),
        unit,
    );
    rows.push(
        &format!("{name}.breached"),
        String::new(),
        Value::Count(c.breached),
        unit,
    );
    rows.share(&format!("{name}.attainment"), String::new(), c.attainment);
    for (p, a) in &c.by_priority {
        let dim = format!("priority={p}");
        rows.push(
            &format!("{name}.met"),
            dim.clone(),
            Value::Count(a.met),
            unit,
        );
        rows.push(
            &format!("{name}.breached"),
            dim.clone(),
            Value::Count(a.breached),
            unit,
        );
        rows.share(&format!("{name}.attainment"), dim, a.attainment);
    }
}

fn sla(r: &Report, out: &mut Vec<Figure>) {
    let mut rows = Rows {
        out,
        section: "sla",
    };
    clock(&mut rows, "first_response", &r.sla.first_response);
    clock(&mut rows, "next_response", &r.sla.next_response);
    clock(&mut rows, "resolution", &r.sla.resolution);
    rows.share("attainment", String::new(), r.sla.attainment);
    for q in &r.sla.worst_queues {
        rows.share(
            "worst_queue.attainment",
            format!("queue={}", q.queue),
            q.attainment,
        );
        rows.push(
            "worst_queue.breached",
            format!("queue={}", q.queue),
            Value::Count(q.breached),
            "clocks",
        );
    }
}

fn loads(rows: &mut Rows<'_>, by: &str, list: &[Load]) {
    for l in list {
        let dim = format!("{by}={}", l.name);
        rows.count("assigned", dim.clone(), l.assigned);
        rows.count("resolved", dim.clone(), l.resolved);
        rows.count("open_end", dim.clone(), l.open_end);
        rows.seconds(
            "median_resolution",
            dim,
            l.median_resolution_business_seconds,
        );
    }
}

fn workload(r: &Report, out: &mut Vec<Figure>) {
    let mut rows = Rows {
        out,
        section: "workload",
    };
    loads(&mut rows, "queue", &r.workload.queues);
    loads(&mut rows, "agent", &r.workload.agents);
}

fn trend(r: &Report, out: &mut Vec<Figure>) {
    let mut rows = Rows {
        out,
        section: "trend",
    };
    for p in &r.trend {
        let dim = format!("month={}", p.month);
        rows.count("created", dim.clone(), p.created);
        rows.count("resolved", dim.clone(), p.resolved);
        rows.count("backlog_end", dim.clone(), p.backlog_end);
        rows.share("sla_attainment", dim.clone(), p.sla_attainment);
        rows.share("reopen_rate", dim.clone(), p.reopen_rate);
        rows.share("fcr_rate", dim, p.fcr_rate);
    }
}

/// The sections in report order, each with its figures.
pub const SECTIONS: &[&str] = &[
    "tickets",
    "sla",
    "workload",
    "trend",
    "assets",
    "licenses",
    "contracts",
    "onboarding",
    "vendors",
    "purchasing",
];

/// Every figure of the report, section by section.
pub fn figures(r: &Report) -> Vec<Figure> {
    let mut out = Vec::new();
    tickets(r, &mut out);
    sla(r, &mut out);
    workload(r, &mut out);
    trend(r, &mut out);
    super::register_figures::all(r, &mut out);
    out
}
